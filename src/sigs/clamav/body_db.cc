// .ndb checks run in ClamAV 1.4's order: field count, ignore lists (an
// ignored line is never parsed further, so it cannot fail), minimum FLEVEL
// (digits only; skip), maximum FLEVEL (digits only; an empty one is 0,
// which skips the line), target type (digits only; 15 and above are
// skipped), name, offset, hex signature.
#include "sigs/clamav/body_db.h"

#include <array>
#include <string>
#include <utility>

#include "sigs/clamav/hex_pattern.h"
#include "sigs/clamav/offset.h"
#include "sigs/clamav/text.h"

namespace vigil::sigs::clamav {

namespace {

ParseStatus ReadFlevelField(std::string_view field, uint32_t* value) {
  if (!IsAllDigits(field)) {
    return ParseStatus::Error(
        DiagCode::kFlevelValue, field.data(),
        "FLEVEL '" + std::string(field) + "' is not a number");
  }
  *value = static_cast<uint32_t>(Atoi(field));
  return ParseStatus::Ok();
}

// Whether ClamAV would hand a pure-literal pattern of this signature to its
// Boyer-Moore matcher (and so require 3 bytes). Observed: target 0 unless
// the offset is a macro group; target 1 only at a fixed, non-`*` offset
// that is not a macro group or VI; never other targets.
bool UsesBoyerMoore(uint32_t target, const ParsedOffset& off) {
  using K = Offset::Kind;
  K kind = off.offset.kind;
  if (kind == K::kMacro) return false;
  if (target == 0) return true;
  return target == 1 && !off.floating && kind != K::kAny &&
         kind != K::kVersionInfo;
}

ParseStatus EmitBody(std::string_view name, uint32_t target,
                     std::string_view offset_text, std::string_view hex,
                     const FlevelRange& flevel, SigSink* sink) {
  ParsedOffset off;
  VIGIL_SIGS_RETURN_IF_ERROR(ParseOffset(offset_text, target, &off));
  HexPatternOptions options;
  options.literal_needs_three = UsesBoyerMoore(target, off);
  options.class_position_rule = ClassPositionMatters(target);
  BodySig sig;
  VIGIL_SIGS_RETURN_IF_ERROR(ParseHexPattern(hex, options, &sig.pattern));
  sig.name = sink->FinalName(name);
  sig.target = static_cast<uint8_t>(target);
  sig.offset = off.offset;
  sig.flevel = flevel;
  sig.loc = sink->loc();
  sink->set()->bodies.push_back(std::move(sig));
  sink->CountLoaded();
  return ParseStatus::Ok();
}

}  // namespace

ParseStatus ParseNdbLine(std::string_view line, SigSink* sink) {
  std::array<std::string_view, 6> f;
  size_t count = SplitFields(line, ':', f);
  if (count < 4 || count > 6) {
    const char* where =
        count > 6 ? f[5].data() + f[5].size() : line.data() + line.size();
    return ParseStatus::Error(
        DiagCode::kNdbFieldCount, where,
        "expected Name:TargetType:Offset:HexSig[:MinFL[:MaxFL]], got " +
            std::to_string(count) + " fields");
  }
  if (sink->Ignored(f[0])) return ParseStatus::Ok();
  FlevelRange flevel;
  if (count >= 5) {
    VIGIL_SIGS_RETURN_IF_ERROR(ReadFlevelField(f[4], &flevel.min));
    if (sink->FlevelExcludes(flevel)) return ParseStatus::Ok();
  }
  if (count == 6) {
    VIGIL_SIGS_RETURN_IF_ERROR(ReadFlevelField(f[5], &flevel.max));
    if (sink->FlevelExcludes(flevel)) return ParseStatus::Ok();
  }
  if (!IsAllDigits(f[1])) {
    return ParseStatus::Error(
        DiagCode::kNdbTarget, f[1].data(),
        "target type '" + std::string(f[1]) + "' is not a number");
  }
  auto target = static_cast<uint32_t>(Atoi(f[1]));
  if (target >= kTargetTypeCount) {
    sink->SkipUnsupported(DiagCode::kUnsupportedTarget, f[1].data(),
                          "target type " + std::to_string(target) +
                              " is not supported (0 to 14); signature '" +
                              std::string(f[0]) + "' skipped");
    return ParseStatus::Ok();
  }
  if (f[0].empty()) {
    return ParseStatus::Error(DiagCode::kEmptyName, f[0].data(),
                              "empty signature name");
  }
  return EmitBody(f[0], target, f[2], f[3], flevel, sink);
}

ParseStatus ParseLegacyDbLine(std::string_view line, SigSink* sink) {
  size_t eq = line.find('=');
  if (eq == std::string_view::npos) {
    return ParseStatus::Error(DiagCode::kDbMissingEquals,
                              line.data() + line.size(),
                              "expected Name=HexSignature");
  }
  std::string_view name = line.substr(0, eq);
  // ClamAV passes over a line whose signature starts with '=' ("Name==..").
  if (line.substr(eq + 1, 1) == "=") return ParseStatus::Ok();
  if (name.empty()) {
    return ParseStatus::Error(DiagCode::kEmptyName, line.data(),
                              "empty signature name");
  }
  if (sink->Ignored(name)) return ParseStatus::Ok();
  return EmitBody(name, 0, "*", line.substr(eq + 1), FlevelRange(), sink);
}

}  // namespace vigil::sigs::clamav
