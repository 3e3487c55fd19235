// File typing as ClamAV 1.4 does it, and the matching passes that follow
// from the type.
//
// Which signatures apply to an object depends on its ClamAV type: an .ndb
// target type (0 any, 1 PE, ... 14 other) selects the objects a body
// signature is matched against, an .ldb names CL_TYPE_* containers, and text
// and HTML are matched in normalised forms rather than (or as well as) their
// raw bytes. This module reproduces that typing and says, per type, which
// buffers are matched with which target types. docs/file-types.md records
// the behaviour and how each rule was checked against clamscan 1.4.6.
//
// Thread safety: every function here is pure and thread-safe.
// Tested by tests/unit/filetype/*_test.cc.
#ifndef VIGIL_FILETYPE_FILETYPE_H_
#define VIGIL_FILETYPE_FILETYPE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "vigil/bytes.h"

namespace vigil::filetype {

// ClamAV's CL_TYPE_* values (the names ClamAV 1.4.6 knows), plus kAny.
// The numeric values are vigil's own and may change; store names, not
// numbers (ClamAvName / FromClamAvName).
enum class FileType : uint16_t {
  kAny = 0,  // CL_TYPE_ANY: in .ldb Container:, "top level"
  // Text classes, chosen by the byte-class heuristics.
  kTextAscii,
  kTextUtf8,
  kTextUtf16Le,
  kTextUtf16Be,
  kBinaryData,
  // Executables.
  kMsExe,
  kElf,
  kMachO,
  kMachOUnibin,
  kJava,
  kPythonCompiled,
  // Archives and compressed streams.
  kPosixTar,
  kOldTar,
  kCpioOld,
  kCpioOdc,
  kCpioNewc,
  kCpioCrc,
  kGz,
  kZip,
  kBz,
  kXz,
  kRar,
  kArj,
  kMsSzdd,
  kCab,  // CL_TYPE_MSCAB
  kMsChm,
  k7z,
  kXar,
  kLha,  // CL_TYPE_LHA_LZH
  kAlz,
  kEgg,
  kSis,
  kIso9660,
  kUdf,
  kDmg,
  kBinHex,
  kUuencoded,
  kTnef,
  kAutoIt,
  kNulsft,
  kIshieldMsi,
  // Self-extracting markers found inside other files.
  kSfx,
  kZipSfx,
  kRarSfx,
  k7zSfx,
  kCabSfx,
  kArjSfx,
  kEggSfx,
  // Documents.
  kMsOle2,
  kMsWord,
  kMsXl,
  kMsPpt,
  kHwp3,
  kHwp5,
  kHwpOle2,
  kXmlHwp,
  kOoxmlHwp,
  kOoxmlWord,
  kOoxmlXl,
  kOoxmlPpt,
  kXmlWord,
  kXmlXl,
  kOneNote,
  kPdf,
  kXdp,
  kPs,
  kRtf,
  kSwf,
  kLnk,
  // Web and mail.
  kHtml,
  kHtmlUtf16,
  kMail,
  kMhtml,
  kScript,
  kScrEnc,
  kCryptFf,
  // Media.
  kGraphics,
  kGif,
  kPng,
  kJpeg,
  kTiff,
  kRiff,
  // Disk images and partitions.
  kMbr,
  kGpt,
  kApm,
  kPartAny,
  kPartHfsPlus,
  // ClamAV's own metadata (--gen-json documents).
  kInternal,
  // Recognised and deliberately not scanned (MP3, Ogg, SQLite, ...).
  kIgnored,
};

// Objects of 5 bytes or less are not scanned at all by ClamAV (not even
// hash signatures match them); callers skip them before typing.
inline constexpr size_t kMinScannableSize = 6;

// Detect() reads at most this many leading bytes.
inline constexpr size_t kTypingWindow = 1024;

// "CL_TYPE_ZIP" for kZip. Every enumerator has a name.
std::string_view ClamAvName(FileType type);

// The type a CL_TYPE_* name stands for (.ldb Container:/Intermediates:).
// nullopt for a name ClamAV does not know; ClamAV accepts such names and
// the signature never matches.
std::optional<FileType> FromClamAvName(std::string_view name);

// Every FileType, in enum order (tests, tools).
std::span<const FileType> AllFileTypes();

// The type ClamAV gives `data` before scanning it: magic bytes at fixed
// offsets, then the text/binary heuristics, then type markers (HTML, mail,
// embedded PE, ...) in the first kTypingWindow bytes.
// Looks only at data.first(min(size, kTypingWindow)); never reads past it.
FileType Detect(ByteView data);

// ClamAV looks for type markers again while it scans the whole object; for
// plain text (kTextAscii) an HTML marker found anywhere turns the object
// into HTML for the passes that follow the raw one. Returns kHtml in that
// case and `type` otherwise. Reads all of `data`, in linear time.
FileType RetypeAfterRawScan(FileType type, ByteView data);

// The target type (1..14) whose body signatures apply to objects of this
// type besides target 0, or 0 when none does. Passes() says on which
// buffer: raw bytes (1 PE, 2 OLE2, 4 mail, 5 graphics, ...) or a normalised
// form (3 HTML, 7 text).
uint8_t TargetType(FileType type);

// One matching pass over one object: the buffer matched and the target
// types whose signatures apply. Logical signatures are evaluated per pass.
struct Pass {
  enum class Buffer : uint8_t {
    kRaw,             // the object's bytes
    kNormalizedText,  // formats::NormalizeText
    kNormalizedHtml,  // formats::NormalizeHtml: HTML without comments
    kHtmlNoTags,      // the text and link targets of the HTML
    kHtmlScript,      // the scripts of the HTML, JavaScript-normalised
  };
  Buffer buffer;
  uint16_t target_mask;  // bit t set: target type t applies
  // The HTML buffers are built from the object decoded from UTF-16LE
  // (CL_TYPE_HTML_UTF16), not from its bytes.
  bool utf16_source = false;
};

inline constexpr uint16_t TargetBit(uint8_t target) {
  return static_cast<uint16_t>(1u << target);
}

// The passes ClamAV 1.4.6 runs over one object of type `type`, in order.
// Empty for types ClamAV does not scan (kIgnored ...). For kTextAscii, call
// RetypeAfterRawScan first: an object it turns into kHtml gets the raw
// pass of kTextAscii followed by the HTML passes (PassesAfterRetype).
std::span<const Pass> Passes(FileType type);

// The passes of an object detected as `detected` whose raw scan retyped it
// to `retyped` (RetypeAfterRawScan). Same as Passes(detected) when the two
// are equal.
std::span<const Pass> PassesAfterRetype(FileType detected, FileType retyped);

// ClamAV limits that switch normalised passes off (defaults of 1.4):
// objects larger than MaxScriptNormalize get no kNormalizedText pass;
// MaxHTMLNormalize bounds the HTML read, MaxHTMLNoTags the kHtmlNoTags text.
inline constexpr uint64_t kDefaultMaxScriptNormalize = 20ull << 20;
inline constexpr uint64_t kDefaultMaxHtmlNormalize = 40ull << 20;
inline constexpr uint64_t kDefaultMaxHtmlNoTags = 8ull << 20;

}  // namespace vigil::filetype

#endif  // VIGIL_FILETYPE_FILETYPE_H_
