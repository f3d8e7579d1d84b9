`default_nettype none
/// Simple dual-port SRAM macro: one synchronous write port, one synchronous read port.
///
/// Behavioural model for simulation. In the area flow this module is a black box whose area comes
/// from a cited SRAM density (DESIGN.md "Area method"; synth/README.md).
///
/// Handshake : none (memory). Write when we_i at the rising edge. Read when re_i: rdata_o shows
///             mem[raddr_i] one cycle later and holds its value until the next read.
/// Read and write of the same address in the same cycle returns the old data.
/// Parameters: Width (bits per word), Depth (words).
/// Test hook: mem_q is public to the Verilated model, so a test can flip stored bits (a soft error
/// in the macro) while data is in flight; nothing changes in synthesis.
module ifc_sram_1r1w #(
  parameter int unsigned Width = 64,
  parameter int unsigned Depth = 1024,
  localparam int unsigned AddrW = (Depth > 1) ? $clog2(Depth) : 1
) (
  input  wire logic             clk_i,
  input  wire logic             we_i,
  input  wire logic [AddrW-1:0] waddr_i,
  input  wire logic [Width-1:0] wdata_i,
  input  wire logic             re_i,
  input  wire logic [AddrW-1:0] raddr_i,
  output      logic [Width-1:0] rdata_o
);
  // public_flat_rw: the simulation's fault injection (tb/common/sram_fault.hpp) flips bits of the
  // stored words through Verilator's symbol table; a comment to every other tool (no effect on
  // synthesis).
  logic [Width-1:0] mem_q [Depth] /*verilator public_flat_rw*/;
  logic [Width-1:0] rdata_q;

  // Storage has no reset (CONVENTIONS: reset control state only).
  always_ff @(posedge clk_i) begin
    if (we_i) mem_q[waddr_i] <= wdata_i;
    if (re_i) rdata_q <= mem_q[raddr_i];
  end

  assign rdata_o = rdata_q;

endmodule
`default_nettype wire
