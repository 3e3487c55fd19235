// Structured MIME header fields: Content-Type and Content-Disposition with
// their parameters (RFC 2045 section 5.1, RFC 2183), RFC 2231 parameter
// continuations and charsets, and RFC 2047 encoded words.
//
// Lenient where mailers are sloppy: an unquoted parameter value runs to the
// next ';' (so "name=my file.exe" keeps its space), an unterminated quoted
// string runs to the end of the field, and comments are skipped. Charsets
// are not converted: decoded names keep their bytes. Linear time.
// Tested by tests/unit/formats/mail/mail_test.cc.
#ifndef VIGIL_FORMATS_MAIL_HEADER_FIELDS_H_
#define VIGIL_FORMATS_MAIL_HEADER_FIELDS_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vigil::formats::mail {

// A field such as `multipart/mixed; boundary="x"`: its value, lower-cased
// ("multipart/mixed"), and its parameters with lower-cased names and
// RFC 2231 continuations already joined and decoded.
struct ParameterizedField {
  std::string value;
  std::vector<std::pair<std::string, std::string>> params;

  // The parameter `name` (lower case), or empty.
  std::string_view Param(std::string_view name) const;
};

ParameterizedField ParseParameterizedField(std::string_view field);

// Replaces RFC 2047 encoded words (=?charset?B|Q?text?=) by their bytes;
// white space between two encoded words is dropped. Other text is kept.
std::string DecodeEncodedWords(std::string_view text);

// ASCII case-insensitive equality.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix);

// `s` without leading and trailing spaces, tabs, CR and LF.
std::string_view Trim(std::string_view s);

// True if `line` opens a header field: a name of printable characters
// without spaces (RFC 5322 ftext; spaces before the colon are tolerated)
// followed by ':'. Sets *name and *value (the text after the colon).
bool SplitHeaderField(std::string_view line, std::string_view* name,
                      std::string_view* value);

}  // namespace vigil::formats::mail

#endif  // VIGIL_FORMATS_MAIL_HEADER_FIELDS_H_
