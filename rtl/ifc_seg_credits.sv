`default_nettype none
`include "ifc_assert.svh"
/// Whole-segment credit counter of one plane lane (ifc_plane_lane): the segment slots free in the
/// downstream segment FIFO.
///
/// Starts at Credits after reset. take_i (a segment starts draining) consumes one credit, give_i
/// (the FIFO popped a segment) returns one; both in one cycle leave the count unchanged. ok_o says a
/// segment may start (a credit is held), combinationally from the counter only.
///
/// Handshake : take_i only while ok_o; give_i only for a credit that was taken (asserted).
/// Latency   : a returned credit is usable the cycle after give_i.
/// Parameters: Credits (segment slots downstream).
module ifc_seg_credits #(
  parameter int unsigned Credits = 4,
  localparam int unsigned CredW  = $clog2(Credits + 1)
) (
  input  wire logic             clk_i,
  input  wire logic             rst_ni,
  input  wire logic             take_i,
  input  wire logic             give_i,
  output      logic             ok_o,
  output      logic [CredW-1:0] credits_o
);
  logic [CredW-1:0] cred_q, cred_d;

  always_comb begin
    cred_d = cred_q;
    if (take_i && !give_i)      cred_d = cred_q - 1'b1;
    else if (!take_i && give_i) cred_d = cred_q + 1'b1;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) cred_q <= CredW'(Credits);
    else         cred_q <= cred_d;
  end

  assign ok_o      = (cred_q != '0);
  assign credits_o = cred_q;

  // Assertions
  `IFC_ASSERT(CreditNoOverflow_A, give_i |-> (cred_q != CredW'(Credits)) || take_i)
  `IFC_ASSERT(CreditNoUnderflow_A, take_i |-> (cred_q != '0))

endmodule
`default_nettype wire
