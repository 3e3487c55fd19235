#include "sigs/clamav/text.h"

#include <cstring>
#include <limits>

namespace vigil::sigs::clamav {

namespace {

// isspace() in the C locale.
bool IsCSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
         c == '\r';
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

struct Magnitude {
  uint64_t value = 0;
  bool negative = false;
  bool overflow = false;
  size_t consumed = 0;  // 0 when there were no digits
};

// The part strtol and strtoul share: whitespace, sign, digits.
Magnitude ReadMagnitude(std::string_view s) {
  Magnitude m;
  size_t i = 0;
  while (i < s.size() && IsCSpace(s[i])) ++i;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    m.negative = s[i] == '-';
    ++i;
  }
  size_t digits_start = i;
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  for (; i < s.size() && IsDigit(s[i]); ++i) {
    uint64_t d = static_cast<uint64_t>(s[i] - '0');
    if (m.value > (kMax - d) / 10) m.overflow = true;
    if (!m.overflow) m.value = m.value * 10 + d;
  }
  if (i > digits_start) m.consumed = i;
  return m;
}

}  // namespace

bool LineReader::Next() {
  if (pos_ >= text_.size()) return false;
  size_t end = text_.find('\n', pos_);
  size_t raw_end = end == std::string_view::npos ? text_.size() : end + 1;
  line_ = text_.substr(pos_, raw_end - pos_);
  too_long_ = line_.size() > max_line_;
  pos_ = raw_end;
  ++number_;
  while (!line_.empty() && (line_.back() == '\n' || line_.back() == '\r')) {
    line_.remove_suffix(1);
  }
  return true;
}

size_t SplitFields(std::string_view s, char sep,
                   std::span<std::string_view> out) {
  size_t count = 0;
  size_t start = 0;
  while (true) {
    size_t end = s.find(sep, start);
    std::string_view field =
        s.substr(start, end == std::string_view::npos ? std::string_view::npos
                                                      : end - start);
    if (count < out.size()) out[count] = field;
    ++count;
    if (end == std::string_view::npos) return count;
    start = end + 1;
  }
}

bool IsAllDigits(std::string_view s) {
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

StrtolResult Strtol(std::string_view s) {
  Magnitude m = ReadMagnitude(s);
  StrtolResult r;
  r.consumed = m.consumed;
  constexpr uint64_t kPosMax = std::numeric_limits<int64_t>::max();
  if (m.negative) {
    r.value = (m.overflow || m.value > kPosMax + 1)
                  ? std::numeric_limits<int64_t>::min()
                  : static_cast<int64_t>(0 - m.value);
  } else {
    r.value = (m.overflow || m.value > kPosMax)
                  ? std::numeric_limits<int64_t>::max()
                  : static_cast<int64_t>(m.value);
  }
  return r;
}

int32_t Atoi(std::string_view s) {
  return static_cast<int32_t>(
      static_cast<uint32_t>(static_cast<uint64_t>(Strtol(s).value)));
}

std::optional<uint32_t> ScanUnsigned(std::string_view s, size_t* consumed) {
  Magnitude m = ReadMagnitude(s);
  if (m.consumed == 0) return std::nullopt;
  if (consumed) *consumed = m.consumed;
  uint64_t v = m.overflow ? std::numeric_limits<uint64_t>::max() : m.value;
  if (m.negative && !m.overflow) v = 0 - v;
  return static_cast<uint32_t>(v);
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsHexString(std::string_view s) {
  for (char c : s) {
    if (HexDigit(c) < 0) return false;
  }
  return true;
}

bool DecodeHex(std::string_view hex, std::span<uint8_t> out) {
  if (hex.size() != out.size() * 2) return false;
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = HexDigit(hex[2 * i]);
    int lo = HexDigit(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return true;
}

}  // namespace vigil::sigs::clamav
