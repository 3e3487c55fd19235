#include "filetype/body_pattern.h"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace vigil::filetype::internal {
namespace {

constexpr size_t kNone = SIZE_MAX;

std::optional<uint8_t> HexDigit(char c) {
  if (c >= '0' && c <= '9') return static_cast<uint8_t>(c - '0');
  if (c >= 'a' && c <= 'f') return static_cast<uint8_t>(c - 'a' + 10);
  if (c >= 'A' && c <= 'F') return static_cast<uint8_t>(c - 'A' + 10);
  return std::nullopt;
}

// The bytes "hl" stands for, where either nibble may be '?'.
std::optional<std::bitset<256>> ByteSet(char h, char l) {
  std::optional<uint8_t> hi = HexDigit(h), lo = HexDigit(l);
  if ((h != '?' && !hi) || (l != '?' && !lo)) return std::nullopt;
  std::bitset<256> set;
  for (unsigned b = 0; b < 256; ++b) {
    bool ok = (h == '?' || (b >> 4) == *hi) && (l == '?' || (b & 15u) == *lo);
    set[b] = ok;
  }
  return set;
}

std::optional<uint32_t> Number(std::string_view s) {
  uint32_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

// "{n}", "{n-m}", "{-m}" (n..m bytes); "{n-}" is unbounded and would need
// to split the part, which no marker does.
static bool ParseGap(std::string_view body, uint32_t* min, uint32_t* max) {
  size_t dash = body.find('-');
  if (dash == std::string_view::npos) {
    auto n = Number(body);
    if (!n) return false;
    *min = *max = *n;
    return true;
  }
  auto lo =
      dash == 0 ? std::optional<uint32_t>(0) : Number(body.substr(0, dash));
  auto hi = Number(body.substr(dash + 1));
  if (!lo || !hi || *lo > *hi) return false;
  *min = *lo;
  *max = *hi;
  return true;
}

bool BodyPattern::ParsePart(std::string_view text, Part* part) {
  size_t i = 0;
  while (i < text.size()) {
    Element e;
    if (text[i] == '{') {
      size_t close = text.find('}', i);
      if (close == std::string_view::npos) return false;
      if (!ParseGap(text.substr(i + 1, close - i - 1), &e.min, &e.max))
        return false;
      e.is_gap = true;
      i = close + 1;
    } else if (text[i] == '(') {
      size_t close = text.find(')', i);
      if (close == std::string_view::npos) return false;
      std::string_view alts = text.substr(i + 1, close - i - 1);
      for (size_t a = 0; a < alts.size(); a += 3) {
        if (a + 2 > alts.size() || (a + 2 < alts.size() && alts[a + 2] != '|'))
          return false;
        auto set = ByteSet(alts[a], alts[a + 1]);
        if (!set) return false;
        e.bytes |= *set;
      }
      i = close + 1;
    } else {
      if (i + 2 > text.size()) return false;
      auto set = ByteSet(text[i], text[i + 1]);
      if (!set) return false;
      e.bytes = *set;
      i += 2;
    }
    part->min_length += e.is_gap ? e.min : 1;
    part->max_length += e.is_gap ? e.max : 1;
    part->elements.push_back(e);
  }
  if (part->elements.empty() || part->elements.front().is_gap ||
      part->elements.back().is_gap) {
    return false;
  }
  size_t ranged = 0, gaps = 0;
  for (size_t k = 0; k < part->elements.size(); ++k) {
    const Element& el = part->elements[k];
    if (!el.is_gap) continue;
    ++gaps;
    if (el.min != el.max) ranged = k;
  }
  if (gaps == 1 && ranged) part->gap_index = ranged;
  bool literal = gaps == 0;
  for (const Element& el : part->elements)
    literal = literal && el.bytes.count() == 1;
  if (literal) {
    for (const Element& el : part->elements) {
      for (unsigned b = 0; b < 256; ++b) {
        if (el.bytes[b]) part->literal.push_back(static_cast<char>(b));
      }
    }
  }
  const std::bitset<256>& first = part->elements.front().bytes;
  if (first.count() == 1) {
    for (int b = 0; b < 256; ++b) {
      if (first[static_cast<size_t>(b)]) part->first_byte = b;
    }
  }
  return true;
}

// The first candidate start in [from, to], or kNone when there is none.
size_t BodyPattern::NextStart(const Part& part, ByteView data, size_t from,
                              size_t to) {
  if (from > to) return kNone;
  const uint8_t* bytes = AsU8(data);
  if (part.first_byte >= 0) {
    const void* hit = std::memchr(bytes + from, part.first_byte, to - from + 1);
    return hit ? static_cast<size_t>(static_cast<const uint8_t*>(hit) - bytes)
               : kNone;
  }
  const std::bitset<256>& first = part.elements.front().bytes;
  while (from <= to && !first[bytes[from]]) ++from;
  return from <= to ? from : kNone;
}

// The last candidate start in [from, to], or kNone when there is none.
size_t BodyPattern::PrevStart(const Part& part, ByteView data, size_t from,
                              size_t to) {
  if (from > to) return kNone;
  const uint8_t* bytes = AsU8(data);
  if (part.first_byte >= 0) {
    const void* hit = memrchr(bytes + from, part.first_byte, to - from + 1);
    return hit ? static_cast<size_t>(static_cast<const uint8_t*>(hit) - bytes)
               : kNone;
  }
  const std::bitset<256>& first = part.elements.front().bytes;
  for (size_t s = to + 1; s-- > from;) {
    if (first[bytes[s]]) return s;
  }
  return kNone;
}

std::optional<BodyPattern> BodyPattern::Parse(std::string_view hex) {
  BodyPattern p;
  size_t begin = 0;
  while (true) {
    size_t star = hex.find('*', begin);
    Part part;
    if (!ParsePart(hex.substr(begin, star - begin), &part)) return std::nullopt;
    p.parts_.push_back(std::move(part));
    if (star == std::string_view::npos) break;
    begin = star + 1;
  }
  return p;
}

size_t BodyPattern::min_length() const {
  size_t n = 0;
  for (const Part& part : parts_) n += part.min_length;
  return n;
}

// Records the end of every way elements [index, end) match from `pos`.
void BodyPattern::Extend(const Part& part, size_t index, ByteView data,
                         size_t pos, Ends* ends) {
  const uint8_t* bytes = AsU8(data);
  for (; index < part.elements.size(); ++index) {
    const Element& e = part.elements[index];
    if (e.is_gap) {
      for (size_t gap = e.min; gap <= e.max && pos + gap <= data.size();
           ++gap) {
        Extend(part, index + 1, data, pos + gap, ends);
      }
      return;
    }
    if (pos >= data.size() || !e.bytes[bytes[pos]]) return;
    ++pos;
  }
  if (!ends->min || pos < *ends->min) ends->min = pos;
  if (!ends->max || pos > *ends->max) ends->max = pos;
}

BodyPattern::Ends BodyPattern::EndsAt(const Part& part, ByteView data,
                                      size_t start) {
  Ends ends;
  if (start + part.min_length <= data.size())
    Extend(part, 0, data, start, &ends);
  return ends;
}

std::optional<size_t> BodyPattern::EarliestEnd(const Part& part, ByteView data,
                                               size_t lo, size_t hi) {
  std::optional<size_t> best;
  if (data.size() < part.min_length) return best;
  hi = std::min(hi, data.size() - part.min_length);
  // A start at or after the best end found so far cannot end earlier.
  for (size_t s = NextStart(part, data, lo, hi);
       s != kNone && (!best || s + part.min_length < *best);
       s = NextStart(part, data, s + 1, hi)) {
    Ends ends = EndsAt(part, data, s);
    if (ends.min && (!best || *ends.min < *best)) best = ends.min;
  }
  return best;
}

// Elements [from, to) of `part`, all byte sets, match at `pos`.
bool BodyPattern::BytesAt(const Part& part, size_t from, size_t to,
                          ByteView data, size_t pos) {
  if (pos > data.size() || to - from > data.size() - pos) return false;
  const uint8_t* bytes = AsU8(data);
  for (size_t i = from; i < to; ++i, ++pos) {
    if (!part.elements[i].bytes[bytes[pos]]) return false;
  }
  return true;
}

// Left bytes L, a gap of min..max, right bytes R. Walks right-side matches
// from the end and keeps the nearest left-side match at or below the
// window that right match needs; both walks only move left, so the cost is
// linear however many candidates there are ("MZMZMZ..." against the PE
// marker).
std::optional<size_t> BodyPattern::LatestEndSplit(const Part& part,
                                                  ByteView data, size_t lo,
                                                  size_t hi) {
  const size_t g = part.gap_index;
  const size_t left = g, right = part.elements.size() - g - 1;
  const size_t min_gap = part.elements[g].min, max_gap = part.elements[g].max;
  const std::bitset<256>& right_first = part.elements[g + 1].bytes;
  const uint8_t* bytes = AsU8(data);
  if (data.size() < part.min_length || lo > data.size()) return std::nullopt;
  std::optional<size_t>
      cand;  // a left match; every start above it up to `scan` is not
  size_t scan = std::min(hi, data.size()) + 1;  // starts >= scan are examined
  // Right-side starts: from the last one a start <= hi can reach, down.
  size_t t_top = data.size() - right;
  if (hi < t_top && t_top - hi > left + max_gap) t_top = hi + left + max_gap;
  const size_t t_bottom = lo + left + min_gap;
  int right_byte = -1;
  if (right_first.count() == 1) {
    for (unsigned b = 0; b < 256; ++b) {
      if (right_first[b]) right_byte = static_cast<int>(b);
    }
  }
  for (size_t t = t_top + 1; t-- > t_bottom;) {
    if (right_byte >= 0) {
      const void* hit = memrchr(bytes + t_bottom, right_byte, t - t_bottom + 1);
      if (!hit) break;
      t = static_cast<size_t>(static_cast<const uint8_t*>(hit) - bytes);
    } else if (!right_first[bytes[t]]) {
      continue;
    }
    if (!BytesAt(part, g + 1, part.elements.size(), data, t)) continue;
    size_t upper = std::min(hi, t - left - min_gap);
    size_t lower =
        std::max(lo, t - left >= max_gap ? t - left - max_gap : size_t{0});
    if (cand && *cand > upper) cand.reset();
    if (!cand) {
      scan = std::min(scan, upper + 1);
      while (scan > lower) {
        --scan;
        if (BytesAt(part, 0, left, data, scan)) {
          cand = scan;
          break;
        }
      }
    }
    if (cand && *cand >= lower) return t + right;
  }
  return std::nullopt;
}

// A plain byte string: the last occurrence starting in [lo, hi], found with
// forward memmem (fast for short needles) rather than byte by byte.
std::optional<size_t> BodyPattern::LatestEndLiteral(const Part& part,
                                                    ByteView data, size_t lo,
                                                    size_t hi) {
  const std::string& lit = part.literal;
  if (data.size() < lit.size() || lo > data.size() - lit.size())
    return std::nullopt;
  hi = std::min(hi, data.size() - lit.size());
  const uint8_t* bytes = AsU8(data);
  std::optional<size_t> last;
  size_t from = lo;
  while (from <= hi) {
    const void* hit =
        memmem(bytes + from, hi + lit.size() - from, lit.data(), lit.size());
    if (!hit) break;
    size_t at = static_cast<size_t>(static_cast<const uint8_t*>(hit) - bytes);
    last = at + lit.size();
    from = at + 1;
  }
  return last;
}

std::optional<size_t> BodyPattern::LatestEnd(const Part& part, ByteView data,
                                             size_t lo, size_t hi) {
  if (part.gap_index) return LatestEndSplit(part, data, lo, hi);
  if (!part.literal.empty()) return LatestEndLiteral(part, data, lo, hi);
  std::optional<size_t> best;
  if (data.size() < part.min_length || lo > data.size() - part.min_length)
    return best;
  hi = std::min(hi, data.size() - part.min_length);
  // Scan starts right to left; a start whose longest match cannot pass the
  // best end so far ends the search.
  for (size_t s = PrevStart(part, data, lo, hi); s != kNone;
       s = s == lo ? kNone : PrevStart(part, data, lo, s - 1)) {
    if (best && s + part.max_length <= *best) break;
    Ends ends = EndsAt(part, data, s);
    if (ends.max && (!best || *ends.max > *best)) best = ends.max;
  }
  return best;
}

std::optional<size_t> BodyPattern::LastMatchEnd(ByteView data,
                                                size_t first_start,
                                                size_t last_start) const {
  if (parts_.size() == 1)
    return LatestEnd(parts_[0], data, first_start, last_start);
  std::optional<size_t> end =
      EarliestEnd(parts_[0], data, first_start, last_start);
  for (size_t i = 1; end && i + 1 < parts_.size(); ++i) {
    end = EarliestEnd(parts_[i], data, *end, data.size());
  }
  if (!end) return std::nullopt;
  return LatestEnd(parts_.back(), data, *end, data.size());
}

}  // namespace vigil::filetype::internal
