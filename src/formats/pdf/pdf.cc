// PDF extraction: a forward scan for "N G obj" headers; see pdf.h.
//
// The scan keeps one position that only moves forward. At each step it
// finds the next "obj" keyword preceded by two integers (or the next
// "trailer"), parses one direct object after it, and when a dictionary is
// followed by "stream" it takes the stream data: /Length bytes when /Length
// is a direct integer that lands on "endstream", otherwise up to the next
// "endstream" or "endobj", whichever comes first. The keyword searches are
// memoised forward searches, so the whole scan reads each byte a bounded
// number of times. /JS references are collected on the way and resolved
// after the scan from the recorded object positions.
#include "formats/pdf/pdf.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "formats/pdf/pdf_filters.h"
#include "formats/pdf/pdf_object.h"

namespace vigil::formats {
namespace {

using pdf::Decoded;
using pdf::Parser;
using pdf::Value;
using pdf::WorkBudget;

constexpr size_t kMaxNotes = 200;
constexpr uint64_t kMaxStoredStrings = 16ull << 20;

struct ObjectId {
  uint32_t num = 0;
  uint32_t gen = 0;
  auto operator<=>(const ObjectId&) const = default;
};

std::string ObjectName(ObjectId id) {
  return "obj " + std::to_string(id.num) + " " + std::to_string(id.gen);
}

// Forward search for `needle` that remembers its last answer: queries with
// non-decreasing starts read each byte of `data` about once in total.
class ForwardFinder {
 public:
  ForwardFinder(std::string_view data, std::string_view needle)
      : data_(data), needle_(needle) {}

  size_t FindFrom(size_t pos) {
    if (!valid_ || pos < from_ ||
        (found_ != std::string_view::npos && pos > found_)) {
      from_ = pos;
      found_ = data_.find(needle_, pos);
      valid_ = true;
    }
    return found_;
  }

 private:
  std::string_view data_;
  std::string_view needle_;
  bool valid_ = false;
  size_t from_ = 0;
  size_t found_ = 0;
};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Reads the unsigned integer that ends just before `end`, scanning back over
// at most `max_digits` digits; sets `begin` to its first digit.
std::optional<uint64_t> IntegerBefore(std::string_view text, size_t end,
                                      size_t max_digits, size_t& begin) {
  begin = end;
  while (begin > 0 && end - begin < max_digits + 1 && IsDigit(text[begin - 1]))
    --begin;
  if (begin == end || end - begin > max_digits) return std::nullopt;
  uint64_t v = 0;
  for (size_t i = begin; i < end; ++i) v = v * 10 + (text[i] - '0');
  return v;
}

// Moves `pos` back over at most 64 whitespace bytes; false if none.
bool SpaceBefore(std::string_view text, size_t& pos) {
  size_t start = pos;
  while (pos > 0 && start - pos < 64 && pdf::IsPdfWhitespace(text[pos - 1]))
    --pos;
  return pos != start;
}

// True when "N G" precedes the "obj" at `at`; fills `id`.
bool ObjectHeaderAt(std::string_view text, size_t at, ObjectId& id) {
  size_t end = at + 3;
  if (end < text.size() && !pdf::IsPdfWhitespace(text[end]) &&
      !pdf::IsPdfDelimiter(text[end]))
    return false;
  size_t pos = at, begin = 0;
  if (!SpaceBefore(text, pos)) return false;
  auto gen = IntegerBefore(text, pos, 5, begin);
  if (!gen || *gen > 65535) return false;
  pos = begin;
  if (!SpaceBefore(text, pos)) return false;
  auto num = IntegerBefore(text, pos, 10, begin);
  if (!num || *num > UINT32_MAX) return false;
  if (begin > 0 && !pdf::IsPdfWhitespace(text[begin - 1]) &&
      !pdf::IsPdfDelimiter(text[begin - 1]))
    return false;
  id = {static_cast<uint32_t>(*num), static_cast<uint32_t>(*gen)};
  return true;
}

std::optional<int64_t> IntegerEntry(const Value& dict, std::string_view key) {
  const Value* v = dict.Get(key);
  if (!v || v->kind != Value::Kind::kNumber || !v->is_integer)
    return std::nullopt;
  return v->integer;
}

int IntParam(const Value* parms, std::string_view key, int fallback) {
  if (!parms) return fallback;
  auto v = IntegerEntry(*parms, key);
  if (!v || *v < INT32_MIN || *v > INT32_MAX) return fallback;
  return static_cast<int>(*v);
}

struct StreamSpan {
  size_t begin = 0;
  size_t end = 0;     // data is [begin, end)
  size_t resume = 0;  // where the scan goes on
};

struct ObjectRecord {
  size_t value_offset = 0;
  bool is_stream = false;
  StreamSpan span;
};

class PdfExtractor {
 public:
  PdfExtractor(ByteView data, const ExtractLimits& limits,
               const std::function<bool(const ArchiveMember&)>& on_member)
      : text_(AsChars(data)),
        limits_(limits),
        on_member_(on_member),
        obj_finder_(text_, "obj"),
        trailer_finder_(text_, "trailer"),
        endstream_finder_(text_, "endstream"),
        endobj_finder_(text_, "endobj") {
    budget_.remaining = 16 * static_cast<uint64_t>(text_.size()) + (1 << 20);
  }

