// PDF extraction: each filter alone and chained, predictors, object streams,
// /JS, broken /Length, damage and limits. PDFs are built here; test-side
// encoders for the filters are written from the spec.
#include "formats/pdf/pdf.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "formats/pdf/pdf_filters.h"
#include "formats/pdf/pdf_object.h"

namespace vigil::formats {
namespace {

using Members = std::map<std::string, std::string>;

Members Extract(const std::string& pdf, ExtractResult* result = nullptr,
                const ExtractLimits& limits = ExtractLimits{}) {
  Members got;
  ExtractResult r =
      ExtractPdf(AsBytes(pdf), limits, [&](const ArchiveMember& m) {
        got[m.name] = std::string(AsChars(m.data));
        return true;
      });
  if (result) *result = r;
  return got;
}

std::string Deflate(const std::string& in) {
  uLongf size = compressBound(in.size());
  std::string out(size, '\0');
  EXPECT_EQ(compress(reinterpret_cast<Bytef*>(out.data()), &size,
                     reinterpret_cast<const Bytef*>(in.data()), in.size()),
            Z_OK);
  out.resize(size);
  return out;
}

std::string HexEncode(const std::string& in) {
  static const char* kDigits = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : in) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
    if (out.size() % 60 == 0) out += '\n';
  }
  return out + ">";
}

std::string A85Encode(const std::string& in) {
  std::string out;
  for (size_t i = 0; i < in.size(); i += 4) {
    size_t n = std::min<size_t>(4, in.size() - i);
    uint32_t v = 0;
    for (size_t k = 0; k < 4; ++k)
      v = v << 8 | (k < n ? static_cast<uint8_t>(in[i + k]) : 0);
    if (v == 0 && n == 4) {
      out += 'z';
      continue;
    }
    char group[5];
    for (int k = 4; k >= 0; --k) {
      group[k] = static_cast<char>('!' + v % 85);
      v /= 85;
    }
    out.append(group, n + 1);
  }
  return out + "~>";
}

// Literal runs only, plus one repeat run when `in` ends with repeats.
std::string RunLengthEncode(const std::string& in) {
  std::string out;
  for (size_t i = 0; i < in.size(); i += 128) {
    size_t n = std::min<size_t>(128, in.size() - i);
    out += static_cast<char>(n - 1);
    out += in.substr(i, n);
  }
  out += static_cast<char>(256 - 9);  // 10 x 'R'
  out += 'R';
  out += static_cast<char>(128);
  return out;
}

// Literal codes only; a clear code every 200 literals keeps codes at 9 bits.
std::string LzwEncode(const std::string& in) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  auto put = [&](int code) {
    buffer = buffer << 9 | static_cast<uint32_t>(code);
    bits += 9;
    while (bits >= 8) {
      out += static_cast<char>(buffer >> (bits - 8));
      bits -= 8;
    }
  };
  for (size_t i = 0; i < in.size(); ++i) {
    if (i % 200 == 0) put(256);
    put(static_cast<uint8_t>(in[i]));
  }
  put(257);
  if (bits > 0) out += static_cast<char>(buffer << (8 - bits));
  return out;
}

// PNG "Up" rows (type 2) of `columns` bytes.
std::string PngUpEncode(const std::string& in, size_t columns) {
  std::string out, prior(columns, '\0');
  for (size_t i = 0; i < in.size(); i += columns) {
    std::string row = in.substr(i, columns);
    row.resize(columns, '\0');
    out += '\2';
    for (size_t k = 0; k < columns; ++k)
      out += static_cast<char>(row[k] - prior[k]);
    prior = row;
  }
  return out;
}

std::string Stream(int num, const std::string& dict, const std::string& data) {
  return std::to_string(num) + " 0 obj\n<< " + dict + " /Length " +
         std::to_string(data.size()) + " >>\nstream\r\n" + data +
         "\nendstream\nendobj\n";
}

