// Checks one clamd.conf value against its key's type (clamd_keys.h), with
// clamd 1.4.6's rules:
//   bool    yes/no, true/false, 1/0 in any case (clamd's regex, REG_ICASE);
//   number  ^[0-9]+$, decimal; clamd stores it in an int and wraps past
//           2^31-1, vigild refuses such values instead;
//   size    ^[0-9]+[KkMmGg]?$ read as strtoll(base 0) reads it, so a
//           leading 0 means octal (and "08M" is refused); past 2^63-1 it is
//           clamped with a warning, as clamd does;
//   choice  one of the listed words, any case;
//   port    a number, at most 65535 (clamd keeps the low 16 bits);
//   mode    octal digits (clamd: strtol base 8), at most 7777;
//   regex   compiled with std::regex::extended, as vigild will; one that
//           does not compile is dropped with a warning (clamd never matches
//           it and says nothing).
//
// Tested by tests/unit/config/daemon_config_test.cc.
#ifndef VIGIL_CONFIG_CONFIG_VALUE_H_
#define VIGIL_CONFIG_CONFIG_VALUE_H_

#include <string>
#include <string_view>

#include "config/clamd_keys.h"

namespace vigil::config {

struct CheckedValue {
  Value value;
  std::string error;    // not empty: the value is refused (message text)
  std::string warning;  // not empty: accepted with this remark
  bool drop = false;    // accepted, but not stored (an invalid regex)
};

// REQUIRES: `text` is not empty.
CheckedValue CheckValue(const KeySpec& key, std::string_view text);

// `text` quoted for a message: at most 80 characters, control and non-ASCII
// bytes as \xNN.
std::string QuoteForMessage(std::string_view text);

}  // namespace vigil::config

#endif  // VIGIL_CONFIG_CONFIG_VALUE_H_
