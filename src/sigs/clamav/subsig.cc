// Subsignature kinds are told apart the way ClamAV 1.4 does: a leading '$'
// is a macro, a "fuzzy_img#" prefix an image hash, any '/' a PCRE, a '('
// with at least two '#' a byte compare; everything else is a body pattern.
//
// Body subsignatures are split at every ':' like ClamAV's tokenizer: one
// field is the pattern, two are offset and pattern, three are pattern, an
// ignored field and modifiers (that is `Hex::Mods`), four add the offset.
#include "sigs/clamav/subsig.h"

#include <algorithm>
#include <array>
#include <string>
#include <utility>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "sigs/clamav/hex_pattern.h"
#include "sigs/clamav/logical_expr.h"
#include "sigs/clamav/offset.h"
#include "sigs/clamav/text.h"
#include "sigs/pcre_flags.h"

namespace vigil::sigs::clamav {

namespace {

constexpr std::string_view kFuzzyPrefix = "fuzzy_img#";
constexpr size_t kFuzzyHashLength = 16;
constexpr uint32_t kMacroGroups = 32;
constexpr uint32_t kMaxByteCompareTrigger = 64;
constexpr uint32_t kMaxHexCompareBytes = 18;

ParseStatus Fail(DiagCode code, const char* where, std::string message) {
  return ParseStatus::Error(code, where, std::move(message));
}

// --- body ----------------------------------------------------------------

ParseStatus ReadModifiers(std::string_view text, SubsigModifiers* mods) {
  for (const char& c : text) {
    switch (c) {
      case 'i':
        mods->nocase = true;
        break;
      case 'w':
        mods->wide = true;
        break;
      case 'f':
        mods->fullword = true;
        break;
      case 'a':
        mods->ascii = true;
        break;
      default:
        return Fail(DiagCode::kSubsigModifier, &c,
                    std::string("invalid subsignature modifier '") + c +
                        "' (i, w, f, a)");
    }
  }
  return ParseStatus::Ok();
}

ParseStatus ParseBody(std::string_view text, const SubsigContext& ctx,
                      Subsig* out) {
  std::array<std::string_view, 4> f;
  size_t count = SplitFields(text, ':', f);
  if (count > 4) {
    return Fail(DiagCode::kSubsigFieldCount, f[3].data() + f[3].size(),
                "expected [Offset:]HexSig[::Modifiers]");
  }
  std::string_view offset = count == 2 || count == 4 ? f[0] : "*";
  std::string_view hex = count == 2 || count == 4 ? f[1] : f[0];
  if (count >= 3) {
    VIGIL_SIGS_RETURN_IF_ERROR(ReadModifiers(f[count - 1], &out->modifiers));
  }
  out->kind = Subsig::Kind::kBody;
  ParsedOffset parsed;
  VIGIL_SIGS_RETURN_IF_ERROR(ParseOffset(offset, ctx.target, &parsed));
  out->offset = parsed.offset;
  HexPatternOptions options;
  options.nocase = out->modifiers.nocase;
  options.wide = out->modifiers.wide;
  options.ascii = out->modifiers.ascii;
  options.fullword = out->modifiers.fullword;
  options.class_position_rule = ClassPositionMatters(ctx.target);
  return ParseHexPattern(hex, options, &out->pattern);
}

// --- macro ---------------------------------------------------------------

// Reads one sscanf("%u") field at `*rest` followed by `expect` (0: none).
bool ScanField(std::string_view* rest, char expect, uint32_t* value) {
  size_t used = 0;
  std::optional<uint32_t> v = ScanUnsigned(*rest, &used);
  if (!v) return false;
  *value = *v;
  rest->remove_prefix(used);
  if (expect == 0) return true;
  if (rest->empty() || rest->front() != expect) return false;
  rest->remove_prefix(1);
  return true;
}

ParseStatus ParseMacro(std::string_view text, Subsig* out) {
  if (text.size() < 2 || text.back() != '$') {
    return Fail(DiagCode::kMacroSubsig, text.data() + text.size(),
                "macro subsignature must end with '$': ${Min-Max}Group$");
  }
  std::string_view rest = text;
  MacroSubsig m;
  bool ok = rest.substr(0, 2) == "${";
  if (ok) rest.remove_prefix(2);
  ok = ok && ScanField(&rest, '-', &m.min) && ScanField(&rest, '}', &m.max) &&
       ScanField(&rest, 0, &m.group);
  if (!ok) {
    return Fail(DiagCode::kMacroSubsig, text.data(),
                "expected ${Min-Max}Group$");
  }
  if (m.group >= kMacroGroups) {
    return Fail(
        DiagCode::kMacroSubsig, text.data(),
        "macro group " + std::to_string(m.group) + " out of range (0 to 31)");
  }
  out->kind = Subsig::Kind::kMacro;
  out->macro = m;
  return ParseStatus::Ok();
}

// --- fuzzy image hash ----------------------------------------------------

ParseStatus ParseFuzzy(std::string_view text, Subsig* out) {
  std::string_view rest = text.substr(kFuzzyPrefix.size());
  std::array<std::string_view, 2> f;
  size_t count = SplitFields(rest, '#', f);
  if (f[0].size() != kFuzzyHashLength || !IsHexString(f[0])) {
    return Fail(DiagCode::kFuzzyImage, f[0].data(),
                "image fuzzy hash must be 16 hex digits");
  }
  if (count >= 2 &&
      (f[1].empty() || !IsAllDigits(f[1]) || Strtol(f[1]).value != 0)) {
    return Fail(DiagCode::kFuzzyImage, f[1].data(),
                "only a hamming distance of 0 is supported");
  }
  out->kind = Subsig::Kind::kFuzzyImage;
  out->fuzzy_hash = std::string(f[0]);
  return ParseStatus::Ok();
}

// --- byte compare --------------------------------------------------------

// strtol(s, &end, 0) that must use all of `s` (empty is 0).
bool ReadCNumber(std::string_view s, int64_t* value) {
  std::string_view t = s;
  size_t i = 0;
  while (i < t.size() && (t[i] == ' ' || (t[i] >= '\t' && t[i] <= '\r'))) ++i;
  bool neg = false;
  if (i < t.size() && (t[i] == '+' || t[i] == '-')) neg = t[i++] == '-';
  int base = 10;
  if (t.size() - i >= 2 && t[i] == '0' &&
      (t[i + 1] == 'x' || t[i + 1] == 'X')) {
    base = 16;
    i += 2;
    if (i == t.size() || HexDigit(t[i]) < 0) return false;  // "0x"
  } else if (i < t.size() && t[i] == '0') {
    base = 8;
  }
  uint64_t v = 0;
  bool overflow = false;
  for (; i < t.size(); ++i) {
    int d = HexDigit(t[i]);
    if (d < 0 || d >= base) return false;
    if (v >
        (UINT64_MAX - static_cast<uint64_t>(d)) / static_cast<uint64_t>(base)) {
      overflow = true;
    }
    v = v * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
  }
  constexpr uint64_t kMax = static_cast<uint64_t>(INT64_MAX);
  if (overflow || v > kMax) {
    *value = neg ? INT64_MIN : INT64_MAX;
  } else {
    *value = neg ? -static_cast<int64_t>(v) : static_cast<int64_t>(v);
  }
  return true;
}

// `>>n` or `<<n`. ClamAV also lets through an empty offset and anything
// starting with '0' (observed: "0x", "05", "0>>5" all load), read as 0
// unless it is a whole number.
ParseStatus ReadCompareOffset(std::string_view s, ByteCompare* bc) {
  if (s.empty() || s[0] == '0') {
    int64_t v = 0;
    bc->offset = ReadCNumber(s, &v) ? v : 0;
    return ParseStatus::Ok();
  }
  bool fwd = s.substr(0, 2) == ">>";
  if (!fwd && s.substr(0, 2) != "<<") {
    return Fail(DiagCode::kByteCompare, s.data(),
                "offset must start with '>>' or '<<'");
  }
  int64_t v = 0;
  if (!ReadCNumber(s.substr(2), &v)) {
    return Fail(DiagCode::kByteCompare, s.data() + 2,
                "offset is not a decimal or 0x hex number");
  }
  bc->offset = fwd ? v : (v == INT64_MIN ? INT64_MAX : -v);
  return ParseStatus::Ok();
}

ParseStatus OptionError(std::string_view s, const char* why) {
  return Fail(DiagCode::kByteCompare, s.data(),
              "options '" + std::string(s) + "': " + why +
                  " (expected [h|d|a|i][l|b][e]NumBytes)");
}

ParseStatus ReadCompareOptions(std::string_view s, ByteCompare* bc) {
  char base = 0, endian = 0;
  size_t i = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == 'h' || c == 'd' || c == 'a' || c == 'i') {
      if (base && base != c) return OptionError(s, "two number types");
      base = c;
    } else if (c == 'l' || c == 'b') {
      if (endian && endian != c) return OptionError(s, "two byte orders");
      endian = c;
    } else if (c == 'e') {
      bc->exact = true;
    } else {
      break;
    }
  }
  int64_t n = 0;
  std::string_view num = s.substr(i);
  if (num.empty() || num[0] < '0' || num[0] > '9' || !ReadCNumber(num, &n) ||
      n <= 0 || n > UINT32_MAX) {
    return OptionError(s, "missing or invalid byte count");
  }
  if (base == 'd' && endian == 'l') {
    return OptionError(s, "decimal values are big-endian");
  }
  if (base == 'i' && n != 1 && n != 2 && n != 4 && n != 8) {
    return OptionError(s, "raw values are 1, 2, 4 or 8 bytes");
  }
  if (base == 'h' && n > kMaxHexCompareBytes) {
    return OptionError(s, "hex values are at most 18 bytes");
  }
  using B = ByteCompare::Base;
  bc->base = base == 'h'   ? B::kHex
             : base == 'd' ? B::kDecimal
             : base == 'i' ? B::kRaw
                           : B::kAuto;
  bc->little_endian = endian != 'b' && base != 'd';
  bc->exact = bc->exact || base == 'i';
  bc->num_bytes = static_cast<uint32_t>(n);
  return ParseStatus::Ok();
}

