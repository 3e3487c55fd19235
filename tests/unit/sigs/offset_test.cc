#include "sigs/clamav/offset.h"

#include <gtest/gtest.h>

namespace vigil::sigs::clamav {
namespace {

using K = Offset::Kind;

ParsedOffset Ok(std::string_view text, uint32_t target = 1) {
  ParsedOffset out;
  ParseStatus st = ParseOffset(text, target, &out);
  EXPECT_TRUE(st.ok()) << text << ": " << (st.ok() ? "" : st.message());
  return out;
}

std::string Code(std::string_view text, uint32_t target = 1) {
  ParsedOffset out;
  ParseStatus st = ParseOffset(text, target, &out);
  return st.ok() ? "OK" : std::string(DiagId(st.code()));
}

TEST(SigsOffset, EveryForm) {
  EXPECT_EQ(Ok("*").offset.kind, K::kAny);
  ParsedOffset abs = Ok("12");
  EXPECT_EQ(abs.offset.kind, K::kAbsolute);
  EXPECT_EQ(abs.offset.value, 12u);
  EXPECT_EQ(Ok("").offset.kind, K::kAbsolute);  // empty is 0
  EXPECT_EQ(Ok("EOF-5").offset.kind, K::kEofMinus);
  EXPECT_EQ(Ok("EOF-").offset.value, 0u);
  EXPECT_EQ(Ok("EP+3").offset.kind, K::kEpPlus);
  EXPECT_EQ(Ok("EP-3").offset.kind, K::kEpMinus);
  ParsedOffset sx = Ok("S2+7");
  EXPECT_EQ(sx.offset.kind, K::kSectionPlus);
  EXPECT_EQ(sx.offset.section, 2u);
  EXPECT_EQ(sx.offset.value, 7u);
  EXPECT_EQ(Ok("SE4").offset.section, 4u);
  EXPECT_EQ(Ok("SL+9").offset.kind, K::kLastSectionPlus);
  EXPECT_EQ(Ok("VI").offset.kind, K::kVersionInfo);
  ParsedOffset macro = Ok("$31", 0);
  EXPECT_EQ(macro.offset.kind, K::kMacro);
  EXPECT_EQ(macro.offset.value, 31u);
}

TEST(SigsOffset, Floating) {
  ParsedOffset f = Ok("10,5", 0);
  EXPECT_TRUE(f.floating);
  EXPECT_EQ(f.offset.value, 10u);
  EXPECT_EQ(f.offset.max_shift, 5u);
  EXPECT_TRUE(Ok("EP+1,0").floating);
  EXPECT_FALSE(Ok("EP+1").floating);
  EXPECT_EQ(Code("*,3"), "E0304");
  EXPECT_EQ(Code("5,a"), "E0305");
  EXPECT_EQ(Code("5, 5"), "E0305");
  EXPECT_EQ(Code("5,10,15"), "E0305");
}

TEST(SigsOffset, ClamAvNumberConventions) {
  EXPECT_EQ(Code(" 5", 0), "E0304");
  EXPECT_EQ(Code("+5", 0), "E0304");
  EXPECT_EQ(Code("EP+ 5"), "E0304");
  EXPECT_EQ(Ok("4294967296", 0).offset.value, 0u);       // wraps
  EXPECT_EQ(Ok("S 0+5a").offset.kind, K::kSectionPlus);  // sscanf
  EXPECT_EQ(Ok("VIanything").offset.kind, K::kVersionInfo);
  EXPECT_EQ(Code("S0-5"), "E0304");
  EXPECT_EQ(Code("SEa"), "E0306");
  EXPECT_EQ(Code("$32", 0), "E0308");
  EXPECT_EQ(Code("$a", 0), "E0308");
  EXPECT_EQ(Code("EOF+5", 0), "E0304");
  EXPECT_EQ(Code("eof-5", 0), "E0304");
}

TEST(SigsOffset, ExecutableOffsetsNeedExecutableTargets) {
  EXPECT_EQ(Code("EP+0", 0), "E0307");
  EXPECT_EQ(Code("VI", 2), "E0307");
  EXPECT_EQ(Code("EP+0", 6), "OK");
  EXPECT_EQ(Code("SE1", 9), "OK");
  EXPECT_EQ(Code("EOF-1", 2), "OK");
  EXPECT_EQ(Code("$1", 3), "OK");
}

}  // namespace
}  // namespace vigil::sigs::clamav
