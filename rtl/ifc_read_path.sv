`default_nettype none
`include "ifc_assert.svh"
/// Multi-plane read path: a sequential-read sequencer in front of Planes plane lanes.
///
/// A command reads NumPages consecutive pages (linear page index StartPage + n within each plane)
/// from every plane with one multi-plane (cache) read per page index. The sequencer issues the
/// multi-plane read as soon as every plane holds a free latch (the per-plane read credit), so with
/// cache_en every plane keeps sensing while the previous page drains. Each plane's sensed pages come
/// out on its own segment stream, in page order.
///
/// Handshakes
///   cmd_*      : valid/ready. Accepted only when the previous command has issued all its reads.
///   nand_cmd_* : valid/ready towards the NAND array (one multi-plane read: plane mask + page).
///   nand_dat_* : per plane, no ready (the latch was reserved when the read was issued).
///   out_*      : per plane valid/ready beat streams (flattened: plane p at [p*W +: W]).
///   seg_credit_i[p]: one pulse returns one whole-segment credit to plane p.
/// Throughput: one beat per plane per cycle; one NAND command per cycle at most.
/// Parameters: Planes, plus those of ifc_plane_lane.
module ifc_read_path #(
  parameter int unsigned Planes          = ifc_pkg::DEF_PLANES,
  parameter int unsigned PageDataBytes   = ifc_pkg::DEF_PAGE_DATA_BYTES,
  parameter int unsigned PageSpareBytes  = ifc_pkg::DEF_PAGE_SPARE_BYTES,
  parameter int unsigned BondBytes       = ifc_pkg::DEF_BOND_BYTES,
  parameter int unsigned SegPayloadBytes = ifc_pkg::DEF_SEG_PAYLOAD_BYTES,
  parameter int unsigned SegSlotBytes    = ifc_pkg::DEF_SEG_SLOT_BYTES,
  parameter int unsigned SegCredits      = ifc_pkg::DEF_SEG_CREDITS,
  localparam int unsigned BondW   = BondBytes * 8,
  localparam int unsigned NumSegs = PageDataBytes / SegPayloadBytes,
  localparam int unsigned SegW    = (NumSegs > 1) ? $clog2(NumSegs) : 1,
  localparam int unsigned CredW   = $clog2(SegCredits + 1),
  localparam int unsigned PageW   = ifc_pkg::NAND_PAGE_W,
  localparam int unsigned TagW    = ifc_pkg::PAGE_TAG_W
) (
  input  wire logic                     clk_i,
  input  wire logic                     rst_ni,
  // Command: read pages [cmd_start_page_i, cmd_start_page_i + cmd_num_pages_i) of every plane
  input  wire logic                     cmd_valid_i,
  output      logic                     cmd_ready_o,
  input  wire logic [PageW-1:0]         cmd_start_page_i,
  input  wire logic [PageW-1:0]         cmd_num_pages_i,
  input  wire logic                     cmd_cache_i,
  // NAND array command bus
  output      logic                     nand_cmd_valid_o,
  input  wire logic                     nand_cmd_ready_i,
  output      logic [Planes-1:0]        nand_cmd_plane_mask_o,
  output      logic [PageW-1:0]         nand_cmd_page_o,
  output      logic                     nand_cmd_cache_o,
  // NAND array data, per plane
  input  wire logic [Planes-1:0]        nand_dat_valid_i,
  input  wire logic [Planes*BondW-1:0]  nand_dat_data_i,
  input  wire logic [Planes-1:0]        nand_dat_last_i,
  input  wire logic [Planes-1:0]        nand_dat_err_i,
  // Segment streams, per plane
  output      logic [Planes-1:0]        out_valid_o,
  input  wire logic [Planes-1:0]        out_ready_i,
  output      logic [Planes*BondW-1:0]  out_data_o,
  output      logic [Planes*SegW-1:0]   out_seg_o,
  output      logic [Planes-1:0]        out_slot_o,
  output      logic [Planes-1:0]        out_seg_last_o,
  output      logic [Planes-1:0]        out_page_last_o,
  output      logic [Planes*TagW-1:0]   out_tag_o,
  output      logic [Planes-1:0]        out_err_o,
  input  wire logic [Planes-1:0]        seg_credit_i,
  // Status
  output      logic                     busy_o,
  output      logic [31:0]              perf_pages_issued_o
);

  logic [PageW-1:0] next_page_q, next_page_d, left_q, left_d;
  logic             cache_q, cache_d;
  logic [31:0]      perf_q, perf_d;
  logic [Planes-1:0] sense_ready, lane_idle;
  logic             all_ready, nand_fire;
  logic [Planes*CredW-1:0] unused_credits;

  assign all_ready        = &sense_ready;
  assign cmd_ready_o      = (left_q == '0);
  assign nand_cmd_valid_o = (left_q != '0) && all_ready;
  assign nand_fire        = nand_cmd_valid_o && nand_cmd_ready_i;
  assign nand_cmd_plane_mask_o = {Planes{1'b1}};
  assign nand_cmd_page_o  = next_page_q;
  assign nand_cmd_cache_o = cache_q;

  always_comb begin
    next_page_d = next_page_q;
    left_d      = left_q;
    cache_d     = cache_q;
    perf_d      = perf_q;
    if (cmd_valid_i && cmd_ready_o) begin
      next_page_d = cmd_start_page_i;
      left_d      = cmd_num_pages_i;
      cache_d     = cmd_cache_i;
    end
    if (nand_fire) begin
      next_page_d = next_page_q + 1'b1;
      left_d      = left_q - 1'b1;
      perf_d      = perf_q + 1'b1;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      left_q  <= '0;
      cache_q <= 1'b1;
      perf_q  <= '0;
    end else begin
      left_q  <= left_d;
      cache_q <= cache_d;
      perf_q  <= perf_d;
    end
  end
  always_ff @(posedge clk_i) next_page_q <= next_page_d;

  for (genvar p = 0; p < Planes; p++) begin : g_lane
    ifc_plane_lane #(
      .PageDataBytes  (PageDataBytes),
      .PageSpareBytes (PageSpareBytes),
      .BondBytes      (BondBytes),
      .SegPayloadBytes(SegPayloadBytes),
      .SegSlotBytes   (SegSlotBytes),
      .SegCredits     (SegCredits)
    ) u_lane (
      .clk_i          (clk_i),
      .rst_ni         (rst_ni),
      .cache_en_i     (cache_q),
      .sense_ready_o  (sense_ready[p]),
      .sense_start_i  (nand_fire),
      .sense_tag_i    (TagW'(next_page_q)),
      .nand_valid_i   (nand_dat_valid_i[p]),
      .nand_data_i    (nand_dat_data_i[p*BondW +: BondW]),
      .nand_last_i    (nand_dat_last_i[p]),
      .nand_err_i     (nand_dat_err_i[p]),
      .out_valid_o    (out_valid_o[p]),
      .out_ready_i    (out_ready_i[p]),
      .out_data_o     (out_data_o[p*BondW +: BondW]),
      .out_seg_o      (out_seg_o[p*SegW +: SegW]),
      .out_slot_o     (out_slot_o[p]),
      .out_seg_last_o (out_seg_last_o[p]),
      .out_page_last_o(out_page_last_o[p]),
      .out_tag_o      (out_tag_o[p*TagW +: TagW]),
      .out_err_o      (out_err_o[p]),
      .seg_credit_i   (seg_credit_i[p]),
      .credits_o      (unused_credits[p*CredW +: CredW]),
      .idle_o         (lane_idle[p])
    );
  end

  assign busy_o = (left_q != '0) || !(&lane_idle);
  assign perf_pages_issued_o = perf_q;

  // Assertions
  `IFC_ASSERT_STABLE(NandCmdStable_A, nand_cmd_valid_o, nand_cmd_ready_i,
                     {nand_cmd_plane_mask_o, nand_cmd_page_o, nand_cmd_cache_o})
  `IFC_ASSERT_KNOWN(NandCmdValidKnown_A, nand_cmd_valid_o)
  `IFC_ASSERT_KNOWN(CmdReadyKnown_A, cmd_ready_o)

endmodule
`default_nettype wire
