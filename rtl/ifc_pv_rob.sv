`default_nettype none
`include "ifc_assert.svh"
/// ifc_pv_rob: the reorder buffer between the read path and the p.V lane (ATTN, docs/kvnand.md).
///
/// In p.V mode the dispatcher's segments do not go to the PE lanes: they are V segments, g = t*S + s
/// (token t, slice s of its D elements), which the read path delivers out of order (a dirty segment
/// is overtaken while the corrector works on it). ifc_pv_lane needs them in g order (tokens in
/// order, each token's D/4 beats in element order), which is the documented accumulation order. This
/// buffer takes the segments in the PE lanes' place and releases them strictly in g order:
///
///   | event                                   | action                                           |
///   |-----------------------------------------|--------------------------------------------------|
///   | segment g bound (seg_*), head<=g<limit  | its PayBeats beats go to slot g mod Segs         |
///   | last beat of g                          | slot valid                                       |
///   | fail g (uncorrectable after retries)    | slot valid and failed: it reads as zeros         |
///   | slot of head valid                      | its beats go out on v_* in order; after the last |
///   |                                         | one the slot is free and head, limit_o advance   |
///   | slot of head not valid                  | v_* waits (nothing overtakes the head)           |
///
/// limit_o = head + Segs is the dispatcher's window (as the scoreboard's), so a segment always finds
/// its slot free. The dispatcher binds segments to any of its Lanes lane ports; two writers take
/// two segments at once (the lowest lanes with a segment waiting; a lane bound to one writer is not
/// taken by the other), each at one beat a cycle, and the head segment leaves as beat pairs, two
/// beats a cycle (16 B a cycle at BeatW = 64, above the 10.9 B a cycle the die's planes sense: the
/// p.V lane of ATTN takes Macs = 8). A writer packs an even beat with the next odd one and writes
/// the pair into the one SRAM write port (writer 0 first; a writer produces a pair every second
/// cycle at most, so writer 1 waits one cycle at most). Every waiting segment is inside the window,
/// so it is always accepted: a segment in the corrector never waits on a lane the buffer does not free.
///
/// Handshake : start_i (one cycle) clears the buffer (head 0). seg_*, beat_* as ifc_pe_lane's;
///             fail_* valid/ready (always ready); v_* valid/ready (2*BeatW: beat 2k low, 2k+1
///             high), payload stable while stalled.
/// Latency   : a segment can leave 2 cycles after its last beat; then 2 beats a cycle.
/// Parameters: Lanes (dispatcher lane ports), BeatW (bits), PayBeats (payload beats per segment,
///             a power of two >= 4), Segs (slots, a power of two; SRAM of 2*BeatW x Segs*PayBeats/2).
module ifc_pv_rob #(
  parameter int unsigned Lanes    = 4,
  parameter int unsigned BeatW    = 64,
  parameter int unsigned PayBeats = 32,
  parameter int unsigned Segs     = 16,
  localparam int unsigned SW = (Segs > 1) ? $clog2(Segs) : 1,
  localparam int unsigned BW = (PayBeats > 1) ? $clog2(PayBeats) : 1,
  localparam int unsigned PW = (BW > 1) ? BW - 1 : 1  // pair index within a segment
) (
  input  wire logic                   clk_i,
  input  wire logic                   rst_ni,
  input  wire logic                   start_i,
  output      logic [31:0]            limit_o,
  input  wire logic [Lanes-1:0]       seg_valid_i,
  output      logic [Lanes-1:0]       seg_ready_o,
  input  wire logic [Lanes*32-1:0]    seg_tag_i,
  input  wire logic [Lanes-1:0]       beat_valid_i,
  output      logic [Lanes-1:0]       beat_ready_o,
  input  wire logic [Lanes*BeatW-1:0] beat_data_i,
  input  wire logic [Lanes-1:0]       beat_last_i,
  input  wire logic                   fail_valid_i,
  output      logic                   fail_ready_o,
  input  wire logic [31:0]            fail_g_i,
  output      logic                   v_valid_o,
  input  wire logic                   v_ready_i,
  output      logic [2*BeatW-1:0]     v_data_o,
  output      logic                   empty_o,
  output      logic [31:0]            failed_o     // failed segments since start_i
);
  localparam int unsigned LW = (Lanes > 1) ? $clog2(Lanes) : 1;
  localparam int unsigned NW = 2;  // writers
  logic [31:0]     head_q, head_d, failed_q, failed_d;
  logic [Segs-1:0] vld_q, vld_d, bad_q, bad_d;
  // writers: bound segment (lane, slot, beat count), the held even beat, the pending pair
  logic [NW-1:0]       wb_q, wb_d, pv_q, pv_d, pl_q, pl_d, take, grant, w_fire;
  logic [NW*LW-1:0]    wl_q, wl_d;
  logic [NW*SW-1:0]    ws_q, ws_d;
  logic [NW*BW-1:0]    wc_q, wc_d;
  logic [NW*BeatW-1:0] hold_q, hold_d;
  logic [NW*2*BeatW-1:0] pd_q, pd_d;
  logic [NW*(SW+PW)-1:0] pa_q, pa_d;
  logic [NW*LW-1:0]    sel;
  logic [PW-1:0]  rbeat_q, rbeat_d;
  logic           ov_q, ov_d, obad_q, obad_d;   // the SRAM output holds an unsent pair
  logic           we, re, rd_ok, v_fire;
  logic [SW+PW-1:0] waddr;
  logic [2*BeatW-1:0] wdata, rdata;
  logic [SW-1:0]  hslot;

  assign hslot  = head_q[SW-1:0];
  assign v_fire = ov_q && v_ready_i;
  assign rd_ok  = vld_q[hslot] && (!ov_q || v_ready_i);
  // the write port: writer 0's pair first
  assign grant[0] = pv_q[0];
  assign grant[1] = pv_q[1] && !pv_q[0];

  // Segment intake: a free writer takes the lowest lane with a segment waiting that the other
  // writer is not bound to (writer 1 the next one when both take in the same cycle).
  always_comb begin
    take = '0;
    sel = '0;
    for (int w = 0; w < NW; w++) begin
      for (int l = Lanes - 1; l >= 0; l--) begin
        if (!wb_q[w] && seg_valid_i[l] &&
            !(wb_q[1-w] && wl_q[(1-w)*LW +: LW] == LW'(l)) &&
            !(w == 1 && take[0] && sel[0 +: LW] == LW'(l))) begin
          take[w] = 1'b1;
          sel[w*LW +: LW] = LW'(l);
        end
      end
    end
    seg_ready_o = '0;
    beat_ready_o = '0;
    w_fire = '0;
    for (int w = 0; w < NW; w++) begin
      if (take[w]) seg_ready_o[sel[w*LW +: LW]] = 1'b1;
      // an even beat goes to the hold register; an odd one forms a pair when the pair register
      // is free (or written in this cycle)
      if (wb_q[w] && (!wc_q[w*BW] || !pv_q[w] || grant[w])) begin
        beat_ready_o[wl_q[w*LW +: LW]] = 1'b1;
        w_fire[w] = beat_valid_i[wl_q[w*LW +: LW]];
      end
    end
  end
  assign fail_ready_o = 1'b1;

  always_comb begin
    head_d = head_q; failed_d = failed_q; vld_d = vld_q; bad_d = bad_q;
    wb_d = wb_q; wl_d = wl_q; ws_d = ws_q; wc_d = wc_q; hold_d = hold_q;
    pv_d = pv_q; pl_d = pl_q; pd_d = pd_q; pa_d = pa_q;
    rbeat_d = rbeat_q; ov_d = ov_q; obad_d = obad_q;
    re = 1'b0;
    // the write port
    we = |grant;
    waddr = grant[0] ? pa_q[0 +: SW+PW] : pa_q[(SW+PW) +: SW+PW];
    wdata = grant[0] ? pd_q[0 +: 2*BeatW] : pd_q[2*BeatW +: 2*BeatW];
    for (int w = 0; w < NW; w++) begin
      if (grant[w]) begin
        pv_d[w] = 1'b0;
        if (pl_q[w]) vld_d[pa_q[w*(SW+PW)+PW +: SW]] = 1'b1;  // the segment's last pair: slot valid
      end
      if (take[w]) begin
        wb_d[w] = 1'b1;
        wl_d[w*LW +: LW] = sel[w*LW +: LW];
        ws_d[w*SW +: SW] = seg_tag_i[32'(sel[w*LW +: LW])*32 +: SW];
        wc_d[w*BW +: BW] = '0;
      end
      if (w_fire[w]) begin
        wc_d[w*BW +: BW] = wc_q[w*BW +: BW] + 1'b1;
        if (!wc_q[w*BW]) begin
          hold_d[w*BeatW +: BeatW] = beat_data_i[32'(wl_q[w*LW +: LW])*BeatW +: BeatW];
        end else begin
          pv_d[w] = 1'b1;
          pd_d[w*2*BeatW +: 2*BeatW] = {beat_data_i[32'(wl_q[w*LW +: LW])*BeatW +: BeatW], hold_q[w*BeatW +: BeatW]};
          pa_d[w*(SW+PW) +: SW+PW] = {ws_q[w*SW +: SW], PW'(wc_q[w*BW +: BW] >> 1)};
          pl_d[w] = beat_last_i[wl_q[w*LW +: LW]];
          if (beat_last_i[wl_q[w*LW +: LW]]) wb_d[w] = 1'b0;
        end
      end
    end
    if (fail_valid_i) begin
      vld_d[fail_g_i[SW-1:0]] = 1'b1;
      bad_d[fail_g_i[SW-1:0]] = 1'b1;
      failed_d = failed_q + 32'd1;
    end
    // read side: the head segment's beat pairs in order
    if (v_fire) ov_d = 1'b0;
    if (rd_ok) begin
      re = 1'b1;
      ov_d = 1'b1;
      obad_d = bad_q[hslot];
      rbeat_d = rbeat_q + 1'b1;
      if (rbeat_q == PW'(PayBeats / 2 - 1)) begin
        rbeat_d = '0;
        vld_d[hslot] = 1'b0;
        bad_d[hslot] = 1'b0;
        head_d = head_q + 32'd1;
      end
    end
    if (start_i) begin
      head_d = '0; failed_d = '0; vld_d = '0; bad_d = '0; rbeat_d = '0; ov_d = 1'b0; wb_d = '0; pv_d = '0;
    end
  end

  ifc_sram_1r1w #(.Width(2 * BeatW), .Depth(Segs * PayBeats / 2)) u_buf (
    .clk_i, .we_i(we), .waddr_i(waddr), .wdata_i(wdata),
    .re_i(re), .raddr_i({hslot, rbeat_q}), .rdata_o(rdata)
  );

  assign v_valid_o = ov_q;
  assign v_data_o  = obad_q ? '0 : rdata;
  assign limit_o   = head_q + 32'(Segs);
  assign empty_o   = (vld_q == '0) && (wb_q == '0) && (pv_q == '0) && !ov_q;
  assign failed_o  = failed_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      head_q <= '0; failed_q <= '0; vld_q <= '0; bad_q <= '0; wb_q <= '0; pv_q <= '0;
      rbeat_q <= '0; ov_q <= 1'b0; obad_q <= 1'b0; wl_q <= '0; wc_q <= '0;
    end else begin
      head_q <= head_d; failed_q <= failed_d; vld_q <= vld_d; bad_q <= bad_d; wb_q <= wb_d; pv_q <= pv_d;
      rbeat_q <= rbeat_d; ov_q <= ov_d; obad_q <= obad_d; wl_q <= wl_d; wc_q <= wc_d;
    end
  end
  always_ff @(posedge clk_i) begin
    ws_q <= ws_d; hold_q <= hold_d; pd_q <= pd_d; pa_q <= pa_d; pl_q <= pl_d;
  end

  // The tag's high bits are implied by the window (checked below).
  logic [Lanes*32-1:0] unused_tag;
  assign unused_tag = seg_tag_i;

  // Assertions
  `IFC_ASSERT_INIT(SegsPow2_A, (Segs & (Segs - 1)) == 0 && (PayBeats & (PayBeats - 1)) == 0 && PayBeats >= 4)
  for (genvar w = 0; w < NW; w++) begin : g_chk
    logic [31:0] tag;
    assign tag = seg_tag_i[32'(sel[w*LW +: LW])*32 +: 32];
    `IFC_ASSERT(SegInWindow_A, take[w] |-> (tag >= head_q && tag < limit_o))
    `IFC_ASSERT(SegSlotFree_A, take[w] |-> !vld_q[tag[SW-1:0]])
    `IFC_ASSERT(LastBeatCount_A, w_fire[w] |-> (beat_last_i[wl_q[w*LW +: LW]] == (wc_q[w*BW +: BW] == BW'(PayBeats - 1))))
  end
  `IFC_ASSERT(FailSlotFree_A, fail_valid_i |-> (!vld_q[fail_g_i[SW-1:0]] && fail_g_i >= head_q && fail_g_i < limit_o))
  `IFC_ASSERT(TwoWritersTwoSlots_A, (wb_q == 2'b11) |-> (ws_q[0 +: SW] != ws_q[SW +: SW] && wl_q[0 +: LW] != wl_q[LW +: LW]))
  `IFC_ASSERT_STABLE(VStable_A, v_valid_o, v_ready_i, v_data_o)
  `IFC_ASSERT_KNOWN(VValidKnown_A, v_valid_o)

endmodule
`default_nettype wire
