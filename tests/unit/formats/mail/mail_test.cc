// Mail extraction: MIME structure, transfer encodings, names, mbox,
// embedded uuencode/yEnc, limits and damage. Messages are built here, and
// for realism some are written at test time by python3's email package.
#include "formats/mail/mail.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "formats/mail/embedded.h"
#include "formats/mail/header_fields.h"
#include "formats/mail/transfer_decode.h"

namespace vigil::formats {
namespace {

using Members = std::vector<std::pair<std::string, std::string>>;

Members Extract(const std::string& message, ExtractResult* result = nullptr,
                const ExtractLimits& limits = ExtractLimits{}) {
  Members got;
  ExtractResult r =
      ExtractMail(AsBytes(message), limits, [&](const ArchiveMember& m) {
        got.emplace_back(m.name, std::string(AsChars(m.data)));
        return true;
      });
  if (result) *result = r;
  return got;
}

std::string AllBytes() {
  std::string s;
  for (int i = 0; i < 256; ++i) s.push_back(static_cast<char>(i));
  return s;
}

std::string Base64(const std::string& in, size_t line = 76) {
  static const char* kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < in.size(); i += 3) {
    uint32_t v = static_cast<uint8_t>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<uint8_t>(in[i + 1]) << 8;
    if (i + 2 < in.size()) v |= static_cast<uint8_t>(in[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < in.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += i + 2 < in.size() ? kAlphabet[v & 63] : '=';
  }
  std::string wrapped;
  for (size_t i = 0; i < out.size(); i += line) {
    wrapped += out.substr(i, line) + "\r\n";
  }
  return wrapped;
}

// Quoted-printable with soft breaks every `width` encoded characters.
std::string QuotedPrintable(const std::string& in, size_t width = 20) {
  std::string out;
  size_t col = 0;
  for (unsigned char c : in) {
    char buf[4];
    std::string piece(1, static_cast<char>(c));
    if (c == '=' || c < 32 || c > 126) {
      std::snprintf(buf, sizeof(buf), "=%02X", c);
      piece = buf;
    }
    if (col + piece.size() > width) {
      out += "=\r\n";
      col = 0;
    }
    out += piece;
    col += piece.size();
  }
  return out;
}

std::string Lf(std::string s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (!(s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n')) out += s[i];
  }
  return out;
}

std::string Crlf(const std::string& lf) {
  std::string out;
  for (char c : lf) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

// Text compared without line-ending style and final line breaks.
std::string Text(std::string s) {
  s = Lf(std::move(s));
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

bool HasNote(const ExtractResult& r, const std::string& part) {
  for (const auto& n : r.notes) {
    if (n.find(part) != std::string::npos) return true;
  }
  return false;
}

// ---- Decoders and header fields -------------------------------------

TEST(MailDecode, Base64SkipsJunkAndStopsAtPadding) {
  std::vector<std::byte> out;
  auto r = mail::DecodeBase64(AsBytes("QU\r\n J*D!\nRA==garbage"), 100, &out);
  EXPECT_EQ(AsChars(out), "ABCD");
  EXPECT_FALSE(r.damaged);
  out.clear();
  r = mail::DecodeBase64(AsBytes("QUJDRA"), 100, &out);  // no padding
  EXPECT_EQ(AsChars(out), "ABCD");
  EXPECT_TRUE(r.damaged);
  out.clear();
  r = mail::DecodeBase64(AsBytes("QUJDRAEFG"), 2, &out);
  EXPECT_EQ(AsChars(out), "AB");
  EXPECT_TRUE(r.truncated);
}

TEST(MailDecode, QuotedPrintable) {
  std::vector<std::byte> out;
  auto r = mail::DecodeQuotedPrintable(
      AsBytes("a=3Db=3d soft=  \r\nbreak trail  \r\nx=\ny =ZZ"), 100, &out);
  EXPECT_EQ(AsChars(out), "a=b= softbreak trail\r\nxy =ZZ");
  EXPECT_TRUE(r.damaged);
}

TEST(MailHeader, ParametersQuotedCommentsAndRfc2231) {
  auto f = mail::ParseParameterizedField(
      " Multipart/Mixed (comment; x=y) ; BOUNDARY=\"a \\\"b\\\" ;c\"; "
      "name*0*=utf-8''%E2%82%AC; name*1=\"-rest.exe\"; plain=my file.exe ");
  EXPECT_EQ(f.value, "multipart/mixed");
  EXPECT_EQ(f.Param("boundary"), "a \"b\" ;c");
  EXPECT_EQ(f.Param("name"), "\xE2\x82\xAC-rest.exe");
  EXPECT_EQ(f.Param("plain"), "my file.exe");
  EXPECT_EQ(f.Param("x"), "");
}

TEST(MailHeader, EncodedWords) {
  EXPECT_EQ(mail::DecodeEncodedWords("=?UTF-8?B?w6k=?= =?utf-8?q?x_y=41?=.txt"),
            "\xC3\xA9x yA.txt");
  EXPECT_EQ(mail::DecodeEncodedWords("a =?x?Q?b?= c"), "a b c");
  EXPECT_EQ(mail::DecodeEncodedWords("=?bad charset?Q?b?= =?open"),
            "=?bad charset?Q?b?= =?open");
}

// ---- Messages built here ------------------------------------------------

std::string MixedMessage(const std::string& nl) {
  std::string m =
      "From: a@example.com\n"
      "content-TYPE: multipart/mixed;\n"
      "\tboundary=\"==b1==\"\n"
      "MIME-Version: 1.0\n"
      "\n"
      "This is a preamble.\n"
      "--==b1==\n"
      "Content-Type: text/html; charset=us-ascii\n"
      "\n"
      "<script>evil()</script>\n"
      "--==b1==\n"
      "Content-Type: application/octet-stream;\n"
      " name=\"fallback.bin\"\n"
      "Content-Transfer-Encoding: BASE64\n"
      "Content-Disposition: attachment; filename=\"all.bin\"\n"
      "\n" +
      Lf(Base64(AllBytes())) +
      "--==b1==\n"
      "Content-Type: text/plain\n"
      "Content-Transfer-Encoding: quoted-printable\n"
      "\n" +
      Lf(QuotedPrintable("caf\xC3\xA9 = coffee, long enough to need soft "
                         "line breaks")) +
      "\n--==b1==--\n"
      "epilogue\n";
  return nl == "\n" ? m : Crlf(m);
}

TEST(MailExtract, MultipartWithBase64AndQpLf) {
  ExtractResult r;
  Members got = Extract(MixedMessage("\n"), &r);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0], (std::pair<std::string, std::string>{
                        "part-1", "<script>evil()</script>"}));
  EXPECT_EQ(got[1].first, "all.bin");
  EXPECT_EQ(got[1].second, AllBytes());
  EXPECT_EQ(got[2].first, "part-3");
  EXPECT_EQ(got[2].second,
            "caf\xC3\xA9 = coffee, long enough to need soft line breaks");
  EXPECT_EQ(r.members, 3u);
  EXPECT_TRUE(r.notes.empty()) << r.notes.front();
}

TEST(MailExtract, MultipartWithBase64AndQpCrlf) {
  ExtractResult r;
  Members got = Extract(MixedMessage("\r\n"), &r);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].second, "<script>evil()</script>");
  EXPECT_EQ(got[1].second, AllBytes());
  EXPECT_EQ(got[2].second,
            "caf\xC3\xA9 = coffee, long enough to need soft line breaks");
  EXPECT_TRUE(r.notes.empty());
}

TEST(MailExtract, NestedRfc822AndNamesFromContentType) {
  std::string m =
      "Subject: outer\n"
      "Content-Type: multipart/mixed; boundary=outer\n"
      "\n"
      "--outer\n"
      "Content-Type: message/rfc822\n"
      "\n"
      "Subject: inner\n"
      "Content-Type: multipart/alternative; boundary=\"inner\"\n"
      "\n"
      "--inner\n"
      "\n"
      "plain\n"
      "--inner\n"
      "Content-Type: application/x-thing; name=\"=?utf-8?Q?r=C3=A9sum=C3=A9?= "
      "=?utf-8?Q?.exe?=\"\n"
      "Content-Transfer-Encoding: base64\n"
      "\n"
      "TVo=\n"
      "--inner--\n"
      "--outer\n"
      "Content-Type: text/plain\n"
      "Content-Disposition: inline; filename*=iso-8859-1'en'a%20b.txt\n"
      "\n"
      "last\n"
      "--outer--\n";
  ExtractResult r;
  Members got = Extract(m, &r);
  Members want = {{"part-1", "plain"},
                  {"r\xC3\xA9sum\xC3\xA9.exe", "MZ"},
                  {"a b.txt", "last"}};
  EXPECT_EQ(got, want);
  EXPECT_TRUE(r.notes.empty());
}

TEST(MailExtract, WhiteSpaceLineEndsHeader) {
  Members got = Extract(
      "Content-Type: multipart/mixed; boundary=x\n \t\n--x\n"
      "Content-Type: text/html\n  \n<b>hi</b>\n--x--\n");
  Members want = {{"part-1", "<b>hi</b>"}};
  EXPECT_EQ(got, want);
}

TEST(MailExtract, PlainMessageBodyIsAChild) {
  Members got = Extract("From: x\r\nSubject: y\r\n folded\r\n\r\nhello\r\n");
  Members want = {{"part-1", "hello\r\n"}};
  EXPECT_EQ(got, want);
}

TEST(MailExtract, UuencodeYencAndBase64BlocksInText) {
  // "Cat" uuencoded; yEnc of 00 13 01; begin-base64 of "ABC".
  std::string yenc = "=ybegin line=128 size=3 name=y.bin\n";
  yenc += static_cast<char>(42);
  yenc += "=}";  // escaped: 0x13 + 42 is '=', critical
  yenc += static_cast<char>(43);
  yenc += "\n=yend size=3\n";
  std::string m =
      "Subject: files\n\nsee below\nbegin 644 cat.txt\n#0V%T\n`\nend\n" + yenc +
      "begin-base64 600 b.bin\nQUJD\n====\ntrailer\n";
  ExtractResult r;
  Members got = Extract(m, &r);
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0].first, "part-1");
  EXPECT_EQ(got[1], (std::pair<std::string, std::string>{"cat.txt", "Cat"}));
  EXPECT_EQ(got[2].first, "y.bin");
  EXPECT_EQ(got[2].second, std::string("\0\x13\x01", 3));
  EXPECT_EQ(got[3], (std::pair<std::string, std::string>{"b.bin", "ABC"}));
  EXPECT_TRUE(r.notes.empty());
}

