// SPDX-License-Identifier: Apache-2.0
/// \file bch.hpp
/// \brief Golden (bit-true) binary, systematic, shortened BCH codec: the reference the RTL
/// line-rate checker (remainder LFSR) and the asynchronous corrector (BM + Chien) are checked against.
///
/// ## Code
/// BchCode(m, t, k_bits) is the binary BCH code over GF(2^m) (primitive polynomial from
/// Gf2m::default_primitive_poly unless given) with designed distance 2t+1, shortened to
/// n = k + p bits, where p = parity_bits() = deg g(x) and
///   g(x) = LCM of the minimal polynomials of alpha^1 .. alpha^(2t)
/// (one minimal polynomial per distinct cyclotomic coset). p = m*t unless some coset is short
/// (e.g. m = 6, t = 5 gives p = 27); m = 12, t = 8 gives p = 96. Requires n <= 2^m - 1.
///
/// ## Bit order (normative; the RTL must match it exactly)
/// - Message bit i (i = 0..k-1) is (msg[i/8] >> (i%8)) & 1, i.e. LSB first within each byte.
///   If k is not a multiple of 8, the unused high bits of the last message byte are ignored
///   (never read, never modified).
/// - The codeword *stream* is the k message bits (bit 0 first) followed by the p parity bits.
///   Stream bit i is the coefficient of x^(n-1-i): the first bit streamed is the highest-degree
///   coefficient. So message bit i has degree n-1-i and parity bit j (stream bit k+j) has degree p-1-j.
/// - Parity bit j (j = 0..p-1) is (parity[j/8] >> (j%8)) & 1. encode() writes the unused high
///   bits of the last parity byte as 0; remainder()/decode() ignore them and never modify them.
/// - Systematic encoding: c(x) = m(x) x^p + (m(x) x^p mod g(x)), with m(x) = sum_i msg_bit_i x^(k-1-i).
///
/// Equivalently, a bit-serial LFSR that shifts the stream in (stream bit 0 first) and is written
/// in *reflected* form (register bit j holds the coefficient of x^(p-1-j), shifting right) ends, after
/// the k message bits, holding exactly the parity bits in parity-byte order: register bit j = parity
/// bit j. A byte of the message is therefore consumed LSB first, exactly like a reflected CRC:
///   reg ^= byte; reg = (reg >> 8) ^ T[reg & 0xFF]     (this is how encode()/decode() run).
/// For a 64-bit-wide datapath: stream bits 64w..64w+63 are the little-endian 64-bit word made of
/// message bytes 8w..8w+7, bit 0 of that word first.
///
/// ## Remainder (the line-rate checker's output)
/// remainder() returns r(x) mod g(x) for the received word r(x) (message and parity as read) as
/// ceil(p/64) words in *degree order*: bit d = (rem[d/64] >> (d%64)) & 1 is the coefficient of
/// x^d, d = 0..p-1; higher bits are 0. It is all-zero iff the word is a codeword. Note the
/// relationship to the parity bytes: remainder = degree-order view of (encode(msg') XOR parity'),
/// i.e. bit d of the remainder is parity-order bit p-1-d.
///
/// ## Syndromes
/// S_j = r(alpha^j), j = 1..2t, returned as a vector of 2t elements (index 0 holds S_1).
/// Because g(alpha^j) = 0, S_j = rem(alpha^j): syndromes_from_remainder() gives the same values
/// from the checker's remainder (the RTL corrector does this).
///
/// ## Error locator: inversionless Berlekamp-Massey
/// berlekamp_massey() runs the inversionless BM "iBM" of Sarwate & Shanbhag (IEEE TVLSI 2001,
/// Alg. 1) for all 2t steps (no binary "skip odd steps" shortcut), with S_1..S_2t as S_0..S_{2t-1}:
///   lambda = 1, b = 1, gamma = 1, k = 0, L = 0
///   for r = 0 .. 2t-1:
///     delta   = sum_{i=0..r} S[r-i] * lambda_i          (S[q] = S_{q+1}; uses lambda before this step)
///     lambda' = gamma * lambda + delta * x * b           (old lambda, old b)
///     if delta != 0 and k >= 0:  b = lambda (old), gamma = delta, k = -k-1, L = r+1-L
///     else:                      b = x * b,                          k = k+1
/// Lambda is NOT normalised: lambda_0 = product of the gammas (never 0), so compare against the
/// RTL as roots/positions or after normalising (ErrorLocator::normalized()). The arrays are not
/// truncated at degree t: lambda may reach degree 2t, which is then reported as uncorrectable.
/// L (the LFSR length / linear complexity) is also returned; it equals (2t - k_final) / 2.
///
/// ## Chien search and decoding
/// chien() evaluates lambda(alpha^-(n-1-i)) for every stream bit i = 0..n-1 (only positions inside
/// the shortened code) and returns the stream indices i where it is 0, ascending.
/// decode(): remainder == 0 -> Clean. Otherwise syndromes from the remainder, BM, Chien, and
/// Uncorrectable if deg(lambda) > t, or L != deg(lambda), or the number of Chien roots inside the
/// shortened length != deg(lambda); else flip those bits -> Corrected.
/// The L != deg(lambda) test is a defensive guard: a locator with deg < L cannot give a codeword, but
/// for syndromes of a binary received word it was never observed (16M random words, 8 small codes),
/// so an RTL corrector that only checks deg <= t and the root count behaves identically.
/// The result is then a codeword within distance t of the received word. With more than t errors
/// the decoder may miscorrect to another codeword (rate measured by the tests, ~(n/2^m)^t / t!).
#pragma once

