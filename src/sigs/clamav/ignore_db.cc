// ClamAV 1.4 quirk kept on purpose: in the `Name:MD5` form it rejects names
// shorter than 3 characters ("Malformed MD5 string"), observed with
// clamscan; vigil rejects them too so that a list loads in both or neither.
#include "sigs/clamav/ignore_db.h"

#include <array>
#include <string>
#include <utility>

#include "sigs/clamav/text.h"

namespace vigil::sigs::clamav {

namespace {

constexpr size_t kMinNameWithMd5 = 3;

ParseStatus ReadMd5(std::string_view name, std::string_view hex,
                    IgnoreEntry* entry) {
  Digest md5{};
  if (hex.size() != 32 || !DecodeHex(hex, std::span<uint8_t>(md5.data(), 16))) {
    return ParseStatus::Error(DiagCode::kIgnoreMd5, hex.data(),
                              "expected Name:MD5 with 32 hex digits");
  }
  if (name.size() < kMinNameWithMd5) {
    return ParseStatus::Error(
        DiagCode::kIgnoreMd5, hex.data(),
        "ClamAV rejects Name:MD5 entries whose name is shorter than 3 "
        "characters");
  }
  entry->line_md5 = md5;
  return ParseStatus::Ok();
}

}  // namespace

ParseStatus ParseIgnoreLine(std::string_view line, SigSink* sink,
                            IgnoreIndex* index) {
  std::array<std::string_view, 3> f;
  size_t count = SplitFields(line, ':', f);
  if (count > 3) {
    return ParseStatus::Error(DiagCode::kIgnoreFieldCount,
                              f[2].data() + f[2].size(),
                              "expected Name, Name:MD5 or DbFile:Line:Name");
  }
  std::string_view name = count == 3 ? f[2] : f[0];
  if (name.empty()) {
    return ParseStatus::Error(DiagCode::kIgnoreName, name.data(),
                              "no signature name");
  }
  IgnoreEntry entry;
  if (count == 2) VIGIL_SIGS_RETURN_IF_ERROR(ReadMd5(name, f[1], &entry));
  entry.name = std::string(name);
  entry.loc = sink->loc();
  index->Add(entry);
  sink->set()->ignores.push_back(std::move(entry));
  return ParseStatus::Ok();
}

}  // namespace vigil::sigs::clamav
