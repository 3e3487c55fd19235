// PCRE2 compile options of a ClamAV PCRE subsignature's flags, shared by the
// parser (which compiles each regex once to report errors) and the matcher
// (which compiles it for use), so both see the same regex. Header-only: the
// scanning runtime does not link the parser.
#ifndef VIGIL_SIGS_PCRE_FLAGS_H_
#define VIGIL_SIGS_PCRE_FLAGS_H_

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <pcre2.h>

#include <cstdint>
#include <string_view>

namespace vigil::sigs {

// `i s m x A E U` map to PCRE2 options; `g r e` are ClamAV's own (global,
// rolling, encompass) and handled by the matcher. Patterns are bytes, never
// UTF.
inline uint32_t PcreCompileOptions(std::string_view flags) {
  uint32_t opts = PCRE2_NEVER_UTF;
  for (char c : flags) {
    switch (c) {
      case 'i':
        opts |= PCRE2_CASELESS;
        break;
      case 's':
        opts |= PCRE2_DOTALL;
        break;
      case 'm':
        opts |= PCRE2_MULTILINE;
        break;
      case 'x':
        opts |= PCRE2_EXTENDED;
        break;
      case 'A':
        opts |= PCRE2_ANCHORED;
        break;
      case 'E':
        opts |= PCRE2_DOLLAR_ENDONLY;
        break;
      case 'U':
        opts |= PCRE2_UNGREEDY;
        break;
      default:
        break;
    }
  }
  return opts;
}

}  // namespace vigil::sigs

#endif  // VIGIL_SIGS_PCRE_FLAGS_H_
