// SPDX-License-Identifier: Apache-2.0
#include "model/bch.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace ifc::model {

namespace {

std::string code_name(unsigned m, unsigned t, uint32_t k) {
  return "BchCode(m=" + std::to_string(m) + ", t=" + std::to_string(t) + ", k_bits=" + std::to_string(k) + ")";
}

// reg >>= 1 across W words.
inline void shr1(uint64_t* reg, uint32_t words) {
  for (uint32_t w = 0; w + 1 < words; ++w) reg[w] = (reg[w] >> 1) | (reg[w + 1] << 63);
  reg[words - 1] >>= 1;
}

// One serial LFSR step (reflected form) with input bit b.
inline void bit_step(uint64_t* reg, uint32_t words, const uint64_t* gen_refl, unsigned b) {
  const unsigned fb = b ^ static_cast<unsigned>(reg[0] & 1u);
  shr1(reg, words);
  if (fb) {
    for (uint32_t w = 0; w < words; ++w) reg[w] ^= gen_refl[w];
  }
}

// Byte-wise LFSR over len bytes (reflected form, p >= 8), W words, table of 256 x W words.
template <uint32_t W>
void byte_steps(const uint64_t* table, const uint8_t* data, size_t len, uint64_t* reg_io) {
  uint64_t reg[W];
  for (uint32_t w = 0; w < W; ++w) reg[w] = reg_io[w];
  for (size_t i = 0; i < len; ++i) {
    const unsigned idx = static_cast<unsigned>((reg[0] ^ data[i]) & 0xFFu);
    const uint64_t* row = table + static_cast<size_t>(idx) * W;
    for (uint32_t w = 0; w + 1 < W; ++w) reg[w] = ((reg[w] >> 8) | (reg[w + 1] << 56)) ^ row[w];
    reg[W - 1] = (reg[W - 1] >> 8) ^ row[W - 1];
  }
  for (uint32_t w = 0; w < W; ++w) reg_io[w] = reg[w];
}

}  // namespace

std::vector<uint16_t> BchCode::ErrorLocator::normalized(const Gf2m& gf) const {
  std::vector<uint16_t> out(coeffs.size());
  if (coeffs.empty()) return out;
  const uint16_t s = gf.inv(coeffs[0]);
  for (size_t i = 0; i < coeffs.size(); ++i) out[i] = gf.mul(coeffs[i], s);
  return out;
}

