#include "sigs/clamav/text.h"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

namespace vigil::sigs::clamav {
namespace {

TEST(SigsText, AtoiFollowsTheCLibrary) {
  EXPECT_EQ(Atoi("73"), 73);
  EXPECT_EQ(Atoi(" 73"), 73);
  EXPECT_EQ(Atoi("+73"), 73);
  EXPECT_EQ(Atoi("73a"), 73);
  EXPECT_EQ(Atoi("abc"), 0);
  EXPECT_EQ(Atoi(""), 0);
  EXPECT_EQ(Atoi("-5"), -5);
  EXPECT_EQ(Atoi("4294967296"), 0);  // stored into an int: wraps
  EXPECT_EQ(Atoi("4294967512"), 216);
  EXPECT_EQ(Atoi("99999999999999999999"), -1);  // saturates, then wraps
}

TEST(SigsText, StrtolReportsWhatItUsed) {
  StrtolResult r = Strtol("  42xyz");
  EXPECT_EQ(r.value, 42);
  EXPECT_EQ(r.consumed, 4u);
  EXPECT_EQ(Strtol("x").consumed, 0u);
  EXPECT_EQ(Strtol("-9223372036854775809").value, INT64_MIN);
}

TEST(SigsText, ScanUnsignedFollowsScanf) {
  size_t used = 0;
  EXPECT_EQ(ScanUnsigned(" 12-3", &used), 12u);
  EXPECT_EQ(used, 3u);
  EXPECT_EQ(ScanUnsigned("-1", nullptr), 0xffffffffu);
  EXPECT_EQ(ScanUnsigned("4294967297", nullptr), 1u);
  EXPECT_FALSE(ScanUnsigned("a", nullptr).has_value());
  EXPECT_FALSE(ScanUnsigned("", nullptr).has_value());
}

TEST(SigsText, IsAllDigitsAcceptsEmpty) {
  EXPECT_TRUE(IsAllDigits(""));
  EXPECT_TRUE(IsAllDigits("0123"));
  EXPECT_FALSE(IsAllDigits(" 1"));
  EXPECT_FALSE(IsAllDigits("-1"));
}

TEST(SigsText, SplitFieldsKeepsEmptyFields) {
  std::array<std::string_view, 3> f;
  EXPECT_EQ(SplitFields("a::b:c", ':', f), 4u);
  EXPECT_EQ(f[0], "a");
  EXPECT_EQ(f[1], "");
  EXPECT_EQ(f[2], "b");
  EXPECT_EQ(SplitFields("", ':', f), 1u);
}

TEST(SigsText, LineReaderStripsLineEnds) {
  LineReader r("a\r\nb\r\r\n\nc", 100);
  std::vector<std::string> lines;
  while (r.Next()) lines.emplace_back(r.line());
  EXPECT_EQ(lines, (std::vector<std::string>{"a", "b", "", "c"}));
  EXPECT_EQ(r.number(), 4u);
}

TEST(SigsText, LineReaderFlagsLinesLongerThanTheBuffer) {
  std::string text = std::string(10, 'x') + "\n" + std::string(9, 'y') + "\n";
  LineReader r(text, 10);
  ASSERT_TRUE(r.Next());
  EXPECT_TRUE(r.too_long());  // 10 characters plus the newline
  ASSERT_TRUE(r.Next());
  EXPECT_FALSE(r.too_long());
}

TEST(SigsText, Hex) {
  EXPECT_EQ(HexDigit('a'), 10);
  EXPECT_EQ(HexDigit('F'), 15);
  EXPECT_EQ(HexDigit('g'), -1);
  std::array<uint8_t, 2> out{};
  EXPECT_TRUE(DecodeHex("aBcD", out));
  EXPECT_EQ(out[0], 0xab);
  EXPECT_FALSE(DecodeHex("zz00", out));
}

}  // namespace
}  // namespace vigil::sigs::clamav
