#include "filetype/text_class.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "test_bytes.h"

namespace vigil::filetype::internal {
namespace {

using testing::Fill;
using testing::Hex;
using testing::View;

TEST(TextClass, TextBytes) {
  for (int b = 0; b < 256; ++b) {
    bool expected = (b >= 0x20 && b <= 0x7e) || b >= 0x80 || b == 0x07 ||
                    b == 0x08 || b == 0x09 || b == 0x0a || b == 0x0c ||
                    b == 0x0d || b == 0x1b;
    EXPECT_EQ(IsTextByte(static_cast<uint8_t>(b)), expected) << b;
  }
}

TEST(TextClass, AsciiIncludesHighBytes) {
  EXPECT_EQ(ClassifyText(View("hello world\n")), FileType::kTextAscii);
  EXPECT_EQ(ClassifyText(View("caf\xc3\xa9 \xff\x80\x1b\x07\x08\x0c\r\t")),
            FileType::kTextAscii);
  EXPECT_EQ(ClassifyText(View("\xef\xbb\xbfhello")), FileType::kTextAscii);
}

TEST(TextClass, ByteOrderMarks) {
  EXPECT_EQ(ClassifyText(View(Hex("fffe0000000000"))), FileType::kTextUtf16Le);
  EXPECT_EQ(ClassifyText(View(Hex("feff0000000000"))), FileType::kTextUtf16Be);
  // ASCII is decided first: high bytes are text.
  EXPECT_EQ(ClassifyText(View("\xff\xfe"
                              "abcdef")),
            FileType::kTextAscii);
}

TEST(TextClass, Utf16BeHeuristicSkipsFirstUnit) {
  EXPECT_EQ(ClassifyText(View(std::string("\x00\x01hello", 7))),
            FileType::kTextUtf16Be);
  EXPECT_EQ(ClassifyText(View(std::string("\x00\x01\x00\x01\x00\x01", 6))),
            FileType::kBinaryData);
  EXPECT_EQ(ClassifyText(View(std::string("hello\x00\x01 world", 13))),
            FileType::kTextUtf16Be);
  EXPECT_EQ(ClassifyText(View(std::string("hell\x00\x01 world", 12))),
            FileType::kBinaryData);
  EXPECT_EQ(ClassifyText(View(Fill(40, '\x01'))), FileType::kTextUtf16Be);
  EXPECT_EQ(ClassifyText(View(Fill(40, '\0'))), FileType::kBinaryData);
  // Units 0x00nn are fine when nn is a text byte or >= 0x80.
  EXPECT_EQ(ClassifyText(View(std::string("\x00"
                                          "a\x00"
                                          "b\x00\x80\x00\n",
                                          8))),
            FileType::kTextUtf16Be);
  EXPECT_EQ(ClassifyText(View(std::string("\x00"
                                          "a\x00\x7f",
                                          4))),
            FileType::kBinaryData);
  // An odd last byte is not a unit.
  EXPECT_EQ(ClassifyText(View(std::string("\x00"
                                          "a\x00"
                                          "b\x00",
                                          5))),
            FileType::kTextUtf16Be);
}

std::string Octal(unsigned v, int width) {
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + v % 8));
    v /= 8;
  } while (v);
  return std::string(static_cast<size_t>(
                         std::max(0, width - static_cast<int>(digits.size()))),
                     '0') +
         digits;
}

// A tar header whose checksum field is `lead` + octal(sum + delta, width) +
// `trail`, cut to the field's 8 bytes.
std::string TarHeader(std::string_view lead, int width, std::string_view trail,
                      int delta = 0) {
  std::string h(512, '\0');
  h.replace(0, 8, "file.txt");
  h.replace(100, 8, std::string("0000644\0", 8));
  h.replace(124, 12, std::string("00000000005\0", 12));
  h[156] = '0';
  h.replace(148, 8, "        ");
  unsigned sum = 0;
  for (unsigned char c : h) sum += c;
  std::string f = std::string(lead) +
                  Octal(sum + static_cast<unsigned>(delta), width) +
                  std::string(trail);
  f.resize(std::min<size_t>(8, f.size()));
  h.replace(148, f.size(), f);
  return h;
}

TEST(TextClass, OldTarChecksum) {
  EXPECT_TRUE(IsOldTarHeader(View(TarHeader("", 6, std::string("\0 ", 2)))));
  EXPECT_TRUE(IsOldTarHeader(View(TarHeader("", 7, " "))));
  EXPECT_TRUE(IsOldTarHeader(View(TarHeader("", 8, ""))));
  EXPECT_TRUE(IsOldTarHeader(View(TarHeader("  ", 4, " "))));
  EXPECT_TRUE(IsOldTarHeader(View(TarHeader("", 6, "\t"))));
  EXPECT_FALSE(IsOldTarHeader(View(TarHeader("", 6, "x"))));
  EXPECT_FALSE(IsOldTarHeader(View(TarHeader("", 6, "9"))));
  EXPECT_FALSE(IsOldTarHeader(View(TarHeader("x", 6, " "))));
  EXPECT_FALSE(IsOldTarHeader(View(TarHeader("", 6, " ", 1))));
  EXPECT_FALSE(IsOldTarHeader(View(TarHeader("", 6, " ").substr(0, 511))));
  EXPECT_FALSE(IsOldTarHeader(View(std::string(512, '\0'))));
}

TEST(TextClass, SqueezeUtf16) {
  auto s = SqueezeUtf16(View(std::string("<\x00h\x01", 4)), false);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0], std::byte{'<'});
  EXPECT_EQ(s[1], std::byte{'h' + 0x10});
  auto be = SqueezeUtf16(View(std::string("\x00<\x01\x2c\x05", 5)), true);
  ASSERT_EQ(be.size(), 2u);
  EXPECT_EQ(be[0], std::byte{'<'});
  EXPECT_EQ(be[1], std::byte{'<'});
}

}  // namespace
}  // namespace vigil::filetype::internal