std::string Pdf(const std::string& body, const std::string& trailer = "") {
  return "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + body +
         "xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 9 " + trailer +
         " >>\nstartxref\n0\n%%EOF\n";
}

const std::string kText =
    "BT /F1 12 Tf 72 712 Td (Hello, vigil!) Tj ET\n"
    "a second line with bytes \x01\x02\xff and more text to compress.";

TEST(Pdf, IsPdfLooksAtTheFirstKilobyte) {
  EXPECT_TRUE(IsPdf(AsBytes("%PDF-1.4\n")));
  EXPECT_TRUE(IsPdf(AsBytes(std::string(1000, 'x') + "%PDF-1.4")));
  EXPECT_FALSE(IsPdf(AsBytes(std::string(1100, 'x') + "%PDF-1.4")));
  EXPECT_FALSE(IsPdf(AsBytes("%PDF")));
}

TEST(Pdf, PlainStream) {
  Members m = Extract(Pdf(Stream(4, "", kText)));
  EXPECT_EQ(m["obj 4 0"], kText);
}

TEST(Pdf, EachFilterAlone) {
  std::string body =
      Stream(1, "/Filter /FlateDecode", Deflate(kText)) +
      Stream(2, "/Filter /ASCIIHexDecode", HexEncode(kText)) +
      Stream(3, "/Filter /ASCII85Decode", A85Encode(kText)) +
      Stream(4, "/Filter /RunLengthDecode", RunLengthEncode(kText)) +
      Stream(5, "/Filter /LZWDecode", LzwEncode(kText)) +
      Stream(6, "/Filter /AHx", HexEncode(kText));
  ExtractResult r;
  Members m = Extract(Pdf(body), &r);
  EXPECT_EQ(r.members, 6u);
  EXPECT_EQ(m["obj 1 0"], kText);
  EXPECT_EQ(m["obj 2 0"], kText);
  EXPECT_EQ(m["obj 3 0"], kText);
  EXPECT_EQ(m["obj 4 0"], kText + std::string(10, 'R'));
  EXPECT_EQ(m["obj 5 0"], kText);
  EXPECT_EQ(m["obj 6 0"], kText);
  EXPECT_TRUE(r.notes.empty()) << r.notes[0];
}

TEST(Pdf, LzwLongInputAndEarlyChange) {
  std::string big;
  for (int i = 0; i < 3000; ++i) big += static_cast<char>(i * 7);
  Members m = Extract(
      Pdf(Stream(1, "/Filter /LZWDecode /DecodeParms << /EarlyChange 1 >>",
                 LzwEncode(big))));
  EXPECT_EQ(m["obj 1 0"], big);
}

TEST(Pdf, LzwRepeatedStringsUseTableCodes) {
  // "ABABABA": codes A B 258(AB) 260(ABA) exercise the KwKwK case.
  std::string codes;
  uint32_t buffer = 0;
  int bits = 0;
  for (int code : {256, 65, 66, 258, 260, 257}) {
    buffer = buffer << 9 | static_cast<uint32_t>(code);
    bits += 9;
    while (bits >= 8) {
      codes += static_cast<char>(buffer >> (bits - 8));
      bits -= 8;
    }
  }
  codes += static_cast<char>(buffer << (8 - bits));
  pdf::Decoded d = pdf::LzwDecode(codes, 1000, true);
  EXPECT_EQ(d.data, "ABABABA");
}

TEST(Pdf, ChainedFilters) {
  std::string data = A85Encode(Deflate(kText));
  std::string hex = HexEncode(RunLengthEncode(Deflate(kText)));
  Members m = Extract(Pdf(
      Stream(1, "/Filter [/ASCII85Decode /FlateDecode]", data) +
      Stream(2, "/Filter [/AHx /RL /Fl]", hex) +
      Stream(3, "/Filter [/ASCIIHexDecode /LZWDecode] /DecodeParms [null <<>>]",
             HexEncode(LzwEncode(kText)))));
  EXPECT_EQ(m["obj 1 0"], kText);
  EXPECT_EQ(m["obj 2 0"], kText);
  EXPECT_EQ(m["obj 3 0"], kText);
}

