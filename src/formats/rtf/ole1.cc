#include "formats/rtf/ole1.h"

#include <algorithm>
#include <cstddef>
#include <cstring>

#include "core/reader.h"

namespace vigil::formats::rtf {

namespace {

constexpr uint32_t kMaxClassName = 256;  // ProgIDs have at most 39

// A LengthPrefixedAnsiString: its bytes (NUL included), or nullopt when its
// length runs past the end.
std::optional<ByteView> LengthPrefixed(core::Reader& r) {
  std::optional<uint32_t> length = r.U32Le();
  if (!length) return std::nullopt;
  return r.Bytes(*length);
}

// The bytes before the first NUL (all of them when there is none).
std::string BeforeNul(ByteView bytes) {
  std::string s;
  for (std::byte b : bytes) {
    if (b == std::byte{0}) break;
    s.push_back(static_cast<char>(b));
  }
  return s;
}

bool Printable(const std::string& s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return c >= 0x20 && c <= 0x7E; });
}

// A NUL-terminated string at the reader's position; the reader moves past
// the NUL. nullopt (and no move) when there is no NUL.
std::optional<std::string> NulTerminated(core::Reader& r, ByteView data) {
  const size_t at = r.position();
  if (r.remaining() == 0) return std::nullopt;
  const void* nul = std::memchr(data.data() + at, 0, data.size() - at);
  if (nul == nullptr) return std::nullopt;
  const size_t length =
      static_cast<size_t>(static_cast<const std::byte*>(nul) - data.data()) -
      at;
  std::string s(reinterpret_cast<const char*>(data.data()) + at, length);
  (void)r.Skip(length + 1);
  return s;
}

enum class TempPath { kByLength, kByNul, kMissing };

// Moves past the temporary path: by its length when that ends on a NUL,
// else to just past the next NUL.
TempPath SkipTempPath(core::Reader& r, ByteView data) {
  std::optional<uint32_t> length = r.U32Le();
  if (!length) return TempPath::kMissing;
  const size_t at = r.position();
  if (*length > 0 && *length <= r.remaining() &&
      data[at + *length - 1] == std::byte{0}) {
    (void)r.Skip(*length);
    return TempPath::kByLength;
  }
  return NulTerminated(r, data) ? TempPath::kByNul : TempPath::kMissing;
}

}  // namespace

std::optional<Ole1Object> ParseOle1Object(ByteView data) {
  core::Reader r(data);
  std::optional<uint32_t> version = r.U32Le();
  std::optional<uint32_t> format = r.U32Le();
  if (!version || !format) return std::nullopt;
  if (*format != kOle1Linked && *format != kOle1Embedded &&
      *format != kOle1Presentation) {
    return std::nullopt;
  }
  std::optional<uint32_t> class_length = r.U32Le();
  if (!class_length || *class_length == 0 || *class_length > kMaxClassName) {
    return std::nullopt;
  }
  std::optional<ByteView> class_bytes = r.Bytes(*class_length);
  if (!class_bytes) return std::nullopt;
  Ole1Object object;
  object.format_id = *format;
  object.class_name = BeforeNul(*class_bytes);
  if (object.class_name.empty() || !Printable(object.class_name)) {
    return std::nullopt;
  }
  // A presentation object's header goes on differently (sizes of a
  // picture): nothing embedded to read.
  if (*format == kOle1Presentation) return object;
  if (!LengthPrefixed(r) || !LengthPrefixed(r)) return std::nullopt;
  if (*format == kOle1Linked) return object;
  std::optional<uint32_t> native_size = r.U32Le();
  if (!native_size) return std::nullopt;
  object.native_size = *native_size;
  object.native =
      data.subspan(r.position(), std::min<size_t>(*native_size, r.remaining()));
  return object;
}

bool IsPackageClass(const std::string& class_name) {
  static constexpr char kPackage[] = "package";
  if (class_name.size() != sizeof(kPackage) - 1) return false;
  for (size_t i = 0; i < class_name.size(); ++i) {
    char c = class_name[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != kPackage[i]) return false;
  }
  return true;
}

std::optional<OlePackage> ParsePackage(ByteView native) {
  core::Reader r(native);
  std::optional<uint16_t> kind = r.U16Le();  // 2: a file; not required
  if (!kind) return std::nullopt;
  OlePackage package;
  std::optional<std::string> label = NulTerminated(r, native);
  if (!label) return std::nullopt;
  std::optional<std::string> source = NulTerminated(r, native);
  if (!source) return std::nullopt;
  package.label = std::move(*label);
  package.source_path = std::move(*source);
  std::optional<uint32_t> flags = r.U32Le();  // WORDs 0, and 3 (embedded)
  if (!flags) return std::nullopt;
  const TempPath temp = SkipTempPath(r, native);
  if (temp == TempPath::kMissing) return std::nullopt;
  std::optional<uint32_t> size = r.U32Le();
  if (!size) return std::nullopt;
  package.data_size = *size;
  package.data =
      native.subspan(r.position(), std::min<size_t>(*size, r.remaining()));
  package.exact = *kind == 2 && *flags == 0x00030000u &&
                  temp == TempPath::kByLength && package.data.size() == *size;
  return package;
}

}  // namespace vigil::formats::rtf
