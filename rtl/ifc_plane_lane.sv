`default_nettype none
`include "ifc_assert.svh"
/// Plane front end: one plane's page buffer plus whole-segment credit flow control.
///
/// Turns sensed pages into a valid/ready segment stream (see ifc_page_buffer for the beat order).
/// The lane holds SegCredits credits, one per segment slot in the downstream segment FIFO. A
/// segment starts draining only when a credit is available, so a segment once started is never
/// stalled for lack of downstream space (backpressure on out_ready_i still applies per beat). The
/// consumer returns one credit by pulsing seg_credit_i when a segment has left its buffer.
///
/// Handshakes: as ifc_page_buffer; seg_credit_i is a one-cycle pulse per freed segment slot.
/// Latency/throughput: as ifc_page_buffer (1 beat per cycle).
/// Parameters: as ifc_page_buffer, plus SegCredits (segments of downstream buffering).
module ifc_plane_lane #(
  parameter int unsigned PageDataBytes   = ifc_pkg::DEF_PAGE_DATA_BYTES,
  parameter int unsigned PageSpareBytes  = ifc_pkg::DEF_PAGE_SPARE_BYTES,
  parameter int unsigned BondBytes       = ifc_pkg::DEF_BOND_BYTES,
  parameter int unsigned SegPayloadBytes = ifc_pkg::DEF_SEG_PAYLOAD_BYTES,
  parameter int unsigned SegSlotBytes    = ifc_pkg::DEF_SEG_SLOT_BYTES,
  parameter int unsigned SegCredits      = ifc_pkg::DEF_SEG_CREDITS,
  localparam int unsigned BondW   = BondBytes * 8,
  localparam int unsigned NumSegs = PageDataBytes / SegPayloadBytes,
  localparam int unsigned SegW    = (NumSegs > 1) ? $clog2(NumSegs) : 1,
  localparam int unsigned CredW   = $clog2(SegCredits + 1)
) (
  input  wire logic                           clk_i,
  input  wire logic                           rst_ni,
  input  wire logic                           cache_en_i,
  output      logic                           sense_ready_o,
  input  wire logic                           sense_start_i,
  input  wire logic [ifc_pkg::PAGE_TAG_W-1:0] sense_tag_i,
  input  wire logic                           nand_valid_i,
  input  wire logic [BondW-1:0]               nand_data_i,
  input  wire logic                           nand_last_i,
  input  wire logic                           nand_err_i,
  output      logic                           out_valid_o,
  input  wire logic                           out_ready_i,
  output      logic [BondW-1:0]               out_data_o,
  output      logic [SegW-1:0]                out_seg_o,
  output      logic                           out_slot_o,
  output      logic                           out_seg_last_o,
  output      logic                           out_page_last_o,
  output      logic [ifc_pkg::PAGE_TAG_W-1:0] out_tag_o,
  output      logic                           out_err_o,
  input  wire logic                           seg_credit_i,
  output      logic [CredW-1:0]               credits_o,
  output      logic                           idle_o
);

  logic [CredW-1:0] cred_q;
  logic seg_start, seg_start_ok;
  logic [3:0] unused_bank_state;

  // The whole-segment credits (a block of its own so that the formal harness
  // sim/formal/ifc_seg_fifo_fv.sv checks exactly this counter).
  ifc_seg_credits #(.Credits(SegCredits)) u_credits (
    .clk_i    (clk_i),
    .rst_ni   (rst_ni),
    .take_i   (seg_start),
    .give_i   (seg_credit_i),
    .ok_o     (seg_start_ok),
    .credits_o(cred_q)
  );

  ifc_page_buffer #(
    .PageDataBytes  (PageDataBytes),
    .PageSpareBytes (PageSpareBytes),
    .BondBytes      (BondBytes),
    .SegPayloadBytes(SegPayloadBytes),
    .SegSlotBytes   (SegSlotBytes)
  ) u_page_buffer (
    .clk_i          (clk_i),
    .rst_ni         (rst_ni),
    .cache_en_i     (cache_en_i),
    .sense_ready_o  (sense_ready_o),
    .sense_start_i  (sense_start_i),
    .sense_tag_i    (sense_tag_i),
    .nand_valid_i   (nand_valid_i),
    .nand_data_i    (nand_data_i),
    .nand_last_i    (nand_last_i),
    .nand_err_i     (nand_err_i),
    .seg_start_ok_i (seg_start_ok),
    .seg_start_o    (seg_start),
    .out_valid_o    (out_valid_o),
    .out_ready_i    (out_ready_i),
    .out_data_o     (out_data_o),
    .out_seg_o      (out_seg_o),
    .out_slot_o     (out_slot_o),
    .out_seg_last_o (out_seg_last_o),
    .out_page_last_o(out_page_last_o),
    .out_tag_o      (out_tag_o),
    .out_err_o      (out_err_o),
    .bank_state_o   (unused_bank_state),
    .idle_o         (idle_o)
  );

  assign credits_o = cred_q;

  // The credit assertions (no overflow, no underflow) are in ifc_seg_credits.

endmodule
`default_nettype wire