// BinHex 4.0 of `data` (data fork only; CRCs zero, as they are unchecked),
// with runs of four or more bytes run-length coded.
std::string BinHex(const std::string& name, const std::string& data) {
  std::string raw(1, static_cast<char>(name.size()));
  raw += name;
  raw += std::string("\0TEXTMACS\0\0", 11);
  for (uint32_t v : {static_cast<uint32_t>(data.size()), 0u}) {
    for (int shift = 24; shift >= 0; shift -= 8) {
      raw += static_cast<char>(v >> shift);
    }
  }
  raw += std::string(2, '\0') + data + std::string(4, '\0');
  std::string rle;
  for (size_t i = 0; i < raw.size();) {
    size_t run = 1;
    while (i + run < raw.size() && raw[i + run] == raw[i] && run < 255) ++run;
    if (raw[i] == '\x90') {
      rle += std::string("\x90\0", 2);
      run = 1;
    } else if (run >= 4) {
      rle += raw[i];
      rle += '\x90';
      rle += static_cast<char>(run);
    } else {
      rle += raw[i];
      run = 1;
    }
    i += run;
  }
  static const char kAlphabet[] =
      "!\"#$%&'()*+,-012345689@ABCDEFGHIJKLMNPQRSTUVXYZ[`abcdefhijklmpqr";
  std::string chars;
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : rle) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      chars += kAlphabet[(acc >> bits) & 63];
    }
  }
  if (bits > 0) chars += kAlphabet[(acc << (6 - bits)) & 63];
  std::string out = "(This file must be converted with BinHex 4.0)\n\n:";
  for (size_t i = 0; i < chars.size(); i += 64) {
    out += chars.substr(i, 64) + "\n";
  }
  return out + ":\n";
}

