// Read-only views of whole files: mmap for large regular files, a heap buffer
// for small ones and for anything that cannot be mapped (pipes, /proc files).
#ifndef VIGIL_CORE_MAPPED_FILE_H_
#define VIGIL_CORE_MAPPED_FILE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/raw_buffer.h"
#include "vigil/bytes.h"
#include "vigil/status.h"

namespace vigil::core {

class FileView {
 public:
  FileView() = default;
  ~FileView();
  FileView(FileView&& other) noexcept;
  FileView& operator=(FileView&& other) noexcept;
  FileView(const FileView&) = delete;
  FileView& operator=(const FileView&) = delete;

  // Reads or maps everything `fd` has from its current position (regular
  // files: from offset 0). Does not take ownership of `fd`.
  // `map_threshold`: regular files at least this large are mmapped.
  // How a mapping will be read: a scanned file front to back, a database
  // at random.
  enum class Access { kSequential, kRandom };

  static Result<FileView> FromFd(int fd, size_t map_threshold = 256 * 1024,
                                 Access access = Access::kSequential);
  static Result<FileView> FromPath(const std::string& path,
                                   size_t map_threshold = 256 * 1024,
                                   Access access = Access::kSequential);
  // Maps `path` read-only whatever its size, for random access (databases:
  // only the pages used become resident).
  static Result<FileView> Map(const std::string& path);

  ByteView bytes() const { return view_; }
  bool mapped() const { return map_ != nullptr; }

 private:
  void Reset();
  void* map_ = nullptr;
  size_t map_size_ = 0;
  RawBuffer buffer_;
  ByteView view_;
};

// Drops the pages of `part` of a read-only file mapping from this process's
// resident set (they stay in the page cache and come back on the next
// access). Used to scan large files in bounded memory. Only whole pages
// inside `part` are dropped. REQUIRES: `part` lies in a FileView that is
// mapped().
void ReleasePages(ByteView part);

// Converts errno from a failed open/read into a Status naming `path`.
Status ErrnoStatus(int err, const std::string& path);

// Writes `data` to `path` atomically (temp file in the same directory, fsync,
// rename).
Status WriteFileAtomic(const std::string& path, ByteView data);

}  // namespace vigil::core

#endif  // VIGIL_CORE_MAPPED_FILE_H_
