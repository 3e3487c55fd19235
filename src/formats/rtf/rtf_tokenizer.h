// The lexical layer of RTF: bytes in, tokens out, no nesting.
//
// RTF has four kinds of token besides braces: control words (a backslash,
// ASCII letters, an optional signed decimal parameter, and an optional
// space that is part of the word), control symbols (a backslash and one
// non-letter), the \'hh escape (a character by its hex code), and text
// (everything up to the next brace or backslash). \binN is lexical too: the
// N bytes after it are raw data that may hold braces and backslashes, so
// the tokenizer hands them out as one kBinary token instead of reading
// them as text. Nesting (what a group means) is the caller's business; the
// tokenizer holds no stack, so a nesting bomb costs it nothing.
// Tested by tests/unit/formats/rtf/rtf_tokenizer_test.cc.
#ifndef VIGIL_FORMATS_RTF_RTF_TOKENIZER_H_
#define VIGIL_FORMATS_RTF_RTF_TOKENIZER_H_

#include <cstdint>
#include <string_view>

#include "vigil/bytes.h"

namespace vigil::formats::rtf {

struct Token {
  enum class Kind {
    kEnd,            // no more input
    kGroupOpen,      // {
    kGroupClose,     // }
    kControlWord,    // \word or \wordN
    kControlSymbol,  // \ and one non-letter other than '
    kHexEscape,      // \'hh
    kBinary,         // \binN and the N raw bytes after it
    kText,           // a run of bytes without { } or backslash
  };
  Kind kind = Kind::kEnd;
  std::string_view word;  // kControlWord: the letters (a view of the input)
  bool has_param = false;
  int64_t param = 0;    // kControlWord, kBinary: the parameter (saturated)
  char symbol = 0;      // kControlSymbol
  uint8_t value = 0;    // kHexEscape: the byte (missing digits count as 0)
  ByteView bytes;       // kText: the run; kBinary: the raw bytes present
  ByteView hex_digits;  // kHexEscape: the (up to two) hex digits read
};

class Tokenizer {
 public:
  explicit Tokenizer(ByteView data) : data_(data) {}

  // The next token; kEnd once the input is used up (and on every call
  // after that).
  Token Next();

  // Offset of the first byte not yet tokenized.
  size_t position() const { return pos_; }

  // True once a \binN claimed more bytes than were left (the kBinary token
  // then holds what there was).
  bool binary_truncated() const { return binary_truncated_; }

 private:
  Token ControlWord();
  Token HexEscape();
  Token Text();
  int Peek() const;

  ByteView data_;
  size_t pos_ = 0;
  bool binary_truncated_ = false;
};

}  // namespace vigil::formats::rtf

#endif  // VIGIL_FORMATS_RTF_RTF_TOKENIZER_H_
