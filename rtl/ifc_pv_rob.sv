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
/// its slot free. The dispatcher binds segments to any of its Lanes lane ports; one segment is
/// written at a time (the lowest lane with a segment waiting is accepted, the others wait), which is
/// the p.V lane's rate anyway (one beat a cycle). Every waiting segment is inside the window, so it
/// is always accepted: a segment in the corrector never waits on a lane the buffer does not free.
///
/// Handshake : start_i (one cycle) clears the buffer (head 0). seg_*, beat_* as ifc_pe_lane's;
///             fail_* valid/ready (always ready); v_* valid/ready, payload stable while stalled.
/// Latency   : a segment can leave 2 cycles after its last beat; then 1 beat a cycle.
/// Parameters: Lanes (dispatcher lane ports), BeatW (bits), PayBeats (payload beats
///             per segment), Segs (slots, a power of two; SRAM of BeatW x Segs*PayBeats).
module ifc_pv_rob #(
  parameter int unsigned Lanes    = 4,
  parameter int unsigned BeatW    = 64,
  parameter int unsigned PayBeats = 32,
  parameter int unsigned Segs     = 16,
  localparam int unsigned SW = (Segs > 1) ? $clog2(Segs) : 1,
  localparam int unsigned BW = (PayBeats > 1) ? $clog2(PayBeats) : 1
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
  output      logic [BeatW-1:0]       v_data_o,
  output      logic                   empty_o,
  output      logic [31:0]            failed_o     // failed segments since start_i
);
  logic [31:0]    head_q, head_d, failed_q, failed_d;
  logic [Segs-1:0] vld_q, vld_d, bad_q, bad_d;
  logic           wbusy_q, wbusy_d;
  localparam int unsigned LW = (Lanes > 1) ? $clog2(Lanes) : 1;
  logic [LW-1:0]  wl_q, wl_d, sel;
  logic           any_seg;
  logic [SW-1:0]  wslot_q, wslot_d;
  logic [BW-1:0]  wbeat_q, wbeat_d, rbeat_q, rbeat_d;
  logic           ov_q, ov_d, obad_q, obad_d;   // the SRAM output holds an unsent beat
  logic           we, re, rd_ok, w_fire, v_fire;
  logic [SW-1:0]  hslot;
  logic [BeatW-1:0] rdata;

  assign hslot   = head_q[SW-1:0];
  assign w_fire  = wbusy_q && beat_valid_i[wl_q];
  assign v_fire  = ov_q && v_ready_i;
  assign rd_ok   = vld_q[hslot] && (!ov_q || v_ready_i);

  always_comb begin
    any_seg = 1'b0;
    sel = '0;
    for (int l = 0; l < Lanes; l++) begin
      if (seg_valid_i[l] && !any_seg) begin
        any_seg = 1'b1;
        sel = LW'(l);
      end
    end
    seg_ready_o = '0;
    beat_ready_o = '0;
    if (!wbusy_q && any_seg) seg_ready_o[sel] = 1'b1;
    if (wbusy_q) beat_ready_o[wl_q] = 1'b1;
  end
  assign fail_ready_o = 1'b1;

  always_comb begin
    head_d = head_q; failed_d = failed_q; vld_d = vld_q; bad_d = bad_q;
    wbusy_d = wbusy_q; wl_d = wl_q; wslot_d = wslot_q; wbeat_d = wbeat_q; rbeat_d = rbeat_q;
    ov_d = ov_q; obad_d = obad_q;
    we = 1'b0; re = 1'b0;
    // write side: one segment at a time
    if (!wbusy_q && any_seg) begin
      wbusy_d = 1'b1;
      wl_d = sel;
      wslot_d = seg_tag_i[32'(sel)*32 +: SW];
      wbeat_d = '0;
    end
    if (w_fire) begin
      we = 1'b1;
      wbeat_d = wbeat_q + 1'b1;
      if (beat_last_i[wl_q]) begin
        wbusy_d = 1'b0;
        vld_d[wslot_q] = 1'b1;
      end
    end
    if (fail_valid_i) begin
      vld_d[fail_g_i[SW-1:0]] = 1'b1;
      bad_d[fail_g_i[SW-1:0]] = 1'b1;
      failed_d = failed_q + 32'd1;
    end
    // read side: the head segment's beats in order
    if (v_fire) ov_d = 1'b0;
    if (rd_ok) begin
      re = 1'b1;
      ov_d = 1'b1;
      obad_d = bad_q[hslot];
      rbeat_d = rbeat_q + 1'b1;
      if (rbeat_q == BW'(PayBeats - 1)) begin
        rbeat_d = '0;
        vld_d[hslot] = 1'b0;
        bad_d[hslot] = 1'b0;
        head_d = head_q + 32'd1;
      end
    end
    if (start_i) begin
      head_d = '0; failed_d = '0; vld_d = '0; bad_d = '0; rbeat_d = '0; ov_d = 1'b0; wbusy_d = 1'b0;
    end
  end

  ifc_sram_1r1w #(.Width(BeatW), .Depth(Segs * PayBeats)) u_buf (
    .clk_i, .we_i(we), .waddr_i({wslot_q, wbeat_q}), .wdata_i(beat_data_i[32'(wl_q)*BeatW +: BeatW]),
    .re_i(re), .raddr_i({hslot, rbeat_q}), .rdata_o(rdata)
  );

  assign v_valid_o = ov_q;
  assign v_data_o  = obad_q ? '0 : rdata;
  assign limit_o   = head_q + 32'(Segs);
  assign empty_o   = (vld_q == '0) && !wbusy_q && !ov_q;
  assign failed_o  = failed_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      head_q <= '0; failed_q <= '0; vld_q <= '0; bad_q <= '0; wbusy_q <= 1'b0;
      wbeat_q <= '0; rbeat_q <= '0; ov_q <= 1'b0; obad_q <= 1'b0; wslot_q <= '0; wl_q <= '0;
    end else begin
      head_q <= head_d; failed_q <= failed_d; vld_q <= vld_d; bad_q <= bad_d; wbusy_q <= wbusy_d;
      wbeat_q <= wbeat_d; rbeat_q <= rbeat_d; ov_q <= ov_d; obad_q <= obad_d; wslot_q <= wslot_d; wl_q <= wl_d;
    end
  end

  // The tag's high bits are implied by the window (checked below).
  logic [Lanes*32-1:0] unused_tag;
  assign unused_tag = seg_tag_i;

  // Assertions
  `IFC_ASSERT_INIT(SegsPow2_A, (Segs & (Segs - 1)) == 0 && (PayBeats & (PayBeats - 1)) == 0)
  `IFC_ASSERT(SegInWindow_A, (any_seg && !wbusy_q) |->
                             (seg_tag_i[32'(sel)*32 +: 32] >= head_q && seg_tag_i[32'(sel)*32 +: 32] < limit_o))
  `IFC_ASSERT(SegSlotFree_A, (any_seg && !wbusy_q) |-> !vld_q[seg_tag_i[32'(sel)*32 +: SW]])
  `IFC_ASSERT(FailSlotFree_A, fail_valid_i |-> (!vld_q[fail_g_i[SW-1:0]] && fail_g_i >= head_q && fail_g_i < limit_o))
  `IFC_ASSERT(LastBeatCount_A, w_fire |-> (beat_last_i[wl_q] == (wbeat_q == BW'(PayBeats - 1))))
  `IFC_ASSERT_STABLE(VStable_A, v_valid_o, v_ready_i, v_data_o)
  `IFC_ASSERT_KNOWN(VValidKnown_A, v_valid_o)

endmodule
`default_nettype wire
