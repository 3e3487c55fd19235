// ARJ archive walking: headers, member selection, limits and CRC checks.
//
// Every header is: 60 EA, a 16-bit basic header size (0 ends the archive, at
// most 2600), the basic header, its CRC-32, then extended headers (16-bit
// size, bytes, CRC-32) until a size of 0. The basic header starts with its
// fixed part (the first byte gives its size, so later versions can grow it):
// versions, host OS, flags, method, file type, timestamps, packed and
// original sizes, the file's CRC-32; the NUL-terminated name and comment
// follow the fixed part. The first header is the archive's main header; each
// later one describes a member whose packed bytes follow its extended headers.
// All fields are little-endian.
#include "formats/arj/arj.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "core/reader.h"
#include "formats/arj/arj_decode.h"

namespace vigil::formats {

namespace {

constexpr uint8_t kId0 = 0x60;
constexpr uint8_t kId1 = 0xEA;
constexpr uint16_t kMaxBasicSize = 2600;
constexpr uint8_t kMinFixedSize = 30;  // through the "last chapter" byte

constexpr uint8_t kFlagGarbled = 0x01;
constexpr uint8_t kFlagVolume = 0x04;
constexpr uint8_t kFlagExtFile = 0x08;

constexpr uint8_t kTypeBinary = 0;
constexpr uint8_t kTypeText = 1;

struct Header {
  uint8_t flags = 0;
  uint8_t method = 0;
  uint8_t file_type = 0;
  uint32_t packed_size = 0;
  uint32_t original_size = 0;
  uint32_t crc = 0;
  std::string name;
};

enum class HeaderKind { kHeader, kEnd, kDamaged };

struct HeaderRead {
  HeaderKind kind = HeaderKind::kDamaged;
  Header header;
  std::string error;  // for kDamaged
};

HeaderRead Damaged(std::string error) {
  HeaderRead r;
  r.error = std::move(error);
  return r;
}

// A name for reports: bytes up to the NUL, control characters as '_'.
std::string CleanName(ByteView bytes) {
  std::string name;
  for (std::byte b : bytes) {
    const auto c = static_cast<unsigned char>(b);
    if (c == 0) break;
    name.push_back(c < 0x20 || c == 0x7F ? '_' : static_cast<char>(c));
  }
  return name;
}

// The fixed part of a basic header whose CRC matched.
std::optional<Header> ParseBasic(ByteView basic) {
  core::Reader r(basic);
  std::optional<uint8_t> fixed_size = r.U8();
  if (!fixed_size || *fixed_size < kMinFixedSize ||
      *fixed_size > basic.size()) {
    return std::nullopt;
  }
  Header h;
  if (!r.Skip(3)) return std::nullopt;  // versions, host OS
  auto flags = r.U8();
  auto method = r.U8();
  auto type = r.U8();
  if (!r.Skip(5)) return std::nullopt;  // reserved, modification time
  auto packed = r.U32Le();
  auto original = r.U32Le();
  auto crc = r.U32Le();
  if (!flags || !method || !type || !packed || !original || !crc) {
    return std::nullopt;
  }
  h.flags = *flags;
  h.method = *method;
  h.file_type = *type;
  h.packed_size = *packed;
  h.original_size = *original;
  h.crc = *crc;
  h.name = CleanName(basic.subspan(*fixed_size));
  return h;
}

// Skips the extended headers after a basic header; false when they run
// past the end.
bool SkipExtendedHeaders(core::Reader& r) {
  while (true) {
    std::optional<uint16_t> size = r.U16Le();
    if (!size) return false;
    if (*size == 0) return true;
    if (!r.Skip(size_t{*size} + 4)) return false;
  }
}

// Reads the header at the reader's position and moves past it.
HeaderRead ReadHeader(core::Reader& r) {
  const size_t at = r.position();
  const std::string where = " at offset " + std::to_string(at);
  auto id = r.Bytes(2);
  if (!id) return Damaged("arj: archive ends without an end header" + where);
  if (static_cast<uint8_t>((*id)[0]) != kId0 ||
      static_cast<uint8_t>((*id)[1]) != kId1) {
    return Damaged("arj: no header id" + where);
  }
  std::optional<uint16_t> size = r.U16Le();
  if (!size) return Damaged("arj: truncated header" + where);
  HeaderRead result;
  if (*size == 0) {
    result.kind = HeaderKind::kEnd;
    return result;
  }
  if (*size > kMaxBasicSize) {
    return Damaged("arj: header size " + std::to_string(*size) + where);
  }
  auto basic = r.Bytes(*size);
  std::optional<uint32_t> crc = r.U32Le();
  if (!basic || !crc) return Damaged("arj: truncated header" + where);
  if (arj::Crc32(*basic) != *crc) return Damaged("arj: header CRC" + where);
  std::optional<Header> h = ParseBasic(*basic);
  if (!h) return Damaged("arj: malformed header" + where);
  if (!SkipExtendedHeaders(r)) {
    return Damaged("arj: truncated extended header" + where);
  }
  result.kind = HeaderKind::kHeader;
  result.header = std::move(*h);
  return result;
}

// Decodes one member's data into `out`; "" or a note on damage.
std::string Decode(const Header& h, ByteView packed, arj::Output& out) {
  switch (h.method) {
    case 1:
    case 2:
    case 3:
      return arj::DecodeHuffman(packed, out);
    case 4:
      return arj::DecodeFast(packed, out);
    default:
      return "";
  }
}

class Walker {
 public:
  Walker(ByteView data, const ExtractLimits& limits,
         const std::function<bool(const ArchiveMember&)>& on_member)
      : data_(data), reader_(data), limits_(limits), on_member_(on_member) {}

