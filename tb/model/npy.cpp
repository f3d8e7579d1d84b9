#include "model/npy.hpp"

#include <fstream>
#include <sstream>

namespace ifc::model {

size_t NpyArray::item_bytes() const {
  if (descr == "<i1" || descr == "|i1") return 1;
  if (descr == "<u2") return 2;
  if (descr == "<i4" || descr == "<f4") return 4;
  throw NpyError("unsupported npy dtype '" + descr + "' (allowed: <i1, <u2, <i4, <f4)");
}

uint64_t NpyArray::elements() const {
  uint64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

NpyArray read_npy(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw NpyError(path + ": cannot open");
  char magic[8];
  if (!f.read(magic, 8) || std::string(magic, 6) != "\x93NUMPY") throw NpyError(path + ": not a .npy file");
  const int major = static_cast<unsigned char>(magic[6]);
  uint32_t hlen = 0;
  if (major == 1) {
    unsigned char b[2];
    f.read(reinterpret_cast<char*>(b), 2);
    hlen = b[0] | (b[1] << 8);
  } else if (major == 2 || major == 3) {
    unsigned char b[4];
    f.read(reinterpret_cast<char*>(b), 4);
    hlen = b[0] | (b[1] << 8) | (b[2] << 16) | (uint32_t(b[3]) << 24);
  } else {
    throw NpyError(path + ": unsupported npy version " + std::to_string(major));
  }
  std::string header(hlen, '\0');
  if (!f.read(header.data(), hlen)) throw NpyError(path + ": truncated header");
  NpyArray a;
  // The header is a Python dict literal: {'descr': '<i1', 'fortran_order': False, 'shape': (3, 4), }
  auto value_of = [&](const std::string& key) -> std::string {
    const size_t k = header.find("'" + key + "'");
    if (k == std::string::npos) throw NpyError(path + ": header has no '" + key + "'");
    size_t v = header.find(':', k);
    if (v == std::string::npos) throw NpyError(path + ": malformed header");
    ++v;
    while (v < header.size() && header[v] == ' ') ++v;
    return header.substr(v);
  };
  {
    const std::string d = value_of("descr");
    const size_t q = d.find('\'', 1);
    if (d.empty() || d[0] != '\'' || q == std::string::npos) throw NpyError(path + ": malformed descr");
    a.descr = d.substr(1, q - 1);
  }
  if (a.descr == "|i1") a.descr = "<i1";
  if (value_of("fortran_order").rfind("True", 0) == 0)
    throw NpyError(path + ": Fortran order is not supported (save with np.ascontiguousarray)");
  {
    const std::string sh = value_of("shape");
    const size_t close = sh.find(')');
    if (sh.empty() || sh[0] != '(' || close == std::string::npos) throw NpyError(path + ": malformed shape");
    std::stringstream ss(sh.substr(1, close - 1));
    std::string tok;
    while (std::getline(ss, tok, ',')) {
      tok.erase(0, tok.find_first_not_of(" \t"));
      if (tok.empty()) continue;
      a.shape.push_back(std::stoull(tok));
    }
  }
  if (a.shape.empty() || a.shape.size() > 2)
    throw NpyError(path + ": " + std::to_string(a.shape.size()) + "-D arrays are not supported (1-D or 2-D)");
  const size_t bytes = a.elements() * a.item_bytes();
  a.data.resize(bytes);
  if (!f.read(reinterpret_cast<char*>(a.data.data()), static_cast<std::streamsize>(bytes)))
    throw NpyError(path + ": truncated data (expected " + std::to_string(bytes) + " bytes)");
  return a;
}

void write_npy(const std::string& path, const NpyArray& a) {
  std::string shape = "(";
  for (size_t i = 0; i < a.shape.size(); ++i) shape += std::to_string(a.shape[i]) + (a.shape.size() == 1 ? "," : (i + 1 < a.shape.size() ? ", " : ""));
  shape += ")";
  std::string header = "{'descr': '" + a.descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
  const size_t total = 10 + header.size() + 1;
  header += std::string((64 - total % 64) % 64, ' ') + "\n";
  std::ofstream f(path, std::ios::binary);
  if (!f) throw NpyError(path + ": cannot write");
  const uint16_t hlen = static_cast<uint16_t>(header.size());
  f.write("\x93NUMPY\x01\x00", 8);
  const char lb[2] = {static_cast<char>(hlen & 0xFF), static_cast<char>(hlen >> 8)};
  f.write(lb, 2);
  f.write(header.data(), static_cast<std::streamsize>(header.size()));
  f.write(reinterpret_cast<const char*>(a.data.data()), static_cast<std::streamsize>(a.data.size()));
  if (!f) throw NpyError(path + ": write failed");
}

}  // namespace ifc::model
