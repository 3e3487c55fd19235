// Shared by the container fuzz targets: run one extractor under small
// limits and read every member's bytes and name to the end.
#ifndef VIGIL_FUZZ_SUPPORT_EXTRACT_CHECK_H_
#define VIGIL_FUZZ_SUPPORT_EXTRACT_CHECK_H_

#include <cstdint>
#include <cstdlib>
#include <functional>

#include "formats/archive/archive.h"

namespace vigil::fuzz {

using ExtractFn = formats::ExtractResult (*)(
    ByteView, const formats::ExtractLimits&,
    const std::function<bool(const formats::ArchiveMember&)>&);

// Aborts when a member is larger than the limit allows.
inline void ReadEveryMember(ExtractFn extract, ByteView data,
                            uint64_t max_member_size, uint32_t max_members) {
  formats::ExtractLimits limits;
  limits.max_member_size = max_member_size;
  limits.max_members = max_members;
  volatile uint8_t sink = 0;
  extract(data, limits, [&](const formats::ArchiveMember& m) {
    if (m.data.size() > max_member_size) std::abort();
    for (std::byte b : m.data) sink = sink ^ static_cast<uint8_t>(b);
    for (char c : m.name) sink = sink ^ static_cast<uint8_t>(c);
    return true;
  });
}

}  // namespace vigil::fuzz

#endif  // VIGIL_FUZZ_SUPPORT_EXTRACT_CHECK_H_
