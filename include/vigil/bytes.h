// ByteView: a read-only view of bytes that vigil never copies on the scan path.
#ifndef VIGIL_BYTES_H_
#define VIGIL_BYTES_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace vigil {

using ByteView = std::span<const std::byte>;

inline ByteView AsBytes(std::string_view s) {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}
inline std::string_view AsChars(ByteView b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}
inline const uint8_t* AsU8(ByteView b) {
  return reinterpret_cast<const uint8_t*>(b.data());
}

}  // namespace vigil

#endif  // VIGIL_BYTES_H_
