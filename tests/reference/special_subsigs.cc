// PCRE and byte-compare subsignatures of the reference matcher.
//
// PCRE (`[Offset:]Trigger/regex/flags`): the regex runs only when its trigger
// expression holds. The subject is the data from the first allowed start on
// (so `^` matches there), cut at offset+maxshift with `e`. Without `r`, an
// exact offset anchors every attempt; a floating offset accepts matches that
// start within the shift. Without `g` the first match counts, with `g` every
// match of a left-to-right search that resumes where the last match ended.
//
// Byte compare (`t(>>off#opts#cmp)`): reads at the start of the LAST match of
// subsignature t plus off, and counts 1 when every comparison holds; values
// compare as signed 64-bit numbers (see TextValue and RawValue for reading).
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <memory>
#include <tuple>

#include "reference/reference_matcher.h"

namespace vigil::reference {
namespace {

struct CodeDeleter {
  void operator()(pcre2_code* c) const { pcre2_code_free(c); }
};
struct MatchDataDeleter {
  void operator()(pcre2_match_data* m) const { pcre2_match_data_free(m); }
};
struct ContextDeleter {
  void operator()(pcre2_match_context* c) const { pcre2_match_context_free(c); }
};

uint32_t CompileOptions(const std::string& flags) {
  uint32_t opts = 0;
  for (char f : flags) {
    switch (f) {
      case 'i':
        opts |= PCRE2_CASELESS;
        break;
      case 's':
        opts |= PCRE2_DOTALL;
        break;
      case 'm':
        opts |= PCRE2_MULTILINE;
        break;
      case 'x':
        opts |= PCRE2_EXTENDED;
        break;
      case 'A':
        opts |= PCRE2_ANCHORED;
        break;
      case 'E':
        opts |= PCRE2_DOLLAR_ENDONLY;
        break;
      case 'U':
        opts |= PCRE2_UNGREEDY;
        break;
      default:
        break;  // g, r, e: ClamAV's own
    }
  }
  return opts;
}

bool HasFlag(const std::string& flags, char f) {
  return flags.find(f) != std::string::npos;
}

// The window the regex searches: subject [begin, end) of the data, whether
// each attempt is anchored, and the last allowed match start (relative).
struct Window {
  size_t begin = 0;
  size_t end = 0;
  bool anchored = false;
  size_t last_start = SIZE_MAX;
};

std::optional<Window> PcreWindow(const sigs::PcreSubsig& pcre, size_t size) {
  auto range = StartRange(pcre.offset, size);
  if (!range) return std::nullopt;
  Window w{range->first, size, false, SIZE_MAX};
  if (pcre.offset.kind == sigs::Offset::Kind::kAny) return w;
  if (pcre.offset.max_shift == 0) {
    w.anchored = !HasFlag(pcre.flags, 'r');
  } else if (HasFlag(pcre.flags, 'e')) {
    w.end = static_cast<size_t>(
        std::min<uint64_t>(size, range->first + pcre.offset.max_shift));
  } else {
    w.last_start = static_cast<size_t>(pcre.offset.max_shift);
  }
  return w;
}

}  // namespace

std::optional<uint64_t> PcreMatchCount(const sigs::PcreSubsig& pcre,
                                       ByteView data) {
  int err = 0;
  PCRE2_SIZE err_off = 0;
  std::unique_ptr<pcre2_code, CodeDeleter> code(pcre2_compile(
      reinterpret_cast<PCRE2_SPTR>(pcre.regex.data()), pcre.regex.size(),
      CompileOptions(pcre.flags), &err, &err_off, nullptr));
  if (!code) return std::nullopt;
  auto window = PcreWindow(pcre, data.size());
  if (!window) return 0;
  std::unique_ptr<pcre2_match_data, MatchDataDeleter> md(
      pcre2_match_data_create_from_pattern(code.get(), nullptr));
  std::unique_ptr<pcre2_match_context, ContextDeleter> ctx(
      pcre2_match_context_create(nullptr));
  pcre2_set_match_limit(ctx.get(), 100000);
  pcre2_set_depth_limit(ctx.get(), 2000);

  auto subject = reinterpret_cast<PCRE2_SPTR>(AsU8(data) + window->begin);
  size_t length = window->end - window->begin;
  bool global = HasFlag(pcre.flags, 'g');
  uint64_t count = 0;
  size_t pos = 0;
  while (pos <= length) {
    int rc =
        pcre2_match(code.get(), subject, length, pos,
                    window->anchored ? PCRE2_ANCHORED : 0, md.get(), ctx.get());
    if (rc < 0) break;
    const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md.get());
    if (ov[0] > window->last_start) break;
    ++count;
    if (!global) break;
    pos = ov[1] > ov[0] ? ov[1] : ov[1] + 1;
  }
  return count;
}