ParseStatus ReadComparisons(std::string_view s, ByteCompare* bc) {
  std::array<std::string_view, 2> f;
  size_t count = SplitFields(s, ',', f);
  if (count > 2) {
    return Fail(DiagCode::kByteCompare, s.data(),
                "at most two comparisons, separated by ','");
  }
  for (size_t k = 0; k < count; ++k) {
    std::string_view c = f[k];
    if (c.empty() || (c[0] != '<' && c[0] != '>' && c[0] != '=')) {
      return Fail(DiagCode::kByteCompare, c.data(),
                  "comparison must start with <, > or =");
    }
    ByteCompare::Comparison cmp;
    using Op = ByteCompare::Comparison::Op;
    cmp.op = c[0] == '<' ? Op::kLess : c[0] == '>' ? Op::kGreater : Op::kEqual;
    int64_t v = 0;
    if (!ReadCNumber(c.substr(1), &v)) {
      return Fail(DiagCode::kByteCompare, c.data() + 1,
                  "comparison value is not a decimal or 0x hex number");
    }
    cmp.value = static_cast<uint64_t>(v);
    bc->comparisons.push_back(cmp);
  }
  return ParseStatus::Ok();
}

ParseStatus ParseByteCompare(std::string_view text, Subsig* out) {
  size_t open = text.find('(');
  std::string_view trigger = text.substr(0, open);
  if (!IsAllDigits(trigger) ||
      static_cast<uint32_t>(Atoi(trigger)) > kMaxByteCompareTrigger) {
    return Fail(DiagCode::kByteCompare, text.data(),
                "trigger must be one subsignature index (0 to 64)");
  }
  size_t close = text.find(')', open);
  if (close == std::string_view::npos) {
    return Fail(DiagCode::kByteCompare, text.data() + open,
                "missing ')' after the byte compare");
  }
  std::string_view inner = text.substr(open + 1, close - open - 1);
  std::array<std::string_view, 3> f;
  size_t count = SplitFields(inner, '#', f);
  if (count != 3) {
    return Fail(DiagCode::kByteCompare, inner.data(),
                "expected (Offset#Options#Comparisons), got " +
                    std::to_string(count) + " fields");
  }
  ByteCompare bc;
  bc.trigger = static_cast<uint32_t>(Atoi(trigger));
  VIGIL_SIGS_RETURN_IF_ERROR(ReadCompareOffset(f[0], &bc));
  VIGIL_SIGS_RETURN_IF_ERROR(ReadCompareOptions(f[1], &bc));
  VIGIL_SIGS_RETURN_IF_ERROR(ReadComparisons(f[2], &bc));
  out->kind = Subsig::Kind::kByteCompare;
  out->byte_compare = std::move(bc);
  return ParseStatus::Ok();
}

