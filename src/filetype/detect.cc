// Detect(): ClamAV 1.4.6's typing of an object, as observed.
//
// 1. Magic bytes at fixed offsets (magic_table.cc); a match decides.
// 2. Otherwise the text heuristics (text_class.h) give a base class, and a
//    binary object whose first 512 bytes are a valid tar header is an old
//    tar.
// 3. Type markers (body patterns) are looked for in the first 1024 bytes.
//    ClamAV takes them in the order their last byte is reached and folds
//    them into one type: a marker replaces the current type when its type
//    ranks higher, or always when it is an "override" type (an embedded PE,
//    or any type ClamAV numbers after CL_TYPE_SFX: SFX archives, installers,
//    XML documents, MHTML, UDF, ...). CL_TYPE_IGNORED ends the fold.
//    Self-extracting archive types are embedded-object hints, not types:
//    they leave the base class in place.
//    This explains every pairing tested (docs/file-types.md, "Markers").
//    A zip is then looked into for OOXML parts (ooxml.cc).
// 4. For UTF-16 text the first 1024 bytes are squeezed to one byte per unit
//    and the markers run again; only HTML counts, and it makes
//    CL_TYPE_HTML_UTF16 (CL_TYPE_HTML after a big-endian byte-order mark).
#include <algorithm>
#include <cctype>
#include <cstring>
#include <vector>

#include "filetype/body_pattern.h"
#include "filetype/filetype.h"
#include "filetype/magic_table.h"
#include "filetype/ooxml.h"
#include "filetype/text_class.h"