namespace {

int DigitValue(uint8_t c, bool hex) {
  if (c >= '0' && c <= '9') return c - '0';
  if (!hex) return -1;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The digits at `pos`, as many as are valid, at most `n`.
std::vector<int> ReadDigits(ByteView data, size_t pos, size_t n, bool hex) {
  std::vector<int> digits;
  const uint8_t* d = AsU8(data);
  while (digits.size() < n && pos + digits.size() < data.size()) {
    int v = DigitValue(d[pos + digits.size()], hex);
    if (v < 0) break;
    digits.push_back(v);
  }
  return digits;
}

// Big endian: the digits as a number. Little endian (hex only): the complete
// digit pairs are bytes, least significant first; an odd last digit is
// dropped.
int64_t DigitsValue(const std::vector<int>& digits, bool hex, bool little) {
  uint64_t v = 0;
  if (!little) {
    for (int d : digits) v = v * (hex ? 16 : 10) + static_cast<uint64_t>(d);
    return static_cast<int64_t>(v);
  }
  for (size_t i = digits.size() / 2; i > 0; --i) {
    v = v * 256 +
        static_cast<uint64_t>(digits[2 * i - 2] * 16 + digits[2 * i - 1]);
  }
  return static_cast<int64_t>(v);
}

// Text (h, d, a): the valid digits, at most num_bytes, are the value (0 when
// there are none). Only a big-endian exact read fails on fewer digits; a
// little-endian hex read ignores `e`. `a` reads hex after "0x", else decimal.
std::optional<int64_t> TextValue(const sigs::ByteCompare& bc, ByteView data,
                                 size_t pos) {
  using Base = sigs::ByteCompare::Base;
  const uint8_t* d = AsU8(data);
  bool hex = bc.base == Base::kHex;
  size_t n = bc.num_bytes;
  if (bc.base == Base::kAuto && pos + 1 < data.size() && d[pos] == '0' &&
      (d[pos + 1] == 'x' || d[pos + 1] == 'X')) {
    hex = true;
    pos += 2;
    n = n >= 2 ? n - 2 : 0;
  }
  bool little = hex && bc.little_endian;
  std::vector<int> digits = ReadDigits(data, pos, n, hex);
  if (bc.exact && !little && digits.size() != n) return std::nullopt;
  return DigitsValue(digits, hex, little);
}

// Raw (i): 1, 2 or 4 bytes unsigned; 8 bytes a signed 64-bit value.
std::optional<int64_t> RawValue(const sigs::ByteCompare& bc, ByteView data,
                                size_t pos) {
  size_t n = bc.num_bytes;
  if (n != 1 && n != 2 && n != 4 && n != 8) return std::nullopt;
  if (pos + n > data.size()) return std::nullopt;
  const uint8_t* d = AsU8(data) + pos;
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) {
    size_t k = bc.little_endian ? n - 1 - i : i;
    v = (v << 8) | d[k];
  }
  return static_cast<int64_t>(v);
}

bool Compare(const sigs::ByteCompare::Comparison& c, int64_t v) {
  using Op = sigs::ByteCompare::Comparison::Op;
  auto x = static_cast<int64_t>(c.value);
  switch (c.op) {
    case Op::kLess:
      return v < x;
    case Op::kGreater:
      return v > x;
    case Op::kEqual:
      return v == x;
  }
  return false;
}

}  // namespace

uint64_t ByteCompareCount(const sigs::ByteCompare& bc,
                          const std::vector<Match>& trigger_matches,
                          ByteView data) {
  if (trigger_matches.empty()) return 0;
  // The last match: greatest end, and of those the greatest start.
  Match last = *std::max_element(trigger_matches.begin(), trigger_matches.end(),
                                 [](const Match& a, const Match& b) {
                                   return std::tie(a.second, a.first) <
                                          std::tie(b.second, b.first);
                                 });
  int64_t pos = static_cast<int64_t>(last.first) + bc.offset;
  if (pos < 0 || static_cast<uint64_t>(pos) >= data.size()) return 0;
  auto upos = static_cast<size_t>(pos);
  std::optional<int64_t> v = bc.base == sigs::ByteCompare::Base::kRaw
                                 ? RawValue(bc, data, upos)
                                 : TextValue(bc, data, upos);
  if (!v || bc.comparisons.empty()) return 0;
  for (const auto& c : bc.comparisons) {
    if (!Compare(c, *v)) return 0;
  }
  return 1;
}

}  // namespace vigil::reference
