`default_nettype none
/// Formal harness for ifc_ecc_checker (yosys-smtbmc + z3, scripts/formal.sh, ctest label formal).
///
/// Property (the code's designed distance, as implemented by the parallel LFSR):
///   every received segment whose error pattern has weight 1..2T is flagged dirty, and a weight-0
///   word (the zero codeword) is flagged clean.
/// The checker is linear over GF(2) (remainder(c + e) = remainder(e) for any codeword c), so this
/// proves that every pattern of up to 2T bit errors on ANY codeword is detected, for every beat
/// split of the segment. Small configuration: BCH(31,21) over GF(2^5), t = 2, g = x^10+x^9+x^8+x^6+
/// x^5+x^3+1, 3 beats of 8 bits per segment (a 24-bit shortened codeword).
module ifc_ecc_checker_fv (
  input wire logic       clk_i,
  input wire logic [7:0] data_i
);
  localparam int unsigned SegBeats = 3;
  localparam int unsigned T = 2;

  logic rst_ni = 1'b0;
  always @(posedge clk_i) rst_ni <= 1'b1;

  logic [1:0] beat_q = 2'd0;
  logic [5:0] weight_q = 6'd0;
  logic       check_q = 1'b0;
  logic       expect_dirty_q = 1'b0;
  logic       out_valid, out_last, out_dirty, out_erased, in_ready;
  logic [7:0] out_data;
  logic [0:0] out_side;
  logic [9:0] out_rem;
  logic [5:0] weight_now;
  logic       last;

  assign last = (beat_q == 2'(SegBeats - 1));
  assign weight_now = weight_q + 6'(data_i[0]) + 6'(data_i[1]) + 6'(data_i[2]) + 6'(data_i[3])
                    + 6'(data_i[4]) + 6'(data_i[5]) + 6'(data_i[6]) + 6'(data_i[7]);

  ifc_ecc_checker #(
    .BondBytes(1), .SegBeats(SegBeats), .ParityBits(10), .GenPoly(11'h769), .ErasedMaxZeros(T), .SideW(1)
  ) dut (
    .clk_i(clk_i), .rst_ni(rst_ni),
    .in_valid_i(rst_ni), .in_ready_o(in_ready), .in_data_i(data_i), .in_last_i(last), .in_side_i(1'b0),
    .out_valid_o(out_valid), .out_ready_i(1'b1), .out_data_o(out_data), .out_last_o(out_last),
    .out_side_o(out_side), .out_dirty_o(out_dirty), .out_erased_o(out_erased), .out_rem_o(out_rem)
  );

  always @(posedge clk_i) begin
    if (rst_ni) begin
      beat_q   <= last ? 2'd0 : beat_q + 2'd1;
      weight_q <= last ? 6'd0 : weight_now;
      check_q  <= last && (weight_now <= 6'(2 * T));
      expect_dirty_q <= weight_now != 6'd0;
    end else begin
      check_q <= 1'b0;
    end
    if (rst_ni) begin
      assert (in_ready);
    end
    if (check_q) begin
      assert (out_valid && out_last);
      assert (out_dirty == expect_dirty_q);
    end
  end
endmodule
`default_nettype wire