namespace vigil::filetype {
namespace {

using internal::Anchor;
using internal::BodyPattern;

struct CompiledMagic {
  size_t offset;
  std::vector<uint8_t> bytes;
  FileType type;
};

struct CompiledMarker {
  Anchor anchor;
  size_t offset;
  size_t shift;
  BodyPattern pattern;
  FileType type;
};

std::vector<uint8_t> FromHex(std::string_view hex) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    auto nibble = [](char c) {
      return static_cast<uint8_t>(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
    };
    out.push_back(
        static_cast<uint8_t>(nibble(hex[i]) << 4 | nibble(hex[i + 1])));
  }
  return out;
}

struct Tables {
  std::vector<CompiledMagic> magics;
  std::vector<CompiledMarker> markers;
  // The literal bytes every HTML marker starts with (all begin with '<').
  std::vector<std::vector<uint8_t>> html_prefixes;
};

// The leading literal bytes of a marker pattern (hex pairs up to the first
// wildcard, gap or alternative).
std::vector<uint8_t> LiteralPrefix(std::string_view hex) {
  size_t n = 0;
  while (n + 1 < hex.size() &&
         std::isxdigit(static_cast<unsigned char>(hex[n])) &&
         std::isxdigit(static_cast<unsigned char>(hex[n + 1]))) {
    n += 2;
  }
  return FromHex(hex.substr(0, n));
}

Tables Compile() {
  Tables t;
  for (const internal::Magic& m : internal::Magics()) {
    t.magics.push_back({m.offset, FromHex(m.hex), m.type});
  }
  for (std::string_view hex : internal::PythonVersionMagics()) {
    t.magics.push_back({0, FromHex(hex), FileType::kPythonCompiled});
  }
  for (const internal::Marker& m : internal::Markers()) {
    // The table is fixed and tested; a pattern that fails to parse is a bug
    // caught by magic_table_test, so skipping it here cannot hide input.
    if (auto p = BodyPattern::Parse(m.pattern)) {
      t.markers.push_back({m.anchor, m.offset, m.shift, std::move(*p), m.type});
    }
    if (m.type == FileType::kHtml)
      t.html_prefixes.push_back(LiteralPrefix(m.pattern));
  }
  return t;
}

const Tables& GetTables() {
  static const Tables tables = Compile();
  return tables;
}

std::optional<FileType> MatchMagic(ByteView window) {
  std::optional<FileType> found;
  for (const CompiledMagic& m : GetTables().magics) {
    if (m.offset + m.bytes.size() > window.size()) continue;
    if (std::memcmp(AsU8(window) + m.offset, m.bytes.data(), m.bytes.size()) ==
        0) {
      found = m.type;  // later entries win
    }
  }
  return found;
}

// False only when no HTML marker can match anywhere in `data`: one memchr
// pass over the '<' bytes, instead of every marker's search over the whole
// object. A necessary condition, so it never changes the typing.
bool MayContainHtmlMarker(ByteView data) {
  const auto& prefixes = GetTables().html_prefixes;
  const uint8_t* p = AsU8(data);
  const uint8_t* end = p + data.size();
  for (const auto& pre : prefixes) {
    if (pre.empty() || pre[0] != '<') return true;  // the shortcut needs '<'
  }
  while (p < end) {
    const void* hit = std::memchr(p, '<', static_cast<size_t>(end - p));
    if (!hit) return false;
    p = static_cast<const uint8_t*>(hit);
    const auto room = static_cast<size_t>(end - p);
    for (const auto& pre : prefixes) {
      if (pre.size() <= room && std::memcmp(p, pre.data(), pre.size()) == 0)
        return true;
    }
    ++p;
  }
  return false;
}

// Rank of marker types that do not override: a later marker replaces the
// current type only when it ranks higher. Mirrors the order of ClamAV's
// type numbers, as far as the pairings observed pin it down.
int Rank(FileType t) {
  switch (t) {
    case FileType::kMsExe:
      return 1;
    case FileType::kMachOUnibin:
      return 2;
    case FileType::kSis:
      return 3;
    case FileType::kPdf:
      return 4;
    case FileType::kJava:
      return 5;
    case FileType::kPythonCompiled:
      return 6;
    case FileType::kLha:
      return 7;
    case FileType::kMbr:
      return 8;
    case FileType::kHtml:
      return 9;
    case FileType::kMail:
      return 10;
    default:
      return 100;  // numbered after CL_TYPE_SFX: overrides
  }
}

bool Overrides(FileType t) { return t == FileType::kMsExe || Rank(t) == 100; }

bool IsSfxHint(FileType t) {
  switch (t) {
    case FileType::kZipSfx:
    case FileType::kRarSfx:
    case FileType::kArjSfx:
    case FileType::kCabSfx:
    case FileType::k7zSfx:
      return true;
    default:
      return false;
  }
}

struct MarkerHit {
  size_t end;
  FileType type;
};

std::optional<size_t> LastEnd(const CompiledMarker& m, ByteView data,
                              bool with_eof) {
  switch (m.anchor) {
    case Anchor::kAnywhere:
      return m.pattern.LastMatchEnd(data, 0, data.size());
    case Anchor::kAt:
      return m.pattern.LastMatchEnd(data, m.offset, m.offset);
    case Anchor::kWithin:
      return m.pattern.LastMatchEnd(data, m.offset, m.offset + m.shift);
    case Anchor::kEofMinus:
      if (!with_eof || data.size() < m.offset) return std::nullopt;
      return m.pattern.LastMatchEnd(data, data.size() - m.offset,
                                    data.size() - m.offset);
  }
  return std::nullopt;
}

// The type ClamAV's marker fold ends with, or nullopt when no marker
// matched. Only the last match of each marker matters: an override decides
// alone unless it is an embedded PE, which any later higher-ranked marker
// replaces; without overrides the highest rank wins.
std::optional<FileType> FoldMarkers(ByteView data, bool with_eof) {
  std::vector<MarkerHit> hits;
  for (const CompiledMarker& m : GetTables().markers) {
    if (auto end = LastEnd(m, data, with_eof)) hits.push_back({*end, m.type});
  }
  if (hits.empty()) return std::nullopt;
  // An ignored type (an image stream of a PDF) ends the search for good.
  for (const MarkerHit& h : hits) {
    if (h.type == FileType::kIgnored) return h.type;
  }
  const MarkerHit* last_override = nullptr;
  for (const MarkerHit& h : hits) {
    if (Overrides(h.type) && (!last_override || h.end >= last_override->end)) {
      last_override = &h;
    }
  }
  if (last_override && last_override->type != FileType::kMsExe)
    return last_override->type;
  std::optional<FileType> best;
  if (last_override) best = FileType::kMsExe;
  for (const MarkerHit& h : hits) {
    if (Overrides(h.type) || (last_override && h.end <= last_override->end))
      continue;
    if (!best || Rank(h.type) > Rank(*best)) best = h.type;
  }
  return best;
}

FileType Utf16Html(ByteView window, FileType base) {
  const uint8_t* p = AsU8(window);
  bool big_endian = window.size() >= 2 && p[0] == 0xfe && p[1] == 0xff;
  std::vector<std::byte> squeezed = internal::SqueezeUtf16(window, big_endian);
  if (FoldMarkers(squeezed, false) != FileType::kHtml) return base;
  return big_endian ? FileType::kHtml : FileType::kHtmlUtf16;
}

}  // namespace

FileType Detect(ByteView data) {
  ByteView window = data.first(std::min(data.size(), kTypingWindow));
  if (auto magic = MatchMagic(window)) {
    return *magic == FileType::kZip ? internal::RefineZip(data) : *magic;
  }
  FileType base = internal::ClassifyText(window);
  if (base == FileType::kBinaryData && internal::IsOldTarHeader(window)) {
    return FileType::kOldTar;
  }
  std::optional<FileType> marked = FoldMarkers(window, false);
  if (marked && !IsSfxHint(*marked)) return *marked;
  if (base == FileType::kTextUtf16Le || base == FileType::kTextUtf16Be) {
    return Utf16Html(window, base);
  }
  return base;
}

FileType RetypeAfterRawScan(FileType type, ByteView data) {
  if (type != FileType::kTextAscii || !MayContainHtmlMarker(data)) return type;
  return FoldMarkers(data, true) == FileType::kHtml ? FileType::kHtml : type;
}

}  // namespace vigil::filetype
