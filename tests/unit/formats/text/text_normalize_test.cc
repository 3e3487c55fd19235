#include "formats/text/text_normalize.h"

#include <gtest/gtest.h>

#include <string>

namespace vigil::formats {
namespace {

std::string N(const std::string& in, TextNormalizeOptions o = {}) {
  std::vector<std::byte> out;
  NormalizeText(AsBytes(in), &out, o);
  return std::string(AsChars(out));
}

TEST(NormalizeText, LowerCasesLettersOnly) {
  EXPECT_EQ(N("Hello WORLD 123 !@#[]^_`{|}~"), "hello world 123 !@#[]^_`{|}~");
}

TEST(NormalizeText, SqueezesWhitespace) {
  EXPECT_EQ(N("a  \t\r\n\v\fb"), "a b");
  EXPECT_EQ(N("  a"), " a");
  EXPECT_EQ(N("a\n"), "a ");
  EXPECT_EQ(N("\n\n\n"), " ");
}

TEST(NormalizeText, DropsControlAndHighBytes) {
  EXPECT_EQ(N(std::string("a\x00\x01\x08\x0e\x1f\x1b"
                          "b",
                          8)),
            "ab");
  EXPECT_EQ(N("caf\xc3\xa9 \xff\x80x"), "caf x");
  EXPECT_EQ(N("a\x7f"
              "b"),
            "a\x7f"
            "b");  // DEL is kept
  // Dropped bytes do not end a whitespace run.
  EXPECT_EQ(N("a \x01 \xff b"), "a b");
  // UTF-16 text keeps its ASCII letters.
  EXPECT_EQ(N(std::string("H\0i\0 \0", 6)), "hi ");
}

TEST(NormalizeText, EveryByte) {
  for (int b = 0; b < 256; ++b) {
    std::string out = N(std::string("xa") + static_cast<char>(b) + "bx");
    char c = static_cast<char>(b);
    if (b == 9 || b == 10 || b == 11 || b == 12 || b == 13 || b == 32) {
      EXPECT_EQ(out, "xa bx") << b;
    } else if (b < 0x21 || b > 0x7f) {
      EXPECT_EQ(out, "xabx") << b;
    } else if (b >= 'A' && b <= 'Z') {
      EXPECT_EQ(out, std::string("xa") + static_cast<char>(b + 32) + "bx") << b;
    } else {
      EXPECT_EQ(out, std::string("xa") + c + "bx") << b;
    }
  }
}

TEST(NormalizeText, ReplacesOutput) {
  std::vector<std::byte> out(5, std::byte{'z'});
  NormalizeText(AsBytes("AB"), &out);
  EXPECT_EQ(std::string(AsChars(out)), "ab");
  NormalizeText(ByteView(), &out);
  EXPECT_TRUE(out.empty());
}

// A whitespace run split by a block boundary gets a second space.
TEST(NormalizeText, SigtoolBlocksEvery128KiB) {
  TextNormalizeOptions o;
  o.blocks = TextNormalizeOptions::Blocks::kSigtool;
  std::string in = std::string(131071, 'x') + "  y";
  EXPECT_EQ(N(in, o).substr(131070), "x  y");
  EXPECT_EQ(N(std::string(131072, 'x') + "  y", o).substr(131071), "x y");
  o.blocks = TextNormalizeOptions::Blocks::kNone;
  EXPECT_EQ(N(in, o).substr(131070), "x y");
}

TEST(NormalizeText, ScannerBlocksFollowPagesAndPatternLength) {
  // 'a' at 131070, spaces at 131071 and 131072, then 20 more bytes: the
  // page at 131072 does not fit the first block (128 KiB + 5).
  TextNormalizeOptions o;
  o.max_pattern_length = 5;
  std::string tail = " " + std::string(18, 'b') + "\n";
  std::string in = std::string(131070, 'x') + "a " + tail;
  EXPECT_EQ(N(in, o).substr(131070, 5), "a  bb");
  // Drop 15 bytes in the first page: the output then fits, no new block.
  std::string shifted =
      std::string(15, '\x01') + std::string(131055, 'x') + "a " + tail;
  EXPECT_EQ(N(shifted, o).substr(131055, 4), "a bb");
  // ... but 14 dropped bytes leave one byte too many.
  std::string shifted14 =
      std::string(14, '\x01') + std::string(131056, 'x') + "a " + tail;
  EXPECT_EQ(N(shifted14, o).substr(131056, 5), "a  bb");
}

TEST(NormalizeText, ScannerBlocksKeepAnOverlap) {
  // Second block: starts with max_pattern_length bytes of the first.
  TextNormalizeOptions o;
  o.max_pattern_length = 5;
  auto second = [&](size_t dropped) {
    std::string in = std::string(131072, 'x') + std::string(dropped, '\x01') +
                     std::string(131072 - dropped - 2, 'x') + "a  " +
                     std::string(18, 'b') + "\n";
    std::string out = N(in, o);
    return out.find("a  b") != std::string::npos;
  };
  EXPECT_TRUE(second(19));   // observed on clamscan: new block
  EXPECT_FALSE(second(20));  // observed on clamscan: same block
}

}  // namespace
}  // namespace vigil::formats
