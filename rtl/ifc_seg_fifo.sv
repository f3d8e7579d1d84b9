`default_nettype none
`include "ifc_assert.svh"
/// Segment FIFO of one plane: the segment buffer between the ECC checker and the dispatcher.
///
/// Whole segments (SegBeats beats each, payload then spare slot) are written beat by beat; the
/// segment's metadata (Meta) is written with its last beat. The read side sees a segment only
/// once it is complete (its metadata is valid), then reads its beats in order. Depth is Segs whole
/// segments: the plane lane holds exactly Segs credits, so the write side never overflows
/// (asserted). pop_o pulses when a segment's last beat has been read: that is the credit return.
///
/// Handshake : wr_* valid/ready (ready while space); rd_* valid/ready, first-word-fall-through.
///             rd_meta_o is valid with rd_valid_o and constant for all beats of the head segment.
/// Latency   : a complete segment's first beat is readable 2 cycles after its last beat is written.
/// Throughput: one beat per cycle in and out.
/// Parameters: BeatW (bits per beat), SegBeats (beats per segment), Segs (segments), MetaW.
module ifc_seg_fifo #(
  parameter int unsigned BeatW    = 64,
  parameter int unsigned SegBeats = 34,
  parameter int unsigned Segs     = 4,
  parameter int unsigned MetaW    = 8,
  localparam int unsigned Depth   = SegBeats * Segs,
  localparam int unsigned AW      = $clog2(Depth),
  localparam int unsigned SW      = (Segs > 1) ? $clog2(Segs) : 1,
  localparam int unsigned BW      = $clog2(SegBeats + 1)
) (
  input  wire logic             clk_i,
  input  wire logic             rst_ni,
  input  wire logic             wr_valid_i,
  output      logic             wr_ready_o,
  input  wire logic [BeatW-1:0] wr_data_i,
  input  wire logic             wr_last_i,
  input  wire logic [MetaW-1:0] wr_meta_i,
  output      logic             rd_valid_o,
  input  wire logic             rd_ready_i,
  output      logic [BeatW-1:0] rd_data_o,
  output      logic             rd_first_o,
  output      logic             rd_last_o,
  output      logic [BW-1:0]    rd_beat_o,
  output      logic [MetaW-1:0] rd_meta_o,
  output      logic             pop_o,
  output      logic             empty_o
);
  // Beat storage pointers (beats) and segment counters.
  logic [AW-1:0] wptr_q, wptr_d, rptr_q, rptr_d;
  logic [SW:0]   nseg_q, nseg_d;          // complete segments stored (not yet popped)
  logic [SW:0]   wseg_q, wseg_d;          // segments started or complete (space accounting)
  logic [SW-1:0] mw_q, mw_d, mr_q, mr_d;  // metadata write / read index
  logic [MetaW-1:0] meta_q [Segs];
  logic [BW-1:0] rbeat_q, rbeat_d;        // beat index of the next beat to fetch from the SRAM
  // Output register (first-word-fall-through over the 1-cycle SRAM read).
  logic          ov_q, ov_d;              // output register valid
  logic [BW-1:0] obeat_q, obeat_d;
  logic [MetaW-1:0] ometa_q, ometa_d;
  logic          fetching_q, fetching_d;  // a segment is being fetched (rbeat_q counts its beats)
  logic          wfire, rfire, fetch, seg_done_fetch, wbeat_first;
  logic [BW-1:0] wbeat_q, wbeat_d;
  logic [BeatW-1:0] sram_rdata;

  assign wfire      = wr_valid_i && wr_ready_o;
  assign rfire      = ov_q && rd_ready_i;
  assign wbeat_first = (wbeat_q == '0);
  assign wr_ready_o = !wbeat_first || (wseg_q != (SW+1)'(Segs));
  // Fetch the next beat when the output register is (or becomes) free and a complete segment is
  // available (its metadata was written), one segment at a time.
  assign fetch = (!ov_q || rd_ready_i) && (fetching_q || (nseg_q != '0));
  assign seg_done_fetch = fetch && (rbeat_q == BW'(SegBeats - 1));

  always_comb begin
    wptr_d = wptr_q; rptr_d = rptr_q; nseg_d = nseg_q; wseg_d = wseg_q; mw_d = mw_q; mr_d = mr_q;
    rbeat_d = rbeat_q; ov_d = ov_q; obeat_d = obeat_q; ometa_d = ometa_q; fetching_d = fetching_q;
    wbeat_d = wbeat_q;
    if (wfire) begin
      wptr_d  = (wptr_q == AW'(Depth - 1)) ? '0 : wptr_q + 1'b1;
      wbeat_d = wr_last_i ? '0 : wbeat_q + 1'b1;
      if (wbeat_first) wseg_d = wseg_d + 1'b1;
      if (wr_last_i) begin
        nseg_d = nseg_d + 1'b1;
        mw_d   = (mw_q == SW'(Segs - 1)) ? '0 : mw_q + 1'b1;
      end
    end
    if (rfire) ov_d = 1'b0;
    if (fetch) begin
      ov_d       = 1'b1;
      obeat_d    = rbeat_q;
      ometa_d    = meta_q[mr_q];
      rptr_d     = (rptr_q == AW'(Depth - 1)) ? '0 : rptr_q + 1'b1;
      fetching_d = 1'b1;
      rbeat_d    = rbeat_q + 1'b1;
      if (!fetching_q) nseg_d = nseg_d - 1'b1;  // the segment leaves the "complete" pool
      if (seg_done_fetch) begin
        rbeat_d    = '0;
        fetching_d = 1'b0;
        mr_d       = (mr_q == SW'(Segs - 1)) ? '0 : mr_q + 1'b1;
      end
    end
    // Space is returned when the segment's last beat leaves through the output.
    if (rfire && (obeat_q == BW'(SegBeats - 1))) wseg_d = wseg_d - 1'b1;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      wptr_q <= '0; rptr_q <= '0; nseg_q <= '0; wseg_q <= '0; mw_q <= '0; mr_q <= '0;
      rbeat_q <= '0; ov_q <= 1'b0; fetching_q <= 1'b0; wbeat_q <= '0;
    end else begin
      wptr_q <= wptr_d; rptr_q <= rptr_d; nseg_q <= nseg_d; wseg_q <= wseg_d; mw_q <= mw_d; mr_q <= mr_d;
      rbeat_q <= rbeat_d; ov_q <= ov_d; fetching_q <= fetching_d; wbeat_q <= wbeat_d;
    end
  end

  always_ff @(posedge clk_i) begin
    obeat_q <= obeat_d;
    ometa_q <= ometa_d;
    if (wfire && wr_last_i) meta_q[mw_q] <= wr_meta_i;
  end

  ifc_sram_1r1w #(.Width(BeatW), .Depth(Depth)) u_buf (
    .clk_i  (clk_i),
    .we_i   (wfire),
    .waddr_i(wptr_q),
    .wdata_i(wr_data_i),
    .re_i   (fetch),
    .raddr_i(rptr_q),
    .rdata_o(sram_rdata)
  );

  assign rd_valid_o = ov_q;
  assign rd_data_o  = sram_rdata;
  assign rd_beat_o  = obeat_q;
  assign rd_first_o = (obeat_q == '0);
  assign rd_last_o  = (obeat_q == BW'(SegBeats - 1));
  assign rd_meta_o  = ometa_q;
  assign pop_o      = rfire && rd_last_o;
  assign empty_o    = (wseg_q == '0);

  // Assertions
  `IFC_ASSERT(WriteOnlyWithSpace_A, wr_valid_i |-> wr_ready_o)
  `IFC_ASSERT(LastOnSegBoundary_A, wfire |-> (wr_last_i == (wbeat_q == BW'(SegBeats - 1))))
  `IFC_ASSERT_STABLE(RdStable_A, rd_valid_o, rd_ready_i, {rd_data_o, rd_beat_o, rd_meta_o})
  `IFC_ASSERT_KNOWN(RdValidKnown_A, rd_valid_o)

endmodule
`default_nettype wire
