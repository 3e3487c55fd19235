// Offsets follow ClamAV 1.4's cli_caloff() as observed: numbers after
// `EOF-`, `EP+`, `EP-`, `SL+`, `SE` and plain offsets must be all digits
// (empty means 0) and are stored through atoi (so they wrap at 2^32); `Sx+n`
// is read with sscanf("S%u+%u") (whitespace, a sign and trailing characters
// are accepted); `$n` with sscanf("$%u"); `VI` is a prefix (anything may
// follow it). The shift after ',' must be all digits.
#include "sigs/clamav/offset.h"

#include <string>

#include "sigs/clamav/text.h"

namespace vigil::sigs::clamav {

namespace {

constexpr uint32_t kMacroGroups = 32;

uint32_t WrapU32(std::string_view digits) {
  return static_cast<uint32_t>(Atoi(digits));
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

ParseStatus Invalid(std::string_view text) {
  return ParseStatus::Error(DiagCode::kOffsetSyntax, text.data(),
                            "invalid offset '" + std::string(text) + "'");
}

// `prefix` followed by all-digit text (possibly empty).
bool ReadPrefixed(std::string_view text, std::string_view prefix,
                  uint64_t* value) {
  if (!StartsWith(text, prefix)) return false;
  std::string_view digits = text.substr(prefix.size());
  if (!IsAllDigits(digits)) return false;
  *value = WrapU32(digits);
  return true;
}

ParseStatus ParseSection(std::string_view text, Offset* out) {
  std::string_view rest = text.substr(1);
  size_t used = 0;
  std::optional<uint32_t> section = ScanUnsigned(rest, &used);
  if (!section || used >= rest.size() || rest[used] != '+') {
    return Invalid(text);
  }
  std::optional<uint32_t> value = ScanUnsigned(rest.substr(used + 1), nullptr);
  if (!value) return Invalid(text);
  out->kind = Offset::Kind::kSectionPlus;
  out->section = *section;
  out->value = *value;
  return ParseStatus::Ok();
}

ParseStatus ParseMacro(std::string_view text, Offset* out) {
  std::optional<uint32_t> group = ScanUnsigned(text.substr(1), nullptr);
  if (!group || *group >= kMacroGroups) {
    return ParseStatus::Error(DiagCode::kOffsetMacroGroup, text.data(),
                              "invalid macro group in '" + std::string(text) +
                                  "' (ClamAV supports groups 0 to 31)");
  }
  out->kind = Offset::Kind::kMacro;
  out->value = *group;
  return ParseStatus::Ok();
}

ParseStatus ParseBase(std::string_view text, Offset* out) {
  using K = Offset::Kind;
  if (text == "*") {
    out->kind = K::kAny;
    return ParseStatus::Ok();
  }
  if (IsAllDigits(text)) {
    out->kind = K::kAbsolute;
    out->value = WrapU32(text);
    return ParseStatus::Ok();
  }
  struct Prefixed {
    std::string_view prefix;
    K kind;
  };
  static constexpr Prefixed kPrefixed[] = {{"EOF-", K::kEofMinus},
                                           {"EP+", K::kEpPlus},
                                           {"EP-", K::kEpMinus},
                                           {"SL+", K::kLastSectionPlus}};
  for (const Prefixed& p : kPrefixed) {
    if (ReadPrefixed(text, p.prefix, &out->value)) {
      out->kind = p.kind;
      return ParseStatus::Ok();
    }
  }
  if (StartsWith(text, "SE")) {
    std::string_view digits = text.substr(2);
    if (!IsAllDigits(digits)) {
      return ParseStatus::Error(
          DiagCode::kOffsetSection, text.data() + 2,
          "invalid section number in '" + std::string(text) + "'");
    }
    out->kind = K::kSectionEntire;
    out->section = WrapU32(digits);
    return ParseStatus::Ok();
  }
  if (StartsWith(text, "VI")) {
    out->kind = K::kVersionInfo;
    return ParseStatus::Ok();
  }
  if (StartsWith(text, "$")) return ParseMacro(text, out);
  if (StartsWith(text, "S")) return ParseSection(text, out);
  return Invalid(text);
}

}  // namespace

bool IsExecutableTarget(uint32_t target) {
  return target == 1 || target == 6 || target == 9;
}

ParseStatus ParseOffset(std::string_view text, uint32_t target,
                        ParsedOffset* out) {
  *out = ParsedOffset();
  size_t comma = text.find(',');
  std::string_view base = text.substr(0, comma);
  if (comma != std::string_view::npos) {
    std::string_view shift = text.substr(comma + 1);
    if (base == "*") return Invalid(text);
    if (!IsAllDigits(shift)) {
      return ParseStatus::Error(DiagCode::kOffsetShift, shift.data(),
                                "invalid offset shift '" + std::string(shift) +
                                    "' (digits expected)");
    }
    out->floating = true;
    out->offset.max_shift = WrapU32(shift);
  }
  VIGIL_SIGS_RETURN_IF_ERROR(ParseBase(base, &out->offset));
  if (out->offset.IsExecutableRelative() && !IsExecutableTarget(target)) {
    return ParseStatus::Error(DiagCode::kOffsetTarget, text.data(),
                              "offset '" + std::string(base) +
                                  "' needs target type 1, 6 or 9, not " +
                                  std::to_string(target));
  }
  return ParseStatus::Ok();
}

}  // namespace vigil::sigs::clamav