TEST(MailExtract, BinHexDataFork) {
  std::string payload = AllBytes() + std::string(1000, 'z') + "\x90\x90 end";
  std::string m = "Subject: mac\n\nhere:\n" + BinHex("mac file", payload) +
                  "more text\nbegin 644 after.txt\n#0V%T\n`\nend\n";
  ExtractResult r;
  Members got = Extract(m, &r);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[1].first, "mac file");
  EXPECT_EQ(got[1].second, payload);
  EXPECT_EQ(got[2].second, "Cat");
  EXPECT_TRUE(r.notes.empty()) << r.notes.front();

  // Cut in the middle of the data fork: the prefix, noted.
  std::string cut = BinHex("cut.bin", payload);
  cut = cut.substr(0, cut.size() / 2);
  got = Extract("Subject: mac\n\n" + cut, &r);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1].first, "cut.bin");
  EXPECT_GT(got[1].second.size(), 100u);
  EXPECT_EQ(got[1].second, payload.substr(0, got[1].second.size()));
  EXPECT_TRUE(HasNote(r, "BinHex block damaged"));

  // Size limit inside a run (the text itself is not cut here).
  std::vector<std::byte> buffer;
  int files = 0;
  mail::FindEmbeddedFiles(AsBytes(BinHex("x", payload)), 300, &buffer,
                          [&](const mail::EmbeddedFile& f) {
                            ++files;
                            EXPECT_EQ(AsChars(f.data), payload.substr(0, 300));
                            EXPECT_TRUE(f.truncated);
                            EXPECT_FALSE(f.damaged);
                            return true;
                          });
  EXPECT_EQ(files, 1);
}