#include <cstdint>
#include <vector>

#include "model/gf2m.hpp"

namespace ifc::model {

/// Binary systematic shortened BCH code. Immutable after construction: const methods are thread-safe.
class BchCode {
 public:
  /// Largest supported parity (register) width: covers t <= 32 at m = 16.
  static constexpr uint32_t kMaxParityBits = 512;

  /// r(x) mod g(x) in degree order: bit d of the polynomial = (rem[d/64] >> (d%64)) & 1.
  using Remainder = std::vector<uint64_t>;

  /// Output of berlekamp_massey().
  struct ErrorLocator {
    /// lambda_0 .. lambda_deg, lowest degree first, trimmed so that coeffs.back() != 0.
    /// lambda_0 != 0 (product of the iBM gammas, not normalised to 1).
    std::vector<uint16_t> coeffs;
    /// L, the length of the shortest LFSR generating S_1..S_2t (the number of errors if <= t).
    int complexity = 0;
    /// deg(lambda).
    int degree() const { return static_cast<int>(coeffs.size()) - 1; }
    /// lambda scaled so that lambda_0 = 1 (prod (1 - X_l x) for correctable patterns).
    std::vector<uint16_t> normalized(const Gf2m& gf) const;
  };

  /// Output of decode().
  struct DecodeResult {
    enum class Outcome { Clean, Corrected, Uncorrectable };
    Outcome outcome = Outcome::Clean;
    /// Number of bits flipped (Corrected), 0 (Clean), -1 (Uncorrectable).
    int n_errors = 0;
    /// Stream bit indices that were flipped, ascending (empty unless Corrected).
    std::vector<uint32_t> flipped_bits;
  };

  /// Builds the code. prim_poly = 0 selects Gf2m::default_primitive_poly(m).
  /// Throws std::invalid_argument if m is outside 4..16, t < 1, 2t >= 2^m - 1, k_bits < 1, the code does not fit
  /// (k_bits + parity_bits > 2^m - 1), or parity_bits > kMaxParityBits.
  BchCode(unsigned m, unsigned t, uint32_t k_bits, uint32_t prim_poly = 0);

  unsigned m() const { return gf_.m(); }                   ///< Field degree.
  unsigned t() const { return t_; }                        ///< Designed correction capability.
  uint32_t k_bits() const { return k_; }                   ///< Message bits.
  uint32_t parity_bits() const { return p_; }              ///< Parity bits p = deg g(x).
  uint32_t n_bits() const { return k_ + p_; }              ///< Shortened code length n = k + p.
  uint32_t message_bytes() const { return (k_ + 7) / 8; }  ///< ceil(k/8).
  uint32_t parity_bytes() const { return (p_ + 7) / 8; }   ///< ceil(p/8).
  const Gf2m& field() const { return gf_; }                ///< The field GF(2^m).

