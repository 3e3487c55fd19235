// RefineZip(): ClamAV 1.4.6's OOXML typing of a zip, as observed.
//
// ClamAV retypes a zip as CL_TYPE_OOXML_WORD, _XL, _PPT or _HWP by the name
// of a local file header: the first one starting "word/", "xl/" or "ppt/",
// or named "Contents/content.hpf", decides (names are case-sensitive; no
// "[Content_Types].xml" is needed). The first three headers count only if
// their names start within the first 29,276 bytes; after them it goes on
// only if a "docProps/" or "Contents/" entry or "[Content_Types].xml" has
// made the zip a likely document, and then to the end of the file.
// Inferred from clamscan's --gen-json FileType on probing zips; checked by
// tests/unit/filetype/clamscan_diff_test.cc (docs/file-types.md).
#include "filetype/ooxml.h"

#include <cstring>
#include <string_view>

#include "core/reader.h"

namespace vigil::filetype::internal {
namespace {

constexpr std::string_view kLocalHeader("PK\x03\x04", 4);
constexpr size_t kLocalHeaderSize = 30;
// Last offset at which a name is looked at before the zip is likely OOXML.
constexpr size_t kUnlikelyNameWindow = 29276;
constexpr int kUnlikelyHeaders = 3;
// Bounds the walk of a likely document with a great many entries.
constexpr int kMaxHeaders = 100000;

bool HasPrefix(std::string_view name, std::string_view prefix) {
  return name.substr(0, prefix.size()) == prefix;
}

// Offset of the next local header at or after `from`, or data.size().
size_t NextHeader(ByteView data, size_t from) {
  if (from >= data.size()) return data.size();
  const void* hit = memmem(data.data() + from, data.size() - from,
                           kLocalHeader.data(), kLocalHeader.size());
  return hit ? static_cast<size_t>(static_cast<const std::byte*>(hit) -
                                   data.data())
             : data.size();
}

}  // namespace

FileType RefineZip(ByteView data) {
  bool likely = false;
  size_t at = NextHeader(data, 0);
  for (int seen = 0; seen < kMaxHeaders && at < data.size();) {
    core::Reader r(data);
    r.Seek(at + 6);
    const auto flags = r.U16Le();
    r.Skip(10);  // method, time, date, crc
    const auto packed = r.U32Le();
    r.Skip(4);  // unpacked size
    const auto name_len = r.U16Le();
    const auto extra_len = r.U16Le();
    if (!flags || !packed || !name_len || !extra_len) break;
    const size_t name_at = at + kLocalHeaderSize;
    if (seen < kUnlikelyHeaders && name_at > kUnlikelyNameWindow) break;
    const auto name_bytes = core::Reader::At(data, name_at, *name_len);
    if (!name_bytes) break;
    const std::string_view name(
        reinterpret_cast<const char*>(name_bytes->data()), name_bytes->size());
    if (HasPrefix(name, "word/")) return FileType::kOoxmlWord;
    if (HasPrefix(name, "xl/")) return FileType::kOoxmlXl;
    if (HasPrefix(name, "ppt/")) return FileType::kOoxmlPpt;
    if (name == "Contents/content.hpf") return FileType::kOoxmlHwp;
    if (HasPrefix(name, "docProps/") || HasPrefix(name, "Contents/") ||
        name == "[Content_Types].xml")
      likely = true;
    if (++seen >= kUnlikelyHeaders && !likely) break;
    // The next header follows the data when its size is known; a streamed
    // entry (sizes in a trailing data descriptor) is passed by searching.
    const size_t data_at = name_at + *name_len + *extra_len;
    const bool streamed = (*flags & 0x8) != 0 && *packed == 0;
    size_t next = data.size();
    if (!streamed && data_at <= data.size() &&
        *packed <= data.size() - data_at) {
      next = data_at + *packed;
      if (!core::Reader::At(data, next, 4) ||
          std::memcmp(data.data() + next, kLocalHeader.data(), 4) != 0)
        next = NextHeader(data, next);
    } else {
      next = NextHeader(data, at + kLocalHeader.size());
    }
    at = next;
  }
  return FileType::kZip;
}

}  // namespace vigil::filetype::internal