BchCode::BchCode(unsigned m, unsigned t, uint32_t k_bits, uint32_t prim_poly) : gf_(m, prim_poly), t_(t), k_(k_bits) {
  const uint32_t n_max = gf_.order();
  if (t < 1) throw std::invalid_argument(code_name(m, t, k_bits) + ": t must be >= 1");
  if (k_bits < 1) throw std::invalid_argument(code_name(m, t, k_bits) + ": k_bits must be >= 1");
  if (2u * t >= n_max) {
    throw std::invalid_argument(code_name(m, t, k_bits) + ": 2t must be < 2^m - 1 = " + std::to_string(n_max));
  }

  // g(x) = product of the distinct minimal polynomials of alpha^1..alpha^2t (one per cyclotomic coset).
  std::vector<bool> seen(n_max, false);
  gen_.assign(1, 1);
  for (uint32_t j = 1; j <= 2u * t; ++j) {
    if (seen[j]) continue;
    // Minimal polynomial prod_{c in coset(j)} (x + alpha^c), computed in GF(2^m), lowest degree first.
    std::vector<uint16_t> mp(1, 1);
    uint32_t c = j;
    do {
      seen[c] = true;
      const uint16_t root = gf_.exp(c);
      std::vector<uint16_t> next(mp.size() + 1, 0);
      for (size_t i = 0; i < mp.size(); ++i) {
        next[i + 1] ^= mp[i];             // x * mp
        next[i] ^= gf_.mul(mp[i], root);  // root * mp
      }
      mp.swap(next);
      c = static_cast<uint32_t>((2ull * c) % n_max);
    } while (c != j);
    // Multiply into g over GF(2); a minimal polynomial has binary coefficients.
    std::vector<uint8_t> prod(gen_.size() + mp.size() - 1, 0);
    for (size_t a = 0; a < mp.size(); ++a) {
      if (mp[a] > 1) throw std::logic_error("BchCode: minimal polynomial is not binary (internal error)");
      if (mp[a] == 0) continue;
      for (size_t b = 0; b < gen_.size(); ++b) prod[a + b] ^= gen_[b];
    }
    gen_.swap(prod);
  }
  p_ = static_cast<uint32_t>(gen_.size() - 1);

  if (static_cast<uint64_t>(k_) + p_ > n_max) {
    throw std::invalid_argument(code_name(m, t, k_bits) + ": k_bits + parity_bits = " + std::to_string(k_) + " + " +
                                std::to_string(p_) + " = " + std::to_string(uint64_t{k_} + p_) +
                                " exceeds the primitive length 2^m - 1 = " + std::to_string(n_max) +
                                "; use a larger m or a smaller message");
  }
  if (p_ > kMaxParityBits) {
    throw std::invalid_argument(code_name(m, t, k_bits) + ": parity_bits = " + std::to_string(p_) +
                                " exceeds the supported maximum " + std::to_string(kMaxParityBits));
  }
  words_ = (p_ + 63) / 64;

  gen_refl_.assign(words_, 0);
  for (uint32_t j = 0; j < p_; ++j) {
    if (gen_[p_ - 1 - j]) gen_refl_[j / 64] |= uint64_t{1} << (j % 64);
  }
  if (p_ >= 8) {
    table_.assign(256 * static_cast<size_t>(words_), 0);
    for (unsigned v = 0; v < 256; ++v) {
      uint64_t reg[kMaxWords] = {};
      reg[0] = v;
      for (int s = 0; s < 8; ++s) bit_step(reg, words_, gen_refl_.data(), 0);
      std::copy(reg, reg + words_, table_.begin() + static_cast<std::ptrdiff_t>(v) * words_);
    }
  }
}

void BchCode::lfsr_message(const uint8_t* msg, uint64_t* reg) const {
  std::fill(reg, reg + words_, 0);
  const uint32_t full = k_ / 8;
  if (p_ >= 8) {
    switch (words_) {
      case 1: byte_steps<1>(table_.data(), msg, full, reg); break;
      case 2: byte_steps<2>(table_.data(), msg, full, reg); break;
      case 3: byte_steps<3>(table_.data(), msg, full, reg); break;
      case 4: byte_steps<4>(table_.data(), msg, full, reg); break;
      case 5: byte_steps<5>(table_.data(), msg, full, reg); break;
      case 6: byte_steps<6>(table_.data(), msg, full, reg); break;
      case 7: byte_steps<7>(table_.data(), msg, full, reg); break;
      case 8: byte_steps<8>(table_.data(), msg, full, reg); break;
      default: throw std::logic_error("BchCode: unsupported register width");
    }
  } else {
    for (uint32_t i = 0; i < full * 8; ++i) bit_step(reg, words_, gen_refl_.data(), (msg[i / 8] >> (i % 8)) & 1u);
  }
  for (uint32_t i = full * 8; i < k_; ++i) bit_step(reg, words_, gen_refl_.data(), (msg[i / 8] >> (i % 8)) & 1u);
}

void BchCode::encode(const uint8_t* msg, uint8_t* parity) const {
  uint64_t reg[kMaxWords];
  lfsr_message(msg, reg);
  for (uint32_t b = 0; b < parity_bytes(); ++b) parity[b] = static_cast<uint8_t>(reg[b / 8] >> (8 * (b % 8)));
}

std::vector<uint8_t> BchCode::encode(const uint8_t* msg) const {
  std::vector<uint8_t> parity(parity_bytes());
  encode(msg, parity.data());
  return parity;
}

bool BchCode::reflected_remainder(const uint8_t* msg, const uint8_t* parity, uint64_t* reg) const {
  lfsr_message(msg, reg);
  for (uint32_t b = 0; b < parity_bytes(); ++b) reg[b / 8] ^= uint64_t{parity[b]} << (8 * (b % 8));
  if (p_ % 64 != 0) reg[words_ - 1] &= (uint64_t{1} << (p_ % 64)) - 1;
  uint64_t any = 0;
  for (uint32_t w = 0; w < words_; ++w) any |= reg[w];
  return any == 0;
}

