// Minimal .npy (NumPy format 1.0/2.0) reader and writer for the CLI's matrices, vectors and results.
// Supported: little-endian '<i1' / '|i1', '<u2' (bf16 raw bits), '<i4', '<f4'; C order; 1-D or 2-D.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace ifc::model {

/// Thrown for unreadable or unsupported files; the message names the file and what is wrong.
class NpyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct NpyArray {
  std::string descr;            ///< "<i1", "<u2", "<i4" or "<f4"
  std::vector<uint64_t> shape;  ///< 1 or 2 dimensions
  std::vector<uint8_t> data;    ///< raw little-endian element bytes, C order
  size_t item_bytes() const;
  uint64_t elements() const;
};

/// Reads a .npy file. Throws NpyError (unsupported dtype, Fortran order, >2 dims, truncated data).
NpyArray read_npy(const std::string& path);
/// Writes a .npy file (version 1.0). Throws NpyError if it cannot be written.
void write_npy(const std::string& path, const NpyArray& a);

}  // namespace ifc::model