  /// g(x) coefficients over GF(2), lowest degree first: generator()[d] is the coefficient of x^d,
  /// size parity_bits() + 1, generator()[0] = generator()[p] = 1.
  const std::vector<uint8_t>& generator() const { return gen_; }

  /// Systematic parity of message_bytes() bytes at msg: parity_bytes() bytes (unused high bits 0).
  std::vector<uint8_t> encode(const uint8_t* msg) const;
  /// Same, writing parity_bytes() bytes to parity (no allocation).
  void encode(const uint8_t* msg, uint8_t* parity) const;

  /// r(x) mod g(x) of the received word (msg, parity), degree order (see file comment).
  Remainder remainder(const uint8_t* msg, const uint8_t* parity) const;
  /// True iff the received word is a codeword (remainder == 0). Allocation-free fast path.
  bool is_codeword(const uint8_t* msg, const uint8_t* parity) const;

  /// S_1..S_2t = r(alpha^j) evaluated directly over all n stream bits (Horner, stream order).
  /// Slow reference (O(n t)); decode() uses syndromes_from_remainder().
  std::vector<uint16_t> syndromes(const uint8_t* msg, const uint8_t* parity) const;
  /// S_1..S_2t = rem(alpha^j) from a remainder in degree order (odd j directly, S_2j = S_j^2).
  std::vector<uint16_t> syndromes_from_remainder(const Remainder& rem) const;

  /// Error locator from S_1..S_2t (size 2t) by inversionless BM (see file comment).
  /// Throws std::invalid_argument if synd.size() != 2t.
  ErrorLocator berlekamp_massey(const std::vector<uint16_t>& synd) const;

  /// Chien search: stream bit indices i in [0, n) with lambda(alpha^-(n-1-i)) = 0, ascending.
  /// lambda is lowest degree first (any scaling). Stops once deg(lambda) roots are found.
  std::vector<uint32_t> chien(const std::vector<uint16_t>& lambda) const;
  /// chien(loc.coeffs).
  std::vector<uint32_t> chien(const ErrorLocator& loc) const { return chien(loc.coeffs); }

  /// Checks and corrects (msg, parity) in place (see file comment for the outcome rules).
  /// Uncorrectable leaves both buffers untouched.
  DecodeResult decode(uint8_t* msg, uint8_t* parity) const;

  /// Value of stream bit i (0..n-1) of (msg, parity).
  bool stream_bit(const uint8_t* msg, const uint8_t* parity, uint32_t i) const;
  /// Flips stream bit i (0..n-1) of (msg, parity) in place.
  void flip_stream_bit(uint8_t* msg, uint8_t* parity, uint32_t i) const;
  /// Polynomial degree of stream bit i: n-1-i.
  uint32_t stream_bit_degree(uint32_t i) const { return n_bits() - 1 - i; }

 private:
  static constexpr uint32_t kMaxWords = kMaxParityBits / 64;
  // Reflected LFSR over the message; reg (words_ words) ends as encode's parity in parity-bit order.
  void lfsr_message(const uint8_t* msg, uint64_t* reg) const;
  // reg = reflected remainder of (msg, parity); returns true iff it is zero.
  bool reflected_remainder(const uint8_t* msg, const uint8_t* parity, uint64_t* reg) const;
  Remainder reflected_to_degree(const uint64_t* reg) const;

  Gf2m gf_;
  unsigned t_;
  uint32_t k_;
  uint32_t p_ = 0;
  uint32_t words_ = 0;              // ceil(p/64)
  std::vector<uint8_t> gen_;        // g_0..g_p
  std::vector<uint64_t> gen_refl_;  // g without x^p, reflected: bit j = g_{p-1-j}
  std::vector<uint64_t> table_;     // 256 x words_ byte-step table (p >= 8 only)
};

}  // namespace ifc::model
