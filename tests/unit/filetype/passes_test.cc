#include <gtest/gtest.h>

#include <vector>

#include "filetype/filetype.h"

namespace vigil::filetype {
namespace {

using B = Pass::Buffer;

uint16_t Mask(std::initializer_list<int> targets) {
  uint16_t m = 0;
  for (int t : targets) m |= TargetBit(static_cast<uint8_t>(t));
  return m;
}

std::vector<std::pair<B, uint16_t>> Flat(std::span<const Pass> passes) {
  std::vector<std::pair<B, uint16_t>> out;
  for (const Pass& p : passes) out.emplace_back(p.buffer, p.target_mask);
  return out;
}

TEST(Passes, RawWithOwnTarget) {
  using V = std::vector<std::pair<B, uint16_t>>;
  EXPECT_EQ(Flat(Passes(FileType::kMsExe)), (V{{B::kRaw, Mask({0, 1})}}));
  EXPECT_EQ(Flat(Passes(FileType::kMsOle2)), (V{{B::kRaw, Mask({0, 2})}}));
  EXPECT_EQ(Flat(Passes(FileType::kMail)), (V{{B::kRaw, Mask({0, 4})}}));
  EXPECT_EQ(Flat(Passes(FileType::kPng)), (V{{B::kRaw, Mask({0, 5})}}));
  EXPECT_EQ(Flat(Passes(FileType::kElf)), (V{{B::kRaw, Mask({0, 6})}}));
  EXPECT_EQ(Flat(Passes(FileType::kMachOUnibin)), (V{{B::kRaw, Mask({0, 9})}}));
  EXPECT_EQ(Flat(Passes(FileType::kPdf)), (V{{B::kRaw, Mask({0, 10})}}));
  EXPECT_EQ(Flat(Passes(FileType::kSwf)), (V{{B::kRaw, Mask({0, 11})}}));
  EXPECT_EQ(Flat(Passes(FileType::kJava)), (V{{B::kRaw, Mask({0, 12})}}));
  EXPECT_EQ(Flat(Passes(FileType::kInternal)), (V{{B::kRaw, Mask({0, 13})}}));
  EXPECT_EQ(Flat(Passes(FileType::kZip)), (V{{B::kRaw, Mask({0})}}));
  EXPECT_EQ(Flat(Passes(FileType::kMhtml)), (V{{B::kRaw, Mask({0})}}));
  EXPECT_EQ(Flat(Passes(FileType::kMbr)), (V{{B::kRaw, Mask({0})}}));
}

TEST(Passes, BinaryIsMatchedAsOther) {
  using V = std::vector<std::pair<B, uint16_t>>;
  EXPECT_EQ(Flat(Passes(FileType::kBinaryData)),
            (V{{B::kRaw, Mask({0})}, {B::kRaw, Mask({0, 14})}}));
  EXPECT_EQ(Flat(Passes(FileType::kPythonCompiled)),
            (V{{B::kRaw, Mask({0})}, {B::kRaw, Mask({0, 14})}}));
}

TEST(Passes, TextRawThenNormalised) {
  using V = std::vector<std::pair<B, uint16_t>>;
  for (FileType t :
       {FileType::kTextAscii, FileType::kTextUtf8, FileType::kTextUtf16Le,
        FileType::kTextUtf16Be, FileType::kScript}) {
    EXPECT_EQ(Flat(Passes(t)),
              (V{{B::kRaw, Mask({0})}, {B::kNormalizedText, Mask({0, 7})}}))
        << ClamAvName(t);
  }
}

TEST(Passes, HtmlIsNeverMatchedRaw) {
  using V = std::vector<std::pair<B, uint16_t>>;
  V html{{B::kNormalizedHtml, Mask({0, 3})},
         {B::kHtmlNoTags, Mask({0, 3})},
         {B::kHtmlScript, Mask({0, 3})},
         {B::kHtmlScript, Mask({0, 7})}};
  EXPECT_EQ(Flat(Passes(FileType::kHtml)), html);
  for (const Pass& p : Passes(FileType::kHtml)) EXPECT_FALSE(p.utf16_source);

  V utf16{{B::kRaw, Mask({0})}};
  utf16.insert(utf16.end(), html.begin(), html.end());
  EXPECT_EQ(Flat(Passes(FileType::kHtmlUtf16)), utf16);
  for (const Pass& p : Passes(FileType::kHtmlUtf16)) {
    EXPECT_EQ(p.utf16_source, p.buffer != B::kRaw);
  }
}

TEST(Passes, RetypedTextKeepsItsRawPass) {
  auto passes = PassesAfterRetype(FileType::kTextAscii, FileType::kHtml);
  ASSERT_EQ(passes.size(), 5u);
  EXPECT_EQ(passes[0].buffer, B::kRaw);
  EXPECT_EQ(passes[0].target_mask, Mask({0}));
  EXPECT_EQ(passes[1].buffer, B::kNormalizedHtml);
  EXPECT_EQ(
      PassesAfterRetype(FileType::kTextAscii, FileType::kTextAscii).size(), 2u);
}

TEST(Passes, UnscannedTypes) {
  for (FileType t : {FileType::kIgnored, FileType::kAny, FileType::kMsWord,
                     FileType::kHwp5, FileType::kPartHfsPlus}) {
    EXPECT_TRUE(Passes(t).empty()) << ClamAvName(t);
  }
}

TEST(Passes, EveryScannedTypeStartsWithTargetZero) {
  for (FileType t : AllFileTypes()) {
    for (const Pass& p : Passes(t))
      EXPECT_TRUE(p.target_mask & 1) << ClamAvName(t);
  }
}

}  // namespace
}  // namespace vigil::filetype
