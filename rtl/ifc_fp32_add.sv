`default_nettype none
/// Combinational FP32 adder of the GEMV datapath: sum_o = a_i + b_i (DESIGN.md "Numerics").
///
/// Rules (bit-exact twin: ifc::model::fp32_add, tb/model/numerics.hpp):
///   - DAZ: a subnormal input is a zero of its sign. FTZ: a non-zero result below 2^-126 becomes a
///     zero with the sign of the larger-magnitude operand (the sign of the exact sum). Such a sum of
///     normal numbers is exact, so there is no rounding question at the threshold.
///   - Round to nearest, ties to even; overflow gives +-inf.
///   - Any NaN input, or inf + (-inf), gives the canonical NaN 0x7FC00000. inf + x = inf otherwise.
///   - A zero sum is +0, except (-0) + (-0) = -0 (IEEE RNE).
///
/// Datapath: swap so |x| >= |y|; align y by the exponent difference d into a 27-bit field (24-bit
/// significand + guard, round, sticky; shifts >= 27 leave only the sticky bit); add or subtract
/// (28 bits); normalise (carry: shift right 1; cancellation: leading-zero count, shift left);
/// flush if the exponent falls to <= 0; round (RNE on guard and round|sticky); carry out of the
/// rounding bumps the exponent; exponent >= 255 gives inf.
///
/// Operand isolation: with en_i low the datapath does not switch and sum_o is 0. The whole datapath
/// sits in one always_comb under `if (en_i)`: in silicon the operands are gated (no toggling while
/// the result is unused); in Verilator the branch is skipped, so an idle adder costs nothing. The
/// user drives en_i with the condition under which it uses sum_o (the PE lane: a BF16 lane cycle in
/// that stage; the scoreboard: a BF16 commit).
///
/// Handshake : none (combinational). Latency: 0 cycles. Throughput: 1 add per cycle.
/// Parameters: none.
module ifc_fp32_add (
  input  wire logic        en_i,
  input  wire logic [31:0] a_i,
  input  wire logic [31:0] b_i,
  output      logic [31:0] sum_o
);
  localparam logic [31:0] CanonNaN = 32'h7FC0_0000;

  // Operand classes (DAZ: exponent 0 is a zero whatever the fraction).
  logic        a_zero, b_zero, a_inf, b_inf, a_nan, b_nan;
  logic [30:0] a_mag, b_mag;
  // x: the operand of larger magnitude, y: the other.
  logic        swap;
  logic        sx, sy, eff_sub;
  logic [7:0]  ex, ey, d;
  logic [23:0] mx, my;
  // Alignment: {my, 3'b000} >> d with the bits shifted out ORed into bit 0 (sticky).
  logic [4:0]  shamt;
  logic [26:0] y_sh;
  logic        y_st;
  logic [26:0] y_al;
  // Add / subtract.
  logic [27:0] s_raw, y_op;
  // Normalisation: n[26] is the leading one, n[2] the guard bit, n[1:0] round|sticky.
  logic [4:0]  lz;
  logic        lz_found;
  logic [26:0] n, n_left;
  logic signed [9:0] e_norm;
  // Round to nearest even.
  logic        guard, rs, round_up;
  logic [24:0] m_rnd;
  logic signed [9:0] e_rnd;
  logic [22:0] frac;

  always_comb begin
    a_zero = 1'b0; b_zero = 1'b0; a_inf = 1'b0; b_inf = 1'b0; a_nan = 1'b0; b_nan = 1'b0;
    a_mag = '0; b_mag = '0;
    swap = 1'b0; sx = 1'b0; sy = 1'b0; eff_sub = 1'b0;
    ex = '0; ey = '0; d = '0; mx = '0; my = '0;
    shamt = '0; y_sh = '0; y_st = 1'b0; y_al = '0;
    s_raw = '0; y_op = '0;
    lz = '0; lz_found = 1'b0; n = '0; n_left = '0; e_norm = '0;
    guard = 1'b0; rs = 1'b0; round_up = 1'b0; m_rnd = '0; e_rnd = '0; frac = '0;
    sum_o = '0;
    if (en_i) begin
      a_zero = (a_i[30:23] == 8'd0);
      b_zero = (b_i[30:23] == 8'd0);
      a_inf  = (a_i[30:23] == 8'hFF) && (a_i[22:0] == 23'd0);
      b_inf  = (b_i[30:23] == 8'hFF) && (b_i[22:0] == 23'd0);
      a_nan  = (a_i[30:23] == 8'hFF) && (a_i[22:0] != 23'd0);
      b_nan  = (b_i[30:23] == 8'hFF) && (b_i[22:0] != 23'd0);
      a_mag  = a_zero ? 31'd0 : a_i[30:0];
      b_mag  = b_zero ? 31'd0 : b_i[30:0];

      swap    = (b_mag > a_mag);
      sx      = swap ? b_i[31] : a_i[31];
      sy      = swap ? a_i[31] : b_i[31];
      ex      = swap ? b_mag[30:23] : a_mag[30:23];
      ey      = swap ? a_mag[30:23] : b_mag[30:23];
      mx      = swap ? {!b_zero, b_mag[22:0]} : {!a_zero, a_mag[22:0]};
      my      = swap ? {!a_zero, a_mag[22:0]} : {!b_zero, b_mag[22:0]};
      eff_sub = (sx != sy);
      d       = ex - ey;  // ex >= ey whenever y is non-zero; y = 0 has my = 0 (any shift)

      // A logarithmic shifter of constant stages (no variable-shift cells: Yosys' SAT-based
      // resource sharing explodes on those in this cone).
      shamt = (d > 8'd27) ? 5'd27 : d[4:0];
      y_sh  = {my, 3'b000};
      for (int k = 0; k < 5; k++) begin
        if (shamt[k]) begin
          y_st = y_st | ((y_sh & ~(27'h7FF_FFFF << (1 << k))) != 27'd0);
          y_sh = y_sh >> (1 << k);
        end
      end
      y_al = {y_sh[26:1], y_sh[0] | y_st};

      // One adder for both: x - y = x + ~y + 1 (|x| >= |y|, so the difference is >= 0).
      y_op  = eff_sub ? ~{1'b0, y_al} : {1'b0, y_al};
      s_raw = {1'b0, mx, 3'b000} + y_op + 28'(eff_sub);

      for (int i = 26; i >= 0; i--) begin
        if (!lz_found && s_raw[i]) begin
          lz       = 5'(26 - i);
          lz_found = 1'b1;
        end
      end
      n_left = s_raw[26:0];
      for (int k = 0; k < 5; k++) begin
        if (lz[k]) n_left = n_left << (1 << k);
      end
      if (s_raw[27]) begin
        n      = {s_raw[27:2], s_raw[1] | s_raw[0]};
        e_norm = signed'({2'b00, ex}) + 10'sd1;
      end else begin
        n      = n_left;
        e_norm = signed'({2'b00, ex}) - signed'({5'd0, lz});
      end

      guard    = n[2];
      rs       = n[1] | n[0];
      round_up = guard && (rs || n[3]);
      m_rnd    = {1'b0, n[26:3]} + 25'(round_up);
      e_rnd    = m_rnd[24] ? (e_norm + 10'sd1) : e_norm;
      frac     = m_rnd[24] ? m_rnd[23:1] : m_rnd[22:0];

      if (a_nan || b_nan || (a_inf && b_inf && (a_i[31] != b_i[31]))) begin
        sum_o = CanonNaN;
      end else if (a_inf) begin
        sum_o = {a_i[31], 8'hFF, 23'd0};
      end else if (b_inf) begin
        sum_o = {b_i[31], 8'hFF, 23'd0};
      end else if (s_raw == 28'd0) begin
        sum_o = {a_i[31] & b_i[31], 31'd0};       // both zero, or exact cancellation
      end else if (e_norm <= 10'sd0) begin
        sum_o = {sx, 31'd0};                       // below 2^-126 (exact): flush, sign kept
      end else if (e_rnd >= 10'sd255) begin
        sum_o = {sx, 8'hFF, 23'd0};                // overflow
      end else begin
        sum_o = {sx, e_rnd[7:0], frac};
      end
    end
  end

endmodule
`default_nettype wire
