// Checks run in ClamAV 1.4's order, observed with clamscan: field count,
// ignore lists, logical expression, subsignature count, target description
// (attribute by attribute: a bad value fails at once, an unknown attribute
// or CL_TYPE stops the parse and skips the signature), the Engine
// requirement of newer attributes, the Engine range (skip), Target presence
// and value, attribute/target combinations, name, then the subsignatures.
// Range values ("X-Y") need the '-'; each side is digits or empty (0).
#include "sigs/clamav/logical_db.h"

#include <array>
#include <string>
#include <utility>
#include <vector>

#include "sigs/clamav/file_types.h"
#include "sigs/clamav/logical_expr.h"
#include "sigs/clamav/offset.h"
#include "sigs/clamav/subsig.h"
#include "sigs/clamav/text.h"

namespace vigil::sigs::clamav {

namespace {

// Attributes newer than ClamAV 0.96 need `Engine:51-...` first.
constexpr uint32_t kNewAttributeMinFlevel = 51;

struct Tdb {
  TargetDesc desc;
  bool engine_seen = false;
  std::optional<uint32_t> target;
  const char* exec_attr = nullptr;  // EntryPoint/NumberOfSections, if used
  const char* icon_attr = nullptr;  // IconGroup1/2, if used
  std::string_view new_attr;        // key of the first attribute past Target
  // Set when the signature must be skipped (unknown attribute or type).
  const char* skip_at = nullptr;
  std::string skip_reason;
};

ParseStatus ValueError(std::string_view key, const char* where,
                       std::string_view why) {
  return ParseStatus::Error(
      DiagCode::kTdbValue, where,
      std::string(why) + " for '" + std::string(key) + "'");
}

ParseStatus ReadRange(std::string_view key, std::string_view value,
                      uint32_t* min, uint32_t* max) {
  size_t dash = value.find('-');
  if (dash == std::string_view::npos) {
    return ValueError(key, value.data(), "expected a range Min-Max");
  }
  std::string_view lo = value.substr(0, dash);
  std::string_view hi = value.substr(dash + 1);
  if (!IsAllDigits(lo) || !IsAllDigits(hi)) {
    return ValueError(key, value.data(), "range bounds must be numbers");
  }
  *min = static_cast<uint32_t>(Atoi(lo));
  *max = static_cast<uint32_t>(Atoi(hi));
  return ParseStatus::Ok();
}

ParseStatus ReadRange64(std::string_view key, std::string_view value,
                        std::optional<Range64>* out) {
  uint32_t lo = 0, hi = 0;
  VIGIL_SIGS_RETURN_IF_ERROR(ReadRange(key, value, &lo, &hi));
  *out = Range64{lo, hi};
  return ParseStatus::Ok();
}

void Skip(Tdb* tdb, const char* where, std::string reason) {
  tdb->skip_at = where;
  tdb->skip_reason = std::move(reason);
}

// A CL_TYPE value; unknown names skip the signature.
bool ReadType(std::string_view value, Tdb* tdb, std::string* out) {
  if (!IsKnownClType(value)) {
    Skip(tdb, value.data(), "unknown file type '" + std::string(value) + "'");
    return false;
  }
  *out = std::string(value);
  return true;
}

void ReadIntermediates(std::string_view value, Tdb* tdb) {
  std::vector<std::string> types;
  size_t start = 0;
  while (true) {
    size_t gt = value.find('>', start);
    std::string_view t = value.substr(start, gt - start);
    std::string name;
    if (!ReadType(t, tdb, &name)) return;
    types.push_back(std::move(name));
    if (gt == std::string_view::npos) break;
    start = gt + 1;
  }
  tdb->desc.intermediates = std::move(types);
}

// Attributes past Target need the Engine attribute with a minimum >= 51.
ParseStatus CheckEngineRequirement(const Tdb& tdb) {
  if (tdb.new_attr.empty() ||
      (tdb.engine_seen && tdb.desc.engine.min >= kNewAttributeMinFlevel)) {
    return ParseStatus::Ok();
  }
  std::string message(tdb.new_attr);
  message += " needs Engine:51-... (or later) as the first attribute";
  return ParseStatus::Error(DiagCode::kTdbNeedsEngine, tdb.new_attr.data(),
                            std::move(message));
}

// Attributes newer than Engine and Target; the Engine check they need runs
// once the whole block is read (an unknown attribute skips first).
ParseStatus ReadNewAttribute(std::string_view key, std::string_view value,
                             Tdb* tdb) {
  if (tdb->new_attr.empty()) tdb->new_attr = key;
  TargetDesc& d = tdb->desc;
  if (key == "FileSize") {
    VIGIL_SIGS_RETURN_IF_ERROR(ReadRange64(key, value, &d.file_size));
  } else if (key == "EntryPoint") {
    VIGIL_SIGS_RETURN_IF_ERROR(ReadRange64(key, value, &d.entry_point));
    tdb->exec_attr = key.data();
  } else if (key == "NumberOfSections") {
    VIGIL_SIGS_RETURN_IF_ERROR(ReadRange64(key, value, &d.number_of_sections));
    tdb->exec_attr = key.data();
  } else if (key == "Container") {
    std::string type;
    if (!ReadType(value, tdb, &type)) return ParseStatus::Ok();
    d.container = std::move(type);
  } else if (key == "HandlerType") {
    std::string type;
    if (!ReadType(value, tdb, &type)) return ParseStatus::Ok();
    d.handler_type = std::move(type);
  } else if (key == "Intermediates") {
    ReadIntermediates(value, tdb);
    if (tdb->skip_at) return ParseStatus::Ok();
  } else if (key == "IconGroup1" || key == "IconGroup2") {
    (key == "IconGroup1" ? d.icon_group1 : d.icon_group2) = std::string(value);
    tdb->icon_attr = key.data();
  } else {
    Skip(tdb, key.data(), "unknown attribute '" + std::string(key) + "'");
  }
  return ParseStatus::Ok();
}

ParseStatus ReadAttribute(std::string_view attr, size_t position, Tdb* tdb) {
  size_t colon = attr.find(':');
  if (attr.empty() || colon == std::string_view::npos) {
    return ParseStatus::Error(
        DiagCode::kTdbAttribute, attr.data(),
        "attribute '" + std::string(attr) + "' is not Key:Value");
  }
  std::string_view key = attr.substr(0, colon);
  std::string_view value = attr.substr(colon + 1);
  if (key == "Engine") {
    if (position != 0) {
      return ParseStatus::Error(
          DiagCode::kTdbEngineFirst, attr.data(),
          "Engine must be the first attribute (and appear once)");
    }
    tdb->engine_seen = true;
    return ReadRange(key, value, &tdb->desc.engine.min, &tdb->desc.engine.max);
  }
  if (key == "Target") {
    if (!IsAllDigits(value))
      return ValueError(key, value.data(), "not a number");
    tdb->target = static_cast<uint32_t>(Atoi(value));
    return ParseStatus::Ok();
  }
  return ReadNewAttribute(key, value, tdb);
}

ParseStatus ParseTdb(std::string_view text, Tdb* tdb) {
  size_t position = 0;
  size_t start = 0;
  while (true) {
    size_t comma = text.find(',', start);
    std::string_view attr = text.substr(start, comma - start);
    VIGIL_SIGS_RETURN_IF_ERROR(ReadAttribute(attr, position++, tdb));
    if (tdb->skip_at || comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return ParseStatus::Ok();
}

// Attributes that only make sense for some targets.
ParseStatus CheckTargetAttributes(const Tdb& tdb) {
  if (tdb.exec_attr && !IsExecutableTarget(*tdb.target)) {
    return ParseStatus::Error(
        DiagCode::kTdbExecutableOnly, tdb.exec_attr,
        "EntryPoint and NumberOfSections need Target 1, 6 or 9");
  }
  if (tdb.icon_attr && *tdb.target != 1) {
    return ParseStatus::Error(DiagCode::kTdbIconGroupTarget, tdb.icon_attr,
                              "IconGroup1/IconGroup2 need Target:1");
  }
  return ParseStatus::Ok();
}

// Fields of one line: name, TDB, expression and up to 64 subsignatures,
// plus one slot to notice a 65th.
using LdbFields = std::array<std::string_view, 3 + kMaxSubsigs + 1>;

ParseStatus SplitLdb(std::string_view line, LdbFields* f, size_t* count) {
  *count = SplitFields(line, ';', *f);
  if (*count < 4) {
    return ParseStatus::Error(
        DiagCode::kLdbFieldCount, line.data() + line.size(),
        "expected Name;TargetDescription;Expression;Subsig0[;...], got " +
            std::to_string(*count) + " fields");
  }
  if (*count - 3 > kMaxSubsigs) {
    return ParseStatus::Error(
        DiagCode::kLdbTooManySubsigs, (*f)[3 + kMaxSubsigs].data(),
        "more than 64 subsignatures (" + std::to_string(*count - 3) + ")");
  }
  return ParseStatus::Ok();
}

ParseStatus ParseSubsigs(const LdbFields& f, size_t count, uint32_t target,
                         LogicalSig* sig) {
  sig->subsigs.resize(count - 3);
  for (size_t i = 0; i + 3 < count; ++i) {
    SubsigContext ctx{static_cast<uint32_t>(i), target};
    VIGIL_SIGS_RETURN_IF_ERROR(ParseSubsig(f[3 + i], ctx, &sig->subsigs[i]));
  }
  return ParseStatus::Ok();
}

// The expression, and that the line has exactly the subsignatures it uses.
ParseStatus ParseExpression(std::string_view text, size_t subsigs, Expr* out) {
  uint32_t max_index = 0;
  VIGIL_SIGS_RETURN_IF_ERROR(ParseLogicalExpression(text, out, &max_index));
  if (subsigs != static_cast<size_t>(max_index) + 1) {
    return ParseStatus::Error(
        DiagCode::kExprSubsigCount, text.data(),
        "the expression uses subsignatures 0.." + std::to_string(max_index) +
            " but the line has " + std::to_string(subsigs));
  }
  return ParseStatus::Ok();
}

void SkipTarget(std::string_view name, std::string_view tdb_text,
                uint32_t target, SigSink* sink) {
  sink->SkipUnsupported(DiagCode::kUnsupportedTarget, tdb_text.data(),
                        "target type " + std::to_string(target) +
                            " is not supported (0 to 14); signature '" +
                            std::string(name) + "' skipped");
}

}  // namespace

ParseStatus ParseLdbLine(std::string_view line, SigSink* sink) {
  LdbFields f;
  size_t count = 0;
  VIGIL_SIGS_RETURN_IF_ERROR(SplitLdb(line, &f, &count));
  if (sink->Ignored(f[0])) return ParseStatus::Ok();
  LogicalSig sig;
  VIGIL_SIGS_RETURN_IF_ERROR(ParseExpression(f[2], count - 3, &sig.expr));
  Tdb tdb;
  VIGIL_SIGS_RETURN_IF_ERROR(ParseTdb(f[1], &tdb));
  if (tdb.skip_at) {
    sink->SkipUnsupported(
        DiagCode::kUnknownAttribute, tdb.skip_at,
        tdb.skip_reason + "; signature '" + std::string(f[0]) + "' skipped");
    return ParseStatus::Ok();
  }
  VIGIL_SIGS_RETURN_IF_ERROR(CheckEngineRequirement(tdb));
  if (sink->FlevelExcludes(tdb.desc.engine)) return ParseStatus::Ok();
  if (!tdb.target) {
    return ParseStatus::Error(DiagCode::kTdbNoTarget, f[1].data(),
                              "the target description needs Target:N");
  }
  if (*tdb.target >= kTargetTypeCount) {
    SkipTarget(f[0], f[1], *tdb.target, sink);
    return ParseStatus::Ok();
  }
  VIGIL_SIGS_RETURN_IF_ERROR(CheckTargetAttributes(tdb));
  if (f[0].empty()) {
    return ParseStatus::Error(DiagCode::kEmptyName, line.data(),
                              "empty signature name");
  }
  VIGIL_SIGS_RETURN_IF_ERROR(ParseSubsigs(f, count, *tdb.target, &sig));
  tdb.desc.target = static_cast<uint8_t>(*tdb.target);
  sig.name = sink->FinalName(f[0]);
  sig.tdb = std::move(tdb.desc);
  sig.loc = sink->loc();
  sink->set()->logicals.push_back(std::move(sig));
  sink->CountLoaded();
  return ParseStatus::Ok();
}

}  // namespace vigil::sigs::clamav
