// Status and Result<T>: how vigil reports errors.
//
// A Status is an error code plus a message; Result<T> is a T or a Status.
// Both are [[nodiscard]]. A scan verdict (clean, infected, not fully scanned)
// is never a Status: it lives in vigil::ScanReport.
#ifndef VIGIL_STATUS_H_
#define VIGIL_STATUS_H_

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace vigil {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,  // bad input from the caller (option, signature text)
  kNotFound,         // a file or object that is not there
  kPermissionDenied,
  kIoError,      // the operating system refused a read, write or map
  kCorrupt,      // a file that vigil wrote or reads is damaged
  kUnsupported,  // valid, but not something this build can do
  kLimitExceeded,
  kInternal,
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message)
      : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) {
    return {StatusCode::kInvalidArgument, std::move(m)};
  }
  static Status NotFound(std::string m) {
    return {StatusCode::kNotFound, std::move(m)};
  }
  static Status PermissionDenied(std::string m) {
    return {StatusCode::kPermissionDenied, std::move(m)};
  }
  static Status IoError(std::string m) {
    return {StatusCode::kIoError, std::move(m)};
  }
  static Status Corrupt(std::string m) {
    return {StatusCode::kCorrupt, std::move(m)};
  }
  static Status Unsupported(std::string m) {
    return {StatusCode::kUnsupported, std::move(m)};
  }
  static Status LimitExceeded(std::string m) {
    return {StatusCode::kLimitExceeded, std::move(m)};
  }
  static Status Internal(std::string m) {
    return {StatusCode::kInternal, std::move(m)};
  }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// A value or the Status that explains why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : data_(std::move(status)) {  // NOLINT
    assert(!std::get<Status>(data_).ok());
  }

  bool ok() const { return std::holds_alternative<T>(data_); }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(data_);
  }
  T& value() & { return std::get<T>(data_); }
  const T& value() const& { return std::get<T>(data_); }
  T&& value() && { return std::get<T>(std::move(data_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace vigil

// Returns early from the enclosing function when `expr` is not ok.
#define VIGIL_RETURN_IF_ERROR(expr)      \
  do {                                   \
    ::vigil::Status _vigil_s = (expr);   \
    if (!_vigil_s.ok()) return _vigil_s; \
  } while (0)

#endif  // VIGIL_STATUS_H_