TEST(Pdf, PngUpPredictor) {
  std::string rows;
  for (int i = 0; i < 120; ++i) rows += static_cast<char>(i * 3 + (i / 10));
  std::string dict =
      "/Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 10 >>";
  Members m = Extract(Pdf(Stream(1, dict, Deflate(PngUpEncode(rows, 10)))));
  EXPECT_EQ(m["obj 1 0"], rows);
  // The same data through LZW with the parms in an array.
  dict = "/Filter [/LZWDecode] /DecodeParms [<< /Predictor 15 /Columns 10 >>]";
  m = Extract(Pdf(Stream(1, dict, LzwEncode(PngUpEncode(rows, 10)))));
  EXPECT_EQ(m["obj 1 0"], rows);
}

TEST(Pdf, PngSubAveragePaethRows) {
  // One row each of Sub (1), Average (3), Paeth (4), 3 bytes per pixel.
  pdf::PredictorParams p{12, 3, 8, 2};
  std::string in(
      "\1\x10\x20\x30\x01\x01\x01"
      "\3\x08\x10\x18\x00\x00\x00"
      "\4\x00\x00\x00\x00\x00\x00",
      21);
  pdf::Decoded d = pdf::Unpredict(in, p);
  std::string row1 = "\x10\x20\x30\x11\x21\x31";
  // Average: x + (left + up) / 2.
  std::string row2 = "\x10\x20\x30\x10\x20\x30";
  // Paeth with zero deltas repeats the nearest of left/up/upper-left.
  std::string row3 = row2;
  EXPECT_EQ(d.data, row1 + row2 + row3);
}

TEST(Pdf, TiffPredictor) {
  // 2 colours, 8 bits, 3 columns: differences per component.
  pdf::PredictorParams p{2, 2, 8, 3};
  pdf::Decoded d =
      pdf::Unpredict(std::string("\x05\x07\x01\x01\x02\x02", 6), p);
  EXPECT_EQ(d.data, std::string("\x05\x07\x06\x08\x08\x0a", 6));
  std::string body =
      Stream(1,
             "/Filter /FlateDecode /DecodeParms << /Predictor 2 /Colors 2 "
             "/Columns 3 >>",
             Deflate(std::string("\x05\x07\x01\x01\x02\x02", 6)));
  EXPECT_EQ(Extract(Pdf(body))["obj 1 0"],
            std::string("\x05\x07\x06\x08\x08\x0a", 6));
}

TEST(Pdf, HugePredictorRowIsBoundedByInput) {
  // A 1 GiB row declared; the data holds one short partial row (type None).
  pdf::PredictorParams p{12, 32, 16, 1 << 24};
  pdf::Decoded d = pdf::Unpredict(std::string("\0abc", 4), p);
  EXPECT_EQ(d.data, "abc");
}

TEST(Pdf, ExternalFileKeyIsNotAFilter) {
  Members m = Extract(Pdf(Stream(1, "/F (other.bin) /DP << >>", "raw")));
  EXPECT_EQ(m["obj 1 0"], "raw");
}

