#include "scan/type_actions.h"

#include <string.h>

#include <algorithm>
#include <initializer_list>

#include "core/spool.h"
#include "formats/arj/arj.h"
#include "formats/chm/chm.h"
#include "formats/compress/compress.h"
#include "formats/mail/data_uri.h"
#include "formats/ole2/ole2.h"
#include "formats/pdf/pdf.h"
#include "formats/rtf/rtf.h"
#include "formats/text/text_normalize.h"

namespace vigil::scan {

namespace {

ByteView View(const std::vector<std::byte>& v) {
  return ByteView(v.data(), v.size());
}

// Objects larger than this get their normalised text spooled to a temporary
// file instead of memory.
constexpr size_t kSpoolText = size_t{4} << 20;

}  // namespace

std::optional<ByteView> PassBuffers::SpoolText() {
  auto spool = core::Spool::Create("");
  if (!spool.ok()) return std::nullopt;
  formats::TextNormalizeOptions o;
  o.max_pattern_length = max_text_pattern_;
  o.on_progress = release_;
  Status written;
  o.sink = [&](ByteView piece) {
    if (written.ok()) written = spool->Append(piece);
  };
  formats::NormalizeText(data_, &text_, o);
  if (!written.ok()) return std::nullopt;
  auto view = spool->Map();
  if (!view.ok()) return std::nullopt;
  text_spool_ = std::move(view).value();
  return text_spool_.bytes();
}

std::optional<ByteView> PassBuffers::Get(const filetype::Pass& pass) {
  using Buffer = filetype::Pass::Buffer;
  if (pass.buffer == Buffer::kRaw) return data_;
  if (pass.buffer == Buffer::kNormalizedText) {
    if (data_.size() > filetype::kDefaultMaxScriptNormalize)
      return std::nullopt;
    if (text_spool_.mapped()) return text_spool_.bytes();
    if (!have_text_ && data_.size() > kSpoolText) {
      if (auto spooled = SpoolText()) return spooled;
    }
    if (!have_text_) {
      formats::TextNormalizeOptions o;
      o.max_pattern_length = max_text_pattern_;
      o.on_progress = release_;
      formats::NormalizeText(data_, &text_, o);
    }
    have_text_ = true;
    return View(text_);
  }
  if (!have_html_) {
    formats::HtmlNormalizeOptions o;
    o.utf16le_input = pass.utf16_source;
    formats::NormalizeHtmlAll(data_, o, &html_);
    have_html_ = true;
  }
  if (!html_.normalized) return std::nullopt;
  switch (pass.buffer) {
    case Buffer::kNormalizedHtml:
      return View(html_.nocomment);
    case Buffer::kHtmlNoTags:
      if (!html_.has_notags) return std::nullopt;
      return View(html_.notags);
    case Buffer::kHtmlScript:
      if (!html_.has_script) return std::nullopt;
      return View(html_.script);
    default:
      return std::nullopt;
  }
}

bool ScannedAsObject(const filetype::Pass& pass, bool text_as_object) {
  using Buffer = filetype::Pass::Buffer;
  switch (pass.buffer) {
    case Buffer::kRaw:
      return false;
    case Buffer::kNormalizedText:
      return text_as_object;
    default:  // the HTML buffers
      return true;
  }
}

bool HasRawPass(std::span<const filetype::Pass> passes) {
  for (const filetype::Pass& p : passes) {
    if (p.buffer == filetype::Pass::Buffer::kRaw) return true;
  }
  return false;
}

uint64_t FileSizeInPass(const filetype::Pass& pass, uint64_t object_size,
                        uint64_t buffer_size, bool text_as_object) {
  return ScannedAsObject(pass, text_as_object) ? buffer_size : object_size;
}

namespace {

bool StartsWith(ByteView data, std::initializer_list<uint8_t> magic) {
  if (data.size() < magic.size()) return false;
  size_t i = 0;
  for (uint8_t b : magic) {
    if (static_cast<uint8_t>(data[i++]) != b) return false;
  }
  return true;
}

// An ISO 9660 image: a volume descriptor "\x01CD001" at sector 16. ClamAV
// finds it while scanning the raw bytes (a marker, not a magic of the
// first kilobyte); here it is a direct look at that offset.
bool IsIso9660(ByteView data) {
  constexpr size_t kAt = 16 * 2048;
  return data.size() > kAt + 6 &&
         StartsWith(data.subspan(kAt), {0x01, 'C', 'D', '0', '0', '1'});
}

// A compressed stream ClamAV has no type for: a zstd frame, or lzma-alone
// (properties byte 0x5d, then a dictionary size that is a power of two in
// practice: 00 00 xx 00 or 00 00 00 xx).
bool IsUntypedStream(ByteView data) {
  return StartsWith(data, {0x28, 0xb5, 0x2f, 0xfd}) ||
         (StartsWith(data, {0x5d, 0x00, 0x00}) && data.size() >= 13 &&
          (data[4] == std::byte{0} || data[3] == std::byte{0}));
}

// An archive ClamAV has no magic for: Unix ar, ISO 9660.
bool IsUntypedArchive(ByteView data) {
  return StartsWith(data, {'!', '<', 'a', 'r', 'c', 'h', '>', '\n'}) ||
         IsIso9660(data);
}

}  // namespace

Extractor ExtractorFor(filetype::FileType type, ByteView data) {
  using T = filetype::FileType;
  switch (type) {
    case T::kGz:
    case T::kBz:
    case T::kXz:
      return Extractor::kStream;
    case T::kMsSzdd:
      return formats::IsSzdd(data) ? Extractor::kSzdd : Extractor::kNone;
    case T::kMail:
      return Extractor::kMail;
    case T::kTnef:
      return Extractor::kTnef;
    case T::kArj:
      return formats::IsArj(data) ? Extractor::kArj : Extractor::kNone;
    case T::kPdf:
      return formats::IsPdf(data) ? Extractor::kPdf : Extractor::kNone;
    case T::kRtf:
      return formats::IsRtf(data) ? Extractor::kRtf : Extractor::kNone;
    case T::kMsChm:
      return formats::IsChm(data) ? Extractor::kChm : Extractor::kNone;
    case T::kMsOle2:
    case T::kMsWord:
    case T::kMsXl:
    case T::kMsPpt:
    case T::kHwpOle2:
      return formats::IsOle2(data) ? Extractor::kOle2 : Extractor::kNone;
    case T::kHtml:
    case T::kTextAscii:
    case T::kTextUtf8:
      // RFC 2397 payloads of HTML (text may turn out to be HTML).
      return formats::HasDataUri(data) ? Extractor::kDataUri : Extractor::kNone;
    case T::kZip:
    case T::kOoxmlWord:
    case T::kOoxmlXl:
    case T::kOoxmlPpt:
    case T::kOoxmlHwp:
    case T::k7z:
    case T::kRar:
    case T::kCab:
    case T::kPosixTar:
    case T::kOldTar:
    case T::kCpioOdc:
    case T::kCpioNewc:
    case T::kCpioCrc:
    case T::kCpioOld:
    case T::kIso9660:
    case T::kXar:
    case T::kLha:
      return Extractor::kLibarchive;
    default:
      // ClamAV types these by its text heuristics (a zstd frame often
      // reads as UTF-16): look at the bytes whatever the type.
      if (IsUntypedStream(data)) return Extractor::kStream;
      if (formats::IsUnixCompress(data)) return Extractor::kUnixCompress;
      return IsUntypedArchive(data) ? Extractor::kLibarchive : Extractor::kNone;
  }
}

std::vector<EmbeddedArchive> FindEmbeddedArchives(filetype::FileType type,
                                                  ByteView data) {
  using T = filetype::FileType;
  switch (type) {  // text has no control bytes, hence none of these magics
    case T::kTextAscii:
    case T::kTextUtf8:
    case T::kHtml:
    case T::kMail:
    case T::kScript:
      return {};
    default:
      break;
  }
  struct Magic {
    std::string_view bytes;
    T type;
  };
  static constexpr Magic kMagics[] = {
      {std::string_view("PK\x03\x04", 4), T::kZipSfx},
      {std::string_view("Rar!\x1a\x07", 6), T::kRarSfx},
      {std::string_view("7z\xbc\xaf\x27\x1c", 6), T::k7zSfx},
      {std::string_view("MSCF\0\0\0\0", 8), T::kCabSfx},
  };
  constexpr int kTriesPerMagic = 4;
  const char* base = reinterpret_cast<const char*>(data.data());
  // Next occurrence of `m` after `at`, by memmem (much faster than a
  // character-by-character search on binaries).
  auto next = [&](const Magic& m, size_t at) -> size_t {
    if (at + 1 >= data.size()) return data.size();
    const void* hit = memmem(base + at + 1, data.size() - at - 1,
                             m.bytes.data(), m.bytes.size());
    return hit ? static_cast<size_t>(static_cast<const char*>(hit) - base)
               : data.size();
  };
  std::vector<EmbeddedArchive> found;
  for (const Magic& m : kMagics) {
    size_t at = next(m, 0);  // at 0 it is the archive itself
    for (int i = 0; i < kTriesPerMagic && at < data.size(); ++i) {
      found.push_back({at, m.type});
      at = next(m, at);
    }
  }
  std::sort(found.begin(), found.end(),
            [](const EmbeddedArchive& a, const EmbeddedArchive& b) {
              return a.offset < b.offset;
            });
  return found;
}

std::string_view EncryptedHeuristic(filetype::FileType container) {
  using T = filetype::FileType;
  switch (container) {
    case T::kZip:
    case T::kZipSfx:
    case T::kOoxmlWord:
    case T::kOoxmlXl:
    case T::kOoxmlPpt:
    case T::kOoxmlHwp:
      return "Heuristics.Encrypted.Zip";
    case T::kRar:
    case T::kRarSfx:
      return "Heuristics.Encrypted.RAR";
    case T::k7z:
    case T::k7zSfx:
      return "Heuristics.Encrypted.7Zip";
    case T::kPdf:
      return "Heuristics.Encrypted.PDF";
    default:
      return "";
  }
}

}  // namespace vigil::scan
