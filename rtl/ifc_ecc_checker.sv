`default_nettype none
`include "ifc_assert.svh"
/// Line-rate ECC checker: BCH remainder of every segment, clean / dirty / erased tag at its end.
///
/// The segment stream carries one BCH codeword per segment: SegBeats beats of BondBytes, the
/// codeword bits in stream order (beat bit i of the first beat is codeword bit 0, the
/// highest-degree coefficient; docs/ecc.md). A parallel LFSR divides the received word by g(x),
/// BondBytes*8 bits per cycle, so the checker never inserts a bubble. At the last beat of a segment
/// the beat comes out with
///   out_dirty_o  : remainder != 0 (the segment holds at least one bit error)
///   out_erased_o : the segment has at most ErasedMaxZeros zero bits (an erased page read within
///                  the correction capability; the erased-page policy of docs/ecc.md)
///   out_rem_o    : the remainder r(x) = c(x) mod g(x), from which the corrector derives syndromes.
/// Every beat passes through unchanged with its sideband (out_side_o).
///
/// Handshake : valid/ready in and out, one pipeline register (in_ready_o = !out_valid_o || out_ready_i).
/// Latency   : 1 cycle. Throughput: 1 beat per cycle (BondBytes bytes/cycle), no bubbles.
/// Parameters: BondBytes (bytes/beat), ParityBits (deg g), GenPoly (g(x), bit i = coeff of x^i),
///             SegBeats (beats per segment, for the zero counter), ErasedMaxZeros, SideW.
module ifc_ecc_checker #(
  parameter int unsigned BondBytes      = ifc_pkg::DEF_BOND_BYTES,
  parameter int unsigned SegBeats       = 34,
  parameter int unsigned ParityBits     = 96,
  parameter logic [ParityBits:0] GenPoly = 97'h1b946268e6527c3e1cd4ba01d,
  parameter int unsigned ErasedMaxZeros = 8,
  parameter int unsigned SideW          = 1,
  localparam int unsigned BondW = BondBytes * 8,
  localparam int unsigned ZeroW = $clog2(SegBeats * BondW + 1)
) (
  input  wire logic                  clk_i,
  input  wire logic                  rst_ni,
  input  wire logic                  in_valid_i,
  output      logic                  in_ready_o,
  input  wire logic [BondW-1:0]      in_data_i,
  input  wire logic                  in_last_i,
  input  wire logic [SideW-1:0]      in_side_i,
  output      logic                  out_valid_o,
  input  wire logic                  out_ready_i,
  output      logic [BondW-1:0]      out_data_o,
  output      logic                  out_last_o,
  output      logic [SideW-1:0]      out_side_o,
  output      logic                  out_dirty_o,
  output      logic                  out_erased_o,
  output      logic [ParityBits-1:0] out_rem_o
);

  logic                  fire;
  logic [ParityBits-1:0] rem_q, rem_d, rem_next;
  logic [ZeroW-1:0]      zeros_q, zeros_d, zeros_next;
  logic                  out_valid_q, out_valid_d;
  logic [BondW-1:0]      out_data_q;
  logic                  out_last_q, out_dirty_q, out_erased_q;
  logic [SideW-1:0]      out_side_q;
  logic [ParityBits-1:0] out_rem_q;

  assign in_ready_o = !out_valid_q || out_ready_i;
  assign fire       = in_valid_i && in_ready_o;

  // Parallel LFSR (division form): r <- (r * x + b) mod g for each of the BondW stream bits b,
  // first bit first, as one GF(2)-linear step per beat. With D(x) = sum_i b_i x^(BondW-1-i) (the
  // beat, first bit highest) and r = r_hi x^(ParityBits-BondW) + r_lo:
  //   r' = (r x^BondW + D) mod g = (r_lo x^BondW + D) + (r_hi x^ParityBits mod g),
  // the first term a plain shift (no reduction: its degree is below ParityBits) and the second a
  // constant ParityBits x BondW matrix (FoldRows: row k holds coefficient k of x^(ParityBits+j)
  // mod g in bit j), one XOR tree per remainder bit (the parity of r_hi under its row). In
  // simulation that is ParityBits word AND + parity operations instead of BondW dependent steps
  // (the rows are looped in blocks of 32 so Verilator unrolls them). Both are used only with an
  // accepted beat: operand isolation on in_valid_i (no switching, and no simulation cost, while the
  // plane has no beat).
  function automatic logic [ParityBits*BondW-1:0] fold_rows();
    logic [ParityBits-1:0]       c;
    logic [ParityBits*BondW-1:0] rows;
    rows = '0;
    c    = GenPoly[ParityBits-1:0];                                   // x^ParityBits mod g
    for (int j = 0; j < BondW; j++) begin
      for (int k = 0; k < ParityBits; k++) rows[k*BondW + j] = c[k];
      c = c[ParityBits-1] ? ({c[ParityBits-2:0], 1'b0} ^ GenPoly[ParityBits-1:0])
                          : {c[ParityBits-2:0], 1'b0};                // x^(ParityBits+j+1) mod g
    end
    fold_rows = rows;
  endfunction
  localparam logic [ParityBits*BondW-1:0] FoldRows = fold_rows();
  localparam int unsigned RowBlocks = (ParityBits + 31) / 32;         // loops of <= 32 rows unroll

  // The beat enters bit-reversed (stream bit 0, the highest degree, is the beat's bit 0). Swapping
  // bit pairs, then pairs of pairs, then nibbles reverses each byte; the bytes then swap ends. In
  // hardware this is wiring either way; in simulation it is 3 masked shifts of the word and one
  // move per byte instead of one move per bit (BondW moves, ~6 instructions each in Verilator).
  localparam logic [BondW-1:0] RevM1 = {BondBytes{8'h55}};
  localparam logic [BondW-1:0] RevM2 = {BondBytes{8'h33}};
  localparam logic [BondW-1:0] RevM4 = {BondBytes{8'h0f}};
  logic [BondW-1:0]      beat_rev, byte_rev, rem_hi;
  logic [ParityBits-1:0] rem_shift;
  assign rem_hi    = rem_q[ParityBits-1 -: BondW];
  always_comb begin
    rem_next  = rem_q;
    beat_rev  = '0;
    byte_rev  = '0;
    rem_shift = '0;
    if (in_valid_i) begin
      byte_rev = ((in_data_i >> 1) & RevM1) | ((in_data_i & RevM1) << 1);
      byte_rev = ((byte_rev >> 2) & RevM2) | ((byte_rev & RevM2) << 2);
      byte_rev = ((byte_rev >> 4) & RevM4) | ((byte_rev & RevM4) << 4);
      for (int b = 0; b < BondBytes; b++) beat_rev[b*8 +: 8] = byte_rev[(BondBytes-1-b)*8 +: 8];
      rem_shift = (rem_q << BondW) | ParityBits'(beat_rev);
      for (int h = 0; h < RowBlocks; h++) begin
        for (int kk = 0; kk < 32; kk++) begin
          if (h * 32 + kk < ParityBits) begin
            rem_next[h*32 + kk] = rem_shift[h*32 + kk] ^ (^(rem_hi & FoldRows[(h*32 + kk)*BondW +: BondW]));
          end
        end
      end
    end
  end

  // Zero-bit count of the segment (erased-page detection).
  always_comb begin
    zeros_next = zeros_q;
    if (in_valid_i) zeros_next = zeros_q + ZeroW'($countones(~in_data_i));
  end

  always_comb begin
    rem_d       = rem_q;
    zeros_d     = zeros_q;
    out_valid_d = out_valid_q;
    if (out_valid_q && out_ready_i) out_valid_d = 1'b0;
    if (fire) begin
      out_valid_d = 1'b1;
      rem_d       = in_last_i ? '0 : rem_next;
      zeros_d     = in_last_i ? '0 : zeros_next;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      rem_q       <= '0;
      zeros_q     <= '0;
      out_valid_q <= 1'b0;
    end else begin
      rem_q       <= rem_d;
      zeros_q     <= zeros_d;
      out_valid_q <= out_valid_d;
    end
  end

  // Output payload register (no reset).
  always_ff @(posedge clk_i) begin
    if (fire) begin
      out_data_q   <= in_data_i;
      out_last_q   <= in_last_i;
      out_side_q   <= in_side_i;
      out_dirty_q  <= in_last_i && (rem_next != '0);
      out_erased_q <= in_last_i && (zeros_next <= ZeroW'(ErasedMaxZeros));
      out_rem_q    <= in_last_i ? rem_next : '0;
    end
  end

  assign out_valid_o  = out_valid_q;
  assign out_data_o   = out_data_q;
  assign out_last_o   = out_last_q;
  assign out_side_o   = out_side_q;
  assign out_dirty_o  = out_dirty_q;
  assign out_erased_o = out_erased_q;
  assign out_rem_o    = out_rem_q;

  // Assertions
  `IFC_ASSERT_INIT(GenPolyMonic_A, GenPoly[ParityBits] && GenPoly[0])
  `IFC_ASSERT_INIT(BondFits_A, BondW <= ParityBits)
  `IFC_ASSERT_STABLE(InStable_A, in_valid_i, in_ready_o, {in_data_i, in_last_i, in_side_i})
  `IFC_ASSERT_STABLE(OutStable_A, out_valid_o, out_ready_i,
                     {out_data_o, out_last_o, out_side_o, out_dirty_o, out_erased_o, out_rem_o})
  `IFC_ASSERT_KNOWN(OutValidKnown_A, out_valid_o)

endmodule
`default_nettype wire
