// The normalised passes of text and HTML through the public Engine API:
// which passes run and what `FileSize:` is compared with in each. Every
// expectation is what clamscan 1.4.6 reported for the same signatures and
// input (docs/matching-semantics.md, "Normalised passes"); found by
// tests/diff/engine_vs_clamscan_test.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "compiler/compiler.h"
#include "core/hash.h"
#include "formats/html/html_normalize.h"
#include "formats/text/text_normalize.h"
#include "scan/type_actions.h"
#include "sigs/loader.h"
#include "vigil/engine.h"

namespace vigil::scan {
namespace {

// Names reported (all-match) for `data` with the signatures of the .ldb
// text `ldb` and the .ndb text `ndb`.
std::set<std::string> Scan(const std::string& ldb, const std::string& ndb,
                           const std::string& data) {
  sigs::SignatureSet set;
  std::vector<sigs::Diagnostic> diags;
  sigs::LoadOptions options;
  options.bundled = true;  // names as written
  for (const auto& [file, text] :
       {std::pair{"t.ldb", ldb}, std::pair{"t.ndb", ndb}}) {
    if (text.empty()) continue;
    Status s = sigs::LoadDatabaseText(file, text, options, &set, &diags);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  auto image = compiler::Compile(set, {});
  EXPECT_TRUE(image.ok()) << image.status().ToString();
  if (!image.ok()) return {};
  auto db = Database::FromImage(std::move(image).value());
  EXPECT_TRUE(db.ok());
  if (!db.ok()) return {};
  Engine engine(*db);
  ScanOptions scan_options;
  scan_options.all_match = true;
  std::set<std::string> names;
  for (const Detection& d :
       engine.ScanBuffer(AsBytes(data), scan_options).detections) {
    names.insert(d.name);
  }
  return names;
}

using Names = std::set<std::string>;

// Zero-count logical signatures of each target: they report every pass in
// which their target applies.
const char kVacuous[] =
    "V0;Engine:81-255,Target:0;0=0;7a7a7a7a7a\n"
    "V3;Engine:81-255,Target:3;0=0;7a7a7a7a7a\n"
    "V7;Engine:81-255,Target:7;0=0;7a7a7a7a7a\n"
    "W0;Engine:81-255,Target:0;0=0;717a7877\n"
    "W3;Engine:81-255,Target:3;0=0;717a7877\n";

TEST(NormalisedPasses, HtmlScriptPassesNeedAScriptElement) {
  // Without a script: nocomment and notags only (both contain "qzxw").
  EXPECT_EQ(Scan(kVacuous, "",
                 "<html><body>\n<p>Hello World</p> qzxw\n</body></html>\n"),
            (Names{"V0", "V3"}));
  // With one, even an empty one: the two script passes (targets 0+3, 0+7)
  // run too; vigil's script buffer is empty (no JavaScript normaliser), so
  // W0/W3 hold there as they do on ClamAV's normalised script.
  const Names with_script{"V0", "V3", "V7", "W0", "W3"};
  EXPECT_EQ(
      Scan(kVacuous, "",
           "<html><body>\n<p>Hello World</p> qzxw <script>var a = 1;</script>\n"
           "</body></html>\n"),
      with_script);
  EXPECT_EQ(Scan(kVacuous, "",
                 "<html><body>\n<p>Hello World</p> qzxw <script></script>\n"
                 "</body></html>\n"),
            with_script);
}

TEST(NormalisedPasses, HtmlFileSizeIsTheNormalisedBuffers) {
  // 86 bytes; nocomment 52 bytes, notags 21.
  const std::string page =
      "<html><body>\n<p>Hello      World</p>   <!-- comment here -->  qzxw  "
      "zz\n"
      "</body></html>\n";
  ASSERT_EQ(page.size(), 86u);
  std::string ldb;
  for (const char* range : {"86-86", "52-52", "21-21", "1-20", "87-200"}) {
    ldb += std::string("H") + range +
           ";Engine:81-255,Target:3,FileSize:" + range + ";0;717a7877\n";
  }
  EXPECT_EQ(Scan(ldb, "", page), (Names{"H21-21", "H52-52"}));
}

// A target-7 signature with an EOF-relative offset (that matches nothing).
const char kEofText[] = "E7:7:EOF-10:7171717171\n";

TEST(NormalisedPasses, TextFileSizeFollowsRelativeOffsets) {
  // 40 bytes; normalised "notes: hello world qzxw end " is 28.
  const std::string text = "notes: Hello      World      qzxw   end\n";
  ASSERT_EQ(text.size(), 40u);
  std::string ldb;
  for (const char* range : {"40-40", "28-28"}) {
    ldb += std::string("S") + range +
           ";Engine:81-255,Target:7,FileSize:" + range + ";0;717a7877\n";
    ldb += std::string("G") + range +
           ";Engine:81-255,Target:0,FileSize:" + range + ";0;717a7877\n";
  }
  // Normalised in memory: FileSize is the object's.
  EXPECT_EQ(Scan(ldb, "", text), (Names{"G40-40", "S40-40"}));
  // Normalised "to a file" (an EOF-relative target-7 pattern exists): the
  // normalised text is an object of its own; G40-40 is from the raw pass.
  EXPECT_EQ(Scan(ldb, kEofText, text), (Names{"G28-28", "G40-40", "S28-28"}));
}

TEST(NormalisedPasses, TextAsObjectEvaluatesLogicalsOnceMoreWithoutMatches) {
  const std::string text = "notes: qzxw and QZXW here\n";
  const std::string ldb =
      "A;Engine:81-255,Target:7;0<2;717a7877\n"
      "B;Engine:81-255,Target:0;0<2;717a7877\n";
  // Raw pass: one "qzxw" (B holds); normalised pass: two (neither holds).
  EXPECT_EQ(Scan(ldb, "", text), (Names{"B"}));
  // With the extra evaluation on no matches at all, A holds too.
  EXPECT_EQ(Scan(ldb, kEofText, text), (Names{"A", "B"}));
}

// Hash signatures match the buffers scanned as objects of their own: the
// HTML forms always, the normalised text only as an object.
TEST(NormalisedPasses, HashSignaturesMatchObjectBuffers) {
  const std::string page =
      "<html><body>\n<p>Hello World</p> qzxw\n</body></html>\n";
  formats::HtmlBuffers html;
  formats::NormalizeHtmlAll(AsBytes(page), {}, &html);
  const std::string text = "notes: Hello      World      qzxw   end\n";
  std::vector<std::byte> normalised;
  formats::NormalizeText(AsBytes(text), &normalised, {});
  auto hdb_line = [](ByteView b, const char* name) {
    return core::DigestHex(core::HashBytes(core::HashAlgo::kMd5, b),
                           core::HashAlgo::kMd5) +
           ":" + std::to_string(b.size()) + ":" + name + "\n";
  };
  sigs::SignatureSet set;
  std::vector<sigs::Diagnostic> diags;
  sigs::LoadOptions options;
  options.bundled = true;
  const std::string hdb = hdb_line(ByteView(html.nocomment), "HNocomment") +
                          hdb_line(ByteView(html.notags), "HNotags") +
                          hdb_line(ByteView(normalised), "HText");
  ASSERT_TRUE(sigs::LoadDatabaseText("t.hdb", hdb, options, &set, &diags).ok());
  auto scan = [&](const std::string& ndb, const std::string& data) {
    sigs::SignatureSet s = set;
    if (!ndb.empty()) {
      EXPECT_TRUE(
          sigs::LoadDatabaseText("t.ndb", ndb, options, &s, &diags).ok());
    }
    auto image = compiler::Compile(s, {});
    EXPECT_TRUE(image.ok());
    auto db = Database::FromImage(std::move(image).value());
    EXPECT_TRUE(db.ok());
    Engine engine(*db);
    ScanOptions o;
    o.all_match = true;
    Names names;
    for (const Detection& d : engine.ScanBuffer(AsBytes(data), o).detections) {
      names.insert(d.name);
    }
    return names;
  };
  EXPECT_EQ(scan("", page), (Names{"HNocomment", "HNotags"}));
  // The page's own hash is never matched: HTML has no raw pass (clamscan
  // also ignores .hdb entries of whole HTML pages and MP3 files).
  const std::string page_hdb =
      hdb_line(AsBytes(page), "HPage") + hdb_line(AsBytes(text), "HWholeText");
  ASSERT_TRUE(
      sigs::LoadDatabaseText("w.hdb", page_hdb, options, &set, &diags).ok());
  EXPECT_EQ(scan("", page), (Names{"HNocomment", "HNotags"}));
  EXPECT_EQ(scan("", text), Names{"HWholeText"});
  EXPECT_EQ(scan(kEofText, text), (Names{"HText", "HWholeText"}));
}

TEST(HasRawPass, OnlyTypesWhoseBytesAreMatched) {
  using filetype::FileType;
  EXPECT_TRUE(HasRawPass(filetype::Passes(FileType::kBinaryData)));
  EXPECT_TRUE(HasRawPass(filetype::Passes(FileType::kTextAscii)));
  EXPECT_TRUE(HasRawPass(filetype::Passes(FileType::kHtmlUtf16)));
  EXPECT_TRUE(HasRawPass(
      filetype::PassesAfterRetype(FileType::kTextAscii, FileType::kHtml)));
  EXPECT_FALSE(HasRawPass(filetype::Passes(FileType::kHtml)));
  EXPECT_FALSE(HasRawPass(filetype::Passes(FileType::kIgnored)));
}

TEST(FileSizeInPass, PerBuffer) {
  using B = filetype::Pass::Buffer;
  EXPECT_EQ(FileSizeInPass({B::kRaw, 1}, 100, 100, true), 100u);
  EXPECT_EQ(FileSizeInPass({B::kNormalizedText, 1}, 100, 60, false), 100u);
  EXPECT_EQ(FileSizeInPass({B::kNormalizedText, 1}, 100, 60, true), 60u);
  EXPECT_EQ(FileSizeInPass({B::kNormalizedHtml, 1}, 100, 70, false), 70u);
  EXPECT_EQ(FileSizeInPass({B::kHtmlNoTags, 1}, 100, 30, false), 30u);
  EXPECT_EQ(FileSizeInPass({B::kHtmlScript, 1}, 100, 0, false), 0u);
}

}  // namespace
}  // namespace vigil::scan
