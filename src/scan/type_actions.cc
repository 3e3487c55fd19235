#include "scan/type_actions.h"

#include "core/spool.h"
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

bool IsExtractable(filetype::FileType type) {
  using T = filetype::FileType;
  switch (type) {
    case T::kZip:
    case T::kGz:
    case T::kBz:
    case T::kXz:
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
      return true;
    default:
      return false;
  }
}

}  // namespace vigil::scan
