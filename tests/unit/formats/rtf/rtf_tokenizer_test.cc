// The RTF tokenizer: each kind of token, parameters, delimiters, \bin runs
// holding braces, and input that ends in the middle of a token.
#include "formats/rtf/rtf_tokenizer.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

namespace vigil::formats::rtf {
namespace {

ByteView Bytes(const std::string& s) {
  return ByteView(reinterpret_cast<const std::byte*>(s.data()), s.size());
}
// Views of temporaries would dangle; literals live on.
ByteView Bytes(const std::string&& s) = delete;
ByteView Bytes(const char* s) {
  return ByteView(reinterpret_cast<const std::byte*>(s), std::strlen(s));
}

std::string Str(ByteView b) {
  return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

// A compact rendering of every token: { } \word[N] \sym 'hh bin(...) "text".
std::string Render(const std::string& input) {
  Tokenizer t(Bytes(input));
  std::string out;
  for (Token tok = t.Next(); tok.kind != Token::Kind::kEnd; tok = t.Next()) {
    if (!out.empty()) out += ' ';
    switch (tok.kind) {
      case Token::Kind::kGroupOpen:
        out += '{';
        break;
      case Token::Kind::kGroupClose:
        out += '}';
        break;
      case Token::Kind::kControlWord:
        out += '\\' + std::string(tok.word);
        if (tok.has_param) out += std::to_string(tok.param);
        break;
      case Token::Kind::kControlSymbol:
        out += std::string("\\") + tok.symbol;
        break;
      case Token::Kind::kHexEscape:
        out +=
            "'" + std::to_string(tok.value) + "(" + Str(tok.hex_digits) + ")";
        break;
      case Token::Kind::kBinary:
        out += "bin" + std::to_string(tok.param) + "(" + Str(tok.bytes) + ")";
        break;
      case Token::Kind::kText:
        out += '"' + Str(tok.bytes) + '"';
        break;
      default:
        break;
    }
  }
  return out;
}

TEST(RtfTokenizer, GroupsWordsAndText) {
  EXPECT_EQ(Render("{\\rtf1\\ansi hello {\\b bold}}"),
            "{ \\rtf1 \\ansi \"hello \" { \\b \"bold\" } }");
}

TEST(RtfTokenizer, ParametersAndDelimiters) {
  // One space after a word is its delimiter; a second one is text. A minus
  // sign is part of the parameter only before a digit.
  EXPECT_EQ(Render("\\fi-360  x"), "\\fi-360 \" x\"");
  EXPECT_EQ(Render("\\li720\\ri0;"), "\\li720 \\ri0 \";\"");
  EXPECT_EQ(Render("\\foo-bar"), "\\foo \"-bar\"");
  EXPECT_EQ(Render("\\u8364?"), "\\u8364 \"?\"");
}

TEST(RtfTokenizer, HugeParameterSaturates) {
  Tokenizer t(Bytes("\\x99999999999999999999999999"));
  Token tok = t.Next();
  EXPECT_EQ(tok.kind, Token::Kind::kControlWord);
  EXPECT_TRUE(tok.has_param);
  EXPECT_GT(tok.param, int64_t{1} << 30);
  EXPECT_EQ(t.Next().kind, Token::Kind::kEnd);
}

TEST(RtfTokenizer, SymbolsAndEscapes) {
  EXPECT_EQ(Render("\\*\\{\\}\\\\\\~"), "\\* \\{ \\} \\\\ \\~");
  EXPECT_EQ(Render("\\'e9\\'4"), "'233(e9) '4(4)");
  EXPECT_EQ(Render("\\'zz"), "'0() \"zz\"");
}

TEST(RtfTokenizer, BinaryRunsMayHoldBraces) {
  EXPECT_EQ(Render("{\\bin4 {}\\x}"), "{ bin4({}\\x) }");
  EXPECT_EQ(Render("\\bin0 \\par"), "bin0() \\par");
  EXPECT_EQ(Render("\\bin-5 x"), "bin-5() \"x\"");
}

TEST(RtfTokenizer, BinaryPastTheEndIsCut) {
  Tokenizer t(Bytes("\\bin100 abc"));
  Token tok = t.Next();
  EXPECT_EQ(tok.kind, Token::Kind::kBinary);
  EXPECT_EQ(Str(tok.bytes), "abc");
  EXPECT_TRUE(t.binary_truncated());
  EXPECT_EQ(t.Next().kind, Token::Kind::kEnd);
}

TEST(RtfTokenizer, EndsCleanly) {
  EXPECT_EQ(Render(""), "");
  EXPECT_EQ(Render("text\\"), "\"text\"");
  EXPECT_EQ(Render("\\"), "");
  Tokenizer t(Bytes("}"));
  EXPECT_EQ(t.Next().kind, Token::Kind::kGroupClose);
  EXPECT_EQ(t.Next().kind, Token::Kind::kEnd);
  EXPECT_EQ(t.Next().kind, Token::Kind::kEnd);
  EXPECT_EQ(t.position(), 1u);
}

TEST(RtfTokenizer, LongWordsAndNulBytes) {
  const std::string word(5000, 'a');
  EXPECT_EQ(Render("\\" + word + " x"), "\\" + word + " \"x\"");
  EXPECT_EQ(Render(std::string("a\0b", 3)),
            "\"" + std::string("a\0b", 3) + "\"");
}

}  // namespace
}  // namespace vigil::formats::rtf
