#include "filetype/body_pattern.h"

#include <gtest/gtest.h>

#include <chrono>
#include <random>

#include "test_bytes.h"

namespace vigil::filetype::internal {
namespace {

using testing::Hex;
using testing::View;

std::optional<size_t> LastEnd(std::string_view pattern, const std::string& data,
                              size_t lo = 0, size_t hi = SIZE_MAX) {
  auto p = BodyPattern::Parse(pattern);
  EXPECT_TRUE(p.has_value()) << pattern;
  return p ? p->LastMatchEnd(View(data), lo, hi) : std::nullopt;
}

TEST(BodyPattern, RejectsBadSyntax) {
  for (std::string_view bad : {"", "4", "zz", "4d{", "{2}4d", "4d{2}", "(4d|5)",
                               "4d*", "*4d", "4d{5-2}00", "4d{x}00"}) {
    EXPECT_FALSE(BodyPattern::Parse(bad).has_value()) << bad;
  }
}

TEST(BodyPattern, LiteralFindsLastOccurrence) {
  EXPECT_EQ(LastEnd("6162", "xxabxxabx"), 8u);
  EXPECT_EQ(LastEnd("6162", "xxabxxabx", 0, 3), 4u);
  EXPECT_EQ(LastEnd("6162", "xxabxxabx", 3, 3), std::nullopt);
  EXPECT_EQ(LastEnd("6162", "ab"), 2u);
  EXPECT_EQ(LastEnd("6162", "a"), std::nullopt);
}

TEST(BodyPattern, WildcardsAndAlternatives) {
  EXPECT_EQ(LastEnd("61??63", "xa.cx"), 4u);
  EXPECT_EQ(LastEnd("6?63", "xqcx"), std::nullopt);  // 'q' is 0x71
  EXPECT_EQ(LastEnd("6?63", "xacx"), 3u);
  EXPECT_EQ(LastEnd("?163", "xqcx"), 3u);
  EXPECT_EQ(LastEnd("(68|48)69", "xHi"), 3u);
  EXPECT_EQ(LastEnd("(68|48)69", "xGi"), std::nullopt);
}

TEST(BodyPattern, BoundedGaps) {
  std::string pe = Hex("4d5a") + std::string(60, '\0') + Hex("50450000");
  EXPECT_EQ(LastEnd("4d5a{60-300}50450000", pe), pe.size());
  EXPECT_EQ(LastEnd("4d5a{60-300}50450000",
                    Hex("4d5a") + std::string(59, '\0') + Hex("50450000")),
            std::nullopt);
  EXPECT_EQ(LastEnd("6162{2}6364", "ab..cd"), 6u);
  EXPECT_EQ(LastEnd("6162{-3}6364", "abcd"), 4u);
  EXPECT_EQ(LastEnd("6162{-3}6364", "ab...cd"), 7u);
  EXPECT_EQ(LastEnd("6162{-3}6364", "ab....cd"), std::nullopt);
}

// The split walk (one ranged gap) must agree with trying every start.
TEST(BodyPattern, RangedGapMatchesBruteForce) {
  auto p = BodyPattern::Parse("4d5a{3-6}5045");
  ASSERT_TRUE(p.has_value());
  std::mt19937 rng(3);
  for (int round = 0; round < 2000; ++round) {
    std::string s;
    size_t n = rng() % 40;
    for (size_t i = 0; i < n; ++i) s += "MZPEx"[rng() % 5];
    size_t lo = rng() % 10, hi = lo + rng() % 40;
    std::optional<size_t> brute;
    for (size_t st = lo; st <= hi && st + 2 <= s.size(); ++st) {
      if (s.compare(st, 2, "MZ") != 0) continue;
      for (size_t gap = 3; gap <= 6; ++gap) {
        size_t at = st + 2 + gap;
        if (at + 2 <= s.size() && s.compare(at, 2, "PE") == 0 &&
            (!brute || at + 2 > *brute)) {
          brute = at + 2;
        }
      }
    }
    EXPECT_EQ(p->LastMatchEnd(View(s), lo, hi), brute)
        << s << " " << lo << " " << hi;
  }
}

TEST(BodyPattern, RangedGapIsLinear) {
  // Every "MZ" is a candidate start; the PE marker must not retry its gap.
  std::string mz;
  for (int i = 0; i < (4 << 20); ++i) mz += "MZ";
  auto p = BodyPattern::Parse("4d5a{60-300}50450000");
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(p->LastMatchEnd(View(mz), 0, SIZE_MAX), std::nullopt);
  EXPECT_EQ(p->LastMatchEnd(
                View(mz + std::string(60, 'x') + "PE" + std::string(2, '\0')),
                0, SIZE_MAX),
            mz.size() + 64);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(BodyPattern, StarPartsMustNotOverlap) {
  EXPECT_EQ(LastEnd("3c4120*68726566", "<A href"), 7u);
  EXPECT_EQ(LastEnd("3c4120*68726566", "href <A "), std::nullopt);
  // The last end of the final part after the earliest first part.
  EXPECT_EQ(LastEnd("3c4120*68726566", "<A href <A href x"), 15u);
  EXPECT_EQ(LastEnd("616263*636465", "abcde"), std::nullopt);
  EXPECT_EQ(LastEnd("616263*636465", "abccde"), 6u);
}

TEST(BodyPattern, StartWindow) {
  EXPECT_EQ(LastEnd("6162", "abab", 1, 5), 4u);
  EXPECT_EQ(LastEnd("6162", "abab", 0, 1), 2u);
  EXPECT_EQ(LastEnd("6162", "abab", 7, 9), std::nullopt);
}

TEST(BodyPattern, MinLength) {
  EXPECT_EQ(BodyPattern::Parse("4d5a{60-300}50450000")->min_length(), 66u);
  EXPECT_EQ(BodyPattern::Parse("3c4120*(68|48)(72|52)4546")->min_length(), 7u);
}

}  // namespace
}  // namespace vigil::filetype::internal
