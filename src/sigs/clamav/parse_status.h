// ParseStatus: the outcome of parsing one database line (or part of one).
//
// Parsers work on string_views into the line, so an error records a pointer
// to the offending character; whoever owns the line turns it into a 1-based
// column (ColumnOf). That keeps every sub-parser free of offset bookkeeping.
#ifndef VIGIL_SIGS_CLAMAV_PARSE_STATUS_H_
#define VIGIL_SIGS_CLAMAV_PARSE_STATUS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "sigs/diagnostic_codes.h"

namespace vigil::sigs::clamav {

class [[nodiscard]] ParseStatus {
 public:
  ParseStatus() = default;
  static ParseStatus Ok() { return ParseStatus(); }
  static ParseStatus Error(DiagCode code, const char* where,
                           std::string message) {
    ParseStatus s;
    s.error_ = std::make_unique<Rep>(Rep{code, where, std::move(message)});
    return s;
  }

  bool ok() const { return error_ == nullptr; }
  // REQUIRES: !ok()
  DiagCode code() const { return error_->code; }
  const char* where() const { return error_->where; }
  const std::string& message() const { return error_->message; }

 private:
  struct Rep {
    DiagCode code;
    const char* where;  // points into the parsed text
    std::string message;
  };
  // Null when ok: keeps the common path to one pointer test.
  std::unique_ptr<Rep> error_;
};

// 1-based column of `where` in `line`; 0 when it points outside.
inline uint32_t ColumnOf(std::string_view line, const char* where) {
  if (where < line.data() || where > line.data() + line.size()) return 0;
  return static_cast<uint32_t>(where - line.data()) + 1;
}

}  // namespace vigil::sigs::clamav

#define VIGIL_SIGS_RETURN_IF_ERROR(expr)             \
  do {                                               \
    ::vigil::sigs::clamav::ParseStatus _st = (expr); \
    if (!_st.ok()) return _st;                       \
  } while (0)

#endif  // VIGIL_SIGS_CLAMAV_PARSE_STATUS_H_
