`default_nettype none
`include "ifc_assert.svh"
/// ifc_softmax: numerically stable softmax of one attention score vector on the logic die
/// (KVNAND: no DRAM, no NPU). docs/kvnand.md "Softmax" gives the numerics and the measured error.
///
///   p[t] = 2^(y[t]) / sum_u 2^(y[u]),  y[t] = (s[t] - max_u s[u]) * log2(e)
///
/// All arithmetic after the input conversion is integer (fixed point), so the result does not depend
/// on any summation order and the C++ model (tb/model/softmax_model) is exact:
///   1. fx(s): FP32 score -> signed Q31.16 (48 bit), magnitude truncated toward zero; subnormals 0;
///      +-inf and |s| >= 2^31 saturate to +-(2^47 - 1); NaN -> -(2^47 - 1) (p = 0). max over fx.
///   2. d = fx(s) - max <= 0 (exact). d < -32 (Q16: -2^21) -> e = 0 (2^-46 is below the Q24 grain).
///      y = (d * LOG2E_Q30) >>> 30 (floor), Q.16; n = y >>> 16 (<= 0), f = y[15:0].
///      2^f: 65-entry table T[i] = round(2^(i/64) * 2^23) at i = f[15:10], linear interpolation
///      with r = f[9:0]: T[i] + ((T[i+1] - T[i]) * r >> 10). e = (2^f in Q23 << 1) >> -n: Q24,
///      e = 2^24 exactly at the maximum.
///   3. sum = sum_t e[t] (exact integer); R = floor(2^62 / sum) by a restoring divider (63 cycles).
///   4. p24 = (e * R) >> 38 (Q24, <= 2^24), then bf16 with round-to-nearest-even (0 -> +0).
///
/// Handshake : in_* valid/ready scores (FP32 bits), in_last_i on the last of the vector (1 ..
///             MaxTokens scores); out_* valid/ready bf16 probabilities in the same order, out_last_o
///             on the last. A new vector is accepted when the previous one has been read out.
/// Latency   : N (in) + N + 1 (exp pass) + 63 (divider) + 1, then 1 probability per cycle.
/// Parameters: MaxTokens (score SRAM words; an ifc_sram_1r1w macro of 32 bit x MaxTokens).
module ifc_softmax #(
  parameter int unsigned MaxTokens = 4096,
  localparam int unsigned AW   = (MaxTokens > 1) ? $clog2(MaxTokens) : 1,
  localparam int unsigned CntW = $clog2(MaxTokens + 1),
  localparam int unsigned SumW = 26 + CntW
) (
  input  wire logic            clk_i,
  input  wire logic            rst_ni,
  input  wire logic            in_valid_i,
  output      logic            in_ready_o,
  input  wire logic [31:0]     in_score_i,
  input  wire logic            in_last_i,
  output      logic            out_valid_o,
  input  wire logic            out_ready_i,
  output      logic [15:0]     out_p_o,
  output      logic            out_last_o,
  output      logic [SumW-1:0] sum_o,      // sum of the Q24 exponentials of the last vector
  output      logic            idle_o
);
  localparam logic [47:0] FX_MAX = 48'h7FFF_FFFF_FFFF;
  localparam logic [47:0] FX_MIN = 48'h8000_0000_0001;  // -(2^47 - 1)
  localparam logic [31:0] LOG2E_Q30 = 32'd1549082005;   // round(log2(e) * 2^30)

  typedef enum logic [2:0] {
    SmIdle = 3'd0,
    SmIn   = 3'd1,
    SmExp  = 3'd2,
    SmDiv  = 3'd3,
    SmOut  = 3'd4
  } sm_state_e;

  // FP32 -> Q31.16, magnitude truncated toward zero, saturating.
  function automatic logic [47:0] to_fx(input logic [31:0] x);
    logic [7:0]  e;
    logic [47:0] mag;
    e = x[30:23];
    mag = '0;
    if (e == 8'd255) begin
      mag = FX_MAX;
    end else if (e >= 8'd158) begin
      mag = FX_MAX;
    end else if (e >= 8'd134) begin
      mag = 48'({1'b1, x[22:0]}) << (e - 8'd134);
    end else if (e > 8'd110) begin
      mag = 48'({1'b1, x[22:0]}) >> (8'd134 - e);
    end
    if (e == 8'd255 && x[22:0] != '0) to_fx = FX_MIN;     // NaN
    else if (x[31])                   to_fx = (~mag) + 48'd1;
    else                              to_fx = mag;
  endfunction

  function automatic logic [24:0] exp2_tab(input logic [6:0] i);
    case (i)
      7'd0: exp2_tab = 25'd8388608;
      7'd1: exp2_tab = 25'd8479954;
      7'd2: exp2_tab = 25'd8572295;
      7'd3: exp2_tab = 25'd8665641;
      7'd4: exp2_tab = 25'd8760003;
      7'd5: exp2_tab = 25'd8855394;
      7'd6: exp2_tab = 25'd8951823;
      7'd7: exp2_tab = 25'd9049301;
      7'd8: exp2_tab = 25'd9147842;
      7'd9: exp2_tab = 25'd9247455;
      7'd10: exp2_tab = 25'd9348154;
      7'd11: exp2_tab = 25'd9449948;
      7'd12: exp2_tab = 25'd9552851;
      7'd13: exp2_tab = 25'd9656875;
      7'd14: exp2_tab = 25'd9762032;
      7'd15: exp2_tab = 25'd9868333;
      7'd16: exp2_tab = 25'd9975792;
      7'd17: exp2_tab = 25'd10084422;
      7'd18: exp2_tab = 25'd10194234;
      7'd19: exp2_tab = 25'd10305242;
      7'd20: exp2_tab = 25'd10417458;
      7'd21: exp2_tab = 25'd10530897;
      7'd22: exp2_tab = 25'd10645571;
      7'd23: exp2_tab = 25'd10761494;
      7'd24: exp2_tab = 25'd10878679;
      7'd25: exp2_tab = 25'd10997140;
      7'd26: exp2_tab = 25'd11116891;
      7'd27: exp2_tab = 25'd11237946;
      7'd28: exp2_tab = 25'd11360319;
      7'd29: exp2_tab = 25'd11484025;
      7'd30: exp2_tab = 25'd11609078;
      7'd31: exp2_tab = 25'd11735492;
      7'd32: exp2_tab = 25'd11863283;
      7'd33: exp2_tab = 25'd11992466;
      7'd34: exp2_tab = 25'd12123055;
      7'd35: exp2_tab = 25'd12255067;
      7'd36: exp2_tab = 25'd12388516;
      7'd37: exp2_tab = 25'd12523418;
      7'd38: exp2_tab = 25'd12659789;
      7'd39: exp2_tab = 25'd12797645;
      7'd40: exp2_tab = 25'd12937002;
      7'd41: exp2_tab = 25'd13077877;
      7'd42: exp2_tab = 25'd13220286;
      7'd43: exp2_tab = 25'd13364245;
      7'd44: exp2_tab = 25'd13509772;
      7'd45: exp2_tab = 25'd13656884;
      7'd46: exp2_tab = 25'd13805598;
      7'd47: exp2_tab = 25'd13955931;
      7'd48: exp2_tab = 25'd14107901;
      7'd49: exp2_tab = 25'd14261526;
      7'd50: exp2_tab = 25'd14416824;
      7'd51: exp2_tab = 25'd14573813;
      7'd52: exp2_tab = 25'd14732511;
      7'd53: exp2_tab = 25'd14892937;
      7'd54: exp2_tab = 25'd15055111;
      7'd55: exp2_tab = 25'd15219050;
      7'd56: exp2_tab = 25'd15384775;
      7'd57: exp2_tab = 25'd15552304;
      7'd58: exp2_tab = 25'd15721658;
      7'd59: exp2_tab = 25'd15892855;
      7'd60: exp2_tab = 25'd16065917;
      7'd61: exp2_tab = 25'd16240863;
      7'd62: exp2_tab = 25'd16417715;
      7'd63: exp2_tab = 25'd16596492;
      7'd64: exp2_tab = 25'd16777216;
      default: exp2_tab = 25'd0;
    endcase
  endfunction

  // Q24 exponential of d = fx(s) - max (<= 0).
  function automatic logic [25:0] exp_q24(input logic [48:0] d);
    logic signed [21:0] d22;
    logic signed [53:0] y;
    logic signed [23:0] yq;
    logic [7:0]  k;
    logic [24:0] t0, t1, dt, interp;
    logic [27:0] delta;
    logic [15:0] f;
    if ($signed(d) < -49'sd2097152) begin
      exp_q24 = '0;
    end else begin
      d22 = d[21:0];
      y = d22 * $signed({1'b0, LOG2E_Q30[30:0]});
      yq = 24'(y >>> 30);
      f = yq[15:0];
      k = 8'(-(yq >>> 16));
      t0 = exp2_tab({1'b0, f[15:10]});
      t1 = exp2_tab(7'({1'b0, f[15:10]} + 7'd1));
      dt = t1 - t0;
      delta = 28'(dt) * 28'(f[9:0]);
      interp = t0 + 25'(delta >> 10);
      exp_q24 = (k >= 8'd26) ? 26'd0 : ({interp, 1'b0} >> k);
    end
  endfunction

  // Q24 probability (<= 2^24) -> bf16, round to nearest even.
  function automatic logic [15:0] q24_to_bf16(input logic [24:0] p);
    logic [4:0]  msb;
    logic [8:0]  kept;
    logic [24:0] rem, half;
    logic [7:0]  ex;
    msb = '0;
    for (int i = 0; i < 25; i++) if (p[i]) msb = 5'(i);
    ex = 8'd103 + 8'(msb);
    if (p == '0) begin
      q24_to_bf16 = 16'h0000;
    end else if (msb <= 5'd7) begin
      kept = 9'(p << (5'd7 - msb));
      q24_to_bf16 = {1'b0, ex, kept[6:0]};
    end else begin
      kept = 9'(p >> (msb - 5'd7));
      rem  = p & ((25'd1 << (msb - 5'd7)) - 25'd1);
      half = 25'd1 << (msb - 5'd8);
      if (rem > half || (rem == half && kept[0])) kept = kept + 9'd1;
      if (kept[8]) begin
        kept = kept >> 1;
        ex = ex + 8'd1;
      end
      q24_to_bf16 = {1'b0, ex, kept[6:0]};
    end
  endfunction

  sm_state_e        state_q, state_d;
  logic [CntW-1:0]  n_q, n_d, rd_q, rd_d, wr_q, wr_d;
  logic             rv_q, rv_d;          // exp pass: rdata holds word wr_q
  logic [47:0]      max_q, max_d;
  logic [SumW-1:0]  sum_q, sum_d;
  logic [62:0]      drem_q, drem_d;      // divider remainder
  logic [39:0]      quo_q, quo_d;
  logic [5:0]       dbit_q, dbit_d;      // divider step (62 .. 0)
  logic             ov_q, ov_d;          // out_valid

  logic            sram_we, sram_re;
  logic [AW-1:0]   sram_waddr, sram_raddr;
  logic [31:0]     sram_wdata, sram_rdata;
  ifc_sram_1r1w #(.Width(32), .Depth(MaxTokens)) u_buf (
    .clk_i, .we_i(sram_we), .waddr_i(sram_waddr), .wdata_i(sram_wdata),
    .re_i(sram_re), .raddr_i(sram_raddr), .rdata_o(sram_rdata)
  );

  logic [47:0] in_fx;
  logic [25:0] e_cur;
  logic [63:0] p_prod;
  logic [62:0] drem_shift;
  // Operand isolation: the score conversion, the exponential and the output product each switch
  // only in the cycles that use them (a score accepted; an exponent read back in SmExp; an output
  // beat) and are 0 otherwise. In simulation an idle softmax (every GEMV) then costs a few state
  // tests instead of the three function datapaths every cycle.
  always_comb begin
    in_fx = '0;
    if (in_valid_i) in_fx = to_fx(in_score_i);
  end
  always_comb begin
    e_cur = '0;
    if (rv_q) e_cur = exp_q24(49'($signed(to_fx(sram_rdata))) - 49'($signed(max_q)));
  end
  always_comb begin
    p_prod   = '0;
    out_p_o  = '0;
    if (ov_q) begin
      p_prod  = 64'(sram_rdata[25:0]) * 64'(quo_q);
      out_p_o = q24_to_bf16(25'(p_prod >> 38));
    end
  end
  assign drem_shift = {drem_q[61:0], (dbit_q == 6'd62)};

  always_comb begin
    state_d = state_q; n_d = n_q; rd_d = rd_q; wr_d = wr_q; rv_d = 1'b0; max_d = max_q; sum_d = sum_q;
    drem_d = drem_q; quo_d = quo_q; dbit_d = dbit_q; ov_d = ov_q;
    sram_we = 1'b0; sram_waddr = AW'(n_q); sram_wdata = in_score_i;
    sram_re = 1'b0; sram_raddr = AW'(rd_q);
    in_ready_o = (state_q == SmIdle) || (state_q == SmIn);
    case (state_q)
      SmIdle, SmIn: begin
        if (in_valid_i) begin
          sram_we = 1'b1;
          sram_waddr = (state_q == SmIdle) ? '0 : AW'(n_q);
          n_d = (state_q == SmIdle) ? CntW'(1) : n_q + CntW'(1);
          if (state_q == SmIdle || $signed(in_fx) > $signed(max_q)) max_d = in_fx;
          state_d = SmIn;
          if (in_last_i) begin
            state_d = SmExp;
            rd_d = '0; wr_d = '0; sum_d = '0;
          end
        end
      end
      SmExp: begin
        if (rd_q < n_q) begin
          sram_re = 1'b1;
          sram_raddr = AW'(rd_q);
          rd_d = rd_q + CntW'(1);
          rv_d = 1'b1;
        end
        if (rv_q) begin
          sram_we = 1'b1;
          sram_waddr = AW'(wr_q);
          sram_wdata = 32'(e_cur);
          sum_d = sum_q + SumW'(e_cur);
          wr_d = wr_q + CntW'(1);
          if (wr_q + CntW'(1) == n_q) begin
            state_d = SmDiv;
            drem_d = '0; quo_d = '0; dbit_d = 6'd62;
          end
        end
      end
      SmDiv: begin
        // restoring division 2^62 / sum, one quotient bit per cycle (bit dbit_q)
        if (64'(drem_shift) >= 64'(sum_q)) begin
          drem_d = drem_shift - 63'(sum_q);
          if (dbit_q < 6'd40) quo_d[dbit_q] = 1'b1;
        end else begin
          drem_d = drem_shift;
        end
        dbit_d = dbit_q - 6'd1;
        if (dbit_q == 6'd0) begin
          state_d = SmOut;
          sram_re = 1'b1;
          sram_raddr = '0;
          rd_d = '0;
          ov_d = 1'b1;
        end
      end
      SmOut: begin
        if (ov_q && out_ready_i) begin
          if (rd_q + CntW'(1) == n_q) begin
            ov_d = 1'b0;
            state_d = SmIdle;
          end else begin
            rd_d = rd_q + CntW'(1);
            sram_re = 1'b1;
            sram_raddr = AW'(rd_q + CntW'(1));
          end
        end
      end
      default: state_d = SmIdle;
    endcase
  end

  assign out_valid_o = ov_q;
  assign out_last_o  = (rd_q + CntW'(1) == n_q);
  assign sum_o       = sum_q;
  assign idle_o      = (state_q == SmIdle);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q <= SmIdle;
      n_q <= '0;
      rd_q <= '0;
      wr_q <= '0;
      rv_q <= 1'b0;
      ov_q <= 1'b0;
      dbit_q <= '0;
    end else begin
      state_q <= state_d;
      n_q <= n_d;
      rd_q <= rd_d;
      wr_q <= wr_d;
      rv_q <= rv_d;
      ov_q <= ov_d;
      dbit_q <= dbit_d;
    end
  end
  always_ff @(posedge clk_i) begin
    max_q <= max_d; sum_q <= sum_d; drem_q <= drem_d; quo_q <= quo_d;
  end

  // Assertions
  `IFC_ASSERT(InWithinCapacity_A, (in_valid_i && state_q == SmIn) |-> n_q < CntW'(MaxTokens))
  `IFC_ASSERT_STABLE(OutStable_A, out_valid_o, out_ready_i, {out_p_o, out_last_o})
  `IFC_ASSERT_KNOWN(OutValidKnown_A, out_valid_o)
  `IFC_ASSERT(SumHasTheMax_A, (state_q == SmDiv) |-> sum_q >= SumW'(26'd16777216))

endmodule
`default_nettype wire
