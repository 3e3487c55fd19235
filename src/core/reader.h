// Reader: the only way parsers read untrusted bytes.
//
// Every read is bounds-checked; a read past the end returns std::nullopt and
// leaves the position unchanged, so malformed input gives a partial result,
// never undefined behaviour. Tested by tests/unit/core/reader_test.cc.
#ifndef VIGIL_CORE_READER_H_
#define VIGIL_CORE_READER_H_

#include <cstdint>
#include <cstring>
#include <optional>

#include "vigil/bytes.h"

namespace vigil::core {

class Reader {
 public:
  explicit Reader(ByteView data) : data_(data) {}

  size_t position() const { return pos_; }
  size_t size() const { return data_.size(); }
  size_t remaining() const { return data_.size() - pos_; }
  bool AtEnd() const { return pos_ == data_.size(); }

  // Moves to `offset`; false (and no move) when it lies past the end.
  bool Seek(size_t offset) {
    if (offset > data_.size()) return false;
    pos_ = offset;
    return true;
  }
  bool Skip(size_t n) {
    if (n > remaining()) return false;
    pos_ += n;
    return true;
  }

  // The next `n` bytes, consumed.
  std::optional<ByteView> Bytes(size_t n) {
    if (n > remaining()) return std::nullopt;
    ByteView out = data_.subspan(pos_, n);
    pos_ += n;
    return out;
  }

  std::optional<uint8_t> U8() { return Read<uint8_t, false>(); }
  std::optional<uint16_t> U16Le() { return Read<uint16_t, false>(); }
  std::optional<uint32_t> U32Le() { return Read<uint32_t, false>(); }
  std::optional<uint64_t> U64Le() { return Read<uint64_t, false>(); }
  std::optional<uint16_t> U16Be() { return Read<uint16_t, true>(); }
  std::optional<uint32_t> U32Be() { return Read<uint32_t, true>(); }
  std::optional<uint64_t> U64Be() { return Read<uint64_t, true>(); }

  // Reads at an absolute offset without moving.
  static std::optional<ByteView> At(ByteView data, size_t offset, size_t n) {
    if (offset > data.size() || n > data.size() - offset) return std::nullopt;
    return data.subspan(offset, n);
  }

 private:
  template <typename T, bool kBigEndian>
  std::optional<T> Read() {
    if (sizeof(T) > remaining()) return std::nullopt;
    T value = 0;
    const auto* p = reinterpret_cast<const uint8_t*>(data_.data()) + pos_;
    for (size_t i = 0; i < sizeof(T); ++i) {
      size_t shift = kBigEndian ? (sizeof(T) - 1 - i) * 8 : i * 8;
      value |= static_cast<T>(static_cast<T>(p[i]) << shift);
    }
    pos_ += sizeof(T);
    return value;
  }

  ByteView data_;
  size_t pos_ = 0;
};

}  // namespace vigil::core

#endif  // VIGIL_CORE_READER_H_
