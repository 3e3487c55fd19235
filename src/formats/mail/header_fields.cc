#include "formats/mail/header_fields.h"

#include <algorithm>
#include <cstddef>
#include <map>
#include <vector>

#include "formats/mail/transfer_decode.h"
#include "vigil/bytes.h"

namespace vigil::formats::mail {
namespace {

// Parameter sections beyond this index are ignored (RFC 2231 gives no
// bound; real names use a handful).
constexpr int kMaxSection = 999;
// An RFC 2047 charset name longer than this is not one.
constexpr size_t kMaxCharsetLength = 64;

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; }

std::string LowerCopy(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Lower(c);
  return out;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// A cursor over a structured field.
class FieldCursor {
 public:
  explicit FieldCursor(std::string_view s) : s_(s) {}
  bool AtEnd() const { return pos_ >= s_.size(); }
  char Peek() const { return s_[pos_]; }
  void Advance() { ++pos_; }

  // Skips white space and (possibly nested) comments.
  void SkipCfws() {
    while (!AtEnd()) {
      if (IsSpace(Peek())) {
        ++pos_;
      } else if (Peek() == '(') {
        SkipComment();
      } else {
        return;
      }
    }
  }

  // Text up to (not including) the first of `stops`, trimmed.
  std::string_view Until(std::string_view stops) {
    size_t end = s_.find_first_of(stops, pos_);
    if (end == std::string_view::npos) end = s_.size();
    std::string_view out = s_.substr(pos_, end - pos_);
    pos_ = end;
    return Trim(out);
  }

  // REQUIRES: Peek() == '"'. The quoted string, unescaped.
  std::string Quoted() {
    std::string out;
    for (++pos_; !AtEnd(); ++pos_) {
      char c = Peek();
      if (c == '"') {
        ++pos_;
        break;
      }
      if (c == '\\' && pos_ + 1 < s_.size()) c = s_[++pos_];
      out.push_back(c);
    }
    return out;
  }

 private:
  void SkipComment() {
    int level = 0;
    for (; !AtEnd(); ++pos_) {
      char c = Peek();
      if (c == '\\') {
        if (pos_ + 1 < s_.size()) ++pos_;  // the escaped character
      } else if (c == '(') {
        ++level;
      } else if (c == ')' && --level == 0) {
        ++pos_;
        return;
      }
    }
  }

  std::string_view s_;
  size_t pos_ = 0;
};

std::string PercentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    int hi = i + 2 < s.size() && s[i] == '%' ? HexValue(s[i + 1]) : -1;
    int lo = hi >= 0 ? HexValue(s[i + 2]) : -1;
    if (lo >= 0) {
      out.push_back(char(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// The value of an RFC 2231 extended section: "charset'lang'%xx..." for the
// first section, "%xx..." for the others.
std::string DecodeExtended(std::string_view v, bool first) {
  if (first) {
    size_t q1 = v.find('\'');
    size_t q2 = q1 == std::string_view::npos ? q1 : v.find('\'', q1 + 1);
    if (q2 != std::string_view::npos) v.remove_prefix(q2 + 1);
  }
  return PercentDecode(v);
}

struct Section {
  std::string value;
  bool extended = false;
};

// Joins RFC 2231 sections ("name*0", "name*1*", "name*") into one value
// per name; an extended form wins over a plain one of the same name.
class ParamJoiner {
 public:
  void Add(std::string name, std::string value) {
    size_t star = name.find('*');
    if (star == std::string::npos) {
      plain_.emplace_back(std::move(name), std::move(value));
      return;
    }
    std::string base = name.substr(0, star);
    std::string_view rest = std::string_view(name).substr(star + 1);
    bool extended = !rest.empty() && rest.back() == '*';
    if (extended) rest.remove_suffix(1);
    if (rest.empty() && name.back() == '*') extended = true;
    int index = 0;
    if (!ParseIndex(rest, &index)) return;
    sections_[base][index] = Section{std::move(value), extended};
  }

  std::vector<std::pair<std::string, std::string>> Finish() {
    std::vector<std::pair<std::string, std::string>> out;
    for (auto& [base, parts] : sections_) {
      std::string joined;
      for (auto& [index, sec] : parts) {
        joined +=
            sec.extended ? DecodeExtended(sec.value, index == 0) : sec.value;
      }
      out.emplace_back(base, std::move(joined));
    }
    for (auto& p : plain_) {
      if (!sections_.count(p.first)) out.push_back(std::move(p));
    }
    return out;
  }

 private:
  static bool ParseIndex(std::string_view digits, int* index) {
    if (digits.size() > 3) return false;
    *index = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return false;
      *index = *index * 10 + (c - '0');
    }
    return *index <= kMaxSection;
  }

  std::map<std::string, std::map<int, Section>> sections_;
  std::vector<std::pair<std::string, std::string>> plain_;
};

// Decodes the text of one encoded word into `out`.
void DecodeWordText(char encoding, std::string_view text, std::string* out) {
  std::vector<std::byte> bytes;
  if (encoding == 'b' || encoding == 'B') {
    (void)DecodeBase64(AsBytes(text), text.size(), &bytes);
    out->append(AsChars(bytes));
    return;
  }
  for (size_t i = 0; i < text.size(); ++i) {
    int hi = text[i] == '=' && i + 2 < text.size() ? HexValue(text[i + 1]) : -1;
    int lo = hi >= 0 ? HexValue(text[i + 2]) : -1;
    if (lo >= 0) {
      out->push_back(char(hi * 16 + lo));
      i += 2;
    } else {
      out->push_back(text[i] == '_' ? ' ' : text[i]);
    }
  }
}

enum class WordParse { kOk, kNotWord, kNoMoreWords };

// Parses an encoded word starting at s[pos] ("=?"). On kOk appends its
// bytes to `out` and sets *end past "?=". kNoMoreWords: no "?=" follows, so
// no later word can be complete either (this keeps the scan linear).
WordParse ParseWord(std::string_view s, size_t pos, std::string* out,
                    size_t* end) {
  size_t cs_end = s.find('?', pos + 2);
  if (cs_end == std::string_view::npos) return WordParse::kNoMoreWords;
  if (cs_end == pos + 2 || cs_end - pos - 2 > kMaxCharsetLength) {
    return WordParse::kNotWord;
  }
  for (size_t i = pos + 2; i < cs_end; ++i) {
    if (IsSpace(s[i])) return WordParse::kNotWord;
  }
  if (cs_end + 2 >= s.size() || s[cs_end + 2] != '?')
    return WordParse::kNotWord;
  char enc = s[cs_end + 1];
  if (enc != 'b' && enc != 'B' && enc != 'q' && enc != 'Q') {
    return WordParse::kNotWord;
  }
  size_t text_start = cs_end + 3;
  size_t close = s.find("?=", text_start);
  if (close == std::string_view::npos) return WordParse::kNoMoreWords;
  DecodeWordText(enc, s.substr(text_start, close - text_start), out);
  *end = close + 2;
  return WordParse::kOk;
}

bool AllSpace(std::string_view s) {
  return std::all_of(s.begin(), s.end(), IsSpace);
}

}  // namespace

std::string_view ParameterizedField::Param(std::string_view name) const {
  for (const auto& [n, v] : params) {
    if (n == name) return v;
  }
  return {};
}

ParameterizedField ParseParameterizedField(std::string_view field) {
  ParameterizedField out;
  FieldCursor cur(field);
  cur.SkipCfws();
  out.value = LowerCopy(cur.Until(";("));
  ParamJoiner joiner;
  while (!cur.AtEnd()) {
    if (cur.Peek() != ';') {
      if (cur.Peek() != '(') cur.Advance();
      cur.SkipCfws();
      continue;
    }
    cur.Advance();
    cur.SkipCfws();
    std::string name = LowerCopy(cur.Until("=;"));
    if (cur.AtEnd() || cur.Peek() != '=') continue;
    cur.Advance();
    cur.SkipCfws();
    std::string value;
    if (!cur.AtEnd() && cur.Peek() == '"') {
      value = cur.Quoted();
    } else {
      value = std::string(cur.Until(";"));
    }
    if (!name.empty()) joiner.Add(std::move(name), std::move(value));
  }
  out.params = joiner.Finish();
  return out;
}

std::string DecodeEncodedWords(std::string_view text) {
  std::string out;
  size_t pos = 0;
  size_t after_word = std::string_view::npos;  // end of the last word
  while (pos < text.size()) {
    size_t open = text.find("=?", pos);
    if (open == std::string_view::npos) break;
    size_t end = 0;
    std::string word;
    WordParse r = ParseWord(text, open, &word, &end);
    if (r == WordParse::kNoMoreWords) break;
    if (r == WordParse::kNotWord) {
      out.append(text.substr(pos, open + 2 - pos));
      pos = open + 2;
      continue;
    }
    std::string_view gap = text.substr(pos, open - pos);
    if (!(after_word == pos && AllSpace(gap))) out.append(gap);
    out += word;
    pos = after_word = end;
  }
  if (pos < text.size()) out.append(text.substr(pos));
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() &&
         EqualsIgnoreCase(s.substr(0, prefix.size()), prefix);
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

bool SplitHeaderField(std::string_view line, std::string_view* name,
                      std::string_view* value) {
  size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  std::string_view n = line.substr(0, colon);
  while (!n.empty() && (n.back() == ' ' || n.back() == '\t')) {
    n.remove_suffix(1);
  }
  if (n.empty()) return false;
  for (char c : n) {
    if (c <= ' ' || c >= 127) return false;
  }
  *name = n;
  *value = line.substr(colon + 1);
  return true;
}

}  // namespace vigil::formats::mail
