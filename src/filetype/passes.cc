// Passes(): what clamscan 1.4.6 matches for one object of each type.
//
// Found by typing files with a private .ftm entry (so every CL_TYPE could
// be forced) and loading, for every target type t, an .ndb and an .ldb
// signature for a mixed-case marker and one for its lower-case form; which
// of them alerted, how often, and in which order gives the buffer and the
// targets of each pass (docs/file-types.md, "Passes").
#include "filetype/filetype.h"

namespace vigil::filetype {
namespace {

using B = Pass::Buffer;

constexpr uint16_t kAny = TargetBit(0);

// Raw bytes with target 0 and the type's own target.
constexpr Pass kRaw[15] = {
    {B::kRaw, kAny},
    {B::kRaw, kAny | TargetBit(1)},
    {B::kRaw, kAny | TargetBit(2)},
    {B::kRaw, kAny | TargetBit(3)},
    {B::kRaw, kAny | TargetBit(4)},
    {B::kRaw, kAny | TargetBit(5)},
    {B::kRaw, kAny | TargetBit(6)},
    {B::kRaw, kAny | TargetBit(7)},
    {B::kRaw, kAny | TargetBit(8)},
    {B::kRaw, kAny | TargetBit(9)},
    {B::kRaw, kAny | TargetBit(10)},
    {B::kRaw, kAny | TargetBit(11)},
    {B::kRaw, kAny | TargetBit(12)},
    {B::kRaw, kAny | TargetBit(13)},
    {B::kRaw, kAny | TargetBit(14)},
};

// Binary data is matched twice: once generically, once as "other" (14).
constexpr Pass kBinary[] = {{B::kRaw, kAny}, {B::kRaw, kAny | TargetBit(14)}};

// Text: raw bytes with target 0 only, then the normalised text with 0 and 7.
constexpr Pass kText[] = {{B::kRaw, kAny},
                          {B::kNormalizedText, kAny | TargetBit(7)}};

// HTML is never matched raw. Its scripts are matched twice: once as HTML
// (0, 3) and once as text (0, 7), both times without text normalisation.
constexpr Pass kHtml[] = {
    {B::kNormalizedHtml, kAny | TargetBit(3)},
    {B::kHtmlNoTags, kAny | TargetBit(3)},
    {B::kHtmlScript, kAny | TargetBit(3)},
    {B::kHtmlScript, kAny | TargetBit(7)},
};

// UTF-16 HTML: the raw bytes, then the HTML passes over the decoded text.
constexpr Pass kHtmlUtf16[] = {
    {B::kRaw, kAny},
    {B::kNormalizedHtml, kAny | TargetBit(3), true},
    {B::kHtmlNoTags, kAny | TargetBit(3), true},
    {B::kHtmlScript, kAny | TargetBit(3), true},
    {B::kHtmlScript, kAny | TargetBit(7), true},
};

// Text that its raw scan found to be HTML: the raw pass of text, then HTML.
constexpr Pass kTextThenHtml[] = {
    {B::kRaw, kAny},
    {B::kNormalizedHtml, kAny | TargetBit(3)},
    {B::kHtmlNoTags, kAny | TargetBit(3)},
    {B::kHtmlScript, kAny | TargetBit(3)},
    {B::kHtmlScript, kAny | TargetBit(7)},
};

bool IsText(FileType type) {
  switch (type) {
    case FileType::kTextAscii:
    case FileType::kTextUtf8:
    case FileType::kTextUtf16Le:
    case FileType::kTextUtf16Be:
    case FileType::kScript:
      return true;
    default:
      return false;
  }
}

// Types that ClamAV recognises and then does not match at all.
bool IsUnscanned(FileType type) {
  switch (type) {
    case FileType::kAny:
    case FileType::kIgnored:
    case FileType::kMsWord:
    case FileType::kMsXl:
    case FileType::kMsPpt:
    case FileType::kHwp5:
    case FileType::kPartAny:
    case FileType::kPartHfsPlus:
      return true;
    default:
      return false;
  }
}

}  // namespace

std::span<const Pass> Passes(FileType type) {
  if (IsUnscanned(type)) return {};
  if (IsText(type)) return kText;
  switch (type) {
    case FileType::kBinaryData:
    case FileType::kPythonCompiled:
      return kBinary;
    case FileType::kHtml:
      return kHtml;
    case FileType::kHtmlUtf16:
      return kHtmlUtf16;
    default:
      return std::span<const Pass>(&kRaw[TargetType(type)], 1);
  }
}

std::span<const Pass> PassesAfterRetype(FileType detected, FileType retyped) {
  if (detected == FileType::kTextAscii && retyped == FileType::kHtml)
    return kTextThenHtml;
  return Passes(detected);
}

}  // namespace vigil::filetype
