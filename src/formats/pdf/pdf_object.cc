// PDF tokenizer and direct-object parser; see pdf_object.h.
#include "formats/pdf/pdf_object.h"

#include <utility>

namespace vigil::formats::pdf {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsRegular(char c) { return !IsPdfWhitespace(c) && !IsPdfDelimiter(c); }

}  // namespace

bool IsPdfWhitespace(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' ||
         c == '\0';
}

bool IsPdfDelimiter(char c) {
  switch (c) {
    case '(':
    case ')':
    case '<':
    case '>':
    case '[':
    case ']':
    case '{':
    case '}':
    case '/':
    case '%':
      return true;
    default:
      return false;
  }
}

const Value* Value::Get(std::string_view key) const {
  if (kind != Kind::kDict) return nullptr;
  for (size_t i = keys.size(); i-- > 0;) {
    if (keys[i] == key) return &items[i];
  }
  return nullptr;
}

bool Parser::Charge(size_t n) {
  if (budget_->exhausted) return false;
  if (n > budget_->remaining) {
    budget_->remaining = 0;
    budget_->exhausted = true;
    return false;
  }
  budget_->remaining -= n;
  return true;
}

void Parser::SkipSpace() {
  size_t start = pos_;
  while (pos_ < data_.size()) {
    char c = data_[pos_];
    if (IsPdfWhitespace(c)) {
      ++pos_;
    } else if (c == '%') {
      while (pos_ < data_.size() && data_[pos_] != '\n' && data_[pos_] != '\r')
        ++pos_;
    } else {
      break;
    }
  }
  Charge(pos_ - start);
}

Parser::Token Parser::Next() {
  SkipSpace();
  Token tok;
  if (budget_->exhausted) {
    tok.type = Tok::kError;
    return tok;
  }
  last_token_start_ = pos_;
  if (pos_ >= data_.size()) return tok;  // kEnd
  size_t start = pos_;
  char c = data_[pos_];
  if (c == '/') {
    tok = LexName();
  } else if (c == '(') {
    tok = LexLiteralString();
  } else if (c == '<') {
    if (pos_ + 1 < data_.size() && data_[pos_ + 1] == '<') {
      pos_ += 2;
      tok.type = Tok::kDictOpen;
    } else {
      tok = LexHexString();
    }
  } else if (c == '>') {
    if (pos_ + 1 < data_.size() && data_[pos_ + 1] == '>') {
      pos_ += 2;
      tok.type = Tok::kDictClose;
    } else {
      tok.type = Tok::kError;
    }
  } else if (c == '[') {
    ++pos_;
    tok.type = Tok::kArrayOpen;
  } else if (c == ']') {
    ++pos_;
    tok.type = Tok::kArrayClose;
  } else if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.') {
    tok = LexNumber();
  } else if (IsRegular(c)) {
    tok = LexKeyword();
  } else {
    tok.type = Tok::kError;  // ) { } out of place
  }
  if (!Charge(pos_ - start)) tok.type = Tok::kError;
  return tok;
}

Parser::Token Parser::LexNumber() {
  Token tok;
  tok.type = Tok::kNumber;
  size_t start = pos_;
  bool negative = false;
  if (data_[pos_] == '+' || data_[pos_] == '-') negative = data_[pos_++] == '-';
  bool digits = false, dot = false;
  int64_t value = 0;
  while (pos_ < data_.size()) {
    char c = data_[pos_];
    if (c >= '0' && c <= '9') {
      digits = true;
      if (!dot && value < (int64_t{1} << 53)) value = value * 10 + (c - '0');
    } else if (c == '.' && !dot) {
      dot = true;
    } else {
      break;
    }
    ++pos_;
  }
  if (!digits) {  // "-" or "." alone: a keyword-like token, not a value
    pos_ = start;
    return LexKeyword();
  }
  tok.is_integer = !dot;
  tok.integer = negative ? -value : value;
  tok.text.assign(data_.substr(start, pos_ - start));
  return tok;
}

Parser::Token Parser::LexName() {
  Token tok;
  tok.type = Tok::kName;
  ++pos_;  // '/'
  while (pos_ < data_.size() && IsRegular(data_[pos_])) {
    char c = data_[pos_++];
    if (c == '#' && pos_ + 1 < data_.size() && HexDigit(data_[pos_]) >= 0 &&
        HexDigit(data_[pos_ + 1]) >= 0) {
      c = static_cast<char>(HexDigit(data_[pos_]) * 16 +
                            HexDigit(data_[pos_ + 1]));
      pos_ += 2;
    }
    tok.text.push_back(c);
  }
  return tok;
}

