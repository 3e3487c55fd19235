// BodyPattern: the subset of ClamAV's body-signature hex syntax that the
// built-in file-type markers use, and a matcher that answers the one
// question typing asks: where does the last match end?
//
// Syntax: hex bytes "4d5a", any byte "??", nibbles "a?" / "?a", single-byte
// alternatives "(68|48)", bounded gaps "{n}", "{n-m}", "{-m}", and the
// unbounded gap "*". A "*" splits the pattern into parts; as in ClamAV each
// part must start after the previous one ends.
//
// Why "last end": ClamAV reports marker matches in the order their last
// byte is scanned, and a later marker may override an earlier one
// (detect.cc). With one bounded part the matcher tries candidate starts from
// the right and stops once no earlier start can end later; with "*" it takes
// the earliest end of the leading parts and the latest of the final one.
// Cost is linear in the data for the patterns in magic_table.cc (each has at
// most one ranged gap, of at most a few thousand bytes).
//
// Tested by tests/unit/filetype/body_pattern_test.cc.
#ifndef VIGIL_FILETYPE_BODY_PATTERN_H_
#define VIGIL_FILETYPE_BODY_PATTERN_H_

#include <bitset>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/bytes.h"

namespace vigil::filetype::internal {

class BodyPattern {
 public:
  // nullopt when `hex` is not in the supported syntax.
  static std::optional<BodyPattern> Parse(std::string_view hex);

  // One past the last byte of the rightmost-ending match whose first byte
  // lies in [first_start, last_start]; nullopt when there is none.
  std::optional<size_t> LastMatchEnd(ByteView data, size_t first_start,
                                     size_t last_start) const;

  // Shortest possible match.
  size_t min_length() const;

 private:
  // A byte set, or a gap of min..max arbitrary bytes.
  struct Element {
    bool is_gap = false;
    uint32_t min = 0;
    uint32_t max = 0;
    std::bitset<256> bytes;
  };
  // A run of elements without "*".
  struct Part {
    std::vector<Element> elements;
    size_t min_length = 0;
    size_t max_length = 0;
    int first_byte = -1;  // the only byte the part can start with, or -1
    // Set when the part is bytes, one ranged gap, bytes: LatestEnd then
    // walks the matches of both sides instead of trying every gap length.
    size_t gap_index = 0;  // 0: not split
    std::string literal;   // the bytes, when every element is one byte
  };
  struct Ends {
    std::optional<size_t> min;
    std::optional<size_t> max;
  };

  static bool ParsePart(std::string_view text, Part* part);
  static size_t NextStart(const Part& part, ByteView data, size_t from,
                          size_t to);
  static size_t PrevStart(const Part& part, ByteView data, size_t from,
                          size_t to);
  static void Extend(const Part& part, size_t index, ByteView data, size_t pos,
                     Ends* ends);
  static Ends EndsAt(const Part& part, ByteView data, size_t start);
  static std::optional<size_t> EarliestEnd(const Part& part, ByteView data,
                                           size_t lo, size_t hi);
  static std::optional<size_t> LatestEnd(const Part& part, ByteView data,
                                         size_t lo, size_t hi);
  static std::optional<size_t> LatestEndLiteral(const Part& part, ByteView data,
                                                size_t lo, size_t hi);
  static std::optional<size_t> LatestEndSplit(const Part& part, ByteView data,
                                              size_t lo, size_t hi);
  static bool BytesAt(const Part& part, size_t from, size_t to, ByteView data,
                      size_t pos);

  std::vector<Part> parts_;
};

}  // namespace vigil::filetype::internal

#endif  // VIGIL_FILETYPE_BODY_PATTERN_H_