  ExtractResult Run() {
    HeaderRead main = ReadHeader(reader_);
    if (main.kind != HeaderKind::kHeader) {
      result_.notes.push_back(
          main.kind == HeaderKind::kEnd ? "arj: no main header" : main.error);
      return std::move(result_);
    }
    while (true) {
      HeaderRead next = ReadHeader(reader_);
      if (next.kind == HeaderKind::kEnd) break;
      if (next.kind == HeaderKind::kDamaged) {
        result_.notes.push_back(next.error);
        break;
      }
      if (!Member(next.header)) break;
      if (limits_.consumed) limits_.consumed(reader_.position());
    }
    return std::move(result_);
  }

 private:
  // Handles the member whose header was just read and moves past its data.
  // False to stop the walk.
  bool Member(const Header& h) {
    const size_t available =
        std::min<size_t>(h.packed_size, reader_.remaining());
    ByteView packed = data_.subspan(reader_.position(), available);
    (void)reader_.Skip(available);
    if (available < h.packed_size) {
      Note(h, "packed data truncated (" + std::to_string(available) + " of " +
                  std::to_string(h.packed_size) + " bytes)");
    }
    if (h.file_type != kTypeBinary && h.file_type != kTypeText) return true;
    if (result_.members >= limits_.max_members) {
      result_.hit_member_limit = true;
      result_.notes.push_back("member limit reached: later members skipped");
      return false;
    }
    if (h.flags & (kFlagVolume | kFlagExtFile)) {
      Note(h, "split across volumes: only this part is read");
    }
    ArchiveMember member;
    member.name = h.name;
    member.declared_size = h.original_size;
    if (h.flags & kFlagGarbled) {
      member.encrypted = true;
      result_.encrypted = true;
      return Emit(member);
    }
    if (h.method > 4) {
      Note(h, "unsupported method " + std::to_string(h.method) + ": skipped");
      return available == h.packed_size;
    }
    if (h.method == 0) return Stored(h, packed, member);
    arj::Output out(h.original_size, limits_.max_member_size);
    std::string damage = Decode(h, packed, out);
    if (!damage.empty()) Note(h, damage);
    member.data = out.view();
    member.truncated = out.full();
    return Finish(h, member, damage.empty());
  }

  bool Stored(const Header& h, ByteView packed, ArchiveMember& member) {
    const uint64_t want = std::min<uint64_t>(h.original_size, packed.size());
    const uint64_t keep = std::min<uint64_t>(want, limits_.max_member_size);
    member.data = packed.first(static_cast<size_t>(keep));
    member.truncated = keep < want;
    const bool complete = want == h.original_size;
    if (!complete) Note(h, "stored data shorter than the original size");
    return Finish(h, member, complete);
  }

  // Checks the CRC of a fully decoded member, records limits, emits.
  bool Finish(const Header& h, ArchiveMember& member, bool complete) {
    if (member.truncated) {
      result_.hit_size_limit = true;
      Note(h, "truncated at max_member_size");
    } else if (complete && member.data.size() == h.original_size &&
               arj::Crc32(member.data) != h.crc) {
      Note(h, "CRC mismatch");
    }
    return Emit(member);
  }

  bool Emit(const ArchiveMember& member) {
    ++result_.members;
    return on_member_(member);
  }

  void Note(const Header& h, const std::string& what) {
    result_.notes.push_back("arj: member '" + h.name + "': " + what);
  }

  ByteView data_;
  core::Reader reader_;
  const ExtractLimits& limits_;
  const std::function<bool(const ArchiveMember&)>& on_member_;
  ExtractResult result_;
};

}  // namespace

bool IsArj(ByteView data) {
  core::Reader r(data);
  HeaderRead h = ReadHeader(r);
  return h.kind == HeaderKind::kHeader;
}

ExtractResult ExtractArj(
    ByteView data, const ExtractLimits& limits,
    const std::function<bool(const ArchiveMember&)>& on_member) {
  Walker walker(data, limits, on_member);
  return walker.Run();
}

}  // namespace vigil::formats