// --- PCRE ----------------------------------------------------------------

ParseStatus CompileRegex(std::string_view regex, std::string_view flags) {
  int error = 0;
  PCRE2_SIZE error_offset = 0;
  pcre2_code* code =
      pcre2_compile(reinterpret_cast<PCRE2_SPTR>(regex.data()), regex.size(),
                    PcreCompileOptions(flags), &error, &error_offset, nullptr);
  if (code) {
    pcre2_code_free(code);
    return ParseStatus::Ok();
  }
  std::array<PCRE2_UCHAR, 256> buf{};
  pcre2_get_error_message(error, buf.data(), buf.size());
  size_t at = std::min<size_t>(error_offset, regex.size());
  return Fail(DiagCode::kPcreCompile, regex.data() + at,
              std::string("regex does not compile: ") +
                  reinterpret_cast<const char*>(buf.data()));
}

// After the closing '/': flags, then (only without an offset) optionally
// "::" and anything, which ClamAV ignores. Any other ':' fails there.
ParseStatus ReadPcreFlags(std::string_view tail, bool has_offset,
                          std::string_view* flags) {
  size_t mods = has_offset ? std::string_view::npos : tail.find("::");
  *flags = tail.substr(0, mods);
  if (flags->find(':') != std::string_view::npos) {
    return Fail(DiagCode::kPcreDelimiter, tail.data(),
                "unexpected ':' after the closing '/'");
  }
  for (const char& c : *flags) {
    if (std::string_view("greimsxAEU").find(c) == std::string_view::npos) {
      return Fail(
          DiagCode::kPcreFlag, &c,
          std::string("unknown PCRE flag '") + c + "' (g r e i s m x A E U)");
    }
  }
  return ParseStatus::Ok();
}

