`default_nettype none
`include "ifc_assert.svh"
/// Activation buffer of one PE lane: the lane's private copy of the activation vector
/// (docs/core.md "ifc_pe_lane + ifc_act_buffer"; every lane has one, the host's load is broadcast).
///
/// Word w holds elements 2*Macs*w .. 2*Macs*w + 2*Macs-1; element i of a word is in bits
/// [16*i +: 16] (bf16 bits, or an int8 activation sign-extended to 16 bits). One word feeds one
/// INT4 lane cycle (2*Macs elements) or two INT8 / BF16 lane cycles (Macs elements each).
/// Storage is an ifc_sram_1r1w macro (a black box in synthesis: area from the SRAM density).
///
/// Read filter: a read of the word that the macro's output already holds (the same address as
/// the last read, and no write since) is not sent to the macro; rdata_o simply holds. The lane
/// reads every word twice in a row for INT8 and BF16 (Macs elements of a 2*Macs-element word per
/// cycle), so this halves the SRAM read energy there. Any write invalidates the held word.
///
/// Handshake : write port valid/ready; wr_ready_o is always 1 (one word per cycle).
///             Read port: re_i, raddr_i -> rdata_o one cycle later; rdata_o holds until the next
///             read. A read and a write of the same word in one cycle return the old word.
/// Latency   : read 1 cycle. Throughput: one write and one read per cycle.
/// Parameters: Macs (MACs of the lane; a word is 2*Macs elements of 16 bit), MaxK (activation
///             elements the buffer holds; ActWords = MaxK / (2*Macs) words).
module ifc_act_buffer #(
  parameter int unsigned Macs = 4,
  parameter int unsigned MaxK = 32768,
  localparam int unsigned ActWords = MaxK / (2 * Macs),
  localparam int unsigned ActAW    = (ActWords > 1) ? $clog2(ActWords) : 1,
  localparam int unsigned ActW     = 2 * Macs * 16
) (
  input  wire logic             clk_i,
  input  wire logic             rst_ni,
  // write (host activation load)
  input  wire logic             wr_valid_i,
  output      logic             wr_ready_o,
  input  wire logic [ActAW-1:0] wr_addr_i,
  input  wire logic [ActW-1:0]  wr_data_i,
  // read (the lane)
  input  wire logic             re_i,
  input  wire logic [ActAW-1:0] raddr_i,
  output      logic [ActW-1:0]  rdata_o
);

  assign wr_ready_o = 1'b1;

  // Read filter: the macro's output register already holds word last_addr_q while last_valid_q.
  logic             last_valid_q, last_valid_d;
  logic [ActAW-1:0] last_addr_q;
  logic             mem_re;
  assign mem_re = re_i && !(last_valid_q && (raddr_i == last_addr_q));
  always_comb begin
    last_valid_d = last_valid_q;
    if (re_i)       last_valid_d = 1'b1;
    if (wr_valid_i) last_valid_d = 1'b0;  // any write: the next read goes to the macro
  end
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) last_valid_q <= 1'b0;
    else         last_valid_q <= last_valid_d;
  end
  always_ff @(posedge clk_i) begin
    if (mem_re) last_addr_q <= raddr_i;
  end

  ifc_sram_1r1w #(
    .Width(ActW),
    .Depth(ActWords)
  ) u_mem (
    .clk_i  (clk_i),
    .we_i   (wr_valid_i),
    .waddr_i(wr_addr_i),
    .wdata_i(wr_data_i),
    .re_i   (mem_re),
    .raddr_i(raddr_i),
    .rdata_o(rdata_o)
  );

  // Assertions
  `IFC_ASSERT_INIT(MaxKWords_A, (MaxK % (2 * Macs) == 0) && (ActWords >= 1))
  `IFC_ASSERT_KNOWN(WrValidKnown_A, wr_valid_i)
  `IFC_ASSERT_KNOWN(ReKnown_A, re_i)
  `IFC_ASSERT(WrAddrInRange_A, wr_valid_i |-> (32'(wr_addr_i) < ActWords))
  `IFC_ASSERT(RdAddrInRange_A, re_i |-> (32'(raddr_i) < ActWords))
  `IFC_ASSERT_KNOWN(WrAddrKnown_A, wr_valid_i ? wr_addr_i : '0)
  `IFC_ASSERT_KNOWN(RdAddrKnown_A, re_i ? raddr_i : '0)
  `IFC_COVER(ReadFiltered_C, re_i && !mem_re)

endmodule
`default_nettype wire
