// The table of clamd.conf keys: every key clamd 1.4.6 accepts in clamd.conf
// (taken from `clamconf -g clamd.conf`, the options clamd ignores as
// deprecated, and its hidden Dev* options), clamd 1.5's Enable*Command
// switches and vigil's own keys. For each: the type of its value, whether
// vigild honours it, and for the keys vigild honours how a value is stored.
//
// Internal to src/config. Tested by tests/unit/config/daemon_config_test.cc
// (which also compares the table with the installed clamconf).
#ifndef VIGIL_CONFIG_CLAMD_KEYS_H_
#define VIGIL_CONFIG_CLAMD_KEYS_H_

#include <cstdint>
#include <span>
#include <string_view>

#include "config/daemon_config.h"

namespace vigil::config {

enum class ValueType {
  kBool,    // yes/no, true/false, 1/0, any case
  kNumber,  // decimal digits, 0 to 2^31-1
  kSize,    // digits with an optional K/k M/m G/g suffix; leading 0: octal
  kString,  // any text
  kChoice,  // one of KeySpec::choices, any case
  kPort,    // a number 0 to 65535 (0: no TCP socket)
  kMode,    // octal permission bits, at most 7777
  kRegex,   // a POSIX extended regular expression
  kAny,     // anything: a deprecated key clamd reads without looking
};

enum class Effect {
  kHonoured,       // vigild does what the value asks
  kHonouredIfYes,  // a bool; vigild always behaves as with "yes"
  kHonouredIfNo,   // a bool; vigild always behaves as with "no"
  kNoEffect,       // checked, then ignored by vigild: a warning
  kInert,          // clamd 1.4.6 does not use it either (clamonacc's keys,
                   // the ports of the removed STREAM command): no warning
  kDeprecated,     // clamd 1.4.6 warns "Ignoring deprecated option"
};

// A value that passed its type's check.
struct Value {
  bool boolean = false;
  uint64_t number = 0;    // kNumber kSize kPort kMode
  std::string_view text;  // as written, quotes removed
};

// Options clamd combines after reading the whole file (any of them "yes"
// turns a heuristic on, whatever the order of the lines).
struct Pending {
  bool alert_exceeds_max = false;        // AlertExceedsMax
  bool block_max = false;                // BlockMax (old AlertExceedsMax)
  bool alert_encrypted = false;          // AlertEncrypted
  bool alert_encrypted_archive = false;  // AlertEncryptedArchive
  bool alert_encrypted_doc = false;      // AlertEncryptedDoc
  bool archive_block_encrypted = false;  // ArchiveBlockEncrypted (old
                                         // AlertEncrypted)
};

struct Settings {
  Config config;
  Pending pending;
};

using ApplyFn = void (*)(Settings&, const Value&);

struct KeySpec {
  std::string_view name;
  ValueType type;
  Effect effect;
  ApplyFn apply = nullptr;            // kHonoured keys: stores the value
  bool repeatable = false;            // a list: every line adds to it
  std::string_view choices = {};      // kChoice: "A|B|C"
  std::string_view replaced_by = {};  // this is an old name of that key
  bool vigil_only = false;            // not a clamd 1.4.6 key
};

// Every key, sorted by name.
std::span<const KeySpec> ClamdKeys();
// nullptr when `name` is not a key (case-sensitive, as clamd).
const KeySpec* FindKey(std::string_view name);

}  // namespace vigil::config

#endif  // VIGIL_CONFIG_CLAMD_KEYS_H_
