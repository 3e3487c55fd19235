#include <gtest/gtest.h>

#include <set>
#include <string>

#include "filetype/filetype.h"

namespace vigil::filetype {
namespace {

TEST(ClamAvName, RoundTripsEveryType) {
  std::set<std::string_view> seen;
  for (FileType t : AllFileTypes()) {
    std::string_view name = ClamAvName(t);
    EXPECT_TRUE(name.starts_with("CL_TYPE_")) << name;
    EXPECT_TRUE(seen.insert(name).second) << "duplicate " << name;
    EXPECT_EQ(FromClamAvName(name), t) << name;
  }
  // Every CL_TYPE_* name in libclamav 1.4.6, plus CL_TYPE_TEXT_ASCII.
  EXPECT_EQ(seen.size(), 90u);
}

TEST(ClamAvName, Examples) {
  EXPECT_EQ(ClamAvName(FileType::kZip), "CL_TYPE_ZIP");
  EXPECT_EQ(ClamAvName(FileType::kCab), "CL_TYPE_MSCAB");
  EXPECT_EQ(ClamAvName(FileType::kLha), "CL_TYPE_LHA_LZH");
  EXPECT_EQ(FromClamAvName("CL_TYPE_MSEXE"), FileType::kMsExe);
  EXPECT_EQ(FromClamAvName("CL_TYPE_ANY"), FileType::kAny);
  // Unknown names: ClamAV loads them and never matches.
  EXPECT_EQ(FromClamAvName("CL_TYPE_FOOBAR"), std::nullopt);
  EXPECT_EQ(FromClamAvName("cl_type_zip"), std::nullopt);
  EXPECT_EQ(FromClamAvName(""), std::nullopt);
}

TEST(TargetType, Mapping) {
  EXPECT_EQ(TargetType(FileType::kMsExe), 1);
  EXPECT_EQ(TargetType(FileType::kMsOle2), 2);
  EXPECT_EQ(TargetType(FileType::kHtml), 3);
  EXPECT_EQ(TargetType(FileType::kHtmlUtf16), 3);
  EXPECT_EQ(TargetType(FileType::kMail), 4);
  for (FileType t : {FileType::kGraphics, FileType::kGif, FileType::kPng,
                     FileType::kJpeg, FileType::kTiff}) {
    EXPECT_EQ(TargetType(t), 5);
  }
  EXPECT_EQ(TargetType(FileType::kElf), 6);
  EXPECT_EQ(TargetType(FileType::kTextAscii), 7);
  EXPECT_EQ(TargetType(FileType::kScript), 7);
  EXPECT_EQ(TargetType(FileType::kMachO), 9);
  EXPECT_EQ(TargetType(FileType::kMachOUnibin), 9);
  EXPECT_EQ(TargetType(FileType::kPdf), 10);
  EXPECT_EQ(TargetType(FileType::kSwf), 11);
  EXPECT_EQ(TargetType(FileType::kJava), 12);
  EXPECT_EQ(TargetType(FileType::kInternal), 13);
  EXPECT_EQ(TargetType(FileType::kBinaryData), 14);
  EXPECT_EQ(TargetType(FileType::kPythonCompiled), 14);
  EXPECT_EQ(TargetType(FileType::kZip), 0);
  EXPECT_EQ(TargetType(FileType::kRiff), 0);
  EXPECT_EQ(TargetType(FileType::kHwpOle2), 0);
}

}  // namespace
}  // namespace vigil::filetype
