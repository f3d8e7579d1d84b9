`default_nettype none
`include "ifc_assert.svh"
/// ifc_pv_lane: p . V, the second PE-lane mode of KVNAND (the transposed GEMV): each token's V row
/// is scaled by its probability p[t] and accumulated into the output slice.
///
///   out[i] = (((+0 + p[0] V[0][i]) + p[1] V[1][i]) + ... ) + p[T-1] V[T-1][i]
///
/// Numerics (DESIGN.md BF16): p[t] x V[t][i] is an exact bf16 x bf16 product in FP32
/// (ifc_pkg::bf16_mul_fp32), each accumulation one ifc_fp32_add (round to nearest even, FTZ, NaN
/// canonical). The order is fixed: for every element, tokens in stream order, starting from +0.
/// model::pv_ref is the same loop, so the result is bit-exact.
///
/// Handshake : start_i (when idle_o) with d_i; then per token one tok_* beat (p[t] bf16,
///             tok_last_i on the last token) followed by D/Macs v_* beats (Macs bf16, element 0 low);
///             after the last token, out_* carries D FP32 values in element order, out_last_o on the
///             last. D is a multiple of Macs.
/// Latency   : D/Macs + 1 cycles per token (Macs MACs a cycle), 3 cycles, then 1 output a cycle.
///             ATTN (ifc_core) uses Macs = 8: 16 B of V a cycle, above the 10.9 B a cycle the die's
///             four planes sense, so the p.V phase is sensing-bound (docs/kvnand.md).
/// Parameters: MaxD (elements of the output slice; accumulator SRAM of 32*Macs bit x MaxD/Macs),
///             Macs (multiply-accumulates a cycle, a power of two >= 4; v_data_i is 16*Macs bits).
module ifc_pv_lane #(
  parameter int unsigned MaxD = 8192,
  parameter int unsigned Macs = 8,
  localparam int unsigned AW = $clog2(MaxD / Macs),
  localparam int unsigned DW = $clog2(MaxD + 1),
  localparam int unsigned MW = $clog2(Macs)
) (
  input  wire logic          clk_i,
  input  wire logic          rst_ni,
  input  wire logic          start_i,
  input  wire logic [DW-1:0] d_i,
  output      logic          idle_o,
  input  wire logic          tok_valid_i,
  output      logic          tok_ready_o,
  input  wire logic [15:0]   tok_p_i,
  input  wire logic          tok_last_i,
  input  wire logic          v_valid_i,
  output      logic          v_ready_o,
  input  wire logic [16*Macs-1:0] v_data_i,
  output      logic          out_valid_o,
  input  wire logic          out_ready_i,
  output      logic [31:0]   out_data_o,
  output      logic          out_last_o
);
  typedef enum logic [2:0] {
    PvIdle  = 3'd0,
    PvTok   = 3'd1,  // waiting for p[t]
    PvRow   = 3'd2,  // V[t] beats
    PvDrain = 3'd3,  // the last accumulation is written
    PvRead  = 3'd4,  // first accumulator read
    PvOut   = 3'd5
  } pv_state_e;

  pv_state_e     state_q, state_d;
  logic [DW-1:0] d_q, d_d, oi_q, oi_d;
  logic [AW-1:0] w_q, w_d;             // beat (accumulator word) within the row
  logic          first_q, first_d;     // the current token is the first
  logic          last_q, last_d;       // the current token is the last
  logic [15:0]   p_q, p_d;
  logic          ov_q, ov_d;
  // accumulate stage
  logic          s_valid_q, s_first_q;
  logic [AW-1:0] s_w_q;
  logic [16*Macs-1:0] s_v_q;

  logic          v_fire, row_end;
  assign v_ready_o   = (state_q == PvRow);
  assign tok_ready_o = (state_q == PvTok);
  assign v_fire  = v_valid_i && v_ready_o;
  assign row_end = (32'(w_q) + 32'd1) * 32'(Macs) >= 32'(d_q);

  logic           acc_we, acc_re;
  logic [AW-1:0]  acc_raddr;
  logic [32*Macs-1:0] acc_rdata, acc_wdata;
  ifc_sram_1r1w #(.Width(32 * Macs), .Depth(MaxD / Macs)) u_acc (
    .clk_i, .we_i(acc_we), .waddr_i(s_w_q), .wdata_i(acc_wdata),
    .re_i(acc_re), .raddr_i(acc_raddr), .rdata_o(acc_rdata)
  );

  for (genvar e = 0; e < Macs; e++) begin : g_mac
    logic [31:0] prod, acc_in;
    // Operand isolation as the adder's en_i: the product is used (acc_we) only in a valid
    // accumulate cycle and is 0 otherwise. Its operands are registers that hold between tokens, so
    // in silicon this is an AND on the result; in simulation the product is not evaluated in the
    // cycles without a V beat, i.e. in every GEMV cycle (Verilator keeps the if).
    always_comb begin
      prod = '0;
      if (s_valid_q) prod = ifc_pkg::bf16_mul_fp32(p_q, s_v_q[e*16 +: 16]);
    end
    assign acc_in = s_first_q ? 32'd0 : acc_rdata[e*32 +: 32];
    // en_i: operand isolation, the sum is only written (acc_we) in a valid accumulate cycle.
    ifc_fp32_add u_add (.en_i(s_valid_q), .a_i(acc_in), .b_i(prod), .sum_o(acc_wdata[e*32 +: 32]));
  end
  assign acc_we = s_valid_q;

  always_comb begin
    state_d = state_q; d_d = d_q; oi_d = oi_q; w_d = w_q; first_d = first_q; last_d = last_q; p_d = p_q;
    ov_d = ov_q;
    acc_re = 1'b0;
    acc_raddr = w_q;
    case (state_q)
      PvIdle: begin
        if (start_i) begin
          d_d = d_i;
          first_d = 1'b1;
          state_d = PvTok;
        end
      end
      PvTok: begin
        if (tok_valid_i) begin
          p_d = tok_p_i;
          last_d = tok_last_i;
          w_d = '0;
          state_d = PvRow;
        end
      end
      PvRow: begin
        if (v_fire) begin
          acc_re = 1'b1;  // the accumulator word, for the stage next cycle
          w_d = w_q + 1'b1;
          if (row_end) begin
            first_d = 1'b0;
            state_d = last_q ? PvDrain : PvTok;
          end
        end
      end
      PvDrain: state_d = PvRead;
      PvRead: begin
        acc_re = 1'b1;
        acc_raddr = '0;
        oi_d = '0;
        ov_d = 1'b1;
        state_d = PvOut;
      end
      PvOut: begin
        if (ov_q && out_ready_i) begin
          oi_d = oi_q + 1'b1;
          if (oi_q + 1'b1 == d_q) begin
            ov_d = 1'b0;
            state_d = PvIdle;
          end else if (oi_q[MW-1:0] == MW'(Macs - 1)) begin
            acc_re = 1'b1;
            acc_raddr = AW'((oi_q + 1'b1) >> MW);
          end
        end
      end
      default: state_d = PvIdle;
    endcase
  end

  assign out_valid_o = ov_q;
  assign out_data_o  = acc_rdata[32'(oi_q[MW-1:0])*32 +: 32];
  assign out_last_o  = (oi_q + 1'b1 == d_q);
  assign idle_o      = (state_q == PvIdle);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q <= PvIdle;
      ov_q <= 1'b0;
      s_valid_q <= 1'b0;
      oi_q <= '0;
      w_q <= '0;
    end else begin
      state_q <= state_d;
      ov_q <= ov_d;
      s_valid_q <= v_fire;
      oi_q <= oi_d;
      w_q <= w_d;
    end
  end
  always_ff @(posedge clk_i) begin
    d_q <= d_d; first_q <= first_d; last_q <= last_d; p_q <= p_d;
    if (v_fire) begin
      s_w_q <= w_q;
      s_v_q <= v_data_i;
      s_first_q <= first_q;
    end
  end

  // Assertions
  `IFC_ASSERT(StartWhenIdle_A, start_i |-> state_q == PvIdle)
  `IFC_ASSERT_INIT(MacsPow2_A, Macs >= 4 && (Macs & (Macs - 1)) == 0 && (MaxD % Macs) == 0)
  `IFC_ASSERT(DShape_A, start_i |-> (d_i >= DW'(Macs) && d_i <= DW'(MaxD) && d_i[MW-1:0] == '0))
  `IFC_ASSERT_STABLE(OutStable_A, out_valid_o, out_ready_i, {out_data_o, out_last_o})
  `IFC_ASSERT_KNOWN(OutValidKnown_A, out_valid_o)

endmodule
`default_nettype wire
