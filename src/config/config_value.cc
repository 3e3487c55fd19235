#include "config/config_value.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <optional>
#include <regex>
#include <string>

namespace vigil::config {
namespace {

constexpr uint64_t kMaxNumber = std::numeric_limits<int32_t>::max();
constexpr uint64_t kMaxSize = std::numeric_limits<int64_t>::max();
constexpr uint64_t kMaxMode = 07777;
constexpr uint64_t kMaxPort = 65535;
// std::regex parses recursively: deeper groups than this are refused
// rather than risk the stack.
constexpr int kMaxRegexDepth = 64;
constexpr size_t kMaxCountDigits = 6;
constexpr uint64_t kMaxCount = 100000;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

char Lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

// Digits in `base` (8 or 10), saturating at 2^64-1. nullopt: a digit
// outside the base, or no digit.
std::optional<uint64_t> ReadDigits(std::string_view digits, unsigned base) {
  if (digits.empty()) return std::nullopt;
  uint64_t v = 0;
  bool overflow = false;
  for (char c : digits) {
    if (!IsDigit(c)) return std::nullopt;
    const unsigned d = static_cast<unsigned>(c - '0');
    if (d >= base) return std::nullopt;
    if (v > (std::numeric_limits<uint64_t>::max() - d) / base) overflow = true;
    if (!overflow) v = v * base + d;
  }
  return overflow ? std::numeric_limits<uint64_t>::max() : v;
}

CheckedValue Bad(const KeySpec& key, std::string_view text,
                 std::string_view what) {
  CheckedValue r;
  r.error = "bad value " + QuoteForMessage(text) + " for " +
            std::string(key.name) + " (" + std::string(what) + ")";
  return r;
}

CheckedValue CheckBool(const KeySpec& key, std::string_view text) {
  CheckedValue r;
  for (std::string_view yes : {"yes", "true", "1"}) {
    if (EqualsNoCase(text, yes)) r.value.boolean = true;
  }
  if (r.value.boolean) return r;
  for (std::string_view no : {"no", "false", "0"}) {
    if (EqualsNoCase(text, no)) return r;
  }
  return Bad(key, text, "yes/no, true/false or 1/0");
}

CheckedValue CheckNumber(const KeySpec& key, std::string_view text,
                         uint64_t max, std::string_view what) {
  std::optional<uint64_t> v = ReadDigits(text, 10);
  if (!v || *v > max) return Bad(key, text, what);
  CheckedValue r;
  r.value.number = *v;
  return r;
}

uint64_t SizeMultiplier(char suffix) {
  switch (suffix) {
    case 'K':
    case 'k':
      return 1ull << 10;
    case 'M':
    case 'm':
      return 1ull << 20;
    case 'G':
    case 'g':
      return 1ull << 30;
    default:
      return 1;
  }
}

CheckedValue CheckSize(const KeySpec& key, std::string_view text) {
  const uint64_t mult = SizeMultiplier(text.back());
  const std::string_view digits =
      mult == 1 ? text : text.substr(0, text.size() - 1);
  constexpr std::string_view kWhat =
      "a size: digits with an optional K, M or G suffix";
  if (!ReadDigits(digits, 10)) return Bad(key, text, kWhat);
  const bool octal = digits.size() > 1 && digits[0] == '0';
  std::optional<uint64_t> v = ReadDigits(digits, octal ? 8 : 10);
  if (!v) {
    return Bad(key, text,
               "clamd reads a size with a leading 0 as octal, and 8 and 9 "
               "are not octal digits");
  }
  CheckedValue r;
  if (*v > kMaxSize / mult) {
    r.value.number = kMaxSize;
    r.warning = "size " + QuoteForMessage(text) + " for " +
                std::string(key.name) + " is too large: using " +
                std::to_string(kMaxSize) + ", as clamd does";
    return r;
  }
  r.value.number = *v * mult;
  if (octal && *v != *ReadDigits(digits, 10)) {
    r.warning = "size " + QuoteForMessage(text) + " for " +
                std::string(key.name) +
                " starts with 0 and is read as octal, " +
                std::to_string(r.value.number) + " bytes, as clamd does";
  }
  return r;
}

CheckedValue CheckChoice(const KeySpec& key, std::string_view text) {
  std::string_view rest = key.choices;
  while (!rest.empty()) {
    const size_t bar = rest.find('|');
    const std::string_view word = rest.substr(0, bar);
    if (EqualsNoCase(text, word)) {
      CheckedValue r;
      r.value.text = text;
      return r;
    }
    rest = bar == std::string_view::npos ? "" : rest.substr(bar + 1);
  }
  std::string what = "one of ";
  for (char c : key.choices)
    what += c == '|' ? std::string(", ") : std::string(1, c);
  return Bad(key, text, what);
}

int GroupDepth(std::string_view re) {
  int depth = 0, deepest = 0;
  for (size_t i = 0; i < re.size(); ++i) {
    if (re[i] == '\\') {
      ++i;
    } else if (re[i] == '(') {
      deepest = std::max(deepest, ++depth);
    } else if (re[i] == ')' && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

// libstdc++'s regex compiler reads a {m,n} count into a long without an
// overflow check (undefined behaviour, found by fuzzing), and a count past
// its limit of 100000 NFA states fails anyway, after building them all
// (seconds under a sanitizer). Such counts are refused first. A '{' inside
// a bracket expression is taken for a count too: that may refuse a valid
// pattern, never let a bad one through.
bool HasHugeCount(std::string_view re) {
  auto count_too_big = [&re](size_t& i) {
    size_t digits = 0;
    uint64_t value = 0;
    for (; i < re.size() && IsDigit(re[i]); ++i, ++digits) {
      if (digits < kMaxCountDigits) value = value * 10 + (re[i] - '0');
    }
    return digits > kMaxCountDigits || value > kMaxCount;
  };
  for (size_t i = 0; i < re.size(); ++i) {
    if (re[i] == '\\') {
      ++i;
      continue;
    }
    if (re[i] != '{') continue;
    ++i;
    if (count_too_big(i)) return true;
    if (i < re.size() && re[i] == ',') {
      ++i;
      if (count_too_big(i)) return true;
    }
    --i;
  }
  return false;
}

CheckedValue CheckRegex(const KeySpec& key, std::string_view text) {
  CheckedValue r;
  r.value.text = text;
  std::string why;
  if (GroupDepth(text) > kMaxRegexDepth) {
    why = "groups nested too deeply";
  } else if (HasHugeCount(text)) {
    why = "a repetition count too large";
  } else {
    try {
      std::regex compiled(text.begin(), text.end(), std::regex::extended);
    } catch (const std::regex_error& e) {
      why = e.what();
    }
  }
  if (!why.empty()) {
    r.drop = true;
    r.warning = std::string(key.name) + " " + QuoteForMessage(text) +
                " is not a valid extended regular expression (" + why +
                "): ignored (clamd never matches it)";
  }
  return r;
}

}  // namespace

CheckedValue CheckValue(const KeySpec& key, std::string_view text) {
  CheckedValue r;
  switch (key.type) {
    case ValueType::kBool:
      return CheckBool(key, text);
    case ValueType::kNumber:
      return CheckNumber(key, text, kMaxNumber, "a number, at most 2147483647");
    case ValueType::kPort:
      return CheckNumber(key, text, kMaxPort, "a port number, 0 to 65535");
    case ValueType::kSize:
      return CheckSize(key, text);
    case ValueType::kChoice:
      return CheckChoice(key, text);
    case ValueType::kMode: {
      std::optional<uint64_t> v = ReadDigits(text, 8);
      if (!v || *v > kMaxMode) {
        return Bad(key, text, "an octal permission mode such as 660");
      }
      r.value.number = *v;
      return r;
    }
    case ValueType::kRegex:
      return CheckRegex(key, text);
    case ValueType::kString:
    case ValueType::kAny:
      r.value.text = text;
      return r;
  }
  return r;
}

std::string QuoteForMessage(std::string_view text) {
  constexpr size_t kMaxShown = 80;
  std::string out = "'";
  for (size_t i = 0; i < text.size() && i < kMaxShown; ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      char buf[5];
      std::snprintf(buf, sizeof(buf), "\\x%02x", c);
      out += buf;
    }
  }
  if (text.size() > kMaxShown) out += "...";
  return out + "'";
}

}  // namespace vigil::config
