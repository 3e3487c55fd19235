// RawBuffer: a growable byte buffer that does not zero what it allocates.
// std::vector<std::byte>::resize zero-fills, which for file contents that are
// about to be overwritten by read() is a second full pass over the data.
#ifndef VIGIL_CORE_RAW_BUFFER_H_
#define VIGIL_CORE_RAW_BUFFER_H_

#include <cstddef>
#include <cstring>
#include <memory>

#include "vigil/bytes.h"

namespace vigil::core {

class RawBuffer {
 public:
  std::byte* data() { return data_.get(); }
  const std::byte* data() const { return data_.get(); }
  size_t size() const { return size_; }
  ByteView view() const { return ByteView(data_.get(), size_); }

  // Makes room for `n` bytes in total; keeps the first size() bytes.
  void Reserve(size_t n) {
    if (n <= capacity_) return;
    size_t cap = capacity_ ? capacity_ : 4096;
    while (cap < n) cap *= 2;
    auto bigger = std::make_unique_for_overwrite<std::byte[]>(cap);
    if (size_) std::memcpy(bigger.get(), data_.get(), size_);
    data_ = std::move(bigger);
    capacity_ = cap;
  }
  // Sets the size; bytes beyond the old size are uninitialised.
  void Resize(size_t n) {
    Reserve(n);
    size_ = n;
  }
  void Clear() { size_ = 0; }

 private:
  std::unique_ptr<std::byte[]> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace vigil::core

#endif  // VIGIL_CORE_RAW_BUFFER_H_