TEST(MailExtract, MboxSplitsMessages) {
  std::string mbox =
      "From a@x Mon Nov 30 12:00:00 2026\n"
      "Subject: one\n"
      "\n"
      "first\n"
      "\n"
      "From b@x Mon Nov 30 12:00:01 2026\n"
      "Subject: two\n"
      "Content-Type: multipart/mixed; boundary=z\n"
      "\n"
      "--z\n"
      "Content-Type: application/octet-stream; name=two.bin\n"
      "Content-Transfer-Encoding: base64\n"
      "\n"
      "QUJD\n"
      "--z--\n"
      "\n"
      "From c@x Mon Nov 30 12:00:02 2026\n"
      "Subject: three\n"
      "\n"
      "third, with a From line inside\n"
      "From here it is not a separator\n";
  Members got = Extract(mbox);
  Members want = {{"part-1", "first\n"},
                  {"two.bin", "ABC"},
                  {"part-3",
                   "third, with a From line inside\nFrom here it is not a "
                   "separator\n"}};
  EXPECT_EQ(got, want);
}

// ---- Damage ---------------------------------------------------------------

TEST(MailDamage, MissingFinalBoundaryKeepsWhatIsThere) {
  std::string m =
      "Content-Type: multipart/mixed; boundary=b\n\n--b\n\none\n--b\n"
      "Content-Transfer-Encoding: base64\n\nQUJD\n";
  ExtractResult r;
  Members got = Extract(m, &r);
  Members want = {{"part-1", "one"}, {"part-2", "ABC"}};
  EXPECT_EQ(got, want);
  EXPECT_TRUE(HasNote(r, "close delimiter"));
}

TEST(MailDamage, TruncatedBase64GivesDecodedPrefix) {
  std::string m =
      "Content-Type: application/octet-stream\r\n"
      "Content-Transfer-Encoding: base64\r\n\r\n" +
      Base64(AllBytes()).substr(0, 101);
  ExtractResult r;
  Members got = Extract(m, &r);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_GT(got[0].second.size(), 60u);
  EXPECT_EQ(got[0].second, AllBytes().substr(0, got[0].second.size()));
  EXPECT_TRUE(HasNote(r, "base64 damaged"));
}

TEST(MailDamage, BoundaryNeverAppearingGivesBodyWhole) {
  std::string m =
      "Content-Type: multipart/mixed; boundary=nothere\n\n"
      "<html>payload</html>\n";
  ExtractResult r;
  Members got = Extract(m, &r);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].second, "<html>payload</html>\n");
  EXPECT_TRUE(HasNote(r, "never found"));
}

TEST(MailDamage, DeepNestingStopsAtLimitWithNote) {
  const int kDepth = 10000;
  std::string m;
  for (int i = 0; i < kDepth; ++i) {
    m += "Content-Type: multipart/mixed; boundary=b" + std::to_string(i) +
         "\n\n--b" + std::to_string(i) + "\n";
  }
  m += "Content-Type: text/plain\n\ndeep\n";
  for (int i = kDepth; i-- > 0;) m += "--b" + std::to_string(i) + "--\n";
  ExtractResult r;
  Members got = Extract(m, &r);
  ASSERT_EQ(got.size(), 1u);  // the part at the limit, raw
  EXPECT_NE(got[0].second.find("deep"), std::string::npos);
  EXPECT_TRUE(HasNote(r, "nesting deeper"));
}