BchCode::Remainder BchCode::reflected_to_degree(const uint64_t* reg) const {
  Remainder rem(words_, 0);
  for (uint32_t j = 0; j < p_; ++j) {
    if ((reg[j / 64] >> (j % 64)) & 1u) {
      const uint32_t d = p_ - 1 - j;
      rem[d / 64] |= uint64_t{1} << (d % 64);
    }
  }
  return rem;
}

BchCode::Remainder BchCode::remainder(const uint8_t* msg, const uint8_t* parity) const {
  uint64_t reg[kMaxWords];
  reflected_remainder(msg, parity, reg);
  return reflected_to_degree(reg);
}

bool BchCode::is_codeword(const uint8_t* msg, const uint8_t* parity) const {
  uint64_t reg[kMaxWords];
  return reflected_remainder(msg, parity, reg);
}

bool BchCode::stream_bit(const uint8_t* msg, const uint8_t* parity, uint32_t i) const {
  if (i >= n_bits()) throw std::out_of_range("BchCode::stream_bit: index " + std::to_string(i) + " >= n");
  if (i < k_) return (msg[i / 8] >> (i % 8)) & 1u;
  const uint32_t j = i - k_;
  return (parity[j / 8] >> (j % 8)) & 1u;
}

void BchCode::flip_stream_bit(uint8_t* msg, uint8_t* parity, uint32_t i) const {
  if (i >= n_bits()) throw std::out_of_range("BchCode::flip_stream_bit: index " + std::to_string(i) + " >= n");
  if (i < k_) {
    msg[i / 8] ^= static_cast<uint8_t>(1u << (i % 8));
  } else {
    const uint32_t j = i - k_;
    parity[j / 8] ^= static_cast<uint8_t>(1u << (j % 8));
  }
}

std::vector<uint16_t> BchCode::syndromes(const uint8_t* msg, const uint8_t* parity) const {
  const auto& ex = gf_.exp_table();
  const auto& lg = gf_.log_table();
  std::vector<uint16_t> s(2 * t_, 0);
  const uint32_t n = n_bits();
  for (uint32_t i = 0; i < n; ++i) {
    const uint16_t bit = stream_bit(msg, parity, i) ? 1 : 0;
    for (uint32_t j = 1; j <= 2 * t_; ++j) {
      uint16_t acc = s[j - 1];
      acc = acc ? ex[lg[acc] + j] : 0;  // acc * alpha^j (lg < N, j < N)
      s[j - 1] = static_cast<uint16_t>(acc ^ bit);
    }
  }
  return s;
}

std::vector<uint16_t> BchCode::syndromes_from_remainder(const Remainder& rem) const {
  if (rem.size() != words_) throw std::invalid_argument("BchCode::syndromes_from_remainder: wrong remainder size");
  const auto& ex = gf_.exp_table();
  const uint32_t n_max = gf_.order();
  std::vector<uint16_t> s(2 * t_, 0);
  for (uint32_t w = 0; w < words_; ++w) {
    uint64_t bits = rem[w];
    while (bits) {
      const uint32_t d = w * 64 + static_cast<uint32_t>(__builtin_ctzll(bits));
      bits &= bits - 1;
      if (d >= p_) throw std::invalid_argument("BchCode::syndromes_from_remainder: bit beyond degree p-1");
      uint32_t e = d;  // j*d mod N for j = 1, 3, 5, ...
      const uint32_t step = static_cast<uint32_t>((2ull * d) % n_max);
      for (uint32_t j = 1; j <= 2 * t_; j += 2) {
        s[j - 1] ^= ex[e];
        e += step;
        if (e >= n_max) e -= n_max;
      }
    }
  }
  for (uint32_t j = 2; j <= 2 * t_; j += 2) s[j - 1] = gf_.mul(s[j / 2 - 1], s[j / 2 - 1]);
  return s;
}

