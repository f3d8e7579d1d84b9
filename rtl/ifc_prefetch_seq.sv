`default_nettype none
`include "ifc_assert.svh"
/// Deterministic prefetch sequencer: issues the multi-plane cache reads of one GEMV.
///
/// The weight layout (docs/core.md) puts segment g on plane g % Planes, page base + (g / Planes) /
/// SegsPerPage, so page index i of every plane holds segments [i*Planes*SegsPerPage, (i+1)*...).
/// The sequencer reads page indices base, base+1, ... with one multi-plane cache read each, until
/// the pages read cover all nsegs_i segments. A read is issued as soon as every plane holds a free
/// latch (the page buffers' read credits): nothing but buffer credits throttles it, so every plane
/// keeps sensing (the drain of page n overlaps the sensing of page n+1).
///
/// Handshake : start_i is a one-cycle pulse while idle; nand_cmd_* is valid/ready.
/// Throughput: one multi-plane read per tR in steady state (one command per cycle at most).
/// Parameters: Planes, SegsPerPage (segments per page per plane).
module ifc_prefetch_seq #(
  parameter int unsigned Planes      = ifc_pkg::DEF_PLANES,
  parameter int unsigned SegsPerPage = 64
) (
  input  wire logic              clk_i,
  input  wire logic              rst_ni,
  input  wire logic              start_i,
  input  wire logic [31:0]       base_page_i,
  input  wire logic [31:0]       nsegs_i,
  input  wire logic [Planes-1:0] sense_ready_i,
  output      logic              sense_start_o,
  output      logic              nand_cmd_valid_o,
  input  wire logic              nand_cmd_ready_i,
  output      logic [Planes-1:0] nand_cmd_plane_mask_o,
  output      logic [31:0]       nand_cmd_page_o,
  output      logic              nand_cmd_cache_o,
  output      logic              busy_o,
  output      logic [31:0]       pages_issued_o
);
  logic [31:0] page_q, page_d, nsegs_q, nsegs_d, cap_q, cap_d, issued_q, issued_d;
  logic        busy_q, busy_d, fire;

  assign nand_cmd_valid_o      = busy_q && (&sense_ready_i);
  assign fire                  = nand_cmd_valid_o && nand_cmd_ready_i;
  assign sense_start_o         = fire;
  assign nand_cmd_plane_mask_o = {Planes{1'b1}};
  assign nand_cmd_page_o       = page_q;
  assign nand_cmd_cache_o      = 1'b1;

  always_comb begin
    page_d = page_q; nsegs_d = nsegs_q; cap_d = cap_q; busy_d = busy_q; issued_d = issued_q;
    if (start_i && !busy_q) begin
      page_d   = base_page_i;
      nsegs_d  = nsegs_i;
      cap_d    = '0;
      issued_d = '0;
      busy_d   = (nsegs_i != '0);
    end
    if (fire) begin
      page_d   = page_q + 1'b1;
      cap_d    = cap_q + 32'(Planes * SegsPerPage);
      issued_d = issued_q + 1'b1;
      busy_d   = (cap_q + 32'(Planes * SegsPerPage)) < nsegs_q;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      busy_q <= 1'b0; issued_q <= '0; cap_q <= '0;
    end else begin
      busy_q <= busy_d; issued_q <= issued_d; cap_q <= cap_d;
    end
  end
  always_ff @(posedge clk_i) begin
    page_q  <= page_d;
    nsegs_q <= nsegs_d;
  end

  assign busy_o         = busy_q;
  assign pages_issued_o = issued_q;

  // Assertions
  `IFC_ASSERT(NoStartWhileBusy_A, start_i |-> !busy_q)
  `IFC_ASSERT_STABLE(NandCmdStable_A, nand_cmd_valid_o, nand_cmd_ready_i, {nand_cmd_page_o, nand_cmd_plane_mask_o})
  `IFC_ASSERT_KNOWN(NandCmdValidKnown_A, nand_cmd_valid_o)

endmodule
`default_nettype wire
