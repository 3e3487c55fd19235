#include "formats/mail/tnef.h"

#include <string>

#include "core/reader.h"

namespace vigil::formats {

namespace {

constexpr uint32_t kSignature = 0x223E9F78;
constexpr uint8_t kLevelAttachment = 2;
// Attribute ids: (type << 16) | id.
constexpr uint32_t kAttAttachRendData = 0x00069002;
constexpr uint32_t kAttAttachTitle = 0x00018010;
constexpr uint32_t kAttAttachData = 0x0006800F;

struct Pending {
  std::string name;
  ByteView data;
  bool has_data = false;
};

std::string CleanName(ByteView raw) {
  std::string name;
  for (std::byte b : raw) {
    const auto c = static_cast<unsigned char>(b);
    if (c == 0) break;  // titles are NUL-terminated
    name.push_back(c < 0x20 || c == 0x7f ? '_' : static_cast<char>(c));
    if (name.size() >= 1024) break;
  }
  return name;
}

}  // namespace

bool IsTnef(ByteView data) {
  auto sig = core::Reader(data).U32Le();
  return sig && *sig == kSignature;
}

ExtractResult ExtractTnef(
    ByteView data, const ExtractLimits& limits,
    const std::function<bool(const ArchiveMember&)>& on_member) {
  ExtractResult result;
  core::Reader r(data);
  if (!IsTnef(data) || !r.Skip(6)) {  // signature, legacy key
    result.notes.push_back("tnef: not a TNEF stream");
    return result;
  }
  Pending pending;
  bool stopped = false;
  // Hands the current attachment to the caller; false to stop.
  auto flush = [&]() {
    if (!pending.has_data) return true;
    if (result.members >= limits.max_members) {
      result.hit_member_limit = true;
      return false;
    }
    ++result.members;
    ArchiveMember m;
    m.name = pending.name;
    m.declared_size = pending.data.size();
    m.data = pending.data;
    if (m.data.size() > limits.max_member_size) {
      m.data = m.data.first(limits.max_member_size);
      m.truncated = true;
      result.hit_size_limit = true;
    }
    pending = Pending{};
    return on_member(m);
  };
  while (!r.AtEnd() && !stopped) {
    auto level = r.U8();
    auto id = r.U32Le();
    auto length = r.U32Le();
    if (!level || !id || !length) {
      result.notes.push_back("tnef: truncated attribute header");
      break;
    }
    auto value = r.Bytes(*length);
    if (!value || !r.Skip(2)) {  // the value, then its 16-bit checksum
      result.notes.push_back("tnef: attribute runs past the end");
      // What there is of an attachment's data is still worth scanning.
      if (*level == kLevelAttachment && *id == kAttAttachData) {
        pending.data = data.subspan(r.position());
        pending.has_data = true;
      }
      break;
    }
    if (*level != kLevelAttachment) continue;
    switch (*id) {
      case kAttAttachRendData:  // a new attachment begins
        stopped = !flush();
        break;
      case kAttAttachTitle:
        pending.name = CleanName(*value);
        break;
      case kAttAttachData:
        if (pending.has_data) stopped = !flush();
        pending.data = *value;
        pending.has_data = true;
        break;
      default:
        break;
    }
  }
  if (!stopped) flush();
  return result;
}

}  // namespace vigil::formats