TEST(Pdf, ObjectStreamContents) {
  std::string o10 = "<< /Type /Action /S /JavaScript /JS (app.alert\\(1\\)) >>";
  std::string o11 = "(var x = 'in objstm';)";
  std::string o12 = "<< /Kids [1 0 R] >>";
  std::string objects = o10 + "\n" + o11 + "\n" + o12;
  std::string header = "10 0 11 " + std::to_string(o10.size() + 1) + " 12 " +
                       std::to_string(o10.size() + o11.size() + 2) + "\n";
  std::string decoded = header + objects;
  std::string dict = "/Type /ObjStm /N 3 /First " +
                     std::to_string(header.size()) + " /Filter /FlateDecode";
  std::string body = Stream(7, dict, Deflate(decoded)) +
                     "8 0 obj << /OpenAction << /JS 11 0 R >> >> endobj\n";
  ExtractResult r;
  Members m = Extract(Pdf(body), &r);
  EXPECT_EQ(m["obj 7 0"], decoded);
  EXPECT_EQ(m["obj 10 0 (in 7)"], o10 + "\n");
  EXPECT_EQ(m["obj 11 0 (in 7)"], o11 + "\n");
  EXPECT_EQ(m["obj 12 0 (in 7)"], o12);
  EXPECT_EQ(m["obj 10 0 js"], "app.alert(1)");
  EXPECT_EQ(m["obj 11 0 js"], "var x = 'in objstm';");
  EXPECT_EQ(r.members, 6u);
}

TEST(Pdf, JavaScriptStringEscapes) {
  std::string body =
      "3 0 obj\n<< /S /JavaScript /JS (a\\n\\r\\t\\b\\f\\(\\)\\\\ \\101\\60x"
      "\\7 (nested) split\\\nline\rend) >>\nendobj\n"
      "5 0 obj << /AA << /O << /JS <6170702E 616C6572742831293> >> >> >> "
      "endobj\n";
  Members m = Extract(Pdf(body));
  EXPECT_EQ(m["obj 3 0 js"],
            std::string("a\n\r\t\b\f()\\ A0x\a (nested) splitline\nend"));
  EXPECT_EQ(m["obj 5 0 js"], "app.alert(1)0");
}

TEST(Pdf, JavaScriptStreamAndStringObjects) {
  std::string js = "var s = unescape('%u9090'); eval(s);";
  std::string body =
      "1 0 obj << /Type /Catalog /OpenAction 2 0 R >> endobj\n"
      "2 0 obj << /S /JavaScript /JS 6 0 R /Next << /JS 9 0 R >> >> endobj\n" +
      Stream(6, "/Filter /FlateDecode", Deflate(js)) +
      "9 0 obj\n(second\\tscript)\nendobj\n";
  Members m = Extract(Pdf(body));
  EXPECT_EQ(m["obj 6 0"], js);
  EXPECT_EQ(m["obj 6 0 js"], js);
  EXPECT_EQ(m["obj 9 0 js"], "second\tscript");
}

TEST(Pdf, WrongOrIndirectLengthFallsBackToEndstream) {
  std::string z = Deflate(kText);
  std::string body =
      "1 0 obj << /Length 3 /Filter /FlateDecode >>\nstream\n" + z +
      "\nendstream endobj\n"
      "2 0 obj << /Length 99 0 R >>\nstream\r\nraw data\r\nendstream\nendobj\n"
      "3 0 obj << /Length 100000 >>\nstream\nshort\nendstream\nendobj\n"
      "99 0 obj 8 endobj\n";
  ExtractResult r;
  Members m = Extract(Pdf(body), &r);
  EXPECT_EQ(m["obj 1 0"], kText);
  EXPECT_EQ(m["obj 2 0"], "raw data");
  EXPECT_EQ(m["obj 3 0"], "short");
  EXPECT_FALSE(r.notes.empty());
}

TEST(Pdf, TruncatedFlateKeepsWhatInflated) {
  std::string big;
  for (int i = 0; i < 20000; ++i) big += std::to_string(i) + " ";
  std::string z = Deflate(big);
  std::string pdf =
      "%PDF-1.5\n1 0 obj << /Filter /FlateDecode /Length 999999 "
      ">>\nstream\n" +
      z.substr(0, z.size() / 2);
  ExtractResult r;
  Members m = Extract(pdf, &r);
  ASSERT_EQ(m.count("obj 1 0"), 1u);
  EXPECT_GT(m["obj 1 0"].size(), 1000u);
  EXPECT_EQ(m["obj 1 0"], big.substr(0, m["obj 1 0"].size()));
  EXPECT_FALSE(r.notes.empty());
}