TEST(MailDamage, ManyRepeatedBoundaryLinesStayLinear) {
  // 200k boundary-like lines against 64 open multiparts: must finish.
  std::string m;
  for (int i = 0; i < kMaxMimeDepth; ++i) {
    m += "Content-Type: multipart/mixed; boundary=" + std::string(60, 'q') +
         std::to_string(i) + "\n\n--" + std::string(60, 'q') +
         std::to_string(i) + "\n";
  }
  m += "\n";
  for (int i = 0; i < 200000; ++i) m += "--" + std::string(60, 'q') + "x\n";
  ExtractResult r;
  Members got = Extract(m, &r);
  ASSERT_EQ(got.size(), 1u);
}

TEST(MailDamage, HugeHeaderLine) {
  std::string m = "Subject: " + std::string(8 << 20, 'A') +
                  "\nContent-Type: text/plain; name=\"" +
                  std::string(1 << 20, 'n') + "\"\n\nbody\n";
  ExtractResult r;
  Members got = Extract(m, &r);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].second, "body\n");
  EXPECT_LE(got[0].first.size(), 1024u);
}

TEST(MailDamage, EmptyAndJunkInput) {
  ExtractResult r;
  EXPECT_TRUE(Extract("", &r).empty());
  EXPECT_EQ(r.members, 0u);
  EXPECT_TRUE(Extract("\n\n\n").size() <= 1);
  Members got = Extract("Content-Type: multipart/mixed; boundary=\"\n\n--\n");
  EXPECT_EQ(got.size(), 1u);
}

// ---- Limits ---------------------------------------------------------------

TEST(MailLimits, MemberCountSizeAndStop) {
  ExtractLimits limits;
  limits.max_members = 2;
  ExtractResult r;
  Members got = Extract(MixedMessage("\n"), &r, limits);
  EXPECT_EQ(got.size(), 2u);
  EXPECT_TRUE(r.hit_member_limit);

  limits = ExtractLimits{};
  limits.max_member_size = 10;
  got = Extract(MixedMessage("\r\n"), &r, limits);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[1].second, AllBytes().substr(0, 10));
  EXPECT_EQ(got[0].second, "<script>ev");
  EXPECT_TRUE(r.hit_size_limit);

  int calls = 0;
  ExtractMail(AsBytes(MixedMessage("\n")), ExtractLimits{},
              [&](const ArchiveMember&) { return ++calls < 1; });
  EXPECT_EQ(calls, 1);
}

TEST(MailDetect, LooksLikeMail) {
  EXPECT_TRUE(LooksLikeMail(AsBytes("From someone Mon Nov 30\n")));
  EXPECT_TRUE(
      LooksLikeMail(AsBytes("X-Spam: no\n folded\nReceived: from x\n\nbody")));
  EXPECT_TRUE(LooksLikeMail(AsBytes("MIME-Version: 1.0\r\n")));
  EXPECT_FALSE(LooksLikeMail(AsBytes("MZ\x90\x00")));
  EXPECT_FALSE(LooksLikeMail(AsBytes("X-Foo: bar\n\nSubject: late\n")));
  EXPECT_FALSE(LooksLikeMail(AsBytes("")));
}

// ---- Messages written by python3's email package --------------------------

const char kPythonScript[] = R"PY(
import binascii, mailbox, os, sys
from email.message import EmailMessage
from email.policy import SMTP, default

out = sys.argv[1]
blob = bytes(range(256))

def write(name, data):
    with open(os.path.join(out, name), 'wb') as f:
        f.write(data)

inner = EmailMessage()
inner['From'] = 'inner@example.com'
inner['Subject'] = 'inner'
inner.set_content('inner text\n')
inner.add_attachment(blob, maintype='application', subtype='octet-stream',
                     filename='inner.bin')

outer = EmailMessage()
outer['From'] = 'a@example.com'
outer['To'] = 'b@example.com'
outer['Subject'] = 'nested'
outer.set_content('plain body\n')
outer.add_alternative('<html><body><p>html body</p></body></html>\n',
                      subtype='html')
outer.add_attachment(inner)
outer.add_attachment(blob, maintype='application', subtype='octet-stream',
                     filename='outer file.bin')
write('nested_lf.eml', outer.as_bytes(policy=default))
write('nested_crlf.eml', outer.as_bytes(policy=SMTP))

