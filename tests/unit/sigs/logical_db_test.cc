// Logical signatures and their subsignatures, as clamscan 1.4.6 loads them.
#include <gtest/gtest.h>

#include "sigs_test_util.h"

namespace vigil::sigs {
namespace {

using testing::CodeOf;
using testing::Load;

LogicalSig One(std::string_view line) {
  auto l = Load("t.ldb", std::string(line) + "\n");
  EXPECT_TRUE(l.status.ok()) << l.Error();
  EXPECT_EQ(l.set.logicals.size(), 1u);
  return l.set.logicals.empty() ? LogicalSig() : l.set.logicals[0];
}

TEST(SigsLogicalDb, TargetDescription) {
  LogicalSig s =
      One("Sig;Engine:51-255,Target:1,FileSize:10-2000,EntryPoint:0-100,"
          "NumberOfSections:1-4,Container:CL_TYPE_ZIP,"
          "Intermediates:CL_TYPE_ZIP>CL_TYPE_ANY,IconGroup1:G1,IconGroup2:G2,"
          "HandlerType:CL_TYPE_MSEXE;0;414243");
  EXPECT_EQ(s.name, "Sig.UNOFFICIAL");
  EXPECT_EQ(s.tdb.engine.min, 51u);
  EXPECT_EQ(s.tdb.engine.max, 255u);
  EXPECT_EQ(s.tdb.target, 1);
  EXPECT_EQ(s.tdb.file_size->min, 10u);
  EXPECT_EQ(s.tdb.file_size->max, 2000u);
  EXPECT_EQ(s.tdb.entry_point->max, 100u);
  EXPECT_EQ(s.tdb.number_of_sections->min, 1u);
  EXPECT_EQ(s.tdb.container, "CL_TYPE_ZIP");
  ASSERT_EQ(s.tdb.intermediates.size(), 2u);
  EXPECT_EQ(s.tdb.intermediates[1], "CL_TYPE_ANY");
  EXPECT_EQ(s.tdb.icon_group1, "G1");
  EXPECT_EQ(s.tdb.icon_group2, "G2");
  EXPECT_EQ(s.tdb.handler_type, "CL_TYPE_MSEXE");
}

TEST(SigsLogicalDb, TargetDescriptionRules) {
  EXPECT_EQ(CodeOf("ldb", "T;Target:0;0;414243"), "OK");
  EXPECT_EQ(CodeOf("ldb", "T;Target:0,Engine:51-255;0;414243"), "E0403");
  EXPECT_EQ(CodeOf("ldb", "T;Engine:51-255,Engine:51-255;0;414243"), "E0403");
  EXPECT_EQ(CodeOf("ldb", "T;Engine:51;0;414243"), "E0404");
  EXPECT_EQ(CodeOf("ldb", "T;Engine:a-b;0;414243"), "E0404");
  EXPECT_EQ(CodeOf("ldb", "T;Target:1-2;0;414243"), "E0404");
  EXPECT_EQ(CodeOf("ldb", "T;Target:0,FileSize:10-20;0;414243"), "E0405");
  EXPECT_EQ(CodeOf("ldb", "T;Engine:50-255,Target:0,FileSize:1-2;0;414243"),
            "E0405");
  EXPECT_EQ(CodeOf("ldb", "T;Engine:51-255;0;414243"), "E0406");
  EXPECT_EQ(CodeOf("ldb", "T;Engine:51-255,Target:0,EntryPoint:1-2;0;414243"),
            "E0407");
  EXPECT_EQ(CodeOf("ldb", "T;Engine:51-255,Target:6,IconGroup1:G;0;414243"),
            "E0408");
  EXPECT_EQ(CodeOf("ldb", "T;Target:0,;0;414243"), "E0402");
  EXPECT_EQ(CodeOf("ldb", "T;Target;0;414243"), "E0402");
}

TEST(SigsLogicalDb, SkippedSignatures) {
  auto l = Load("t.ldb",
                "A;Engine:300-400;0;41\n"  // engine range: not even parsed
                "B;Engine:51-255,Target:99,IconGroup1:x;0;414243\n"
                "C;Engine:51-255,Target:0,Foo:1,FileSize:a-b;0;414243\n"
                "D;Engine:51-255,Target:0,Container:CL_TYPE_MSWORD;0;414243\n");
  ASSERT_TRUE(l.status.ok()) << l.Error();
  EXPECT_EQ(l.set.known_viruses, 0u);
  EXPECT_EQ(l.set.skipped_flevel, 1u);
  EXPECT_EQ(l.set.skipped_unsupported, 3u);
}

TEST(SigsLogicalDb, ExpressionAndCount) {
  EXPECT_EQ(CodeOf("ldb", "T;Target:0;0&2;414243;444546;474849"), "OK");
  EXPECT_EQ(CodeOf("ldb", "T;Target:0;0;414243;"), "E0410");
  EXPECT_EQ(CodeOf("ldb", "T;Target:0;0;;414243"), "E0410");
  EXPECT_EQ(CodeOf("ldb", "T;Target:0;0&;414243"), "E0409");
  // Expression and count come before the target description.
  EXPECT_EQ(CodeOf("ldb", "T;FileSize:a-b;0&;414243"), "E0409");
  EXPECT_EQ(CodeOf("ldb", "T;Target:0"), "E0401");
  EXPECT_EQ(CodeOf("ldb", ";Target:0;0;414243"), "E0005");
}

TEST(SigsLogicalDb, SixtyFourSubsignatures) {
  auto line = [](int n) {
    std::string expr, subs;
    for (int i = 0; i < n; ++i) {
      if (i) expr += '&';
      expr += std::to_string(i);
      subs += ";414243";
    }
    return "T;Target:0;" + expr + subs;
  };
  EXPECT_EQ(CodeOf("ldb", line(64)), "OK");
  EXPECT_EQ(CodeOf("ldb", line(65)), "E0411");
}

TEST(SigsLogicalDb, BodySubsignatures) {
  LogicalSig s =
      One("T;Engine:81-255,Target:1;0&1&2;EP+5:414243;"
          "6869::iwfa;10,5:4142??43");
  ASSERT_EQ(s.subsigs.size(), 3u);
  EXPECT_EQ(s.subsigs[0].kind, Subsig::Kind::kBody);
  EXPECT_EQ(s.subsigs[0].offset.kind, Offset::Kind::kEpPlus);
  EXPECT_TRUE(s.subsigs[1].modifiers.nocase);
  EXPECT_TRUE(s.subsigs[1].modifiers.wide);
  EXPECT_TRUE(s.subsigs[1].modifiers.fullword);
  EXPECT_TRUE(s.subsigs[1].modifiers.ascii);
  EXPECT_EQ(s.subsigs[2].offset.max_shift, 5u);
  EXPECT_EQ(CodeOf("ldb", "T;Target:0;0;4142"), "OK");  // AC: 2 bytes
  EXPECT_EQ(CodeOf("ldb", "T;Target:0;0;41"), "E0211");
  EXPECT_EQ(CodeOf("ldb", "T;Target:0;0;41::w"), "OK");
  EXPECT_EQ(CodeOf("ldb", "T;Target:0;0;414243::x"), "E0412");
  EXPECT_EQ(CodeOf("ldb", "T;Target:0;0;414243::"), "OK");
  EXPECT_EQ(CodeOf("ldb", "T;Target:0;0;5:6:414243"), "E0412");
  EXPECT_EQ(CodeOf("ldb", "T;Target:0;0;1:2:3:4:5"), "E0413");
  EXPECT_EQ(CodeOf("ldb", "T;Target:0;0;EP+5:414243"), "E0307");
}

TEST(SigsLogicalDb, PcreSubsignatures) {
  LogicalSig s =
      One("T;Engine:81-255,Target:0;0&1&2;414243;444546;"
          "200,300:0&1/cl(a|b)mav/ge");
  const Subsig& p = s.subsigs[2];
  EXPECT_EQ(p.kind, Subsig::Kind::kPcre);
  EXPECT_EQ(p.pcre.regex, "cl(a|b)mav");
  EXPECT_EQ(p.pcre.flags, "ge");
  EXPECT_EQ(p.pcre.offset.value, 200u);
  EXPECT_EQ(p.pcre.offset.max_shift, 300u);
  EXPECT_EQ(p.pcre.trigger.kind, Expr::Kind::kAnd);
  const std::string e = "T;Engine:81-255,Target:0;0&1;414243;";
  EXPECT_EQ(CodeOf("ldb", e + "0/a/c/"), "OK");  // the last '/' ends it
  EXPECT_EQ(CodeOf("ldb", e + "0/B:C/"), "OK");
  EXPECT_EQ(CodeOf("ldb", e + "0/abc/::i"), "OK");
  EXPECT_EQ(CodeOf("ldb", e + "/abc/"), "E0414");
  EXPECT_EQ(CodeOf("ldb", e + "1/abc/"), "E0414");
  EXPECT_EQ(CodeOf("ldb", e + "0/abc"), "E0415");
  EXPECT_EQ(CodeOf("ldb", e + "0/abc/:z"), "E0415");
  EXPECT_EQ(CodeOf("ldb", e + "5:0/abc/::i"), "E0415");
  EXPECT_EQ(CodeOf("ldb", e + "0//"), "E0416");
  EXPECT_EQ(CodeOf("ldb", e + "0/abc/z"), "E0417");
  EXPECT_EQ(CodeOf("ldb", e + "0/ab(c/"), "E0418");
  EXPECT_EQ(CodeOf("ldb", e + "a:0/abc/"), "E0304");
}

TEST(SigsLogicalDb, ByteCompareSubsignatures) {
  LogicalSig s =
      One("T;Engine:81-255,Target:0;0&1;414243;0(<<0x10#dbe4#>1,<0x20)");
  const ByteCompare& bc = s.subsigs[1].byte_compare;
  EXPECT_EQ(s.subsigs[1].kind, Subsig::Kind::kByteCompare);
  EXPECT_EQ(bc.trigger, 0u);
  EXPECT_EQ(bc.offset, -16);
  EXPECT_EQ(bc.base, ByteCompare::Base::kDecimal);
  EXPECT_FALSE(bc.little_endian);
  EXPECT_TRUE(bc.exact);
  EXPECT_EQ(bc.num_bytes, 4u);
  ASSERT_EQ(bc.comparisons.size(), 2u);
  EXPECT_EQ(bc.comparisons[1].value, 0x20u);
  const std::string e = "T;Engine:81-255,Target:0;0&1;414243;";
  EXPECT_EQ(CodeOf("ldb", e + "0(>>5#ib8#=1)"), "OK");
  EXPECT_EQ(CodeOf("ldb", e + "0(>>5#il3#=1)"), "E0419");
  EXPECT_EQ(CodeOf("ldb", e + "0(>>5#dl2#=1)"), "E0419");
  EXPECT_EQ(CodeOf("ldb", e + "0(>>5#h19#=1)"), "E0419");
  EXPECT_EQ(CodeOf("ldb", e + "0(>>5#hb0#=1)"), "E0419");
  EXPECT_EQ(CodeOf("ldb", e + "0(5#hb2#=1)"), "E0419");
  EXPECT_EQ(CodeOf("ldb", e + "0(>>5#hb2#!1)"), "E0419");
  EXPECT_EQ(CodeOf("ldb", e + "0(>>5#hb2#>1,<2,=3)"), "E0419");
  EXPECT_EQ(CodeOf("ldb", e + "0(>>5#hb2#=10"), "E0419");
  EXPECT_EQ(CodeOf("ldb", e + "99(>>5#hb2#=1)"), "E0419");
  EXPECT_EQ(CodeOf("ldb", e + "0&0(>>5#hb2#=1)"), "E0419");
}

TEST(SigsLogicalDb, MacroAndFuzzySubsignatures) {
  LogicalSig s =
      One("T;Engine:150-255,Target:0;0&1&2;414243;${6-7}12$;"
          "fuzzy_img#af2ad01ed42993c7#0");
  EXPECT_EQ(s.subsigs[1].kind, Subsig::Kind::kMacro);
  EXPECT_EQ(s.subsigs[1].macro.min, 6u);
  EXPECT_EQ(s.subsigs[1].macro.max, 7u);
  EXPECT_EQ(s.subsigs[1].macro.group, 12u);
  EXPECT_EQ(s.subsigs[2].kind, Subsig::Kind::kFuzzyImage);
  EXPECT_EQ(s.subsigs[2].fuzzy_hash, "af2ad01ed42993c7");
  const std::string e = "T;Engine:150-255,Target:0;0&1;414243;";
  EXPECT_EQ(CodeOf("ldb", e + "${1-2}32$"), "E0420");
  EXPECT_EQ(CodeOf("ldb", e + "${1}1$"), "E0420");
  EXPECT_EQ(CodeOf("ldb", e + "${1-2}1"), "E0420");
  EXPECT_EQ(CodeOf("ldb", e + "fuzzy_img#zz"), "E0421");
  EXPECT_EQ(CodeOf("ldb", e + "fuzzy_img#af2ad01ed42993c7#1"), "E0421");
  EXPECT_EQ(CodeOf("ldb", e + "fuzzy_img#af2ad01ed42993c7#"), "E0421");
}

}  // namespace
}  // namespace vigil::sigs
