// Text primitives shared by the ClamAV database parsers.
//
// ClamAV's loader is written against the C library: numbers go through
// atoi/strtol/sscanf("%u"), lines through fgets into fixed buffers, fields
// through a tokenizer that splits on every separator. Accepting exactly what
// ClamAV accepts means reproducing those conventions (a leading space or '+'
// is fine for atoi, an overflowing value wraps when stored into an int), so
// they live here, once, each named for the convention it follows.
// Tested by tests/unit/sigs/text_test.cc.
#ifndef VIGIL_SIGS_CLAMAV_TEXT_H_
#define VIGIL_SIGS_CLAMAV_TEXT_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace vigil::sigs::clamav {

// Line buffers of ClamAV 1.4 (bytes per read including the '\n'); a longer
// line is split by fgets and then fails to parse, so vigil rejects it.
inline constexpr size_t kLineBuffer = 8191;
inline constexpr size_t kLogicalLineBuffer = 32768;

// Iterates the lines of a database. Lines end at '\n'; every trailing '\r'
// and '\n' is removed (ClamAV's cli_chomp); no other whitespace is touched.
class LineReader {
 public:
  LineReader(std::string_view text, size_t max_line)
      : text_(text), max_line_(max_line) {}

  // Advances to the next line; false at the end of the text.
  bool Next();
  std::string_view line() const { return line_; }
  uint32_t number() const { return number_; }
  // The raw line, with its newline, exceeded `max_line`.
  bool too_long() const { return too_long_; }

 private:
  std::string_view text_;
  size_t max_line_;
  size_t pos_ = 0;
  std::string_view line_;
  uint32_t number_ = 0;
  bool too_long_ = false;
};

// Splits `s` at every `sep` (empty fields kept). Fills at most out.size()
// fields and returns how many fields `s` has in total.
size_t SplitFields(std::string_view s, char sep,
                   std::span<std::string_view> out);

// --- C library number conventions

// cli_isnumber(): every character is a decimal digit (true when empty).
bool IsAllDigits(std::string_view s);

struct StrtolResult {
  int64_t value = 0;    // saturated at the int64 range, as glibc's long
  size_t consumed = 0;  // characters used (0: no number found)
};
// strtol(s, &end, 10): leading whitespace, optional sign, digits.
StrtolResult Strtol(std::string_view s);

// atoi(): strtol's value truncated to int (two's complement wrap).
int32_t Atoi(std::string_view s);

// sscanf(s, "%u"): leading whitespace, optional sign, at least one digit;
// the value wraps modulo 2^32 (a '-' negates it). nullopt without digits.
// `consumed` receives the characters used.
std::optional<uint32_t> ScanUnsigned(std::string_view s, size_t* consumed);

// --- hex

// Value of a hex digit (either case), or -1.
int HexDigit(char c);
bool IsHexString(std::string_view s);
// Decodes 2*out.size() hex digits. REQUIRES: hex.size() == 2 * out.size().
bool DecodeHex(std::string_view hex, std::span<uint8_t> out);

}  // namespace vigil::sigs::clamav

#endif  // VIGIL_SIGS_CLAMAV_TEXT_H_
