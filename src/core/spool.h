// Spool: an unnamed temporary file for large intermediate data (normalised
// text, ...), written once and then mapped read-only, so that scanning it
// can drop its pages behind (core::ReleasePages) and keep the resident set
// small. ClamAV writes such data to temporary files too.
//
// The file is created with O_TMPFILE: it has no name, nothing else can open
// it, and it disappears when closed. Where O_TMPFILE is not supported the
// caller keeps the data in memory instead.
#ifndef VIGIL_CORE_SPOOL_H_
#define VIGIL_CORE_SPOOL_H_

#include <string>

#include "core/mapped_file.h"
#include "vigil/bytes.h"
#include "vigil/status.h"

namespace vigil::core {

class Spool {
 public:
  // In `dir` (empty: $TMPDIR, else /tmp).
  static Result<Spool> Create(const std::string& dir);

  Spool(Spool&& other) noexcept;
  Spool& operator=(Spool&& other) noexcept;
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;
  ~Spool();

  Status Append(ByteView data);
  uint64_t size() const { return size_; }
  // Maps everything written so far.
  Result<FileView> Map() const;

 private:
  explicit Spool(int fd) : fd_(fd) {}
  int fd_ = -1;
  uint64_t size_ = 0;
};

}  // namespace vigil::core

#endif  // VIGIL_CORE_SPOOL_H_
