#include "formats/mail/data_uri.h"

#include <string>
#include <string_view>
#include <vector>

#include "formats/mail/transfer_decode.h"

namespace vigil::formats {

namespace {

char Lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
}

// Position of the next "data:" (any case) at or after `from`, or npos.
size_t FindDataScheme(std::string_view s, size_t from) {
  for (size_t i = s.find(':', from); i != std::string_view::npos;
       i = s.find(':', i + 1)) {
    if (i >= from + 4 && Lower(s[i - 4]) == 'd' && Lower(s[i - 3]) == 'a' &&
        Lower(s[i - 2]) == 't' && Lower(s[i - 1]) == 'a') {
      return i - 4;
    }
  }
  return std::string_view::npos;
}

bool EndsPayload(char c, bool base64) {
  switch (c) {
    case '"':
    case '\'':
    case '<':
    case '>':
    case ')':
      return true;
    case ' ':
    case '\t':
    case '\r':
    case '\n':
    case '\f':
      return !base64;
    default:
      return false;
  }
}

// Headers ("mediatype;params") are short; a longer run without ',' is not a
// data URI.
constexpr size_t kMaxHeader = 256;

}  // namespace

bool HasDataUri(ByteView data) {
  const std::string_view s(reinterpret_cast<const char*>(data.data()),
                           data.size());
  return FindDataScheme(s, 0) != std::string_view::npos;
}

ExtractResult ExtractDataUris(
    ByteView data, const ExtractLimits& limits,
    const std::function<bool(const ArchiveMember&)>& on_member) {
  ExtractResult result;
  const std::string_view s(reinterpret_cast<const char*>(data.data()),
                           data.size());
  std::vector<std::byte> decoded;
  size_t pos = 0;
  for (size_t at = FindDataScheme(s, 0); at != std::string_view::npos;
       at = FindDataScheme(s, pos)) {
    const size_t header = at + 5;
    const size_t comma = s.find(',', header);
    pos = header;
    if (comma == std::string_view::npos || comma - header > kMaxHeader)
      continue;
    std::string media(s.substr(header, comma - header));
    for (char& c : media) c = Lower(c);
    if (media.find_first_of("\"'<> \t\r\n") != std::string::npos) continue;
    const bool base64 =
        media.size() >= 7 && media.compare(media.size() - 7, 7, ";base64") == 0;
    size_t end = comma + 1;
    while (end < s.size() && !EndsPayload(s[end], base64)) ++end;
    pos = end;
    const ByteView payload = data.subspan(comma + 1, end - comma - 1);
    if (payload.empty()) continue;
    if (result.members >= limits.max_members) {
      result.hit_member_limit = true;
      break;
    }
    decoded.clear();
    ArchiveMember m;
    if (base64) {
      const mail::DecodeOutcome o =
          mail::DecodeBase64(payload, limits.max_member_size, &decoded);
      m.truncated = o.truncated;
      if (o.damaged) {
        result.notes.push_back("data URI " +
                               std::to_string(result.members + 1) +
                               ": damaged base64");
      }
    } else {
      for (size_t i = 0;
           i < payload.size() && decoded.size() < limits.max_member_size; ++i) {
        const char c = static_cast<char>(payload[i]);
        int hi = -1, lo = -1;
        if (c == '%' && i + 2 < payload.size()) {
          hi = mail::HexValue(static_cast<char>(payload[i + 1]));
          lo = mail::HexValue(static_cast<char>(payload[i + 2]));
        }
        if (hi >= 0 && lo >= 0) {
          decoded.push_back(static_cast<std::byte>(hi * 16 + lo));
          i += 2;
        } else {
          decoded.push_back(static_cast<std::byte>(c));
        }
      }
      m.truncated = decoded.size() >= limits.max_member_size &&
                    payload.size() > limits.max_member_size;
    }
    if (m.truncated) result.hit_size_limit = true;
    ++result.members;
    m.name = "data-uri-" + std::to_string(result.members);
    m.data = ByteView(decoded.data(), decoded.size());
    if (!on_member(m)) break;
  }
  return result;
}

}  // namespace vigil::formats