ParseStatus CheckTrigger(std::string_view trigger, const SubsigContext& ctx,
                         Expr* out) {
  if (trigger.empty()) {
    return Fail(DiagCode::kPcreTrigger, trigger.data(),
                "PCRE subsignature needs a trigger expression before '/'");
  }
  uint32_t max_index = 0;
  VIGIL_SIGS_RETURN_IF_ERROR(ParseLogicalExpression(trigger, out, &max_index));
  if (max_index >= ctx.index) {
    return Fail(DiagCode::kPcreTrigger, trigger.data(),
                max_index == ctx.index
                    ? "PCRE trigger refers to its own subsignature"
                    : "PCRE trigger refers to a later subsignature (" +
                          std::to_string(max_index) + ")");
  }
  return ParseStatus::Ok();
}

ParseStatus ParsePcre(std::string_view text, const SubsigContext& ctx,
                      Subsig* out) {
  size_t first = text.find('/');
  size_t last = text.rfind('/');
  if (last == first) {
    return Fail(DiagCode::kPcreDelimiter, text.data() + first,
                "PCRE subsignature needs /regex/ delimiters");
  }
  std::string_view prefix = text.substr(0, first);
  size_t colon = prefix.find(':');
  if (colon != std::string_view::npos &&
      prefix.find(':', colon + 1) != std::string_view::npos) {
    return Fail(DiagCode::kPcreDelimiter, text.data(),
                "expected [Offset:]Trigger/Regex/[Flags]");
  }
  std::string_view offset =
      colon == std::string_view::npos ? "*" : prefix.substr(0, colon);
  std::string_view trigger =
      colon == std::string_view::npos ? prefix : prefix.substr(colon + 1);
  std::string_view regex = text.substr(first + 1, last - first - 1);
  std::string_view flags;
  VIGIL_SIGS_RETURN_IF_ERROR(ReadPcreFlags(
      text.substr(last + 1), colon != std::string_view::npos, &flags));
  VIGIL_SIGS_RETURN_IF_ERROR(CheckTrigger(trigger, ctx, &out->pcre.trigger));
  if (regex.empty()) {
    return Fail(DiagCode::kPcreEmpty, regex.data(), "empty regex");
  }
  ParsedOffset parsed;
  VIGIL_SIGS_RETURN_IF_ERROR(ParseOffset(offset, ctx.target, &parsed));
  VIGIL_SIGS_RETURN_IF_ERROR(CompileRegex(regex, flags));
  out->kind = Subsig::Kind::kPcre;
  out->pcre.regex = std::string(regex);
  out->pcre.flags = std::string(flags);
  out->pcre.offset = parsed.offset;
  return ParseStatus::Ok();
}

bool IsByteCompare(std::string_view text) {
  return text.find('(') != std::string_view::npos &&
         std::count(text.begin(), text.end(), '#') >= 2;
}

}  // namespace

ParseStatus ParseSubsig(std::string_view text, const SubsigContext& context,
                        Subsig* out) {
  *out = Subsig();
  if (!text.empty() && text[0] == '$') return ParseMacro(text, out);
  if (text.substr(0, kFuzzyPrefix.size()) == kFuzzyPrefix) {
    return ParseFuzzy(text, out);
  }
  if (text.find('/') != std::string_view::npos) {
    return ParsePcre(text, context, out);
  }
  if (IsByteCompare(text)) return ParseByteCompare(text, out);
  return ParseBody(text, context, out);
}

}  // namespace vigil::sigs::clamav