TEST(Pdf, UnknownFilterGivesDataBeforeIt) {
  std::string jpeg = "\xff\xd8\xff\xe0 not really a jpeg";
  Members m;
  ExtractResult r;
  m = Extract(Pdf(Stream(1, "/Filter [/AHx /DCTDecode]", HexEncode(jpeg))), &r);
  EXPECT_EQ(m["obj 1 0"], jpeg);
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_NE(r.notes[0].find("DCTDecode"), std::string::npos);
}

TEST(Pdf, LongFilterChainStopsAtEight) {
  std::string data = kText;
  std::string names;
  for (int i = 0; i < 10; ++i) {
    data = HexEncode(data);
    names += " /AHx";
  }
  ExtractResult r;
  Members m = Extract(Pdf(Stream(1, "/Filter [" + names + "]", data)), &r);
  std::string expect = kText;
  expect = HexEncode(HexEncode(expect));  // two left undone
  EXPECT_EQ(m["obj 1 0"], expect);
  EXPECT_FALSE(r.notes.empty());
}

TEST(Pdf, EncryptedTrailerIsReported) {
  ExtractResult r;
  Members m = Extract(Pdf(Stream(1, "", "ciphertext"), "/Encrypt 5 0 R"), &r);
  EXPECT_TRUE(r.encrypted);
  EXPECT_EQ(m["obj 1 0"], "ciphertext");
  ExtractResult plain;
  Extract(Pdf(Stream(1, "", "x")), &plain);
  EXPECT_FALSE(plain.encrypted);
}

TEST(Pdf, EncryptedXrefStreamIsReported) {
  ExtractResult r;
  Extract(Pdf(Stream(1, "/Type /XRef /Encrypt 2 0 R /Size 3", "x")), &r);
  EXPECT_TRUE(r.encrypted);
}

TEST(PdfMalformed, TruncatedFile) {
  std::string full = Pdf(Stream(1, "/Filter /FlateDecode", Deflate(kText)) +
                         "2 0 obj << /JS (x) >> endobj\n");
  for (size_t cut = 0; cut < full.size(); ++cut) {
    Extract(full.substr(0, cut));  // no crash, no hang
  }
  Members m = Extract(full.substr(0, full.find("2 0 obj")));
  EXPECT_EQ(m.size(), 1u);
  EXPECT_EQ(m["obj 1 0"], kText);
}

TEST(PdfMalformed, ObjWithoutEndobj) {
  std::string body =
      "1 0 obj << /A (x) \n2 0 obj << /JS (second) >>\n"
      "3 0 obj << /Length 4 >> stream\nabcd\nendstream\n"
      "4 0 obj (unclosed string \n";
  ExtractResult r;
  Members m = Extract("%PDF-1.1\n" + body, &r);
  EXPECT_EQ(m["obj 2 0 js"], "second");
  EXPECT_EQ(m["obj 3 0"], "abcd");
  EXPECT_FALSE(r.notes.empty());
}

TEST(PdfMalformed, FlateBombIsCutAtTheLimit) {
  std::string zeros(50u << 20, '\0');
  std::string z = Deflate(zeros);
  zeros.clear();
  zeros.shrink_to_fit();
  ExtractLimits limits;
  limits.max_member_size = 1u << 20;
  ExtractResult r;
  size_t size = 0;
  bool truncated = false;
  auto start = std::chrono::steady_clock::now();
  r = ExtractPdf(AsBytes(Pdf(Stream(1, "/Filter /FlateDecode", z))), limits,
                 [&](const ArchiveMember& m) {
                   size = m.data.size();
                   truncated = m.truncated;
                   return true;
                 });
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(size, 1u << 20);
  EXPECT_TRUE(truncated);
  EXPECT_TRUE(r.hit_size_limit);
  EXPECT_LT(elapsed, std::chrono::seconds(2));
}

