`default_nettype none
/// Formal harness for the segment FIFO and its credit loop (yosys-smtbmc + z3, scripts/formal.sh,
/// ctest label formal).
///
/// One plane's datapath of ifc_core, from the page buffer's output register on: a segment source
/// that starts a segment only while ifc_seg_credits holds a credit (exactly the page buffer's drain
/// rule: seg_start_ok_i, seg_start_o when beat 0 is issued into its output register) ->
/// ifc_ecc_checker -> ifc_seg_fifo, whose pop_o returns the credit (as ifc_plane_lane / ifc_core
/// wire it). Small configuration: 1-byte beats, SegBeats = 2, Segs = Credits = 2, a 10-bit BCH
/// remainder (the checker's polynomial does not matter here). The page buffer itself is left out
/// (its latch banks made z3 stall at step 0); the source reproduces its output register.
/// Environment (by construction, no assumptions): the source offers a beat when the harness asks,
/// with free data and error flag; the reader's rd_ready is free every cycle.
///
/// Properties, checked at every step after reset:
///   - no overflow: the checker never presents a beat the FIFO cannot take (wr_valid -> wr_ready:
///     the credits guarantee space for every started segment);
///   - credit conservation: credits + (a segment's first beat held in the source's output
///     register) + (segments started out of the source, not yet popped) == Segs; hence
///     credits <= Segs, no credit is returned that was not taken (no overflow) and none taken that
///     was not held (no underflow);
///   - occupancy: segments in the FIFO (first beat written, last beat not read) <= Segs;
///     empty_o == (none); at a segment boundary wr_ready_o == (occupancy < Segs) (the full flag);
///     pop_o only with a segment in the FIFO;
///   - order, no loss, no duplication: the n-th beat read from the FIFO is the n-th beat that left
///     the source, with its beat index n % SegBeats, for a free n (a tracked beat: anyconst), and
///     never more beats read than written; the n-th segment's metadata (the checker's verdict and
///     the error flag) is the one written with it;
///   - the read payload is stable while rd_valid && !rd_ready.
module ifc_seg_fifo_fv (
  input wire logic       clk_i,
  input wire logic       beat_i,
  input wire logic [7:0] data_i,
  input wire logic       err_i,
  input wire logic       rd_ready_i
);
  localparam int unsigned Segs = 2;
  localparam int unsigned SegBeats = 2;
  localparam int unsigned MetaW = 2;

  logic rst_ni = 1'b0;
  always @(posedge clk_i) rst_ni <= 1'b1;

  // ---------------------------------------------------------------------------------------------
  // Segment source: the page buffer's output register and drain rule
  // ---------------------------------------------------------------------------------------------
  logic       lv, lr, lseg_last, lerr, seg_start, seg_ok, seg_credit, issue;
  logic [7:0] ldata;
  logic [1:0] credits;
  logic       pbeat_q = 1'b0;  // beat index of the next beat to issue (SegBeats = 2)
  logic       pv_q = 1'b0, pfirst_q = 1'b0;
  logic [7:0] pdata_q;
  logic       perr_q;
  assign issue     = rst_ni && beat_i && (!pv_q || lr) && (pbeat_q || seg_ok);
  assign seg_start = issue && !pbeat_q;
  always @(posedge clk_i) begin
    if (!rst_ni) begin
      pv_q    <= 1'b0;
      pbeat_q <= 1'b0;
    end else if (issue) begin
      pv_q     <= 1'b1;
      pbeat_q  <= !pbeat_q;
      pfirst_q <= !pbeat_q;
      pdata_q  <= data_i;
      perr_q   <= err_i;
    end else if (lr) begin
      pv_q <= 1'b0;
    end
  end
  assign lv        = pv_q;
  assign ldata     = pdata_q;
  assign lerr      = perr_q;
  assign lseg_last = !pfirst_q;

  ifc_seg_credits #(.Credits(Segs)) u_credits (
    .clk_i(clk_i), .rst_ni(rst_ni), .take_i(seg_start), .give_i(seg_credit), .ok_o(seg_ok),
    .credits_o(credits)
  );

  logic       cv, cr, clast, cdirty, cerased;
  logic [7:0] cdata;
  logic [0:0] cside;
  logic [9:0] crem;
  ifc_ecc_checker #(
    .BondBytes(1), .SegBeats(SegBeats), .ParityBits(10), .GenPoly(11'h769), .ErasedMaxZeros(2), .SideW(1)
  ) u_chk (
    .clk_i(clk_i), .rst_ni(rst_ni),
    .in_valid_i(lv), .in_ready_o(lr), .in_data_i(ldata), .in_last_i(lseg_last), .in_side_i(lerr),
    .out_valid_o(cv), .out_ready_i(cr), .out_data_o(cdata), .out_last_o(clast), .out_side_o(cside),
    .out_dirty_o(cdirty), .out_erased_o(cerased), .out_rem_o(crem)
  );

  logic             rv, rfirst, rlast, empty;
  logic [7:0]       rdata;
  logic [1:0]       rbeat;
  logic [MetaW-1:0] rmeta, wmeta;
  assign wmeta = {cside[0], cdirty};
  ifc_seg_fifo #(.BeatW(8), .SegBeats(SegBeats), .Segs(Segs), .MetaW(MetaW)) u_fifo (
    .clk_i(clk_i), .rst_ni(rst_ni),
    .wr_valid_i(cv), .wr_ready_o(cr), .wr_data_i(cdata), .wr_last_i(clast), .wr_meta_i(wmeta),
    .rd_valid_o(rv), .rd_ready_i(rd_ready_i), .rd_data_o(rdata), .rd_first_o(rfirst), .rd_last_o(rlast),
    .rd_beat_o(rbeat), .rd_meta_o(rmeta), .pop_o(seg_credit), .empty_o(empty)
  );

  // ---------------------------------------------------------------------------------------------
  // Shadow counters (modulo 32: every real difference stays far below that)
  // ---------------------------------------------------------------------------------------------
  logic       lfire, wfire, rfire;
  logic       lbeat_q = 1'b0, wbeat_q = 1'b0;  // beat index in the segment (SegBeats = 2)
  logic [4:0] lsegs_q = 5'd0;   // segments whose first beat left the lane
  logic [4:0] wsegs_q = 5'd0;   // segments whose first beat was written into the FIFO
  logic [4:0] pops_q = 5'd0;    // segments popped (credits returned)
  logic [4:0] lbeats_q = 5'd0;  // beats that left the lane
  logic [4:0] rbeats_q = 5'd0;  // beats read from the FIFO
  logic [4:0] wlast_q = 5'd0;   // segments whose last beat was written (metadata written)
  logic [4:0] rsegs_q = 5'd0;   // index of the segment at the read head
  logic [4:0] occ, held0, lane_out;
  assign lfire    = rst_ni && lv && lr;
  assign wfire    = rst_ni && cv && cr;
  assign rfire    = rst_ni && rv && rd_ready_i;
  assign occ      = wsegs_q - pops_q;
  assign held0    = 5'(lv && pfirst_q);
  assign lane_out = lsegs_q - pops_q;

  // Tracked beat and segment (free constants).
  (* anyconst *) logic [4:0] trk_beat;
  (* anyconst *) logic [4:0] trk_seg;
  logic [7:0]       trk_data_q = 8'd0;
  logic             trk_data_seen_q = 1'b0;
  logic [MetaW-1:0] trk_meta_q = '0;
  logic             trk_meta_seen_q = 1'b0;
  logic             hold_q = 1'b0;
  logic [7+2+MetaW+2:0] held_q = '0;

  always @(posedge clk_i) begin
    if (rst_ni) begin
      if (lfire) begin
        lbeat_q  <= !lbeat_q;
        lbeats_q <= lbeats_q + 5'd1;
        if (!lbeat_q) lsegs_q <= lsegs_q + 5'd1;
        if (lbeats_q == trk_beat) begin
          trk_data_q      <= ldata;
          trk_data_seen_q <= 1'b1;
        end
      end
      if (wfire) begin
        wbeat_q <= !wbeat_q;
        if (!wbeat_q) wsegs_q <= wsegs_q + 5'd1;
        if (clast) begin
          wlast_q <= wlast_q + 5'd1;
          if (wlast_q == trk_seg) begin
            trk_meta_q      <= wmeta;
            trk_meta_seen_q <= 1'b1;
          end
        end
      end
      if (rfire) begin
        rbeats_q <= rbeats_q + 5'd1;
        if (rlast) rsegs_q <= rsegs_q + 5'd1;
      end
      if (seg_credit) pops_q <= pops_q + 5'd1;
    end
    hold_q <= rst_ni && rv && !rd_ready_i;
    held_q <= {rdata, rbeat, rmeta, rfirst, rlast};
  end

  // ---------------------------------------------------------------------------------------------
  // Properties
  // ---------------------------------------------------------------------------------------------
  always @(posedge clk_i) begin
    if (rst_ni) begin
      // the source's beat index agrees with the harness's count of beats taken from it
      if (lv) assert (pfirst_q == !lbeat_q);
      // no overflow: every beat the checker presents is taken
      if (cv) assert (cr);
      // credit conservation
      assert (5'(credits) + held0 + lane_out == 5'(Segs));
      assert (credits <= 2'(Segs));
      assert (lane_out <= 5'(Segs));
      // occupancy and the full / empty flags
      assert (occ <= 5'(Segs));
      assert (empty == (occ == 5'd0));
      if (!wbeat_q) assert (cr == (occ < 5'(Segs)));
      if (seg_credit) assert (occ != 5'd0);
      // order, no loss, no duplication
      assert (rbeats_q <= lbeats_q);
      if (rv) begin
        assert (rbeats_q != lbeats_q);
        assert (rbeat == 2'(rbeats_q[0]));
        assert (rfirst == !rbeats_q[0] && rlast == rbeats_q[0]);
        if (rbeats_q == trk_beat) assert (trk_data_seen_q && rdata == trk_data_q);
        if (rsegs_q == trk_seg) assert (trk_meta_seen_q && rmeta == trk_meta_q);
      end
      if (hold_q) assert (rv && {rdata, rbeat, rmeta, rfirst, rlast} == held_q);
    end
  end
endmodule
`default_nettype wire
