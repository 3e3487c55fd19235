// Detect(): one test per rule, with the inputs clamscan 1.4.6 was checked
// on (docs/file-types.md). The differential test against clamscan itself is
// clamscan_diff_test.cc.
#include <gtest/gtest.h>

#include <cstdio>

#include "filetype/body_pattern.h"
#include "filetype/filetype.h"
#include "filetype/magic_table.h"
#include "test_bytes.h"

namespace vigil::filetype {
namespace {

using testing::Fill;
using testing::Hex;
using testing::Put;
using testing::Utf16;
using testing::View;

FileType D(const std::string& s) { return Detect(View(s)); }

TEST(Detect, MagicAtOffsetZero) {
  EXPECT_EQ(D("MZ" + Fill(100, '\0')), FileType::kMsExe);
  EXPECT_EQ(D("MZ" + Fill(4, 'a')), FileType::kMsExe);  // no PE header needed
  EXPECT_EQ(D("\x7f"
              "ELF" +
              Fill(60, '\0')),
            FileType::kElf);
  EXPECT_EQ(D(Hex("cafebabe00000034") + Fill(8, '\0')), FileType::kJava);
  EXPECT_EQ(D(Hex("cafebabe00000002") + Fill(8, '\0')), FileType::kMachOUnibin);
  EXPECT_EQ(D(Hex("cffaedfe") + Fill(8, '\0')), FileType::kMachO);
  EXPECT_EQ(D(Hex("d0cf11e0a1b11ae1") + Fill(8, '\0')), FileType::kMsOle2);
  EXPECT_EQ(D("%PDF-1.4\n"), FileType::kPdf);
  EXPECT_EQ(D("FWS\x08" + Fill(8, '\0')), FileType::kSwf);
  EXPECT_EQ(D("GIF89a" + Fill(8, '\0')), FileType::kGif);
  EXPECT_EQ(D("\x89PNG\r\n\x1a\n"), FileType::kPng);
  EXPECT_EQ(D("\xff\xd8\xff\xe0 abc"), FileType::kJpeg);
  EXPECT_EQ(D("BM" + Fill(8, '\0')), FileType::kGraphics);
  EXPECT_EQ(D("PK\x03\x04" + Fill(8, '\0')), FileType::kZip);
  EXPECT_EQ(D("{\\rtf1 hello"), FileType::kRtf);
  EXPECT_EQ(D("From: a@b\n<html>"), FileType::kMail);
  EXPECT_EQ(D("ID3" + Fill(8, '\0')), FileType::kIgnored);
}

TEST(Detect, SurprisingMagics) {
  // Two-byte magics catch ordinary text.
  EXPECT_EQ(D("MM is a TIFF to ClamAV"), FileType::kTiff);
  EXPECT_EQ(D("BMW is a bitmap to ClamAV"), FileType::kGraphics);
  EXPECT_EQ(D("To: someone\n"), FileType::kMail);
  // Java 20+ class files (major 64) are not CL_TYPE_JAVA.
  EXPECT_NE(D(Hex("cafebabe00000040") + Fill(8, '\0')), FileType::kJava);
  // "[aliases]": both a script and a tar entry; the tar entry is later.
  EXPECT_EQ(D("[aliases]\nn0=x\n"), FileType::kPosixTar);
}

TEST(Detect, MagicAtOtherOffsets) {
  EXPECT_EQ(D(Put(Fill(300, '\0'), 257, "ustar")), FileType::kPosixTar);
  EXPECT_EQ(D(Put(Fill(300, 'a'), 257, "ustar")), FileType::kPosixTar);
  EXPECT_EQ(D(Put(Fill(600, '\0'), 512, "EFI PART")), FileType::kGpt);
  EXPECT_EQ(D(Put(Fill(40, '\0'), 4, Hex("d0cf11e0a1b11ae1"))),
            FileType::kHwpOle2);
  // A magic that does not fit is not matched.
  EXPECT_EQ(D(Put(Fill(258, '\0'), 257, "u")), FileType::kBinaryData);
}

TEST(Detect, TextClasses) {
  EXPECT_EQ(D("hello world\n"), FileType::kTextAscii);
  EXPECT_EQ(D("caf\xc3\xa9 au lait"), FileType::kTextAscii);
  EXPECT_EQ(D("hello \x01 world"), FileType::kTextUtf16Be);
  EXPECT_EQ(D(Fill(40, '\0')), FileType::kBinaryData);
  EXPECT_EQ(D("\xff\xfe" + Utf16("hello", false)), FileType::kTextUtf16Le);
  EXPECT_EQ(D("\xfe\xff" + Utf16("hello", true)), FileType::kTextUtf16Be);
  EXPECT_EQ(D(Utf16("hello world", false)),
            FileType::kTextUtf16Be);  // no BOM: BE
}

TEST(Detect, OnlyTheFirst1024BytesCount) {
  EXPECT_EQ(D(Fill(1023, 'a') + '\0' + Fill(100, 'a')), FileType::kTextUtf16Be);
  EXPECT_EQ(D(Fill(1024, 'a') + '\0' + Fill(100, 'a')), FileType::kTextAscii);
  EXPECT_EQ(D(Fill(1018, 'a') + "<html>"), FileType::kHtml);
  EXPECT_EQ(D(Fill(1019, 'a') + "<html>"), FileType::kTextAscii);
}

TEST(Detect, OldTar) {
  std::string h(512, '\0');
  h.replace(0, 5, "a.txt");
  h.replace(148, 8, "        ");
  unsigned sum = 0;
  for (unsigned char c : h) sum += c;
  char field[9];
  std::snprintf(field, sizeof field, "%06o", sum);
  h.replace(148, 6, field);
  h[154] = '\0';
  EXPECT_EQ(D(h + Fill(512, '\0')), FileType::kOldTar);
  EXPECT_EQ(D(h.substr(0, 300)), FileType::kBinaryData);
  std::string text_tar = h;
  for (char& c : text_tar) {
    if (c == '\0') c = ' ';
  }
  EXPECT_NE(D(text_tar), FileType::kOldTar);  // only binary data is checked
}

TEST(Detect, HtmlMarkers) {
  EXPECT_EQ(D("<html>"), FileType::kHtml);
  EXPECT_EQ(D("hello <SCRIPT>x"), FileType::kHtml);
  EXPECT_EQ(D("hello <Script>x"), FileType::kHtml);
  EXPECT_EQ(D("hello <sCRIPT>x"),
            FileType::kTextAscii);  // case variants are listed
  EXPECT_EQ(D("x <a target=y href=z>"), FileType::kHtml);
  EXPECT_EQ(D("x <a target=y HrEF=z>"), FileType::kHtml);
  EXPECT_EQ(D("x <a target=y hReF=z>"), FileType::kTextAscii);
  EXPECT_EQ(D(Fill(100, '\0') + "<iframe" + Fill(100, '\0')), FileType::kHtml);
  EXPECT_EQ(D("<%@ LANGUAGE = x"), FileType::kHtml);
}

TEST(Detect, MarkerFold) {
  std::string pe = "MZ" + Fill(60, '\0') + "PE" + Fill(2, '\0');
  std::string mail = "\nFrom: x\nMIME-Version: ";
  std::string mhtml = "\nMIME-Version: 1\nContent-Type: ";
  auto two = [](size_t a, const std::string& x, size_t b,
                const std::string& y) {
    return D(Put(Put(Fill(1024, '\0'), a, x), b, y));
  };
  // Higher rank wins regardless of order.
  EXPECT_EQ(two(100, "<html>", 600, mail), FileType::kMail);
  EXPECT_EQ(two(100, mail, 600, "<html>"), FileType::kMail);
  EXPECT_EQ(two(100, "<html>", 600, "%PDF-1.4"), FileType::kHtml);
  // An embedded PE replaces what came before; later higher ranks replace it.
  EXPECT_EQ(two(100, "<html>", 600, pe), FileType::kMsExe);
  EXPECT_EQ(two(100, pe, 600, "<html>"), FileType::kHtml);
  // Override types: the last one wins.
  EXPECT_EQ(two(100, mhtml, 600, "<xdp:xdp"), FileType::kXdp);
  EXPECT_EQ(two(100, "<xdp:xdp", 600, mhtml), FileType::kMhtml);
  EXPECT_EQ(two(100, "<html>", 600, mhtml), FileType::kMhtml);
  // SFX markers are hints: the last one leaves the base type in place.
  EXPECT_EQ(two(100, "<html>", 600, "PK\x03\x04"), FileType::kBinaryData);
  EXPECT_EQ(two(100, "PK\x03\x04", 600, "<html>"), FileType::kBinaryData);
  EXPECT_EQ(two(100, "PK\x03\x04", 600, pe), FileType::kMsExe);
  // Anchored markers.
  EXPECT_EQ(D(Put(Fill(600, '\0'), 510, "\x55\xaa")), FileType::kMbr);
  EXPECT_EQ(D(Put(Fill(100, '\0'), 2, "-lh5-")), FileType::kLha);
  EXPECT_EQ(D(Hex("420d0d0a") + Fill(20, '\0')), FileType::kPythonCompiled);
  EXPECT_EQ(D(Put(Fill(100, '\0'), 50, std::string("\0BEA01", 6))),
            FileType::kUdf);
}

TEST(Detect, Utf16Html) {
  std::string html = "<html><body>hi</body></html>";
  EXPECT_EQ(D("\xff\xfe" + Utf16(html, false)), FileType::kHtmlUtf16);
  EXPECT_EQ(D(Utf16(html, false)), FileType::kHtmlUtf16);
  EXPECT_EQ(D("\xfe\xff" + Utf16(html, true)), FileType::kHtml);
  EXPECT_EQ(D(Utf16(html, true)), FileType::kTextUtf16Be);
  // Units are squeezed to one byte: 505 units of text + "<html>" still fit.
  EXPECT_EQ(
      D("\xff\xfe" + Utf16(Fill(505, 'a') + "<html>" + Fill(600, 'a'), false)),
      FileType::kHtmlUtf16);
  EXPECT_EQ(
      D("\xff\xfe" + Utf16(Fill(506, 'a') + "<html>" + Fill(600, 'a'), false)),
      FileType::kTextUtf16Le);
  // Only HTML counts in the squeezed text.
  EXPECT_EQ(
      D("\xff\xfe" + Utf16("\nFrom: x\nMIME-Version: 1.0\nxxxxxxxx", false)),
      FileType::kTextUtf16Le);
}

TEST(Detect, NeverReadsPastTheWindow) {
  std::string big = Fill(1024, 'a') + "\0<html>";
  EXPECT_EQ(Detect(View(big).first(1024)), FileType::kTextAscii);
  EXPECT_EQ(Detect(ByteView()), FileType::kTextAscii);
}

TEST(RetypeAfterRawScan, TextWithLateHtmlBecomesHtml) {
  std::string late = Fill(2000, 'a') + "\n<html><body>x</body></html>\n";
  ASSERT_EQ(D(late), FileType::kTextAscii);
  EXPECT_EQ(RetypeAfterRawScan(FileType::kTextAscii, View(late)),
            FileType::kHtml);
  // ... unless a later override marker ends the fold elsewhere.
  std::string then_pe =
      late + Fill(1000, 'a') + "MZ" + Fill(60, 'a') + "PE" + Fill(2, '\0');
  EXPECT_EQ(RetypeAfterRawScan(FileType::kTextAscii, View(then_pe)),
            FileType::kTextAscii);
  std::string then_zip = late + "PK\x03\x04" + Fill(100, 'a');
  EXPECT_EQ(RetypeAfterRawScan(FileType::kTextAscii, View(then_zip)),
            FileType::kTextAscii);
  std::string pe_then =
      Fill(2000, 'a') + "MZ" + Fill(60, 'a') + "PE" + Fill(2, '\0') + late;
  EXPECT_EQ(RetypeAfterRawScan(FileType::kTextAscii, View(pe_then)),
            FileType::kHtml);
  // Only plain text is retyped.
  EXPECT_EQ(RetypeAfterRawScan(FileType::kTextUtf16Be, View(late)),
            FileType::kTextUtf16Be);
  EXPECT_EQ(RetypeAfterRawScan(FileType::kBinaryData, View(late)),
            FileType::kBinaryData);
}

TEST(MagicTable, EveryMarkerParses) {
  // Detect() would silently skip a marker that does not parse.
  for (const internal::Marker& m : internal::Markers()) {
    EXPECT_TRUE(internal::BodyPattern::Parse(m.pattern).has_value())
        << m.pattern;
  }
}

TEST(MagicTable, EveryMagicIsHex) {
  auto is_hex = [](std::string_view s) {
    return !s.empty() && s.size() % 2 == 0 &&
           s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
  };
  for (const internal::Magic& m : internal::Magics())
    EXPECT_TRUE(is_hex(m.hex)) << m.hex;
  for (std::string_view m : internal::PythonVersionMagics())
    EXPECT_TRUE(is_hex(m)) << m;
}

}  // namespace
}  // namespace vigil::filetype