TEST(PdfMalformed, ManyTinyObjectsAreLinear) {
  std::string body;
  for (int i = 1; i <= 100000; ++i) {
    body += std::to_string(i) + " 0 obj << /JS " + std::to_string(i % 7 + 1) +
            " 0 R >>\nstream\nx\nendstream endobj\n";
  }
  ExtractLimits limits;
  limits.max_members = 1000000;
  ExtractResult r;
  auto start = std::chrono::steady_clock::now();
  Members m = Extract(Pdf(body), &r, limits);
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.members, 100007u);
  EXPECT_EQ(m["obj 99999 0"], "x");
  EXPECT_EQ(m["obj 3 0 js"], "x");
  EXPECT_LT(elapsed, std::chrono::seconds(10));
}

TEST(PdfMalformed, UnclosedStringsAndStreamsStayBounded) {
  std::string body;
  for (int i = 1; i <= 20000; ++i) {
    body += std::to_string(i) + " 0 obj (" + std::to_string(i) +
            " 0 obj << >> stream\n";
  }
  auto start = std::chrono::steady_clock::now();
  ExtractResult r;
  Extract(Pdf(body), &r);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST(PdfLimits, MemberLimitAndEarlyStop) {
  std::string body;
  for (int i = 1; i <= 10; ++i) body += Stream(i, "", "data");
  ExtractLimits limits;
  limits.max_members = 3;
  ExtractResult r;
  Members m = Extract(Pdf(body), &r, limits);
  EXPECT_EQ(m.size(), 3u);
  EXPECT_TRUE(r.hit_member_limit);
  int calls = 0;
  ExtractPdf(AsBytes(Pdf(body)), ExtractLimits{}, [&](const ArchiveMember&) {
    ++calls;
    return false;
  });
  EXPECT_EQ(calls, 1);
}

TEST(PdfLimits, LargeRawStreamTruncated) {
  ExtractLimits limits;
  limits.max_member_size = 10;
  ExtractResult r;
  Members m = Extract(Pdf(Stream(1, "", std::string(100, 'a'))), &r, limits);
  EXPECT_EQ(m["obj 1 0"], std::string(10, 'a'));
  EXPECT_TRUE(r.hit_size_limit);
}

TEST(PdfQpdf, RealObjectStreamsFromQpdf) {
  if (std::system("qpdf --version > /dev/null 2>&1") != 0) {
    GTEST_SKIP() << "qpdf not installed";
  }
  auto dir = std::filesystem::temp_directory_path() /
             ("vigil_pdf_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string in =
      "%PDF-1.5\n1 0 obj << /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >> "
      "endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
      "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
      "/Contents 4 0 R >> endobj\n" +
      Stream(4, "", "BT (MARKER-CONTENT-42) Tj ET") +
      "5 0 obj << /S /JavaScript /JS (app.alert\\('qpdf'\\)) >> endobj\n"
      "trailer << /Root 1 0 R >>\n%%EOF\n";
  std::ofstream(dir / "in.pdf", std::ios::binary) << in;
  std::string cmd = "qpdf --object-streams=generate --compress-streams=y " +
                    (dir / "in.pdf").string() + " " +
                    (dir / "out.pdf").string() + " > /dev/null 2>&1";
  int rc = std::system(cmd.c_str());
  ASSERT_TRUE(rc == 0 || WEXITSTATUS(rc) == 3) << cmd;  // 3: warnings
  std::ifstream f(dir / "out.pdf", std::ios::binary);
  std::string out((std::istreambuf_iterator<char>(f)), {});
  std::filesystem::remove_all(dir);
  ExtractResult r;
  Members m = Extract(out, &r);
  bool content = false, js = false;
  for (const auto& [name, data] : m) {
    if (data.find("MARKER-CONTENT-42") != std::string::npos) content = true;
    if (name.ends_with(" js") && data == "app.alert('qpdf')") js = true;
  }
  EXPECT_TRUE(content);
  EXPECT_TRUE(js);
}

}  // namespace
}  // namespace vigil::formats