  ExtractResult Run() {
    Scan();
    ResolveJs();
    if (budget_.exhausted) Note("parse work limit reached: scan incomplete");
    return std::move(result_);
  }

 private:
  void Scan();
  size_t HandleTrailer(size_t at);
  size_t HandleObject(ObjectId id, size_t after_header);
  StreamSpan LocateStream(const Value& dict, size_t after_keyword, ObjectId id);
  size_t SearchStreamEnd(size_t begin, size_t& resume);
  Decoded DecodeStream(const Value& dict, std::string_view raw, ObjectId id);
  bool ApplyFilter(const std::string& name, const Value* parms, Decoded& cur,
                   ObjectId id);
  void ExpandObjectStream(ObjectId id, const Value& dict,
                          std::string_view decoded);
  void ExpandContained(ObjectId stream, ObjectId id, std::string_view text);
  void FindJs(const Value& v, ObjectId id, int depth);
  void ResolveJs();
  void ResolveJsRef(ObjectId ref);
  void Emit(const std::string& name, std::string_view data, bool truncated);
  void Note(std::string note);

  std::string_view text_;
  const ExtractLimits& limits_;
  const std::function<bool(const ArchiveMember&)>& on_member_;
  ExtractResult result_;
  WorkBudget budget_;
  bool stopped_ = false;
  bool encrypted_noted_ = false;
  ForwardFinder obj_finder_, trailer_finder_, endstream_finder_, endobj_finder_;
  std::map<ObjectId, ObjectRecord> records_;
  std::map<ObjectId, std::string> contained_strings_;
  uint64_t stored_string_bytes_ = 0;
  std::vector<ObjectId> js_refs_;
  std::set<ObjectId> js_ref_set_;
};

void PdfExtractor::Note(std::string note) {
  if (result_.notes.size() < kMaxNotes) {
    result_.notes.push_back(std::move(note));
  } else if (result_.notes.size() == kMaxNotes) {
    result_.notes.push_back("further notes omitted");
  }
}

void PdfExtractor::Emit(const std::string& name, std::string_view data,
                        bool truncated) {
  if (stopped_) return;
  if (result_.members >= limits_.max_members) {
    result_.hit_member_limit = true;
    Note("member limit reached: further children skipped");
    stopped_ = true;
    return;
  }
  if (data.size() > limits_.max_member_size) {
    data = data.substr(0, limits_.max_member_size);
    truncated = true;
  }
  ArchiveMember member;
  member.name = name;
  member.data = AsBytes(data);
  member.truncated = truncated;
  if (truncated) {
    result_.hit_size_limit = true;
    Note(name + ": truncated at max_member_size");
  }
  ++result_.members;
  if (!on_member_(member)) stopped_ = true;
}

void PdfExtractor::Scan() {
  size_t pos = 0;
  while (pos < text_.size() && !stopped_ && !budget_.exhausted) {
    size_t trailer = trailer_finder_.FindFrom(pos);
    size_t at = obj_finder_.FindFrom(pos);
    ObjectId id;
    while (at != std::string_view::npos && at < trailer &&
           !ObjectHeaderAt(text_, at, id)) {
      at = obj_finder_.FindFrom(at + 3);
    }
    if (trailer != std::string_view::npos && trailer < at) {
      pos = HandleTrailer(trailer);
    } else if (at != std::string_view::npos) {
      pos = HandleObject(id, at + 3);
    } else {
      break;
    }
  }
}

size_t PdfExtractor::HandleTrailer(size_t at) {
  Parser parser(text_, at + 7, &budget_);
  std::optional<Value> dict = parser.ParseValue();
  if (!dict) return std::max(parser.last_token_start(), at + 7);
  if (dict->Get("Encrypt")) {
    result_.encrypted = true;
    if (!encrypted_noted_) Note("encrypted PDF: streams are given as found");
    encrypted_noted_ = true;
  }
  return std::max(parser.position(), at + 7);
}

size_t PdfExtractor::HandleObject(ObjectId id, size_t after_header) {
  Parser parser(text_, after_header, &budget_);
  std::optional<Value> value = parser.ParseValue();
  if (!value) {
    Note(ObjectName(id) + ": unreadable object");
    return std::max(parser.last_token_start(), after_header);
  }
  ObjectRecord& record = records_[id];
  record = ObjectRecord{after_header, false, {}};
  FindJs(*value, id, 0);
  if (value->kind != Value::Kind::kDict || !parser.TakeKeyword("stream"))
    return parser.position();
  record.is_stream = true;
  record.span = LocateStream(*value, parser.position(), id);
  StreamSpan span = record.span;
  std::string_view raw = text_.substr(span.begin, span.end - span.begin);
  Decoded decoded = DecodeStream(*value, raw, id);
  Emit(ObjectName(id), decoded.data, decoded.truncated);
  const Value* type = value->Get("Type");
  if (type && type->IsName("ObjStm")) {
    ExpandObjectStream(id, *value, decoded.data);
  }
  if (type && type->IsName("XRef") && value->Get("Encrypt")) {
    result_.encrypted = true;
    if (!encrypted_noted_) Note("encrypted PDF: streams are given as found");
    encrypted_noted_ = true;
  }
  return span.resume;
}

StreamSpan PdfExtractor::LocateStream(const Value& dict, size_t after_keyword,
                                      ObjectId id) {
  StreamSpan span;
  size_t begin = after_keyword;
  if (begin < text_.size() && text_[begin] == '\r') ++begin;
  if (begin < text_.size() && text_[begin] == '\n') ++begin;
  span.begin = begin;
  const Value* length = dict.Get("Length");
  if (length && length->kind == Value::Kind::kNumber && length->is_integer &&
      length->integer >= 0 &&
      static_cast<uint64_t>(length->integer) <= text_.size() - begin) {
    size_t end = begin + static_cast<size_t>(length->integer);
    size_t k = end;
    while (k < text_.size() && k - end < 64 && pdf::IsPdfWhitespace(text_[k]))
      ++k;
    if (text_.compare(k, 9, "endstream") == 0) {
      span.end = end;
      span.resume = k + 9;
      return span;
    }
    Note(ObjectName(id) + ": /Length does not reach endstream");
  }
  span.end = SearchStreamEnd(begin, span.resume);
  return span;
}

// The end of stream data that starts at `begin`: before the next
// "endstream" (and the end of line before it), or the next "endobj".
size_t PdfExtractor::SearchStreamEnd(size_t begin, size_t& resume) {
  size_t endstream = endstream_finder_.FindFrom(begin);
  size_t endobj = endobj_finder_.FindFrom(begin);
  size_t end = std::min({endstream, endobj, text_.size()});
  resume = end == endstream ? end + 9 : end;
  if (end > begin && end != text_.size() && text_[end - 1] == '\n') --end;
  if (end > begin && end != text_.size() && text_[end - 1] == '\r') --end;
  return end;
}

Decoded PdfExtractor::DecodeStream(const Value& dict, std::string_view raw,
                                   ObjectId id) {
  Decoded cur;
  cur.data.assign(
      raw.substr(0, std::min<uint64_t>(raw.size(), limits_.max_member_size)));
  cur.truncated = raw.size() > limits_.max_member_size;
  // /F and /DP are a stream's external file, not the inline-image
  // abbreviations of /Filter and /DecodeParms.
  const Value* filter = dict.Get("Filter");
  if (!filter || filter->kind == Value::Kind::kNull) return cur;
  const Value* parms = dict.Get("DecodeParms");
  std::vector<std::pair<std::string, const Value*>> chain;
  if (filter->kind == Value::Kind::kName) {
    chain.emplace_back(filter->text, parms && parms->kind == Value::Kind::kDict
                                         ? parms
                                         : nullptr);
  } else if (filter->kind == Value::Kind::kArray) {
    for (size_t i = 0; i < filter->items.size(); ++i) {
      const Value* p = nullptr;
      if (parms && parms->kind == Value::Kind::kArray &&
          i < parms->items.size() && parms->items[i].kind == Value::Kind::kDict)
        p = &parms->items[i];
      if (filter->items[i].kind != Value::Kind::kName) {
        chain.emplace_back("", nullptr);
      } else {
        chain.emplace_back(filter->items[i].text, p);
      }
    }
  } else {
    Note(ObjectName(id) + ": /Filter is not a name or array: not decoded");
    return cur;
  }
  if (chain.size() > kMaxPdfFilters) {
    Note(ObjectName(id) + ": more than " + std::to_string(kMaxPdfFilters) +
         " filters: decoded the first ones only");
    chain.resize(kMaxPdfFilters);
  }
  for (const auto& [name, p] : chain) {
    if (!ApplyFilter(name, p, cur, id)) break;
  }
  return cur;
}

bool PdfExtractor::ApplyFilter(const std::string& name, const Value* parms,
                               Decoded& cur, ObjectId id) {
  uint64_t limit = limits_.max_member_size;
  Decoded next;
  bool predicted = false;
  if (name == "FlateDecode" || name == "Fl") {
    next = pdf::FlateDecode(cur.data, limit);
    predicted = true;
  } else if (name == "LZWDecode" || name == "LZW") {
    next = pdf::LzwDecode(cur.data, limit, IntParam(parms, "EarlyChange", 1));
    predicted = true;
  } else if (name == "ASCIIHexDecode" || name == "AHx") {
    next = pdf::AsciiHexDecode(cur.data, limit);
  } else if (name == "ASCII85Decode" || name == "A85") {
    next = pdf::Ascii85Decode(cur.data, limit);
  } else if (name == "RunLengthDecode" || name == "RL") {
    next = pdf::RunLengthDecode(cur.data, limit);
  } else {
    Note(ObjectName(id) + ": filter " + (name.empty() ? "?" : name) +
         " not decoded: data given as it is before it");
    return false;
  }
  for (std::string& n : next.notes) Note(ObjectName(id) + ": " + n);
  next.truncated = next.truncated || cur.truncated;
  if (predicted && parms) {
    pdf::PredictorParams p;
    p.predictor = IntParam(parms, "Predictor", 1);
    p.colors = IntParam(parms, "Colors", 1);
    p.bits_per_component = IntParam(parms, "BitsPerComponent", 8);
    p.columns = IntParam(parms, "Columns", 1);
    if (p.predictor > 1) {
      Decoded plain = pdf::Unpredict(next.data, p);
      for (std::string& n : plain.notes) Note(ObjectName(id) + ": " + n);
      next.data = std::move(plain.data);
    }
  }
  cur = std::move(next);
  return true;
}

void PdfExtractor::ExpandObjectStream(ObjectId id, const Value& dict,
                                      std::string_view decoded) {
  auto count = IntegerEntry(dict, "N");
  auto first = IntegerEntry(dict, "First");
  if (!count || !first || *count < 0 || *first < 0 ||
      static_cast<uint64_t>(*first) > decoded.size()) {
    Note(ObjectName(id) + ": object stream without valid /N and /First");
    return;
  }
  std::string_view header = decoded.substr(0, static_cast<size_t>(*first));
  std::string_view body = decoded.substr(static_cast<size_t>(*first));
  WorkBudget budget{4 * header.size() + 4096, false};
  Parser parser(header, 0, &budget);
  std::vector<std::pair<size_t, uint32_t>> entries;  // offset, number
  for (int64_t i = 0; i < *count; ++i) {
    auto num = parser.ParseValue();
    auto off = parser.ParseValue();
    if (!num || !off || num->kind != Value::Kind::kNumber ||
        off->kind != Value::Kind::kNumber || num->integer < 0 ||
        num->integer > UINT32_MAX || off->integer < 0 ||
        static_cast<uint64_t>(off->integer) > body.size())
      break;
    entries.emplace_back(static_cast<size_t>(off->integer),
                         static_cast<uint32_t>(num->integer));
  }
  if (entries.size() != static_cast<uint64_t>(*count))
    Note(ObjectName(id) + ": object stream header damaged");
  std::stable_sort(
      entries.begin(), entries.end(),
      [](const auto& a, const auto& b) { return a.first < b.first; });
  // An object ends where the next one starts; of objects that claim the
  // same offset only the last gets the text (so the work stays linear).
  for (size_t i = 0; i < entries.size() && !stopped_; ++i) {
    size_t end = i + 1 < entries.size() ? entries[i + 1].first : body.size();
    if (end == entries[i].first) continue;
    ExpandContained(id, {entries[i].second, 0},
                    body.substr(entries[i].first, end - entries[i].first));
  }
}

void PdfExtractor::ExpandContained(ObjectId stream, ObjectId id,
                                   std::string_view text) {
  Emit(ObjectName(id) + " (in " + std::to_string(stream.num) + ")", text,
       false);
  WorkBudget budget{4 * text.size() + 4096, false};
  Parser parser(text, 0, &budget);
  std::optional<Value> value = parser.ParseValue();
  if (!value) return;
  FindJs(*value, id, 0);
  if (value->kind == Value::Kind::kString &&
      stored_string_bytes_ + value->text.size() <= kMaxStoredStrings) {
    stored_string_bytes_ += value->text.size();
    contained_strings_[id] = std::move(value->text);
  }
}

void PdfExtractor::FindJs(const Value& v, ObjectId id, int depth) {
  if (depth > pdf::kMaxNesting) return;
  if (v.kind == Value::Kind::kDict) {
    for (size_t i = 0; i < v.keys.size(); ++i) {
      const Value& item = v.items[i];
      if (v.keys[i] == "JS" && item.kind == Value::Kind::kString) {
        Emit(ObjectName(id) + " js", item.text, false);
      } else if (v.keys[i] == "JS" && item.kind == Value::Kind::kRef) {
        ObjectId ref{static_cast<uint32_t>(item.integer), item.gen};
        if (js_ref_set_.insert(ref).second) js_refs_.push_back(ref);
      }
    }
  }
  if (v.kind == Value::Kind::kDict || v.kind == Value::Kind::kArray) {
    for (const Value& item : v.items) FindJs(item, id, depth + 1);
  }
}

void PdfExtractor::ResolveJs() {
  for (ObjectId ref : js_refs_) {
    if (stopped_ || budget_.exhausted) return;
    ResolveJsRef(ref);
  }
}

void PdfExtractor::ResolveJsRef(ObjectId ref) {
  std::string name = ObjectName(ref) + " js";
  if (auto it = contained_strings_.find(ref); it != contained_strings_.end()) {
    Emit(name, it->second, false);
    return;
  }
  auto it = records_.find(ref);
  if (it == records_.end()) {
    Note(name + ": /JS refers to a missing object");
    return;
  }
  const ObjectRecord& record = it->second;
  Parser parser(text_, record.value_offset, &budget_);
  std::optional<Value> value = parser.ParseValue();
  if (!value) return;
  if (value->kind == Value::Kind::kString) {
    Emit(name, value->text, false);
  } else if (record.is_stream && value->kind == Value::Kind::kDict) {
    const StreamSpan& span = record.span;
    Decoded decoded = DecodeStream(
        *value, text_.substr(span.begin, span.end - span.begin), ref);
    Emit(name, decoded.data, decoded.truncated);
  } else {
    Note(name + ": /JS refers to neither a string nor a stream");
  }
}

}  // namespace

bool IsPdf(ByteView data) {
  std::string_view head =
      AsChars(data.subspan(0, std::min<size_t>(data.size(), 1024)));
  return head.find("%PDF-") != std::string_view::npos;
}

ExtractResult ExtractPdf(
    ByteView data, const ExtractLimits& limits,
    const std::function<bool(const ArchiveMember&)>& on_member) {
  return PdfExtractor(data, limits, on_member).Run();
}

}  // namespace vigil::formats
