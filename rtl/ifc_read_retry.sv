`default_nettype none
`include "ifc_assert.svh"
/// Read-retry unit: re-reads one uncorrectable segment at the next read-level step.
///
/// The dispatcher hands over a segment the corrector found uncorrectable at retry step k < RetryMax
/// as a request {g, s, step = k + 1} (g: global segment index, s: its k-slice). The unit queues the
/// request, derives the segment's physical position from the weight layout (docs/core.md: plane
/// g % Planes, page base + (g / Planes) / SegsPerPage, segment (g / Planes) % SegsPerPage; g / Planes
/// by a serial restoring division, 32 cycles, hidden under the tR of the re-read), and issues a
/// single-plane read of that page at read-level step `step` with a column select of the one
/// segment (nand_cmd_seg_o: a change-read-column data-out of SegBeats beats). The other segments of
/// the re-read page are never transferred: they were consumed by the first read. The returned beats
/// arrive on the NAND's retry channel (its own latch and data-out, so a retry never queues behind
/// the plane lanes' page latches, whose segments may be held back by the scoreboard window: a
/// retry that waited for them could deadlock), pass their own line-rate ECC checker and land in a
/// two-segment FIFO. The FIFO's head is a dispatcher source like a plane FIFO, with the same tag
/// g (so the scoreboard commits it in order), the checker's verdict and the step; the dispatcher
/// sends it to a PE lane (clean), the corrector (dirty) or the fail channel (NAND read error).
///
///   | state  | does                                                   | leaves when              |
///   |--------|--------------------------------------------------------|--------------------------|
///   | RIdle  | waits for a queued request and a free FIFO slot        | both: pops the request   |
///   | RDiv   | g / Planes, one quotient bit per cycle                 | 32 cycles                |
///   | RCmd   | nand_cmd_valid_o (single plane, step, column)          | the NAND accepts it      |
///   | RWait  | the segment's beats go through the checker to the FIFO | its last beat is written |
///
/// One retry read is in flight at a time (a retry is rare: at the default configuration and the
/// highest RBER of the sweep a few per page, docs/reliability.md); the FIFO lets the next one
/// start while the previous segment waits for a lane or the corrector.
///
/// Handshake : req_* and out_* valid/ready; nand_cmd_* valid/ready (valid never waits on ready);
///             the retry data channel nand_* has no ready: a read is issued only when the FIFO has
///             a free segment slot, so every beat is taken (asserted).
/// Latency   : 34 cycles + tR + SegBeats from request to segment; throughput one retry per
///             (tR + SegBeats + ~36) cycles.
/// Parameters: Planes, SegsPerPage (power of two), BondBytes, SegBeats (beats per segment),
///             ParityBits, GenPoly, EccT (erased-segment threshold, as the plane checkers), Depth
///             (queued requests; the dispatcher never has more outstanding, see ifc_dispatch).
module ifc_read_retry #(
  parameter int unsigned Planes      = ifc_pkg::DEF_PLANES,
  parameter int unsigned SegsPerPage = 64,
  parameter int unsigned BondBytes   = ifc_pkg::DEF_BOND_BYTES,
  parameter int unsigned SegBeats    = 34,
  parameter int unsigned ParityBits  = 96,
  parameter logic [ParityBits:0] GenPoly = 97'h1b946268e6527c3e1cd4ba01d,
  parameter int unsigned EccT        = 8,
  parameter int unsigned Depth       = 16,
  localparam int unsigned BondW  = BondBytes * 8,
  localparam int unsigned MetaW  = 51 + ParityBits,
  localparam int unsigned QW     = (Depth > 1) ? $clog2(Depth) : 1,
  localparam int unsigned SegW   = (SegsPerPage > 1) ? $clog2(SegsPerPage) : 1,
  localparam int unsigned ReqW   = 32 + 16 + 4
) (
  input  wire logic               clk_i,
  input  wire logic               rst_ni,
  input  wire logic [31:0]        base_page_i,   // base page of the running GEMV
  // retry requests from the dispatcher
  input  wire logic               req_valid_i,
  output      logic               req_ready_o,
  input  wire logic [31:0]        req_g_i,
  input  wire logic [15:0]        req_s_i,
  input  wire logic [3:0]         req_step_i,
  // NAND command (arbitrated with the prefetch sequencer by the core; retries first)
  output      logic               nand_cmd_valid_o,
  input  wire logic               nand_cmd_ready_i,
  output      logic [Planes-1:0]  nand_cmd_plane_mask_o,
  output      logic [31:0]        nand_cmd_page_o,
  output      logic [15:0]        nand_cmd_seg_o,
  output      logic [3:0]         nand_cmd_step_o,
  // NAND retry data channel (one segment per retry read)
  input  wire logic               nand_valid_i,
  input  wire logic [BondW-1:0]   nand_data_i,
  input  wire logic               nand_last_i,
  input  wire logic               nand_err_i,
  // the re-read segment, a dispatcher source (meta as the plane FIFOs: {rem, err, erased, dirty, s, g})
  output      logic               out_valid_o,
  input  wire logic               out_ready_i,
  output      logic [BondW-1:0]   out_data_o,
  output      logic [MetaW-1:0]   out_meta_o,
  output      logic [3:0]         out_step_o,
  output      logic               idle_o
);
  localparam logic [1:0] RIdle = 2'd0, RDiv = 2'd1, RCmd = 2'd2, RWait = 2'd3;

  // ---- request queue ------------------------------------------------------------------------
  logic [ReqW-1:0] q_mem [Depth];
  logic [QW-1:0]   q_wr_q, q_wr_d, q_rd_q, q_rd_d;
  logic [QW:0]     q_cnt_q, q_cnt_d;
  logic            q_push, q_pop;
  assign req_ready_o = (q_cnt_q != (QW+1)'(Depth));
  assign q_push      = req_valid_i && req_ready_o;

  // ---- retry FSM ------------------------------------------------------------------------------
  logic [1:0]  st_q, st_d;
  logic [31:0] g_q, g_d, quo_q, quo_d;
  logic [15:0] s_q, s_d;
  logic [3:0]  step_q, step_d;
  logic [5:0]  bit_q, bit_d;
  logic [7:0]  rem_q, rem_d;       // g % Planes (Planes <= 16)
  logic [8:0]  rem_sh;
  logic [1:0]  occ_q, occ_d;       // FIFO segments reserved (in flight or stored)
  logic        cmd_fire, seg_pop, seg_written;

  assign cmd_fire = nand_cmd_valid_o && nand_cmd_ready_i;
  assign q_pop    = (st_q == RIdle) && (q_cnt_q != '0) && (occ_q != 2'd2);

  always_comb begin
    q_wr_d = q_wr_q; q_rd_d = q_rd_q; q_cnt_d = q_cnt_q;
    st_d = st_q; g_d = g_q; quo_d = quo_q; s_d = s_q; step_d = step_q; bit_d = bit_q; rem_d = rem_q;
    occ_d = occ_q;
    rem_sh = {rem_q, g_q[31 - bit_q[4:0]]};
    if (q_push) begin
      q_wr_d = (q_wr_q == QW'(Depth - 1)) ? '0 : q_wr_q + 1'b1;
    end
    if (q_pop) begin
      q_rd_d = (q_rd_q == QW'(Depth - 1)) ? '0 : q_rd_q + 1'b1;
    end
    q_cnt_d = q_cnt_q + (QW+1)'(q_push) - (QW+1)'(q_pop);
    case (st_q)
      RIdle: if (q_pop) begin
        {step_d, s_d, g_d} = q_mem[q_rd_q];
        quo_d = '0; rem_d = '0; bit_d = '0;
        occ_d = occ_q + 1'b1;
        st_d = RDiv;
      end
      RDiv: begin
        // restoring division: one quotient bit per cycle, MSB first
        if (rem_sh >= 9'(Planes)) begin
          rem_d = 8'(rem_sh - 9'(Planes));
          quo_d = {quo_q[30:0], 1'b1};
        end else begin
          rem_d = rem_sh[7:0];
          quo_d = {quo_q[30:0], 1'b0};
        end
        bit_d = bit_q + 1'b1;
        if (bit_q == 6'd31) st_d = RCmd;
      end
      RCmd: if (cmd_fire) st_d = RWait;
      RWait: if (seg_written) st_d = RIdle;
      default: st_d = RIdle;
    endcase
    if (seg_pop) occ_d = occ_d - 1'b1;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      st_q <= RIdle; q_wr_q <= '0; q_rd_q <= '0; q_cnt_q <= '0; occ_q <= '0; bit_q <= '0;
    end else begin
      st_q <= st_d; q_wr_q <= q_wr_d; q_rd_q <= q_rd_d; q_cnt_q <= q_cnt_d; occ_q <= occ_d;
      bit_q <= bit_d;
    end
  end
  always_ff @(posedge clk_i) begin
    if (q_push) q_mem[q_wr_q] <= {req_step_i, req_s_i, req_g_i};
    g_q <= g_d; quo_q <= quo_d; s_q <= s_d; step_q <= step_d; rem_q <= rem_d;
  end

  assign nand_cmd_valid_o = (st_q == RCmd);
  always_comb begin
    nand_cmd_plane_mask_o = '0;
    nand_cmd_plane_mask_o[rem_q[$clog2(Planes > 1 ? Planes : 2)-1:0]] = 1'b1;
  end
  assign nand_cmd_page_o = base_page_i + (quo_q >> SegW);
  assign nand_cmd_seg_o  = 16'(quo_q[SegW-1:0]);
  assign nand_cmd_step_o = step_q;

  // ---- retry channel: checker -> FIFO ---------------------------------------------------------
  logic                  cv, cr, clast, cdirty, cerased, chk_ready;
  logic [0:0]            cside;
  logic [BondW-1:0]      cdata;
  logic [ParityBits-1:0] crem;
  logic [$clog2(SegBeats + 1)-1:0] unused_beat;
  logic                  unused_first, unused_last, fifo_empty;
  logic [MetaW+4-1:0]    fifo_meta;

  ifc_ecc_checker #(
    .BondBytes(BondBytes), .SegBeats(SegBeats), .ParityBits(ParityBits), .GenPoly(GenPoly),
    .ErasedMaxZeros(EccT), .SideW(1)
  ) u_chk (
    .clk_i, .rst_ni,
    .in_valid_i(nand_valid_i), .in_ready_o(chk_ready), .in_data_i(nand_data_i), .in_last_i(nand_last_i),
    .in_side_i(nand_err_i),
    .out_valid_o(cv), .out_ready_i(cr), .out_data_o(cdata), .out_last_o(clast), .out_side_o(cside),
    .out_dirty_o(cdirty), .out_erased_o(cerased), .out_rem_o(crem)
  );
  assign seg_written = cv && cr && clast;

  ifc_seg_fifo #(.BeatW(BondW), .SegBeats(SegBeats), .Segs(2), .MetaW(MetaW + 4)) u_fifo (
    .clk_i, .rst_ni,
    .wr_valid_i(cv), .wr_ready_o(cr), .wr_data_i(cdata), .wr_last_i(clast),
    .wr_meta_i({step_q, crem, cside[0], cerased, cdirty, s_q, g_q}),
    .rd_valid_o(out_valid_o), .rd_ready_i(out_ready_i), .rd_data_o(out_data_o),
    .rd_first_o(unused_first), .rd_last_o(unused_last), .rd_beat_o(unused_beat),
    .rd_meta_o(fifo_meta), .pop_o(seg_pop), .empty_o(fifo_empty)
  );
  assign out_meta_o = fifo_meta[MetaW-1:0];
  assign out_step_o = fifo_meta[MetaW +: 4];

  assign idle_o  = (st_q == RIdle) && (q_cnt_q == '0) && (occ_q == '0) && fifo_empty;

  // Assertions
  `IFC_ASSERT(RetryBeatTaken_A, nand_valid_i |-> chk_ready)
  `IFC_ASSERT(RetryBeatExpected_A, nand_valid_i |-> (st_q == RWait))
  `IFC_ASSERT(QueueNoOverflow_A, req_valid_i |-> req_ready_o)
  `IFC_ASSERT(StepNonZero_A, q_push |-> (req_step_i != '0))
  `IFC_ASSERT_STABLE(RetryCmdStable_A, nand_cmd_valid_o, nand_cmd_ready_i,
                     {nand_cmd_page_o, nand_cmd_seg_o, nand_cmd_step_o, nand_cmd_plane_mask_o})
  `IFC_ASSERT_KNOWN(RetryCmdValidKnown_A, nand_cmd_valid_o)
  `IFC_ASSERT_INIT(SegsPerPagePow2_A, (SegsPerPage & (SegsPerPage - 1)) == 0)
  `IFC_ASSERT_INIT(PlanesFit_A, Planes <= 16)

endmodule
`default_nettype wire