BchCode::ErrorLocator BchCode::berlekamp_massey(const std::vector<uint16_t>& synd) const {
  const uint32_t t2 = 2 * t_;
  if (synd.size() != t2) throw std::invalid_argument("BchCode::berlekamp_massey: expected 2t syndromes");
  const size_t len = t2 + 2;
  std::vector<uint16_t> lam(len, 0), b(len, 0), nl(len, 0);
  lam[0] = 1;
  b[0] = 1;
  uint16_t gamma = 1;
  int k = 0;
  int big_l = 0;
  for (uint32_t r = 0; r < t2; ++r) {
    uint16_t delta = 0;
    for (uint32_t i = 0; i <= r; ++i) delta ^= gf_.mul(synd[r - i], lam[i]);
    for (size_t i = 0; i < len; ++i)
      nl[i] = static_cast<uint16_t>(gf_.mul(gamma, lam[i]) ^ (i ? gf_.mul(delta, b[i - 1]) : 0));
    if (delta != 0 && k >= 0) {
      b = lam;
      gamma = delta;
      k = -k - 1;
      big_l = static_cast<int>(r) + 1 - big_l;
    } else {
      for (size_t i = len - 1; i > 0; --i) b[i] = b[i - 1];
      b[0] = 0;
      k = k + 1;
    }
    lam.swap(nl);
  }
  while (lam.size() > 1 && lam.back() == 0) lam.pop_back();
  ErrorLocator loc;
  loc.coeffs = std::move(lam);
  loc.complexity = big_l;
  return loc;
}

std::vector<uint32_t> BchCode::chien(const std::vector<uint16_t>& lambda) const {
  size_t deg = lambda.size();
  while (deg > 0 && lambda[deg - 1] == 0) --deg;
  if (deg == 0) throw std::invalid_argument("BchCode::chien: zero polynomial");
  --deg;
  std::vector<uint32_t> roots;
  if (deg == 0) return roots;
  const auto& ex = gf_.exp_table();
  const uint32_t n_max = gf_.order();
  const uint32_t n = n_bits();
  // Terms lambda_j * alpha^(-j e) for e = n-1-i, kept as logs; step i -> i+1 multiplies by alpha^j.
  std::vector<uint32_t> cur, step;
  for (uint32_t j = 1; j <= deg; ++j) {
    if (lambda[j] == 0) continue;
    cur.push_back(gf_.mod_order(static_cast<int64_t>(gf_.log(lambda[j])) - static_cast<int64_t>(j) * (n - 1)));
    step.push_back(j % n_max);
  }
  const uint16_t l0 = lambda[0];
  const size_t nt = cur.size();
  for (uint32_t i = 0; i < n; ++i) {
    uint16_t sum = l0;
    for (size_t q = 0; q < nt; ++q) {
      sum ^= ex[cur[q]];
      cur[q] += step[q];
      if (cur[q] >= n_max) cur[q] -= n_max;
    }
    if (sum == 0) {
      roots.push_back(i);
      if (roots.size() == deg) break;  // a degree-deg polynomial has at most deg roots
    }
  }
  return roots;
}

BchCode::DecodeResult BchCode::decode(uint8_t* msg, uint8_t* parity) const {
  DecodeResult res;
  uint64_t reg[kMaxWords];
  if (reflected_remainder(msg, parity, reg)) return res;  // Clean

  const std::vector<uint16_t> synd = syndromes_from_remainder(reflected_to_degree(reg));
  const ErrorLocator loc = berlekamp_massey(synd);
  const int deg = loc.degree();
  res.outcome = DecodeResult::Outcome::Uncorrectable;
  res.n_errors = -1;
  if (deg > static_cast<int>(t_) || deg != loc.complexity || deg == 0) return res;
  std::vector<uint32_t> pos = chien(loc.coeffs);
  if (static_cast<int>(pos.size()) != deg) return res;
  for (uint32_t i : pos) flip_stream_bit(msg, parity, i);
  res.outcome = DecodeResult::Outcome::Corrected;
  res.n_errors = deg;
  res.flipped_bits = std::move(pos);
  return res;
}

}  // namespace ifc::model
