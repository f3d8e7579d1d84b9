// NandArray: the NAND-array behavioural model (see nand_array.hpp for the semantics).
#include "nand/nand_array.hpp"

#include <cmath>
#include <cstring>
#include <limits>

#include "nand/nand_rng.hpp"

namespace ifc::nand {
namespace {

constexpr uint64_t kFlipDomain = 0x464c495053ULL;       // "FLIPS": domain tag of the flip RNG
constexpr uint64_t kProceduralDomain = 0x50524f43ULL;   // "PROC": domain tag of seeded pages

uint64_t add_sat(uint64_t a, uint64_t b) {
  return a > std::numeric_limits<uint64_t>::max() - b ? std::numeric_limits<uint64_t>::max() : a + b;
}

/// Flips i.i.d. Bernoulli(rber) bits among the first nbits bits of p (bit i = byte i/8, mask
/// 1 << i%8). Geometric skip sampling: the gap to the next flip is floor(ln U / ln(1 - rber)),
/// U uniform in (0, 1], so the cost is proportional to the number of flips. Returns the count.
uint32_t inject_flips(uint8_t* p, uint64_t nbits, double rber, uint64_t seed) {
  if (!(rber > 0.0) || nbits == 0) return 0;
  Xoshiro256StarStar rng(seed);
  const double log_q = det_log1p(-rber);  // < 0 for rber in (0, 0.5]
  uint64_t pos = 0;
  uint32_t flips = 0;
  for (;;) {
    const double gap = det_log(rng.next_unit_open0()) / log_q;  // >= 0
    if (!(gap < static_cast<double>(nbits - pos))) break;
    pos += static_cast<uint64_t>(gap);
    p[pos >> 3] ^= static_cast<uint8_t>(1u << (pos & 7));
    ++flips;
    if (++pos >= nbits) break;
  }
  return flips;
}

}  // namespace

const char* to_string(Status status) {
  switch (status) {
    case Status::Ok: return "Ok";
    case Status::AddressOutOfRange: return "AddressOutOfRange";
    case Status::BadBlock: return "BadBlock";
    case Status::NotErased: return "NotErased";
    case Status::ProgramOrder: return "ProgramOrder";
    case Status::WornOut: return "WornOut";
    case Status::PlaneBusy: return "PlaneBusy";
    case Status::MultiPlaneConflict: return "MultiPlaneConflict";
    case Status::LengthMismatch: return "LengthMismatch";
  }
  return "?";
}

const char* to_string(Op op) {
  switch (op) {
    case Op::None: return "None";
    case Op::Read: return "Read";
    case Op::MultiPlaneRead: return "MultiPlaneRead";
    case Op::Program: return "Program";
    case Op::Erase: return "Erase";
  }
  return "?";
}

const char* to_string(PageState state) {
  switch (state) {
    case PageState::Erased: return "Erased";
    case PageState::Programmed: return "Programmed";
    case PageState::Procedural: return "Procedural";
    case PageState::OutOfRange: return "OutOfRange";
  }
  return "?";
}

NandArray::NandArray(NandConfig cfg) : cfg_(std::move(cfg)) {
  cfg_.validate("NandArray");
  page_bytes_ = cfg_.page_bytes();
  blocks_.resize(cfg_.blocks_total());
  planes_.resize(static_cast<size_t>(cfg_.dies) * cfg_.planes_per_die);
  for (const auto& b : cfg_.bad_blocks) blocks_[block_index(b.die, b.plane, b.block)].bad = BadReason::Factory;
}

// ---------------------------------------------------------------------------------------------
// Addressing
// ---------------------------------------------------------------------------------------------

bool NandArray::block_in_range(uint32_t die, uint32_t plane, uint32_t block) const {
  return die < cfg_.dies && plane < cfg_.planes_per_die && block < cfg_.blocks_per_plane;
}

bool NandArray::in_range(const Address& a) const {
  return block_in_range(a.die, a.plane, a.block) && a.page < cfg_.pages_per_block;
}

uint64_t NandArray::block_index(uint32_t die, uint32_t plane, uint32_t block) const {
  return (static_cast<uint64_t>(die) * cfg_.planes_per_die + plane) * cfg_.blocks_per_plane + block;
}

uint64_t NandArray::page_key(const Address& a) const {
  return block_index(a.die, a.plane, a.block) * cfg_.pages_per_block + a.page;
}

NandArray::PlaneState* NandArray::plane_state(uint32_t die, uint32_t plane) {
  if (die >= cfg_.dies || plane >= cfg_.planes_per_die) return nullptr;
  return &planes_[static_cast<size_t>(die) * cfg_.planes_per_die + plane];
}

bool NandArray::is_busy(const PlaneState& p, uint64_t now_ns) {
  return now_ns != kUntimed && now_ns < p.busy_until_ns;
}

Status NandArray::block_health(const BlockState& b) {
  switch (b.bad) {
    case BadReason::None: return Status::Ok;
    case BadReason::WornOut: return Status::WornOut;
    case BadReason::Factory:
    case BadReason::Marked: return Status::BadBlock;
  }
  return Status::BadBlock;
}

// ---------------------------------------------------------------------------------------------
// Contents and errors
// ---------------------------------------------------------------------------------------------

void NandArray::load_page(const Address& a, const BlockState& b, uint8_t* dst) const {
  const auto it = pages_.find(page_key(a));
  if (it != pages_.end()) {
    std::memcpy(dst, it->second.data(), page_bytes_);
    return;
  }
  std::memset(dst, 0xFF, page_bytes_);
  if (source_ && b.procedural) source_(a, dst, page_bytes_);
}

double NandArray::rber_for(const BlockState& b, uint32_t retry_step) const {
  const RberModel& e = cfg_.errors;
  double r = 0.0;
  if (fixed_rber_) {
    r = *fixed_rber_;
  } else {
    r = e.base_rber * (1.0 + e.pe_coeff * det_pow(static_cast<double>(b.pe_cycles), e.pe_exponent)) *
        (1.0 + e.retention_coeff * retention_hours_) *
        (1.0 + e.read_disturb_coeff * static_cast<double>(b.reads_since_erase));
  }
  for (uint32_t s = 0; s < retry_step; ++s) r *= e.retry_factor;
  if (!(r > 0.0)) return 0.0;  // also NaN
  return r > 0.5 ? 0.5 : r;
}

void NandArray::sense(const Address& a, uint32_t retry_step, std::vector<uint8_t>& dst, ReadInfo& info) {
  BlockState& b = blocks_[block_index(a.die, a.plane, a.block)];
  const uint64_t key = page_key(a);
  dst.resize(page_bytes_);
  load_page(a, b, dst.data());

  uint64_t& reads = page_reads_[key];
  info.rber_used = rber_for(b, retry_step);
  uint64_t h = hash_combine(kFlipDomain, cfg_.seed);
  h = hash_combine(h, a.die);
  h = hash_combine(h, a.plane);
  h = hash_combine(h, a.block);
  h = hash_combine(h, a.page);
  h = hash_combine(h, reads);
  h = hash_combine(h, retry_step);
  info.bit_errors = inject_flips(dst.data(), static_cast<uint64_t>(page_bytes_) * 8, info.rber_used, h);

  info.stuck_bits = 0;
  const auto st = stuck_.find(key);
  if (st != stuck_.end()) {
    for (const auto& [bit, value] : st->second) {
      const uint8_t mask = static_cast<uint8_t>(1u << (bit & 7));
      dst[bit >> 3] = value ? static_cast<uint8_t>(dst[bit >> 3] | mask) : static_cast<uint8_t>(dst[bit >> 3] & ~mask);
      ++info.stuck_bits;
    }
  }

  ++reads;
  ++b.reads_since_erase;
  ++counters_.page_reads;
  counters_.bits_flipped += info.bit_errors;
  counters_.bytes_sensed += page_bytes_;
}

// ---------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------

Status NandArray::read(const Address& addr, uint64_t now_ns, std::vector<uint8_t>& out, ReadInfo* info,
                       uint32_t retry_step) {
  PlaneState* ps = plane_state(addr.die, addr.plane);
  auto finish = [&](Status s) {
    if (ps != nullptr) {
      ps->last_op = Op::Read;
      ps->last_status = s;
    }
    return s;
  };
  if (!in_range(addr) || retry_step > cfg_.read_retry_steps) return finish(Status::AddressOutOfRange);
  if (is_busy(*ps, now_ns)) return Status::PlaneBusy;  // not accepted: status keeps the running op
  const Status health = block_health(blocks_[block_index(addr.die, addr.plane, addr.block)]);
  if (health != Status::Ok) return finish(health);

  ReadInfo ri;
  sense(addr, retry_step, out, ri);
  if (now_ns != kUntimed) {
    ps->busy_until_ns = add_sat(now_ns, cfg_.t_read_ns);
    ri.ready_at_ns = ps->busy_until_ns;
  }
  if (info != nullptr) *info = ri;
  return finish(Status::Ok);
}

Status NandArray::multi_plane_read(const std::vector<Address>& addrs, uint64_t now_ns,
                                   std::vector<std::vector<uint8_t>>& out, std::vector<ReadInfo>* info,
                                   uint32_t retry_step) {
  auto finish = [&](Status s) {
    for (const auto& a : addrs) {
      if (PlaneState* ps = plane_state(a.die, a.plane)) {
        ps->last_op = Op::MultiPlaneRead;
        ps->last_status = s;
      }
    }
    return s;
  };
  if (addrs.empty()) return Status::MultiPlaneConflict;
  if (retry_step > cfg_.read_retry_steps) return finish(Status::AddressOutOfRange);
  for (const auto& a : addrs) {
    if (!in_range(a)) return finish(Status::AddressOutOfRange);
  }
  std::vector<bool> used(cfg_.planes_per_die, false);
  for (const auto& a : addrs) {
    if (a.die != addrs[0].die || a.page != addrs[0].page || used[a.plane]) {
      return finish(Status::MultiPlaneConflict);
    }
    used[a.plane] = true;
  }
  for (const auto& a : addrs) {
    if (is_busy(*plane_state(a.die, a.plane), now_ns)) return Status::PlaneBusy;
  }
  for (const auto& a : addrs) {
    const Status health = block_health(blocks_[block_index(a.die, a.plane, a.block)]);
    if (health != Status::Ok) return finish(health);
  }

  out.resize(addrs.size());
  if (info != nullptr) info->assign(addrs.size(), ReadInfo{});
  for (size_t i = 0; i < addrs.size(); ++i) {
    ReadInfo ri;
    sense(addrs[i], retry_step, out[i], ri);
    if (now_ns != kUntimed) {
      PlaneState* ps = plane_state(addrs[i].die, addrs[i].plane);
      ps->busy_until_ns = add_sat(now_ns, cfg_.t_read_ns);
      ri.ready_at_ns = ps->busy_until_ns;
    }
    if (info != nullptr) (*info)[i] = ri;
  }
  ++counters_.multi_plane_reads;
  return finish(Status::Ok);
}

Status NandArray::program(const Address& addr, const uint8_t* data, size_t len, uint64_t now_ns) {
  PlaneState* ps = plane_state(addr.die, addr.plane);
  auto finish = [&](Status s) {
    if (ps != nullptr) {
      ps->last_op = Op::Program;
      ps->last_status = s;
    }
    return s;
  };
  if (!in_range(addr)) return finish(Status::AddressOutOfRange);
  if (data == nullptr || len != page_bytes_) return finish(Status::LengthMismatch);
  if (is_busy(*ps, now_ns)) return Status::PlaneBusy;
  BlockState& b = blocks_[block_index(addr.die, addr.plane, addr.block)];
  const Status health = block_health(b);
  if (health != Status::Ok) return finish(health);
  const uint64_t key = page_key(addr);
  if (pages_.count(key) != 0 || (source_ && b.procedural)) return finish(Status::NotErased);
  if (addr.page < b.next_page) return finish(Status::ProgramOrder);

  pages_.emplace(key, std::vector<uint8_t>(data, data + len));
  b.next_page = addr.page + 1;
  ++counters_.programs;
  if (now_ns != kUntimed) ps->busy_until_ns = add_sat(now_ns, cfg_.t_prog_ns);
  return finish(Status::Ok);
}

Status NandArray::erase(uint32_t die, uint32_t plane, uint32_t block, uint64_t now_ns) {
  PlaneState* ps = plane_state(die, plane);
  auto finish = [&](Status s) {
    if (ps != nullptr) {
      ps->last_op = Op::Erase;
      ps->last_status = s;
    }
    return s;
  };
  if (!block_in_range(die, plane, block)) return finish(Status::AddressOutOfRange);
  if (is_busy(*ps, now_ns)) return Status::PlaneBusy;
  BlockState& b = blocks_[block_index(die, plane, block)];
  const Status health = block_health(b);
  if (health != Status::Ok) return finish(health);

  for (uint32_t p = 0; p < b.next_page; ++p) pages_.erase(page_key(Address{die, plane, block, p}));
  b.next_page = 0;
  b.procedural = false;
  b.reads_since_erase = 0;
  ++b.pe_cycles;
  ++counters_.erases;
  if (now_ns != kUntimed) ps->busy_until_ns = add_sat(now_ns, cfg_.t_erase_ns);
  if (b.pe_cycles >= cfg_.endurance_pe_cycles) {
    b.bad = BadReason::WornOut;
    return finish(Status::WornOut);
  }
  return finish(Status::Ok);
}

Status NandArray::peek(const Address& addr, std::vector<uint8_t>& out) const {
  if (!in_range(addr)) return Status::AddressOutOfRange;
  out.resize(page_bytes_);
  load_page(addr, blocks_[block_index(addr.die, addr.plane, addr.block)], out.data());
  return Status::Ok;
}

PageState NandArray::page_state(const Address& addr) const {
  if (!in_range(addr)) return PageState::OutOfRange;
  if (pages_.count(page_key(addr)) != 0) return PageState::Programmed;
  if (source_ && blocks_[block_index(addr.die, addr.plane, addr.block)].procedural) return PageState::Procedural;
  return PageState::Erased;
}

// ---------------------------------------------------------------------------------------------
// Status, wear, bad blocks
// ---------------------------------------------------------------------------------------------

PlaneStatus NandArray::status(uint32_t die, uint32_t plane, uint64_t now_ns) const {
  PlaneStatus s;
  if (die >= cfg_.dies || plane >= cfg_.planes_per_die) {
    s.last_status = Status::AddressOutOfRange;
    return s;
  }
  const PlaneState& p = planes_[static_cast<size_t>(die) * cfg_.planes_per_die + plane];
  s.busy_until_ns = p.busy_until_ns;
  s.ready = !is_busy(p, now_ns);
  s.last_op = p.last_op;
  s.last_status = p.last_status;
  return s;
}

uint64_t NandArray::plane_busy_until_ns(uint32_t die, uint32_t plane) const {
  if (die >= cfg_.dies || plane >= cfg_.planes_per_die) return 0;
  return planes_[static_cast<size_t>(die) * cfg_.planes_per_die + plane].busy_until_ns;
}

Status NandArray::mark_bad(uint32_t die, uint32_t plane, uint32_t block) {
  if (!block_in_range(die, plane, block)) return Status::AddressOutOfRange;
  BlockState& b = blocks_[block_index(die, plane, block)];
  if (b.bad == BadReason::None) b.bad = BadReason::Marked;
  return Status::Ok;
}

bool NandArray::is_bad(uint32_t die, uint32_t plane, uint32_t block) const {
  return block_in_range(die, plane, block) && blocks_[block_index(die, plane, block)].bad != BadReason::None;
}

bool NandArray::is_worn_out(uint32_t die, uint32_t plane, uint32_t block) const {
  return block_in_range(die, plane, block) && blocks_[block_index(die, plane, block)].bad == BadReason::WornOut;
}

uint32_t NandArray::pe_cycles(uint32_t die, uint32_t plane, uint32_t block) const {
  return block_in_range(die, plane, block) ? blocks_[block_index(die, plane, block)].pe_cycles : 0;
}

uint64_t NandArray::block_reads_since_erase(uint32_t die, uint32_t plane, uint32_t block) const {
  return block_in_range(die, plane, block) ? blocks_[block_index(die, plane, block)].reads_since_erase : 0;
}

uint64_t NandArray::page_read_count(const Address& addr) const {
  if (!in_range(addr)) return 0;
  const auto it = page_reads_.find(page_key(addr));
  return it == page_reads_.end() ? 0 : it->second;
}

// ---------------------------------------------------------------------------------------------
// Error-model knobs, stuck bits, procedural source
// ---------------------------------------------------------------------------------------------

double NandArray::rber(const Address& addr, uint32_t retry_step) const {
  if (!in_range(addr)) return 0.0;
  return rber_for(blocks_[block_index(addr.die, addr.plane, addr.block)], retry_step);
}

void NandArray::set_fixed_rber(double rber) {
  if (std::isnan(rber) || rber < 0.0) {
    fixed_rber_.reset();
  } else {
    fixed_rber_ = rber;
  }
}

void NandArray::set_retention_hours(double hours) {
  retention_hours_ = (std::isnan(hours) || hours < 0.0) ? 0.0 : hours;
}

Status NandArray::inject_stuck_bit(const Address& addr, uint32_t bit_index, bool value) {
  if (!in_range(addr) || static_cast<uint64_t>(bit_index) >= static_cast<uint64_t>(page_bytes_) * 8) {
    return Status::AddressOutOfRange;
  }
  auto& list = stuck_[page_key(addr)];
  for (auto& entry : list) {
    if (entry.first == bit_index) {
      entry.second = value;
      return Status::Ok;
    }
  }
  list.emplace_back(bit_index, value);
  return Status::Ok;
}

void NandArray::clear_stuck_bits() { stuck_.clear(); }

void NandArray::set_procedural_source(ProceduralSource source) {
  source_ = std::move(source);
  const bool on = static_cast<bool>(source_);
  for (auto& b : blocks_) b.procedural = on;
}

void NandArray::fill_procedural_seeded(uint64_t seed) {
  set_procedural_source(
      [seed](const Address& a, uint8_t* page, size_t len) { seeded_page_contents(seed, a, page, len); });
}

void NandArray::seeded_page_contents(uint64_t seed, const Address& a, uint8_t* page, size_t len) {
  uint64_t h = hash_combine(kProceduralDomain, seed);
  h = hash_combine(h, a.die);
  h = hash_combine(h, a.plane);
  h = hash_combine(h, a.block);
  h = hash_combine(h, a.page);
  SplitMix64 gen(h);
  for (size_t i = 0; i < len; i += 8) {
    const uint64_t w = gen.next();
    for (size_t k = 0; k < 8 && i + k < len; ++k) page[i + k] = static_cast<uint8_t>(w >> (8 * k));
  }
}

}  // namespace ifc::nand