Parser::Token Parser::LexLiteralString() {
  Token tok;
  tok.type = Tok::kString;
  ++pos_;  // '('
  int depth = 1;
  while (pos_ < data_.size()) {
    char c = data_[pos_++];
    if (c == '(') {
      ++depth;
    } else if (c == ')') {
      if (--depth == 0) return tok;
    } else if (c == '\r') {  // any end of line reads as \n
      if (pos_ < data_.size() && data_[pos_] == '\n') ++pos_;
      c = '\n';
    } else if (c == '\\') {
      if (pos_ >= data_.size()) break;
      char e = data_[pos_++];
      switch (e) {
        case 'n':
          c = '\n';
          break;
        case 'r':
          c = '\r';
          break;
        case 't':
          c = '\t';
          break;
        case 'b':
          c = '\b';
          break;
        case 'f':
          c = '\f';
          break;
        case '\r':  // line continuation
          if (pos_ < data_.size() && data_[pos_] == '\n') ++pos_;
          continue;
        case '\n':
          continue;
        default:
          if (e >= '0' && e <= '7') {
            int v = e - '0';
            for (int i = 0; i < 2 && pos_ < data_.size() &&
                            data_[pos_] >= '0' && data_[pos_] <= '7';
                 ++i) {
              v = v * 8 + (data_[pos_++] - '0');
            }
            c = static_cast<char>(v & 0xff);
          } else {
            c = e;  // \( \) \\ and unknown escapes: the character itself
          }
      }
    }
    tok.text.push_back(c);
  }
  tok.type = Tok::kError;  // unclosed
  return tok;
}

Parser::Token Parser::LexHexString() {
  Token tok;
  tok.type = Tok::kString;
  ++pos_;  // '<'
  int high = -1;
  while (pos_ < data_.size()) {
    char c = data_[pos_++];
    if (c == '>') {
      if (high >= 0) tok.text.push_back(static_cast<char>(high << 4));
      return tok;
    }
    if (IsPdfWhitespace(c)) continue;
    int d = HexDigit(c);
    if (d < 0) break;
    if (high < 0) {
      high = d;
    } else {
      tok.text.push_back(static_cast<char>(high << 4 | d));
      high = -1;
    }
  }
  tok.type = Tok::kError;
  return tok;
}

Parser::Token Parser::LexKeyword() {
  Token tok;
  tok.type = Tok::kKeyword;
  size_t start = pos_;
  while (pos_ < data_.size() && IsRegular(data_[pos_])) ++pos_;
  tok.text.assign(data_.substr(start, pos_ - start));
  return tok;
}

bool Parser::TakeKeyword(std::string_view keyword) {
  size_t save = pos_;
  Token tok = Next();
  if (tok.type == Tok::kKeyword && tok.text == keyword) return true;
  pos_ = save;
  return false;
}

std::optional<Value> Parser::ParseValue() { return ParseFrom(Next(), 0); }

std::optional<Value> Parser::ParseFrom(Token tok, int depth) {
  Value v;
  switch (tok.type) {
    case Tok::kNumber: {
      v.kind = Value::Kind::kNumber;
      v.integer = tok.integer;
      v.is_integer = tok.is_integer;
      v.text = std::move(tok.text);
      if (!v.is_integer || v.integer < 0) return v;
      // "N G R" is a reference.
      size_t save = pos_;
      Token gen = Next();
      if (gen.type == Tok::kNumber && gen.is_integer && gen.integer >= 0 &&
          gen.integer <= 65535 && TakeKeyword("R")) {
        v.kind = Value::Kind::kRef;
        v.gen = static_cast<uint32_t>(gen.integer);
        return v;
      }
      pos_ = save;
      return v;
    }
    case Tok::kName:
      v.kind = Value::Kind::kName;
      v.text = std::move(tok.text);
      return v;
    case Tok::kString:
      v.kind = Value::Kind::kString;
      v.text = std::move(tok.text);
      return v;
    case Tok::kArrayOpen:
      return ParseArray(depth + 1);
    case Tok::kDictOpen:
      return ParseDict(depth + 1);
    case Tok::kKeyword:
      if (tok.text == "true" || tok.text == "false") {
        v.kind = Value::Kind::kBool;
        v.integer = tok.text == "true";
        return v;
      }
      if (tok.text == "null") return v;
      return std::nullopt;  // obj, endobj, stream, R...: not a value
    default:
      return std::nullopt;
  }
}

std::optional<Value> Parser::ParseArray(int depth) {
  if (depth > kMaxNesting) return std::nullopt;
  Value v;
  v.kind = Value::Kind::kArray;
  for (;;) {
    Token tok = Next();
    if (tok.type == Tok::kArrayClose) return v;
    std::optional<Value> item = ParseFrom(std::move(tok), depth);
    if (!item) return std::nullopt;
    v.items.push_back(std::move(*item));
  }
}

std::optional<Value> Parser::ParseDict(int depth) {
  if (depth > kMaxNesting) return std::nullopt;
  Value v;
  v.kind = Value::Kind::kDict;
  for (;;) {
    Token key = Next();
    if (key.type == Tok::kDictClose) return v;
    if (key.type != Tok::kName) return std::nullopt;
    std::optional<Value> item = ParseFrom(Next(), depth);
    if (!item) return std::nullopt;
    v.keys.push_back(std::move(key.text));
    v.items.push_back(std::move(*item));
  }
}

}  // namespace vigil::formats::pdf
