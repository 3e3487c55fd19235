#include "core/reader.h"

#include <gtest/gtest.h>

namespace vigil::core {
namespace {

TEST(Reader, ReadsIntegersBothEndians) {
  const std::string bytes("\x01\x02\x03\x04\x05\x06\x07\x08", 8);
  Reader r(AsBytes(bytes));
  EXPECT_EQ(r.U16Le(), 0x0201);
  EXPECT_EQ(r.U16Be(), 0x0304);
  EXPECT_EQ(r.U32Le(), 0x08070605u);
  EXPECT_TRUE(r.AtEnd());
}

TEST(Reader, ReadPastEndFailsAndDoesNotMove) {
  const std::string bytes("\x01\x02\x03", 3);
  Reader r(AsBytes(bytes));
  ASSERT_TRUE(r.U8());
  EXPECT_FALSE(r.U32Le());
  EXPECT_EQ(r.position(), 1u);
  EXPECT_FALSE(r.Bytes(3));
  EXPECT_TRUE(r.Bytes(2));
  EXPECT_FALSE(r.U8());
}

TEST(Reader, SeekAndSkipAreChecked) {
  const std::string bytes(10, 'x');
  Reader r(AsBytes(bytes));
  EXPECT_TRUE(r.Seek(10));
  EXPECT_FALSE(r.Seek(11));
  EXPECT_TRUE(r.Seek(4));
  EXPECT_FALSE(r.Skip(7));
  EXPECT_TRUE(r.Skip(6));
  EXPECT_FALSE(Reader::At(AsBytes(bytes), 8, 3));
  EXPECT_FALSE(Reader::At(AsBytes(bytes), ~size_t{0}, 2));
  EXPECT_TRUE(Reader::At(AsBytes(bytes), 8, 2));
}

}  // namespace
}  // namespace vigil::core
