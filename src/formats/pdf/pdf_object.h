// PDF object syntax (PDF 1.7, section 7.3): a tokenizer and a parser of
// direct objects, enough to read stream dictionaries, object streams and
// /JS entries (internal header).
//
// The parser never looks for "endobj": it reads one value and stops. It also
// stops, with an error, at the keywords "obj" and "endobj" outside strings,
// so a broken object cannot swallow the objects after it. Every byte the
// tokenizer reads is charged to a shared WorkBudget; when the budget is spent
// parsing fails, which bounds the total work on hostile input (unclosed
// literal strings are the only construct that could make a parse run far).
// Tested by tests/unit/formats/pdf/pdf_test.cc.
#ifndef VIGIL_FORMATS_PDF_PDF_OBJECT_H_
#define VIGIL_FORMATS_PDF_PDF_OBJECT_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::formats::pdf {

// Bytes the tokenizer may still read, shared by all parses of one file.
struct WorkBudget {
  uint64_t remaining = 0;
  bool exhausted = false;
};

inline constexpr int kMaxNesting = 32;  // deeper arrays/dicts: parse error

struct Value {
  enum class Kind {
    kNull,
    kBool,
    kNumber,
    kName,
    kString,
    kArray,
    kDict,
    kRef
  };
  Kind kind = Kind::kNull;
  std::string text;     // name (#xx decoded), string bytes (unescaped)
  int64_t integer = 0;  // kNumber (integer part), kRef object number
  bool is_integer = false;
  uint32_t gen = 0;               // kRef generation
  std::vector<std::string> keys;  // kDict, parallel to items
  std::vector<Value> items;       // kArray elements, kDict values

  // The value of `key` in a dictionary (last one wins), or nullptr.
  const Value* Get(std::string_view key) const;
  bool IsName(std::string_view name) const {
    return kind == Kind::kName && text == name;
  }
};

bool IsPdfWhitespace(char c);
bool IsPdfDelimiter(char c);

// Reads direct objects from `data` starting at `pos`.
class Parser {
 public:
  Parser(std::string_view data, size_t pos, WorkBudget* budget)
      : data_(data), pos_(pos), budget_(budget) {}

  // One value; nullopt on a syntax error, the end of data, a keyword that is
  // not a value, or a spent budget. On error position() is where it stopped.
  std::optional<Value> ParseValue();
  // Skips whitespace and comments; true when the next token is `keyword`,
  // which is then consumed.
  bool TakeKeyword(std::string_view keyword);
  // Skips whitespace and comments only.
  void SkipSpace();
  size_t position() const { return pos_; }
  // Where the last token read began: after an error, the token that caused
  // it (a scan resumes there, so "N G obj" after a broken object is found).
  size_t last_token_start() const { return last_token_start_; }

 private:
  enum class Tok {
    kNumber,
    kName,
    kString,
    kArrayOpen,
    kArrayClose,
    kDictOpen,
    kDictClose,
    kKeyword,
    kEnd,
    kError
  };
  struct Token {
    Tok type = Tok::kEnd;
    std::string text;
    bool is_integer = false;
    int64_t integer = 0;
  };

  Token Next();
  bool Charge(size_t n);
  std::optional<Value> ParseFrom(Token tok, int depth);
  std::optional<Value> ParseArray(int depth);
  std::optional<Value> ParseDict(int depth);
  Token LexNumber();
  Token LexName();
  Token LexLiteralString();
  Token LexHexString();
  Token LexKeyword();

  std::string_view data_;
  size_t pos_;
  WorkBudget* budget_;
  size_t last_token_start_ = 0;
};

}  // namespace vigil::formats::pdf

#endif  // VIGIL_FORMATS_PDF_PDF_OBJECT_H_