qp = EmailMessage()
qp['Subject'] = 'qp'
qp.set_content('caf\u00e9 ' * 40 + '\n' + 'x' * 200 + ' \n= sign\n',
               cte='quoted-printable')
write('qp.eml', qp.as_bytes(policy=SMTP))

uu = EmailMessage()
uu['Subject'] = 'uu'
lines = ''.join(binascii.b2a_uu(blob[i:i + 45]).decode('ascii')
                for i in range(0, len(blob), 45))
uu.set_content('Here it is:\nbegin 644 blob.bin\n' + lines + '`\nend\nbye\n',
               cte='7bit')
write('uu.eml', uu.as_bytes(policy=default))

path = os.path.join(out, 'box.mbox')
box = mailbox.mbox(path)
for i in range(3):
    m = EmailMessage()
    m['Subject'] = 'message %d' % i
    m.set_content('body %d\nFrom the middle of a line\n' % i)
    if i == 1:
        m.add_attachment(blob, maintype='application',
                         subtype='octet-stream', filename='two.bin')
    box.add(m)
box.flush()
box.close()
)PY";

class PythonMail : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::filesystem::temp_directory_path() /
           ("vigil_mail_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ / "gen.py") << kPythonScript;
    std::string cmd =
        "python3 '" + (dir_ / "gen.py").string() + "' '" + dir_.string() + "'";
    ok_ = std::system(cmd.c_str()) == 0;
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(dir_); }

  void SetUp() override {
    if (!ok_) GTEST_SKIP() << "python3 with the email package is needed";
  }

  static std::string Read(const std::string& name) {
    std::ifstream in(dir_ / name, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  static inline std::filesystem::path dir_;
  static inline bool ok_ = false;
};

void CheckNested(const std::string& file_bytes) {
  ExtractResult r;
  Members got = Extract(file_bytes, &r);
  ASSERT_EQ(got.size(), 5u);
  EXPECT_EQ(Text(got[0].second), "plain body");
  EXPECT_EQ(Text(got[1].second), "<html><body><p>html body</p></body></html>");
  EXPECT_EQ(Text(got[2].second), "inner text");
  EXPECT_EQ(got[3].first, "inner.bin");
  EXPECT_EQ(got[3].second, AllBytes());
  EXPECT_EQ(got[4].first, "outer file.bin");
  EXPECT_EQ(got[4].second, AllBytes());
  EXPECT_TRUE(r.notes.empty()) << r.notes.front();
}

TEST_F(PythonMail, NestedMixedAlternativeRfc822Lf) {
  std::string m = Read("nested_lf.eml");
  ASSERT_EQ(m.find('\r'), std::string::npos);
  EXPECT_TRUE(LooksLikeMail(AsBytes(m)));
  CheckNested(m);
}

TEST_F(PythonMail, NestedMixedAlternativeRfc822Crlf) {
  std::string m = Read("nested_crlf.eml");
  ASSERT_NE(m.find("\r\n"), std::string::npos);
  CheckNested(m);
}

TEST_F(PythonMail, QuotedPrintableSoftBreaks) {
  std::string m = Read("qp.eml");
  ASSERT_NE(m.find("=\r\n"), std::string::npos);  // soft breaks present
  Members got = Extract(m);
  ASSERT_EQ(got.size(), 1u);
  std::string cafe;
  for (int i = 0; i < 40; ++i) cafe += "caf\xC3\xA9 ";
  EXPECT_EQ(Text(got[0].second),
            cafe + "\n" + std::string(200, 'x') + " \n= sign");
}

TEST_F(PythonMail, UuencodedBlock) {
  Members got = Extract(Read("uu.eml"));
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1].first, "blob.bin");
  EXPECT_EQ(got[1].second, AllBytes());
}

TEST_F(PythonMail, MboxWithThreeMessages) {
  std::string box = Read("box.mbox");
  EXPECT_TRUE(LooksLikeMail(AsBytes(box)));
  ExtractResult r;
  Members got = Extract(box, &r);
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(Text(got[0].second), "body 0\n>From the middle of a line");
  EXPECT_EQ(Text(got[1].second), "body 1\n>From the middle of a line");
  EXPECT_EQ(got[2].first, "two.bin");
  EXPECT_EQ(got[2].second, AllBytes());
  EXPECT_EQ(Text(got[3].second), "body 2\n>From the middle of a line");
  EXPECT_TRUE(r.notes.empty());
}

}  // namespace
}  // namespace vigil::formats
