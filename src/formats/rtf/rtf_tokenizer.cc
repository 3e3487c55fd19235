#include "formats/rtf/rtf_tokenizer.h"

#include <algorithm>
#include <cstddef>

namespace vigil::formats::rtf {

namespace {

// Parameters are saturated here: RTF's are 16 or 32 bits, and only \bin's
// is used as a size (clamped to the input anyway).
constexpr int64_t kMaxParam = int64_t{1} << 40;

bool IsLetter(int c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool IsDigit(int c) { return c >= '0' && c <= '9'; }

int HexValue(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

int Tokenizer::Peek() const {
  return pos_ < data_.size()
             ? static_cast<int>(static_cast<uint8_t>(data_[pos_]))
             : -1;
}

Token Tokenizer::Next() {
  Token t;
  const int c = Peek();
  if (c < 0) return t;
  if (c == '{' || c == '}') {
    ++pos_;
    t.kind = c == '{' ? Token::Kind::kGroupOpen : Token::Kind::kGroupClose;
    return t;
  }
  if (c != '\\') return Text();
  ++pos_;
  const int next = Peek();
  if (next < 0) return t;  // a lone backslash ends the input
  if (IsLetter(next)) return ControlWord();
  ++pos_;
  if (next == '\'') return HexEscape();
  t.kind = Token::Kind::kControlSymbol;
  t.symbol = static_cast<char>(next);
  return t;
}

// At the first letter of a control word.
Token Tokenizer::ControlWord() {
  Token t;
  t.kind = Token::Kind::kControlWord;
  const size_t start = pos_;
  while (IsLetter(Peek())) ++pos_;
  t.word = std::string_view(reinterpret_cast<const char*>(data_.data()) + start,
                            pos_ - start);
  bool negative = false;
  if (Peek() == '-' && pos_ + 1 < data_.size() &&
      IsDigit(static_cast<uint8_t>(data_[pos_ + 1]))) {
    negative = true;
    ++pos_;
  }
  while (IsDigit(Peek())) {
    t.has_param = true;
    t.param = std::min(kMaxParam, t.param * 10 + (Peek() - '0'));
    ++pos_;
  }
  if (negative) t.param = -t.param;
  if (Peek() == ' ') ++pos_;  // the delimiter belongs to the word
  if (t.word != "bin") return t;
  t.kind = Token::Kind::kBinary;
  const size_t want = t.param > 0 ? static_cast<size_t>(t.param) : 0;
  const size_t take = std::min(want, data_.size() - pos_);
  binary_truncated_ = binary_truncated_ || take < want;
  t.bytes = data_.subspan(pos_, take);
  pos_ += take;
  return t;
}

// Just past \' : up to two hex digits.
Token Tokenizer::HexEscape() {
  Token t;
  t.kind = Token::Kind::kHexEscape;
  const size_t start = pos_;
  int value = 0;
  for (int i = 0; i < 2 && HexValue(Peek()) >= 0; ++i) {
    value = value * 16 + HexValue(Peek());
    ++pos_;
  }
  t.value = static_cast<uint8_t>(value);
  t.hex_digits = data_.subspan(start, pos_ - start);
  return t;
}

Token Tokenizer::Text() {
  Token t;
  t.kind = Token::Kind::kText;
  const size_t start = pos_;
  const auto* begin = reinterpret_cast<const char*>(data_.data());
  const char* end = begin + data_.size();
  static constexpr char kStops[] = {'{', '}', '\\'};
  const char* stop = std::find_first_of(begin + start, end, std::begin(kStops),
                                        std::end(kStops));
  pos_ = static_cast<size_t>(stop - begin);
  t.bytes = data_.subspan(start, pos_ - start);
  return t;
}

}  // namespace vigil::formats::rtf
