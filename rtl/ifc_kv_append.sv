`default_nettype none
`include "ifc_assert.svh"
/// ifc_kv_append: the KV-cache write path of KVNAND (docs/kvnand.md).
///
/// One KV_APPEND command appends one token's K row and V row (D bf16 elements each) of one
/// group slot (a (layer, head group) the host assigns to a slot, 0..KvGroups-1). Each (slot, K|V)
/// stream owns one open *stripe* in an SRAM write buffer: the same linear page index on every plane,
/// Planes * SegsPerPage segments, laid out exactly like a GEMV weight matrix (docs/core.md) whose
/// rows are tokens: row segment n = pos * S + s of the stripe (pos = token mod TokensPerStripe,
/// S = D / ElemsPerSeg segments per row) goes to plane n % Planes, segment slot n / Planes. So a
/// GEMV with rows = TokensPerStripe, K = D over a programmed K stripe is q . K^T.
///
/// The BCH encoder is the checker's LFSR in encoder form, at line rate on the append stream: each
/// segment's slot (CRC-32C field if SegCrc, else 0xFF, filler 0xFF, BCH parity last; the format of
/// tb/model/segment_format.hpp) is written to a slot SRAM when the segment's last beat arrives.
/// When an append completes a stripe, the K then the V stripe are programmed (Planes pages each,
/// data then spare, on the nand_prg_* port) at the next free page index of each stream's region,
/// and the mapping table entry (slot, K|V, run) gets the page index. The KV region (from the base
/// page to PagesPerPlane) is split into Streams equal regions, one per stream, each filled in
/// ascending page order: a sequence's stripes are contiguous pages, so one GEMV over them (rows =
/// the tokens of all its full stripes) computes q . K^T for the whole programmed context.
/// Programming never reads back a page: the stripe is complete in SRAM (no read-modify-write).
///
/// Handshake : start_i (one cycle, when idle_o) with the descriptor fields; then in_* (valid/ready)
///             carries 2*D/4 beats of 4 bf16 (K row, then V row), in_last_i on the final beat;
///             done_o pulses once with err_o (ifc_pkg::ERR_*). A malformed command consumes its
///             stream up to in_last_i before done_o. nand_prg_*: valid/ready beats of BondBytes,
///             nand_prg_last_o on the last beat of each page; plane and page are stable per page.
/// Latency   : 1 beat per cycle in (the encoder never stalls the stream); a completing append adds
///             2 * Planes * PageBeats program beats (1 per cycle when nand_prg_ready_i) and one cycle
///             for the last page's status. nand_prg_fail_i (a one-cycle pulse the cycle after a
///             page's last beat) marks that page's program as failed: counted (perf_prg_fail_o) and
///             reported per command (prg_failed_o, the core's status word); the stripe is not
///             re-programmed (its mapping entry is written as usual).
/// Parameters: Planes, PageDataBytes, PageSpareBytes, BondBytes, SegPayloadBytes, SegSlotBytes
///             (bytes), ParityBits, GenPoly (BCH g(x)), SegCrc, KvGroups (group slots), MaxRuns
///             (mapping-table entries per stream), PagesPerPlane (end of the KV region).
/// CSR-side  : map_re_i / map_idx_i read entry {slot, kv, run} (map_rdata_o one cycle later);
///             base_we_i sets the KV region's first page index (resets every stream's allocator).
/// ATTN side : q_grp_i selects a slot; q_ntok_o / q_d_o / q_slog_o are its sequence's tokens, D
///             and log2 S, q_kbase_o / q_vbase_o the page of run 0 of its K / V stream (the
///             sequence's stripes are the consecutive pages from there; the open stripe is run
///             q_ntok_o / TokensPerStripe). ord_start_i (one cycle, while idle_o and no read in
///             flight) reads one page (stream ord_kv_i of slot q_grp_i, plane ord_plane_i) of the
///             open stripe out of the write buffer, exactly as it will be programmed (data, slots,
///             0xFF): PageBeats beats on ord_*, one per cycle from 2 cycles after ord_start_i, no
///             backpressure (the read path's page latch takes them like NAND beats), ord_last_o on
///             the last; ord_abort_i ends a read at once. Segments not yet appended read as stale buffer words (the core's GEMV
///             never uses them: they lie past its last segment).
module ifc_kv_append #(
  parameter int unsigned Planes          = ifc_pkg::DEF_PLANES,
  parameter int unsigned PageDataBytes   = ifc_pkg::DEF_PAGE_DATA_BYTES,
  parameter int unsigned PageSpareBytes  = ifc_pkg::DEF_PAGE_SPARE_BYTES,
  parameter int unsigned BondBytes       = ifc_pkg::DEF_BOND_BYTES,
  parameter int unsigned SegPayloadBytes = ifc_pkg::DEF_SEG_PAYLOAD_BYTES,
  parameter int unsigned SegSlotBytes    = ifc_pkg::DEF_SEG_SLOT_BYTES,
  parameter int unsigned ParityBits      = 96,
  parameter logic [ParityBits:0] GenPoly = 97'h1b946268e6527c3e1cd4ba01d,
  parameter bit          SegCrc          = 1'b0,
  parameter int unsigned KvGroups        = ifc_pkg::DEF_KV_GROUPS,
  parameter int unsigned MaxRuns         = ifc_pkg::DEF_KV_MAX_RUNS,
  parameter int unsigned PagesPerPlane   = 504 * 2304,
  localparam int unsigned BondW       = BondBytes * 8,
  localparam int unsigned SlotW       = SegSlotBytes * 8,
  localparam int unsigned FieldBits   = SlotW - ParityBits,          // CRC field + filler
  localparam int unsigned SlotBeats   = SegSlotBytes / BondBytes,
  localparam int unsigned PayBeats    = SegPayloadBytes / BondBytes,
  localparam int unsigned SegsPerPage = PageDataBytes / SegPayloadBytes,
  localparam int unsigned StripeSegs  = Planes * SegsPerPage,
  localparam int unsigned ElemsPerSeg = SegPayloadBytes / 2,          // bf16
  localparam int unsigned PageBeats   = (PageDataBytes + PageSpareBytes) / BondBytes,
  localparam int unsigned DataBeats   = PageDataBytes / BondBytes,
  localparam int unsigned SlotEnd     = DataBeats + SegsPerPage * SlotBeats,
  localparam int unsigned Streams     = 2 * KvGroups,
  localparam int unsigned SegAW       = $clog2(Streams * StripeSegs),
  localparam int unsigned PayAW       = $clog2(Streams * StripeSegs * PayBeats),
  localparam int unsigned MapDepth    = Streams * MaxRuns,
  localparam int unsigned MapAW       = (MapDepth > 1) ? $clog2(MapDepth) : 1,
  localparam int unsigned PlaneW      = (Planes > 1) ? $clog2(Planes) : 1,
  localparam int unsigned PBeatW      = $clog2(PageBeats + 1),
  localparam int unsigned SLog        = $clog2(StripeSegs) + 1
) (
  input  wire logic                 clk_i,
  input  wire logic                 rst_ni,
  // command
  input  wire logic                 start_i,
  input  wire logic [1:0]           dtype_i,
  input  wire logic [31:0]          d_i,        // elements per K (and per V) row
  input  wire logic [31:0]          group_i,    // group slot
  input  wire logic [31:0]          token_i,    // token index: the stream's next, or 0 (restart)
  output      logic                 idle_o,
  output      logic                 done_o,
  output      logic [7:0]           err_o,
  // K/V row stream
  input  wire logic                 in_valid_i,
  output      logic                 in_ready_o,
  input  wire logic [BondW-1:0]     in_data_i,
  input  wire logic                 in_last_i,
  // NAND program port
  output      logic                 nand_prg_valid_o,
  input  wire logic                 nand_prg_ready_i,
  output      logic [PlaneW-1:0]    nand_prg_plane_o,
  output      logic [31:0]          nand_prg_page_o,
  output      logic [BondW-1:0]     nand_prg_data_o,
  output      logic                 nand_prg_last_o,
  input  wire logic                 nand_prg_fail_i,  // status: the page whose last beat went out the cycle before failed
  // CSR side
  input  wire logic                 base_we_i,
  input  wire logic [31:0]          base_i,
  output      logic [31:0]          base_o,          // the KV region's first page index
  output      logic [31:0]          region_o,        // pages of each stream's region
  input  wire logic                 map_re_i,
  input  wire logic [MapAW-1:0]     map_idx_i,
  output      logic [31:0]          map_rdata_o,
  output      logic [31:0]          perf_pages_o,    // pages programmed
  output      logic [31:0]          perf_tokens_o,   // tokens appended
  output      logic [31:0]          perf_stall_o,    // cycles a program beat waited for the NAND
  output      logic [31:0]          perf_prg_fail_o, // pages whose program failed (NAND status)
  output      logic [31:0]          prg_failed_o,    // of them, the pages of the last command
  // ATTN side: slot query and open-stripe page reader
  input  wire logic [31:0]          q_grp_i,
  output      logic [31:0]          q_ntok_o,
  output      logic [31:0]          q_d_o,
  output      logic [7:0]           q_slog_o,
  output      logic [31:0]          q_kbase_o,
  output      logic [31:0]          q_vbase_o,
  input  wire logic                 ord_start_i,
  input  wire logic                 ord_abort_i,   // stop the read (the core's watchdog flush)
  input  wire logic                 ord_kv_i,
  input  wire logic [PlaneW-1:0]    ord_plane_i,
  output      logic                 ord_valid_o,
  output      logic [BondW-1:0]     ord_data_o,
  output      logic                 ord_last_o
);
  typedef enum logic [2:0] {
    KvIdle = 3'd0,
    KvRecv = 3'd1,  // receiving the K and V rows
    KvSkip = 3'd2,  // discarding a malformed command's stream
    KvProg = 3'd3,  // streaming the stripes' pages to the NAND
    KvDone = 3'd4,
    KvStat = 3'd5   // one cycle for the NAND status of the last page
  } kv_state_e;

  kv_state_e   state_q, state_d;
  logic [7:0]  err_q, err_d;
  localparam int unsigned StreamLog = $clog2(Streams);
  localparam logic [31:0] DefRegion = 32'(PagesPerPlane) >> StreamLog;
  logic [31:0] base_q, base_d, region_q, region_d;
  logic [Streams*32-1:0] salloc_q, salloc_d;   // per stream: next free page index of its region
  logic [31:0] cur_alloc, k_alloc, v_alloc;    // stream (grp_q, pkv_q); K and V of the command's slot
  logic        kv_room;                        // both streams of group_i have a free stripe
  logic [31:0] pages_q, pages_d, tokens_q, tokens_d, stall_q, stall_d;
  logic [31:0] pfail_q, pfail_d, cfail_q, cfail_d;

  // Per group slot: next token, segments per row (log2), both kept in flops (KvGroups is small).
  logic [KvGroups*32-1:0]   next_tok_q, next_tok_d;
  logic [KvGroups*SLog-1:0] slog_q, slog_d;
  logic [Streams*32-1:0]    seqb_q, seqb_d;    // per stream: page of run 0 of the current sequence
  // Open-stripe page reader (ATTN): beat rb_q is addressed, beat rob_q is on the SRAM outputs.
  logic              rd_act_q, rd_act_d, rv_q, rkv_q;
  logic [PlaneW-1:0] rpl_q;
  logic [PBeatW-1:0] rb_q, rb_d, rob_q;
  logic [31:0]       rgrp_q;

  // Command registers
  logic [31:0]     grp_q, grp_d, tok_q, tok_d;
  logic [SLog-1:0] cs_log_q, cs_log_d;        // log2 S of this command
  logic            last_in_stripe_q, last_in_stripe_d;
  logic [31:0]     c_pos_q, c_pos_d, c_run_q, c_run_d;  // position in the stripe, run index

  // Receive counters: kv (0 K, 1 V), segment within row, beat within segment
  logic                  kv_q, kv_d;
  logic [SLog-1:0]       s_q, s_d;
  logic [$clog2(PayBeats)-1:0] b_q, b_d;

  // -------------------------------------------------------------------------------------------
  // Descriptor checks
  // -------------------------------------------------------------------------------------------
  logic [31:0]     segs;           // D / ElemsPerSeg
  logic            d_ok;
  logic [SLog-1:0] d_log;
  always_comb begin
    segs  = d_i / 32'(ElemsPerSeg);
    d_ok  = 1'b0;
    d_log = '0;
    for (int i = 0; i < SLog; i++) begin
      if (segs == (32'd1 << i)) begin
        d_ok  = 1'b1;
        d_log = SLog'(i);
      end
    end
    if (d_i % 32'(ElemsPerSeg) != 0) d_ok = 1'b0;
  end

  // Position of a token in its stripe and its run (TokensPerStripe = StripeSegs >> log2 S)
  function automatic logic [31:0] tps(input logic [SLog-1:0] lg);
    tps = 32'(StripeSegs) >> lg;
  endfunction

  logic [31:0] g_next_tok, c_pos, c_run;
  logic [SLog-1:0] g_slog;
  logic        g_in_range;
  always_comb begin
    g_in_range = (group_i < 32'(KvGroups));
    g_next_tok = '0;
    g_slog = '0;
    for (int g = 0; g < KvGroups; g++) begin
      if (group_i == 32'(g)) begin
        g_next_tok = next_tok_q[g*32 +: 32];
        g_slog = slog_q[g*SLog +: SLog];
      end
    end
    c_pos = token_i & (tps(d_log) - 32'd1);
    c_run = token_i >> ($clog2(StripeSegs) - 32'(d_log));
  end

  // -------------------------------------------------------------------------------------------
  // Encoder: BCH parity (the checker's LFSR in encoder form) and CRC-32C, one beat per cycle
  // -------------------------------------------------------------------------------------------
  logic [ParityBits-1:0] rem_q, rem_d, rem_next, rem_fin;
  logic [31:0]           crc_q, crc_d, crc_next;
  logic [FieldBits-1:0]  field;
  logic [SlotW-1:0]      slot_word;
  logic                  in_fire, seg_end;

  assign in_fire = in_valid_i && in_ready_o;
  assign seg_end = (b_q == $clog2(PayBeats)'(PayBeats - 1));

  always_comb begin
    rem_next = rem_q;
    crc_next = (b_q == '0) ? 32'hFFFF_FFFF : crc_q;
    if (in_valid_i) begin
      for (int i = 0; i < BondW; i++) begin
        if (rem_next[ParityBits-1] ^ in_data_i[i]) rem_next = {rem_next[ParityBits-2:0], 1'b0} ^ GenPoly[ParityBits-1:0];
        else                                       rem_next = {rem_next[ParityBits-2:0], 1'b0};
      end
      for (int i = 0; i < BondBytes; i++) crc_next = ifc_pkg::crc32c_byte(crc_next, in_data_i[i*8 +: 8]);
    end
    // Slot: CRC field (or 0xFF) and filler are message bits; the parity follows, highest degree first.
    // Only written with the last payload beat (slot_we): operand isolation on in_valid_i && seg_end
    // (no switching, and no simulation cost, while no segment ends; 0 otherwise).
    field     = '1;
    rem_fin   = '0;
    slot_word = '0;
    if (in_valid_i && seg_end) begin
      if (SegCrc) field[31:0] = ~crc_next;
      rem_fin = rem_next;
      for (int i = 0; i < FieldBits; i++) begin
        if (rem_fin[ParityBits-1] ^ field[i]) rem_fin = {rem_fin[ParityBits-2:0], 1'b0} ^ GenPoly[ParityBits-1:0];
        else                                  rem_fin = {rem_fin[ParityBits-2:0], 1'b0};
      end
      slot_word[FieldBits-1:0] = field;
      for (int j = 0; j < ParityBits; j++) slot_word[FieldBits + j] = rem_fin[ParityBits-1-j];
    end
  end

  // Buffer addresses of the beat being received: stream st = 2*slot + kv, row segment n.
  logic [SegAW-1:0] wr_seg;
  logic [31:0]      wr_n, wr_st;
  always_comb begin
    wr_n   = (c_pos_q << cs_log_q) + 32'(s_q);
    wr_st  = (grp_q << 1) + 32'(kv_q);
    wr_seg = SegAW'(wr_st * 32'(StripeSegs) + (wr_n % 32'(Planes)) * 32'(SegsPerPage) + wr_n / 32'(Planes));
  end

  // -------------------------------------------------------------------------------------------
  // SRAM write buffer (payload words and slots) and the mapping table
  // -------------------------------------------------------------------------------------------
  logic             pay_we, pay_re, slot_we, slot_re;
  logic [PayAW-1:0] pay_waddr, pay_raddr;
  logic [SegAW-1:0] slot_raddr;
  logic [BondW-1:0] pay_rdata;
  logic [SlotW-1:0] slot_rdata;

  assign pay_we    = in_fire && (state_q == KvRecv);
  assign pay_waddr = PayAW'({wr_seg, b_q});
  assign slot_we   = pay_we && seg_end;

  ifc_sram_1r1w #(.Width(BondW), .Depth(Streams * StripeSegs * PayBeats)) u_pay (
    .clk_i, .we_i(pay_we), .waddr_i(pay_waddr), .wdata_i(in_data_i),
    .re_i(pay_re), .raddr_i(pay_raddr), .rdata_o(pay_rdata)
  );
  ifc_sram_1r1w #(.Width(SlotW), .Depth(Streams * StripeSegs)) u_slot (
    .clk_i, .we_i(slot_we), .waddr_i(wr_seg), .wdata_i(slot_word),
    .re_i(slot_re), .raddr_i(slot_raddr), .rdata_o(slot_rdata)
  );

  logic             map_we;
  logic [MapAW-1:0] map_waddr;
  logic [31:0]      map_wdata;
  ifc_sram_1r1w #(.Width(32), .Depth(MapDepth)) u_map (
    .clk_i, .we_i(map_we), .waddr_i(map_waddr), .wdata_i(map_wdata),
    .re_i(map_re_i), .raddr_i(map_idx_i), .rdata_o(map_rdata_o)
  );

  // -------------------------------------------------------------------------------------------
  // Program sequencer: stripe (K then V) x plane x page beat; beat cur_q is on nand_prg_data_o
  // -------------------------------------------------------------------------------------------
  logic              pkv_q, pkv_d;
  logic [PlaneW-1:0] ppl_q, ppl_d;
  logic [PBeatW-1:0] pb_q, pb_d;
  logic              pvalid_q, pvalid_d;
  logic              prg_fire, page_last;

  assign prg_fire  = nand_prg_valid_o && nand_prg_ready_i;
  assign page_last = (pb_q == PBeatW'(PageBeats - 1));

  // Read addresses of program beat (kv, plane, beat)
  function automatic logic [PayAW-1:0] pay_addr(input logic kv, input logic [PlaneW-1:0] pl,
                                                input logic [PBeatW-1:0] beat, input logic [31:0] grp);
    logic [31:0] st;
    st = (grp << 1) + 32'(kv);
    pay_addr = PayAW'((st * 32'(StripeSegs) + 32'(pl) * 32'(SegsPerPage)) * 32'(PayBeats) + 32'(beat));
  endfunction
  function automatic logic [SegAW-1:0] slot_addr(input logic kv, input logic [PlaneW-1:0] pl,
                                                 input logic [PBeatW-1:0] beat, input logic [31:0] grp);
    logic [31:0] st, j;
    st = (grp << 1) + 32'(kv);
    j  = (32'(beat) >= 32'(DataBeats)) ? (32'(beat) - 32'(DataBeats)) / 32'(SlotBeats) : 32'd0;
    if (j >= 32'(SegsPerPage)) j = 32'(SegsPerPage - 1);
    slot_addr = SegAW'(st * 32'(StripeSegs) + 32'(pl) * 32'(SegsPerPage) + j);
  endfunction

  always_comb begin
    nand_prg_valid_o = pvalid_q;
    nand_prg_plane_o = ppl_q;
    nand_prg_page_o  = cur_alloc;
    nand_prg_last_o  = page_last;
    if (32'(pb_q) < 32'(DataBeats)) begin
      nand_prg_data_o = pay_rdata;
    end else if (32'(pb_q) < 32'(SlotEnd)) begin
      nand_prg_data_o = slot_rdata[((32'(pb_q) - 32'(DataBeats)) % 32'(SlotBeats)) * BondW +: BondW];
    end else begin
      nand_prg_data_o = '1;  // spare bytes after the last slot
    end
  end

  // -------------------------------------------------------------------------------------------
  // Control
  // -------------------------------------------------------------------------------------------
  always_comb begin
    state_d = state_q; err_d = err_q; base_d = base_q; region_d = region_q; salloc_d = salloc_q;
    pages_d = pages_q; tokens_d = tokens_q; stall_d = stall_q;
    pfail_d = pfail_q + 32'(nand_prg_fail_i); cfail_d = cfail_q + 32'(nand_prg_fail_i);
    next_tok_d = next_tok_q; slog_d = slog_q; seqb_d = seqb_q;
    rd_act_d = rd_act_q; rb_d = rb_q;
    grp_d = grp_q; tok_d = tok_q; cs_log_d = cs_log_q; last_in_stripe_d = last_in_stripe_q;
    c_pos_d = c_pos_q; c_run_d = c_run_q;
    kv_d = kv_q; s_d = s_q; b_d = b_q; rem_d = rem_q; crc_d = crc_q;
    pkv_d = pkv_q; ppl_d = ppl_q; pb_d = pb_q; pvalid_d = pvalid_q;
    pay_re = 1'b0; slot_re = 1'b0;
    pay_raddr = pay_addr(pkv_q, ppl_q, pb_q, grp_q);
    slot_raddr = slot_addr(pkv_q, ppl_q, pb_q, grp_q);
    map_we = 1'b0;
    map_waddr = MapAW'((((grp_q << 1) + 32'(pkv_q)) * 32'(MaxRuns)) + c_run_q);
    map_wdata = cur_alloc;
    in_ready_o = (state_q == KvRecv) || (state_q == KvSkip);
    done_o = 1'b0;

    if (base_we_i && state_q == KvIdle) begin
      base_d = base_i;
      region_d = (base_i < 32'(PagesPerPlane)) ? ((32'(PagesPerPlane) - base_i) >> StreamLog) : 32'd0;
      for (int st = 0; st < Streams; st++) salloc_d[st*32 +: 32] = base_i + 32'(st) * region_d;
    end

    case (state_q)
      KvIdle: begin
        if (start_i) begin
          err_d = ifc_pkg::ERR_OK;
          cfail_d = '0;
          grp_d = group_i; tok_d = token_i; cs_log_d = d_log;
          c_pos_d = c_pos; c_run_d = c_run;
          last_in_stripe_d = (c_pos == tps(d_log) - 32'd1);
          kv_d = 1'b0; s_d = '0; b_d = '0; rem_d = '0;
          state_d = KvRecv;
          if (dtype_i != ifc_pkg::DT_BF16) begin
            err_d = ifc_pkg::ERR_DTYPE;  state_d = KvSkip;
          end else if (!d_ok) begin
            err_d = ifc_pkg::ERR_SHAPE;  state_d = KvSkip;
          end else if (!g_in_range) begin
            err_d = ifc_pkg::ERR_KV_GROUP;  state_d = KvSkip;
          end else if (token_i != 32'd0 && (token_i != g_next_tok || d_log != g_slog)) begin
            err_d = ifc_pkg::ERR_KV_TOKEN;  state_d = KvSkip;
          end else if (c_run >= 32'(MaxRuns) ||
                       ((c_pos == tps(d_log) - 32'd1) && !kv_room)) begin
            err_d = ifc_pkg::ERR_KV_FULL;  state_d = KvSkip;
          end
        end
      end
      KvRecv: begin
        if (in_fire) begin
          rem_d = seg_end ? '0 : rem_next;
          crc_d = crc_next;
          b_d = b_q + 1'b1;
          if (seg_end) begin
            b_d = '0;
            s_d = s_q + 1'b1;
            if (s_q == (SLog'(1) << cs_log_q) - SLog'(1)) begin
              s_d = '0;
              kv_d = 1'b1;
            end
          end
          if (seg_end && kv_q && s_q == (SLog'(1) << cs_log_q) - SLog'(1)) begin
            // final beat of the V row
            if (!in_last_i) begin
              err_d = ifc_pkg::ERR_ACT_LENGTH;  state_d = KvSkip;
            end else begin
              for (int g = 0; g < KvGroups; g++) begin
                if (grp_q == 32'(g)) begin
                  next_tok_d[g*32 +: 32] = tok_q + 32'd1;
                  slog_d[g*SLog +: SLog] = cs_log_q;
                  // a new sequence starts at the streams' next free pages (its run 0)
                  if (tok_q == '0) begin
                    seqb_d[(2*g)*32 +: 32]   = salloc_q[(2*g)*32 +: 32];
                    seqb_d[(2*g+1)*32 +: 32] = salloc_q[(2*g+1)*32 +: 32];
                  end
                end
              end
              tokens_d = tokens_q + 32'd1;
              if (last_in_stripe_q) begin
                state_d = KvProg;
                pkv_d = 1'b0; ppl_d = '0; pb_d = '0;
                pvalid_d = 1'b1;
                pay_re = 1'b1; slot_re = 1'b1;
                pay_raddr = pay_addr(1'b0, '0, '0, grp_q);
                slot_raddr = slot_addr(1'b0, '0, '0, grp_q);
              end else begin
                state_d = KvDone;
              end
            end
          end else if (in_last_i) begin
            err_d = ifc_pkg::ERR_ACT_LENGTH;  state_d = KvDone;
          end
        end
      end
      KvSkip: begin
        if (in_fire && in_last_i) state_d = KvDone;
      end
      KvProg: begin
        if (pvalid_q && !nand_prg_ready_i) stall_d = stall_q + 32'd1;
        if (prg_fire) begin
          pb_d = pb_q + 1'b1;
          if (page_last) begin
            pb_d = '0;
            pages_d = pages_q + 32'd1;
            ppl_d = ppl_q + 1'b1;
            if (ppl_q == PlaneW'(Planes - 1)) begin
              ppl_d = '0;
              map_we = 1'b1;  // the stripe (kv) is programmed: enter it in the mapping table
              for (int st = 0; st < Streams; st++) begin
                if (32'(st) == (grp_q << 1) + 32'(pkv_q)) salloc_d[st*32 +: 32] = cur_alloc + 32'd1;
              end
              pkv_d = 1'b1;
              if (pkv_q) begin
                pkv_d = 1'b0;
                pvalid_d = 1'b0;
                state_d = KvStat;
              end
            end
          end
          if (pvalid_d) begin
            pay_re = 1'b1; slot_re = 1'b1;
            pay_raddr = pay_addr(pkv_d, ppl_d, pb_d, grp_q);
            slot_raddr = slot_addr(pkv_d, ppl_d, pb_d, grp_q);
          end
        end
      end
      KvStat: state_d = KvDone;
      KvDone: begin
        done_o = 1'b1;
        state_d = KvIdle;
      end
      default: state_d = KvIdle;
    endcase

    // Open-stripe page reader (only while idle: the program sequencer owns the port otherwise)
    if (ord_abort_i) begin
      rd_act_d = 1'b0;
    end else if (ord_start_i) begin
      rd_act_d = 1'b1;
      rb_d = '0;
    end else if (rd_act_q) begin
      pay_re = 1'b1; slot_re = 1'b1;
      pay_raddr = pay_addr(rkv_q, rpl_q, rb_q, rgrp_q);
      slot_raddr = slot_addr(rkv_q, rpl_q, rb_q, rgrp_q);
      rb_d = rb_q + 1'b1;
      if (rb_q == PBeatW'(PageBeats - 1)) rd_act_d = 1'b0;
    end
  end

  // The reader's beat: as nand_prg_data_o, for beat rob_q.
  always_comb begin
    if (32'(rob_q) < 32'(DataBeats)) begin
      ord_data_o = pay_rdata;
    end else if (32'(rob_q) < 32'(SlotEnd)) begin
      ord_data_o = slot_rdata[((32'(rob_q) - 32'(DataBeats)) % 32'(SlotBeats)) * BondW +: BondW];
    end else begin
      ord_data_o = '1;
    end
  end
  assign ord_valid_o = rv_q;
  assign ord_last_o  = rv_q && (rob_q == PBeatW'(PageBeats - 1));

  // Slot query (ATTN descriptor checks and addresses)
  always_comb begin
    q_ntok_o = '0; q_slog_o = '0; q_kbase_o = '0; q_vbase_o = '0;
    for (int g = 0; g < KvGroups; g++) begin
      if (q_grp_i == 32'(g)) begin
        q_ntok_o  = next_tok_q[g*32 +: 32];
        q_slog_o  = 8'(slog_q[g*SLog +: SLog]);
        q_kbase_o = seqb_q[(2*g)*32 +: 32];
        q_vbase_o = seqb_q[(2*g+1)*32 +: 32];
      end
    end
    q_d_o = 32'(ElemsPerSeg) << q_slog_o;
  end

  assign idle_o = (state_q == KvIdle);
  assign err_o  = err_q;
  assign base_o = base_q;
  assign region_o = region_q;

  // Allocator views: the stream being programmed, and room for the K and V stripes of group_i.
  always_comb begin
    cur_alloc = '0; k_alloc = '0; v_alloc = '0; kv_room = 1'b0;
    for (int st = 0; st < Streams; st++) begin
      if (32'(st) == (grp_q << 1) + 32'(pkv_q)) cur_alloc = salloc_q[st*32 +: 32];
    end
    for (int g = 0; g < KvGroups; g++) begin
      if (group_i == 32'(g)) begin
        k_alloc = salloc_q[(2*g)*32 +: 32];
        v_alloc = salloc_q[(2*g+1)*32 +: 32];
        kv_room = (64'(k_alloc) < 64'(base_q) + 64'(2*g+1) * 64'(region_q)) &&
                  (64'(v_alloc) < 64'(base_q) + 64'(2*g+2) * 64'(region_q));
      end
    end
  end
  assign perf_pages_o = pages_q;
  assign perf_tokens_o = tokens_q;
  assign perf_stall_o = stall_q;
  assign perf_prg_fail_o = pfail_q;
  assign prg_failed_o = cfail_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q <= KvIdle;
      base_q <= '0;
      region_q <= DefRegion;
      for (int st = 0; st < Streams; st++) salloc_q[st*32 +: 32] <= 32'(st) * DefRegion;
      pages_q <= '0;
      tokens_q <= '0;
      stall_q <= '0;
      pfail_q <= '0;
      cfail_q <= '0;
      next_tok_q <= '0;
      slog_q <= '0;
      seqb_q <= '0;
      rd_act_q <= 1'b0;
      rv_q <= 1'b0;
      rb_q <= '0;
      pvalid_q <= 1'b0;
      kv_q <= 1'b0;
      s_q <= '0;
      b_q <= '0;
      pkv_q <= 1'b0;
      ppl_q <= '0;
      pb_q <= '0;
    end else begin
      state_q <= state_d;
      base_q <= base_d;
      region_q <= region_d;
      salloc_q <= salloc_d;
      pages_q <= pages_d;
      tokens_q <= tokens_d;
      stall_q <= stall_d;
      pfail_q <= pfail_d;
      cfail_q <= cfail_d;
      next_tok_q <= next_tok_d;
      slog_q <= slog_d;
      seqb_q <= seqb_d;
      rd_act_q <= rd_act_d;
      rv_q <= rd_act_q && !ord_abort_i;
      rb_q <= rb_d;
      pvalid_q <= pvalid_d;
      kv_q <= kv_d;
      s_q <= s_d;
      b_q <= b_d;
      pkv_q <= pkv_d;
      ppl_q <= ppl_d;
      pb_q <= pb_d;
    end
  end
  always_ff @(posedge clk_i) begin
    err_q <= err_d; grp_q <= grp_d; tok_q <= tok_d; cs_log_q <= cs_log_d;
    last_in_stripe_q <= last_in_stripe_d; c_pos_q <= c_pos_d; c_run_q <= c_run_d;
    rem_q <= rem_d; crc_q <= crc_d;
    rob_q <= rb_q;
    if (ord_start_i) begin
      rkv_q <= ord_kv_i; rpl_q <= ord_plane_i; rgrp_q <= q_grp_i;
    end
  end

  // Assertions
  `IFC_ASSERT_INIT(PowersOfTwo_A, (PayBeats & (PayBeats - 1)) == 0 && (Planes & (Planes - 1)) == 0 &&
                                  (Streams & (Streams - 1)) == 0 &&
                                  (SegsPerPage & (SegsPerPage - 1)) == 0 && SegSlotBytes % BondBytes == 0 &&
                                  FieldBits >= 32 && SegsPerPage * SegSlotBytes <= PageSpareBytes)
  `IFC_ASSERT_STABLE(PrgStable_A, nand_prg_valid_o, nand_prg_ready_i,
                     {nand_prg_plane_o, nand_prg_page_o, nand_prg_data_o, nand_prg_last_o})
  `IFC_ASSERT_KNOWN(PrgValidKnown_A, nand_prg_valid_o)
  `IFC_ASSERT(StartWhenIdle_A, start_i |-> state_q == KvIdle)
  `IFC_ASSERT(GroupInRange_A, pay_we |-> grp_q < 32'(KvGroups))
  `IFC_ASSERT(OrdWhenIdle_A, ord_start_i |-> (state_q == KvIdle && !start_i && !rd_act_q && q_grp_i < 32'(KvGroups)))

endmodule
`default_nettype wire
