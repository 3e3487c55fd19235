// Ignore lists (.ign2, legacy .ign): one signature name per line,
// `Name:MD5` (only the signature whose database line has that MD5), or the
// old `DbFile:Line:Name` form (name only). Tested by
// tests/unit/sigs/ignore_db_test.cc.
#ifndef VIGIL_SIGS_CLAMAV_IGNORE_DB_H_
#define VIGIL_SIGS_CLAMAV_IGNORE_DB_H_

#include <string_view>

#include "sigs/clamav/parse_status.h"
#include "sigs/clamav/sig_sink.h"

namespace vigil::sigs::clamav {

// Appends the entry to sink->set()->ignores and to `index`.
ParseStatus ParseIgnoreLine(std::string_view line, SigSink* sink,
                            IgnoreIndex* index);

}  // namespace vigil::sigs::clamav

#endif  // VIGIL_SIGS_CLAMAV_IGNORE_DB_H_
