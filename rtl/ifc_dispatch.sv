`default_nettype none
`include "ifc_assert.svh"
/// Dispatcher: routes every segment from its source to a PE lane, the corrector, or the scoreboard.
///
/// Sources: the Planes segment FIFOs (source p), the CorrPorts corrector outputs (source
/// Planes + c) and the read-retry unit's FIFO (source Planes + CorrPorts, ifc_read_retry). Sinks:
/// Lanes PE lanes, the CorrPorts corrector inputs, the fail channel to the scoreboard, the retry
/// request channel, or a drop. The head segment of every source is classified from its metadata
/// (docs/core.md; k = the segment's read-retry step, 0 for a plane segment):
///
///   | head                                   | action | needs                                     |
///   |----------------------------------------|--------|-------------------------------------------|
///   | plane, g >= nsegs (past the GEMV)      | DROP   | nothing: its beats are discarded          |
///   | plane/retry, NAND read error           | FAIL   | window, order, the fail channel           |
///   | plane/retry, dirty and not erased      | CORR   | window, order, the corrector (one source) |
///   | plane/retry, clean or erased (ones)    | LANE   | window, order, a free lane                |
///   | corrector, uncorrectable, k < RetryMax | RETRY  | window, order, the retry request channel  |
///   | corrector, uncorrectable, k = RetryMax | FAIL   | window, order, the fail channel           |
///   | corrector, corrected                   | LANE   | window, order, a free lane                |
///
/// RETRY drops the segment's beats and sends {g, s, k + 1} to ifc_read_retry, which re-reads the
/// segment at read-level step k + 1; it comes back as the retry source with the same g (the
/// scoreboard has not committed past g: it is still inside the window, so it is always eligible).
/// Retry requests are reserved before they can exist: a plane segment binds to the corrector only
/// while fewer than RetryDepth segments hold a reservation (in the corrector, on the request
/// channel, queued or being re-read), so the retry queue (RetryDepth entries) never overflows and
/// the corrector -> retry -> corrector loop cannot deadlock (every corrector output has a place to
/// go). With RetryMax = 0 nothing is reserved and the block behaves exactly as without retry.
///
/// "window": g < limit_i (the scoreboard's credit). "order": in out-of-order mode any head may go;
/// in in-order mode (inorder_i) only the head with g == the next segment in g order, so a dirty
/// segment stalls everything behind it until it comes back corrected (the baseline). At most one
/// source is bound to a lane per cycle (corrector outputs first, then planes 0..P-1), one source
/// streams into each corrector port at a time, and one FAIL is issued per cycle. A bound source streams the
/// segment's payload beats to its lane (the lane's valid/ready), then drops the spare-slot beats.
///
/// Handshake : every port valid/ready; seg_valid_o[l] only when lane l is free (seg_ready_i[l]).
/// Throughput: one beat per cycle per source; a segment costs one extra cycle for its binding.
/// Parameters: Planes, Lanes, CorrPorts (corrector input/output port pairs), BeatW, SegBeats,
///             PayBeats (payload beats per segment), RemW, RetryMax (read-retry steps before a
///             segment fails; 0: no retry), RetryDepth (retry reservations, = ifc_read_retry Depth).
///             Corrector tags are {step[3:0], s[15:0], g[31:0]}.
module ifc_dispatch #(
  parameter int unsigned Planes   = ifc_pkg::DEF_PLANES,
  parameter int unsigned Lanes    = 4,
  parameter int unsigned CorrPorts = 1,
  parameter int unsigned BeatW    = 64,
  parameter int unsigned SegBeats = 34,
  parameter int unsigned PayBeats = 32,
  parameter int unsigned RemW     = 96,
  parameter int unsigned RetryMax = 0,
  parameter int unsigned RetryDepth = 16,
  localparam int unsigned MetaW   = 51 + RemW,
  localparam int unsigned CTagW   = 52,
  localparam int unsigned NS      = Planes + CorrPorts + 1,
  localparam int unsigned RS      = Planes + CorrPorts,   // the retry source
  localparam int unsigned RVW     = $clog2(RetryDepth + 1) + 1,
  localparam int unsigned NC      = CorrPorts,
  localparam int unsigned PW      = (CorrPorts > 1) ? $clog2(CorrPorts) : 1,
  localparam int unsigned CW      = $clog2(SegBeats + 1),
  localparam int unsigned LW      = (Lanes > 1) ? $clog2(Lanes) : 1,
  localparam int unsigned SrcW    = $clog2(NS)
) (
  input  wire logic                     clk_i,
  input  wire logic                     rst_ni,
  input  wire logic                     clear_i,       // a new GEMV (or ATTN phase) starts: segment tags from 0
  input  wire logic                     cnt_clear_i,   // a new command starts: counters to zero
  input  wire logic                     inorder_i,
  input  wire logic [1:0]               dtype_i,
  input  wire logic [31:0]              nsegs_i,
  input  wire logic [31:0]              limit_i,
  // plane segment FIFOs
  input  wire logic [Planes-1:0]        src_valid_i,
  output      logic [Planes-1:0]        src_ready_o,
  input  wire logic [Planes*BeatW-1:0]  src_data_i,
  input  wire logic [Planes*MetaW-1:0]  src_meta_i,
  // corrector input
  output      logic [NC-1:0]            cin_valid_o,
  input  wire logic [NC-1:0]            cin_ready_i,
  output      logic [NC*BeatW-1:0]      cin_data_o,
  output      logic [NC-1:0]            cin_last_o,
  output      logic [NC*CTagW-1:0]      cin_tag_o,
  output      logic [NC*RemW-1:0]       cin_rem_o,
  // corrector output
  input  wire logic [NC-1:0]            cout_valid_i,
  output      logic [NC-1:0]            cout_ready_o,
  input  wire logic [NC*BeatW-1:0]      cout_data_i,
  input  wire logic [NC*CTagW-1:0]      cout_tag_i,
  input  wire logic [NC-1:0]            cout_unc_i,
  // PE lanes
  output      logic [Lanes-1:0]         seg_valid_o,
  input  wire logic [Lanes-1:0]         seg_ready_i,
  output      logic [Lanes*32-1:0]      seg_tag_o,
  output      logic [Lanes*32-1:0]      seg_act_elem_o,
  output      logic [Lanes-1:0]         beat_valid_o,
  input  wire logic [Lanes-1:0]         beat_ready_i,
  output      logic [Lanes*BeatW-1:0]   beat_data_o,
  output      logic [Lanes-1:0]         beat_last_o,
  // failed segments to the scoreboard
  output      logic                     fail_valid_o,
  input  wire logic                     fail_ready_i,
  output      logic [31:0]              fail_g_o,
  // re-read segments from ifc_read_retry (meta as src_meta_i) and retry requests to it
  input  wire logic                     rty_valid_i,
  output      logic                     rty_ready_o,
  input  wire logic [BeatW-1:0]         rty_data_i,
  input  wire logic [MetaW-1:0]         rty_meta_i,
  input  wire logic [3:0]               rty_step_i,
  output      logic                     rq_valid_o,
  input  wire logic                     rq_ready_i,
  output      logic [31:0]              rq_g_o,
  output      logic [15:0]              rq_s_o,
  output      logic [3:0]               rq_step_o,
  // status and counters (since cnt_clear_i)
  output      logic                     idle_o,
  output      logic [31:0]              cnt_clean_o,
  output      logic [31:0]              cnt_erased_o,
  output      logic [31:0]              cnt_corrected_o,
  output      logic [31:0]              cnt_uncorrectable_o,
  output      logic [31:0]              cnt_read_err_o,
  output      logic [31:0]              stall_window_o,
  output      logic [31:0]              stall_lanes_o,
  output      logic [31:0]              stall_corrector_o,
  output      logic [31:0]              stall_inorder_o,
  output      logic [31:0]              cnt_recovered_o,   // segments that reached a lane after >= 1 retry
  output      logic [31:0]              cnt_exhausted_o    // segments failed after RetryMax retries
);
  localparam logic [1:0] SIdle = 2'd0, SLane = 2'd1, SCorr = 2'd2, SDrain = 2'd3;
  localparam logic [1:0] ADrop = 2'd0, AFail = 2'd1, ACorr = 2'd2, ALane = 2'd3;

  // Per-source state (flattened vectors: source i at [i*W +: W]).
  logic [NS*2-1:0]  st_q, st_d;
  logic [NS*CW-1:0] cnt_q, cnt_d;
  logic [NS*LW-1:0] lane_q, lane_d;
  logic [NS-1:0]    ones_q, ones_d;     // stream all-ones data (erased segment)
  logic [Lanes-1:0] lbusy_q, lbusy_d;
  logic [NC-1:0]    cbusy_q, cbusy_d;
  logic [NS*PW-1:0] cport_q, cport_d;   // corrector port a source streams into
  logic             fv_q, fv_d;
  logic [31:0]      fg_q, fg_d;
  logic [31:0]      next_g_q, next_g_d;
  logic [31:0]      c_clean_q, c_clean_d, c_erased_q, c_erased_d, c_corr_q, c_corr_d, c_unc_q, c_unc_d;
  logic [31:0]      c_rerr_q, c_rerr_d, s_win_q, s_win_d, s_lane_q, s_lane_d, s_corr_q, s_corr_d;
  logic [31:0]      s_ord_q, s_ord_d;
  logic             wait_corr_q, wait_corr_d;
  logic             rv_q, rv_d;         // retry request register
  logic [31:0]      rg_q, rg_d;
  logic [15:0]      rs_q, rs_d;
  logic [3:0]       rk_q, rk_d;
  logic [RVW-1:0]   resv_q, resv_d;     // retry reservations held
  logic [31:0]      c_rec_q, c_rec_d, c_exh_q, c_exh_d;
  // Lane descriptors: registered, held until the lane takes them (valid never waits on ready).
  logic [Lanes-1:0]    dv_q, dv_d;
  logic [Lanes*32-1:0] dtag_q, dtag_d, dact_q, dact_d;

  // Source views.
  logic [NS-1:0]       sv, srdy, sfire;
  logic [NS*BeatW-1:0] sdata;
  logic [NS*32-1:0]    sg;
  logic [NS*16-1:0]    ss;
  logic [NS*2-1:0]     sact;
  logic [NS-1:0]       selig, shead;
  logic [NS-1:0]       serased;
  logic [NS-1:0]       sretry;          // uncorrectable and retries left
  logic [NS*4-1:0]     sstep;

  always_comb begin
    for (int i = 0; i < NS; i++) begin
      sretry[i] = 1'b0;
      sstep[i*4 +: 4] = '0;
      if (i < Planes) begin
        sv[i]                 = src_valid_i[i];
        sdata[i*BeatW +: BeatW] = src_data_i[i*BeatW +: BeatW];
        sg[i*32 +: 32]        = src_meta_i[i*MetaW +: 32];
        ss[i*16 +: 16]        = src_meta_i[i*MetaW + 32 +: 16];
        serased[i]            = src_meta_i[i*MetaW + 49];
        if (sg[i*32 +: 32] >= nsegs_i)                 sact[i*2 +: 2] = ADrop;
        else if (src_meta_i[i*MetaW + 50])             sact[i*2 +: 2] = AFail;
        else if (src_meta_i[i*MetaW + 48] && !serased[i]) sact[i*2 +: 2] = ACorr;
        else                                           sact[i*2 +: 2] = ALane;
      end else if (i == RS) begin
        sv[i]                 = rty_valid_i;
        sdata[i*BeatW +: BeatW] = rty_data_i;
        sg[i*32 +: 32]        = rty_meta_i[31:0];
        ss[i*16 +: 16]        = rty_meta_i[47:32];
        serased[i]            = rty_meta_i[49];
        sstep[i*4 +: 4]       = rty_step_i;
        if (rty_meta_i[50])                      sact[i*2 +: 2] = AFail;
        else if (rty_meta_i[48] && !serased[i])  sact[i*2 +: 2] = ACorr;
        else                                     sact[i*2 +: 2] = ALane;
      end else begin
        sv[i]                 = cout_valid_i[i - Planes];
        sdata[i*BeatW +: BeatW] = cout_data_i[(i - Planes)*BeatW +: BeatW];
        sg[i*32 +: 32]        = cout_tag_i[(i - Planes)*CTagW +: 32];
        ss[i*16 +: 16]        = cout_tag_i[(i - Planes)*CTagW + 32 +: 16];
        sstep[i*4 +: 4]       = cout_tag_i[(i - Planes)*CTagW + 48 +: 4];
        serased[i]            = 1'b0;
        sact[i*2 +: 2]        = cout_unc_i[i - Planes] ? AFail : ALane;
        sretry[i]             = cout_unc_i[i - Planes] && (sstep[i*4 +: 4] != 4'(RetryMax));  // step <= RetryMax always
      end
      shead[i] = sv[i] && (st_q[i*2 +: 2] == SIdle) && (cnt_q[i*CW +: CW] == '0);
      selig[i] = (sg[i*32 +: 32] < limit_i) && (!inorder_i || (sg[i*32 +: 32] == next_g_q));
    end
  end

  // Activation element index of a k-slice: s * elements per segment, for a payload of
  // P = PayBeats * BeatW / 8 bytes (a power of two): P / 2 (BF16), 2 P (INT4), P (INT8).
  localparam int unsigned PayLog2 = $clog2(PayBeats * BeatW / 8);
  function automatic logic [31:0] act_elem(input logic [15:0] s, input logic [1:0] dt);
    if (dt == 2'd1)      act_elem = 32'(s) << (PayLog2 - 1);
    else if (dt == 2'd2) act_elem = 32'(s) << (PayLog2 + 1);
    else                 act_elem = 32'(s) << PayLog2;
  endfunction

  logic          any_lane_src, any_free_lane, want_lane, want_corr, want_fail, want_retry;
  logic [SrcW-1:0] lane_src, fail_src, scan_src, retry_src, cand;
  logic [RVW-1:0]  nres;
  logic          st_win, st_lanes, st_corr;
  logic [CW-1:0] c;
  logic [LW-1:0] l;  // lane bound to the source being updated
  logic [CW-1:0] rc;
  logic [PW-1:0] rp;
  logic [Planes:0] taken;
  logic          got;
  logic [LW-1:0] rl;
  logic [LW-1:0] free_lane;

  always_comb begin
    // Defaults
    st_d = st_q; cnt_d = cnt_q; lane_d = lane_q; ones_d = ones_q; lbusy_d = lbusy_q;
    cbusy_d = cbusy_q; cport_d = cport_q; fv_d = fv_q; fg_d = fg_q; next_g_d = next_g_q;
    c_clean_d = c_clean_q; c_erased_d = c_erased_q; c_corr_d = c_corr_q; c_unc_d = c_unc_q;
    c_rerr_d = c_rerr_q; s_win_d = s_win_q; s_lane_d = s_lane_q; s_corr_d = s_corr_q; s_ord_d = s_ord_q;
    wait_corr_d = wait_corr_q;
    dv_d = dv_q & ~seg_ready_i; dtag_d = dtag_q; dact_d = dact_q;
    rv_d = rv_q; rg_d = rg_q; rs_d = rs_q; rk_d = rk_q; resv_d = resv_q; c_rec_d = c_rec_q; c_exh_d = c_exh_q;

    // ---- classification of the heads ------------------------------------------------------
    any_lane_src = 1'b0; lane_src = '0;
    want_corr = 1'b0;
    want_fail = 1'b0; fail_src = '0;
    want_retry = 1'b0; retry_src = '0;
    // corrector outputs have priority for lanes: scan them first, then the retry source, then planes
    for (int k = 0; k < NS; k++) begin
      scan_src = (k < NC) ? SrcW'(Planes + k) : (k == NC) ? SrcW'(RS) : SrcW'(k - NC - 1);
      if (shead[scan_src] && selig[scan_src] && sact[scan_src*2 +: 2] == ALane && !any_lane_src) begin
        any_lane_src = 1'b1; lane_src = scan_src;
      end
    end
    for (int i = 0; i < NS; i++) begin
      if ((i < Planes || i == RS) && shead[i] && selig[i] && sact[i*2 +: 2] == ACorr) want_corr = 1'b1;
    end
    for (int i = 0; i < NS; i++) begin
      if (shead[i] && selig[i] && sact[i*2 +: 2] == AFail && !sretry[i] && !want_fail) begin
        want_fail = 1'b1; fail_src = SrcW'(i);
      end
      if (shead[i] && selig[i] && sretry[i] && !want_retry) begin
        want_retry = 1'b1; retry_src = SrcW'(i);
      end
    end
    any_free_lane = 1'b0; free_lane = '0;
    for (int j = 0; j < Lanes; j++) begin
      if (!lbusy_q[j] && !dv_q[j] && !any_free_lane) begin
        any_free_lane = 1'b1; free_lane = LW'(j);
      end
    end
    want_lane = any_lane_src && any_free_lane;

    // ---- stall accounting ------------------------------------------------------------------
    st_win = 1'b0;
    for (int i = 0; i < NS; i++) begin
      if (shead[i] && sact[i*2 +: 2] != ADrop && !(sg[i*32 +: 32] < limit_i)) st_win = 1'b1;
    end
    st_lanes = any_lane_src && !any_free_lane;
    st_corr  = want_corr && ((~cbusy_q & cin_ready_i) == '0);
    if (st_win)      s_win_d  = s_win_q + 1'b1;
    if (st_lanes)    s_lane_d = s_lane_q + 1'b1;
    if (st_corr)     s_corr_d = s_corr_q + 1'b1;
    if (wait_corr_q) s_ord_d  = s_ord_q + 1'b1;

    // ---- bindings --------------------------------------------------------------------------
    if (want_lane) begin
      dv_d[free_lane] = 1'b1;
      dtag_d[free_lane*32 +: 32] = sg[lane_src*32 +: 32];
      dact_d[free_lane*32 +: 32] = act_elem(ss[lane_src*16 +: 16], dtype_i);
      st_d[lane_src*2 +: 2] = SLane;
      lane_d[lane_src*LW +: LW] = free_lane;
      ones_d[lane_src] = serased[lane_src];
      lbusy_d[free_lane] = 1'b1;
      next_g_d = next_g_q + 1'b1;
      wait_corr_d = 1'b0;
      if (lane_src >= SrcW'(Planes) && lane_src != SrcW'(RS)) c_corr_d = c_corr_q + 1'b1;
      else if (serased[lane_src]) c_erased_d = c_erased_q + 1'b1;
      else c_clean_d = c_clean_q + 1'b1;
      if (sstep[lane_src*4 +: 4] != '0) c_rec_d = c_rec_q + 1'b1;
      if (RetryMax > 0 && lane_src >= SrcW'(Planes)) resv_d = resv_d - 1'b1;
    end
    // Each free corrector port takes the first eligible dirty head not taken by a lower port: the
    // retry source first (it carries its reservation), then planes 0..P-1 (each needs a free
    // reservation when retry is on).
    taken = '0;
    nres = resv_q;
    for (int c2 = 0; c2 < NC; c2++) begin
      got = 1'b0;
      for (int k = 0; k <= Planes; k++) begin
        cand = (k == 0) ? SrcW'(RS) : SrcW'(k - 1);
        if (!got && !cbusy_q[c2] && cin_ready_i[c2] && !taken[k] &&
            shead[cand] && selig[cand] && sact[cand*2 +: 2] == ACorr &&
            (RetryMax == 0 || k == 0 || nres < RVW'(RetryDepth))) begin
          got = 1'b1;
          taken[k] = 1'b1;
          st_d[cand*2 +: 2] = SCorr;
          cport_d[cand*PW +: PW] = PW'(c2);
          cbusy_d[c2] = 1'b1;
          if (inorder_i) wait_corr_d = 1'b1;
          if (RetryMax > 0 && k != 0) nres = nres + 1'b1;
        end
      end
    end
    resv_d = resv_d + (nres - resv_q);
    if (want_fail && (!fv_q || fail_ready_i)) begin
      st_d[fail_src*2 +: 2] = SDrain;
      fv_d = 1'b1;
      fg_d = sg[fail_src*32 +: 32];
      next_g_d = next_g_d + 1'b1;
      wait_corr_d = 1'b0;
      if (fail_src >= SrcW'(Planes) && fail_src != SrcW'(RS)) c_unc_d = c_unc_q + 1'b1;
      else c_rerr_d = c_rerr_q + 1'b1;
      if (fail_src >= SrcW'(Planes) && fail_src != SrcW'(RS) && sstep[fail_src*4 +: 4] != '0)
        c_exh_d = c_exh_q + 1'b1;
      if (RetryMax > 0 && fail_src >= SrcW'(Planes)) resv_d = resv_d - 1'b1;
    end else if (fv_q && fail_ready_i) begin
      fv_d = 1'b0;
    end
    // RETRY: the segment's beats are dropped, its request goes to the retry unit (it keeps its
    // reservation and its place in g order: next_g does not advance).
    if (want_retry && (!rv_q || rq_ready_i)) begin
      st_d[retry_src*2 +: 2] = SDrain;
      rv_d = 1'b1;
      rg_d = sg[retry_src*32 +: 32];
      rs_d = ss[retry_src*16 +: 16];
      rk_d = sstep[retry_src*4 +: 4] + 1'b1;
    end else if (rv_q && rq_ready_i) begin
      rv_d = 1'b0;
    end
    for (int i = 0; i < NS; i++) begin
      if (shead[i] && sact[i*2 +: 2] == ADrop) st_d[i*2 +: 2] = SDrain;
    end

    // ---- state changes of the beat routing (the routing itself is in the blocks below) --------
    for (int i = 0; i < NS; i++) begin
      c = cnt_q[i*CW +: CW];
      l = lane_q[i*LW +: LW];
      if (sfire[i]) begin
        cnt_d[i*CW +: CW] = (c == CW'(SegBeats - 1)) ? '0 : c + 1'b1;
        case (st_q[i*2 +: 2])
          SLane: if (c == CW'(PayBeats - 1)) begin
            lbusy_d[l] = 1'b0;
            st_d[i*2 +: 2] = (SegBeats > PayBeats) ? SDrain : SIdle;
          end
          SCorr: if (c == CW'(SegBeats - 1)) begin
            st_d[i*2 +: 2] = SIdle;
            cbusy_d[cport_q[i*PW +: PW]] = 1'b0;
          end
          SDrain: if (c == CW'(SegBeats - 1)) st_d[i*2 +: 2] = SIdle;
          default: ;
        endcase
      end
    end

  end

  // clear_i restarts the segment order (next_g, the in-order wait), cnt_clear_i zeroes the
  // counters (once a command: an ATTN's phases add up). It is applied here, not in the next-state block above:
  // clear_i comes combinationally from the host command port, and a block that reads a top-level
  // input is evaluated once more on every input change in simulation (the next-state block is one
  // of the core's largest).
  logic [31:0] next_g_c, c_clean_c, c_erased_c, c_corr_c, c_unc_c, c_rerr_c;
  logic [31:0] s_win_c, s_lane_c, s_corr_c, s_ord_c, c_rec_c, c_exh_c;
  logic        wait_corr_c;
  always_comb begin
    next_g_c = next_g_d; c_clean_c = c_clean_d; c_erased_c = c_erased_d; c_corr_c = c_corr_d;
    c_unc_c = c_unc_d; c_rerr_c = c_rerr_d; s_win_c = s_win_d; s_lane_c = s_lane_d; s_corr_c = s_corr_d;
    s_ord_c = s_ord_d; wait_corr_c = wait_corr_d; c_rec_c = c_rec_d; c_exh_c = c_exh_d;
    if (clear_i) begin
      next_g_c = '0; wait_corr_c = 1'b0;
    end
    if (cnt_clear_i) begin
      c_clean_c = '0; c_erased_c = '0; c_corr_c = '0; c_unc_c = '0; c_rerr_c = '0;
      s_win_c = '0; s_lane_c = '0; s_corr_c = '0; s_ord_c = '0; c_rec_c = '0; c_exh_c = '0;
    end
  end

  // Beat routing, forward (valid and data: never a function of any ready).
  always_comb begin
    beat_valid_o = '0; beat_data_o = '0; beat_last_o = '0;
    cin_valid_o = '0; cin_data_o = '0; cin_last_o = '0; cin_tag_o = '0; cin_rem_o = '0; rp = '0;
    for (int i = 0; i < NS; i++) begin
      rc = cnt_q[i*CW +: CW];
      rl = lane_q[i*LW +: LW];
      if (st_q[i*2 +: 2] == SLane) begin
        beat_valid_o[rl] = sv[i];
        beat_data_o[rl*BeatW +: BeatW] = ones_q[i] ? {BeatW{1'b1}} : sdata[i*BeatW +: BeatW];
        beat_last_o[rl] = (rc == CW'(PayBeats - 1));
      end else if (st_q[i*2 +: 2] == SCorr) begin
        rp = cport_q[i*PW +: PW];
        cin_valid_o[rp] = sv[i];
        cin_data_o[rp*BeatW +: BeatW] = sdata[i*BeatW +: BeatW];
        cin_last_o[rp]  = (rc == CW'(SegBeats - 1));
        cin_tag_o[rp*CTagW +: CTagW] = {sstep[i*4 +: 4], ss[i*16 +: 16], sg[i*32 +: 32]};
        if (i < Planes)   cin_rem_o[rp*RemW +: RemW] = src_meta_i[i*MetaW + 51 +: RemW];
        else if (i == RS) cin_rem_o[rp*RemW +: RemW] = rty_meta_i[51 +: RemW];
      end
    end
  end

  // Beat routing, backward (each source's ready from its sink).
  always_comb begin
    srdy = '0;
    for (int i = 0; i < NS; i++) begin
      case (st_q[i*2 +: 2])
        SLane:   srdy[i] = beat_ready_i[lane_q[i*LW +: LW]];
        SCorr:   srdy[i] = cin_ready_i[cport_q[i*PW +: PW]];
        SDrain:  srdy[i] = 1'b1;
        default: srdy[i] = 1'b0;
      endcase
    end
    sfire = sv & srdy;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      dv_q <= '0;
      st_q <= '0; cnt_q <= '0; lbusy_q <= '0; cbusy_q <= '0; fv_q <= 1'b0; next_g_q <= '0;
      c_clean_q <= '0; c_erased_q <= '0; c_corr_q <= '0; c_unc_q <= '0; c_rerr_q <= '0;
      s_win_q <= '0; s_lane_q <= '0; s_corr_q <= '0; s_ord_q <= '0; wait_corr_q <= 1'b0;
      rv_q <= 1'b0; resv_q <= '0; c_rec_q <= '0; c_exh_q <= '0;
    end else begin
      dv_q <= dv_d;
      st_q <= st_d; cnt_q <= cnt_d; lbusy_q <= lbusy_d; cbusy_q <= cbusy_d; fv_q <= fv_d; next_g_q <= next_g_c;
      c_clean_q <= c_clean_c; c_erased_q <= c_erased_c; c_corr_q <= c_corr_c; c_unc_q <= c_unc_c;
      c_rerr_q <= c_rerr_c; s_win_q <= s_win_c; s_lane_q <= s_lane_c; s_corr_q <= s_corr_c;
      s_ord_q <= s_ord_c; wait_corr_q <= wait_corr_c;
      rv_q <= rv_d; resv_q <= resv_d; c_rec_q <= c_rec_c; c_exh_q <= c_exh_c;
    end
  end
  always_ff @(posedge clk_i) begin
    cport_q <= cport_d;
    lane_q <= lane_d; ones_q <= ones_d; fg_q <= fg_d; dtag_q <= dtag_d; dact_q <= dact_d;
    rg_q <= rg_d; rs_q <= rs_d; rk_q <= rk_d;
  end

  assign seg_valid_o    = dv_q;
  assign seg_tag_o      = dtag_q;
  assign seg_act_elem_o = dact_q;
  assign src_ready_o  = srdy[Planes-1:0];
  assign cout_ready_o = srdy[RS-1:Planes];
  assign rty_ready_o  = srdy[RS];
  assign rq_valid_o   = rv_q;
  assign rq_g_o       = rg_q;
  assign rq_s_o       = rs_q;
  assign rq_step_o    = rk_q;
  assign cnt_recovered_o = c_rec_q;
  assign cnt_exhausted_o = c_exh_q;
  assign fail_valid_o = fv_q;
  assign fail_g_o     = fg_q;
  assign idle_o       = (st_q == '0) && !fv_q && !rv_q && (lbusy_q == '0) && (dv_q == '0) && (cbusy_q == '0);
  assign cnt_clean_o = c_clean_q;
  assign cnt_erased_o = c_erased_q;
  assign cnt_corrected_o = c_corr_q;
  assign cnt_uncorrectable_o = c_unc_q;
  assign cnt_read_err_o = c_rerr_q;
  assign stall_window_o = s_win_q;
  assign stall_lanes_o = s_lane_q;
  assign stall_corrector_o = s_corr_q;
  assign stall_inorder_o = s_ord_q;

  // Assertions
  // act_elem shifts by log2(payload bytes): the payload must be a power of two (as ifc_core asserts).
  `IFC_ASSERT_INIT(PayloadPow2_A, ((PayBeats * BeatW / 8) & ((PayBeats * BeatW / 8) - 1)) == 0)
  `IFC_ASSERT_STABLE(SegStable_A, seg_valid_o[0], seg_ready_i[0], {seg_tag_o[31:0], seg_act_elem_o[31:0]})
  `IFC_ASSERT_STABLE(FailStable_A, fail_valid_o, fail_ready_i, fail_g_o)
  `IFC_ASSERT_KNOWN(FailValidKnown_A, fail_valid_o)
  `IFC_ASSERT_STABLE(RetryReqStable_A, rq_valid_o, rq_ready_i, {rq_g_o, rq_s_o, rq_step_o})
  `IFC_ASSERT(ReservationsBounded_A, resv_q <= RVW'(RetryDepth))
  `IFC_ASSERT(NoRetryWithoutRetryMax_A, (RetryMax == 0) |-> !rq_valid_o)

endmodule
`default_nettype wire
