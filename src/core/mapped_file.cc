#include "core/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace vigil::core {

namespace {

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Appends everything `fd` has left to `out`.
Status ReadAll(int fd, RawBuffer* out) {
  for (;;) {
    out->Reserve(out->size() + 64 * 1024);
    const size_t used = out->size();
    out->Resize(used + 64 * 1024);
    ssize_t n = ::read(fd, out->data() + used, 64 * 1024);
    if (n < 0) {
      out->Resize(used);
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, "read");
    }
    out->Resize(used + static_cast<size_t>(n));
    if (n == 0) break;
  }
  return Status::Ok();
}

}  // namespace

void ReleasePages(ByteView part) {
  const auto page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
  const auto begin = reinterpret_cast<uintptr_t>(part.data());
  const uintptr_t first = (begin + page - 1) / page * page;
  const uintptr_t last = (begin + part.size()) / page * page;
  if (last > first) {
    ::madvise(reinterpret_cast<void*>(first), last - first, MADV_DONTNEED);
  }
}

Status ErrnoStatus(int err, const std::string& path) {
  std::string msg = path + ": " + std::strerror(err);
  switch (err) {
    case ENOENT:
    case ENOTDIR:
      return Status::NotFound(msg);
    case EACCES:
    case EPERM:
      return Status::PermissionDenied(msg);
    default:
      return Status::IoError(msg);
  }
}

FileView::~FileView() { Reset(); }

FileView::FileView(FileView&& other) noexcept { *this = std::move(other); }

FileView& FileView::operator=(FileView&& other) noexcept {
  if (this == &other) return *this;
  Reset();
  map_ = std::exchange(other.map_, nullptr);
  map_size_ = std::exchange(other.map_size_, 0);
  buffer_ = std::move(other.buffer_);
  view_ = map_ ? ByteView(static_cast<const std::byte*>(map_), map_size_)
               : buffer_.view();
  other.view_ = {};
  return *this;
}

void FileView::Reset() {
  if (map_) ::munmap(map_, map_size_);
  map_ = nullptr;
  map_size_ = 0;
  buffer_.Clear();
  view_ = {};
}

Result<FileView> FileView::FromFd(int fd, size_t map_threshold, Access access) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return ErrnoStatus(errno, "fstat");
  FileView fv;
  const bool regular = S_ISREG(st.st_mode);
  const auto size = static_cast<size_t>(st.st_size);
  if (regular && size >= map_threshold && size > 0) {
    void* p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p != MAP_FAILED) {
      ::madvise(p, size,
                access == Access::kSequential ? MADV_SEQUENTIAL : MADV_RANDOM);
      fv.map_ = p;
      fv.map_size_ = size;
      fv.view_ = ByteView(static_cast<const std::byte*>(p), size);
      return fv;
    }
  }
  if (regular) {
    // pread from 0 so the caller's file position does not matter.
    fv.buffer_.Resize(size);
    size_t used = 0;
    while (used < size) {
      ssize_t n = ::pread(fd, fv.buffer_.data() + used, size - used,
                          static_cast<off_t>(used));
      if (n < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus(errno, "read");
      }
      if (n == 0) break;  // the file shrank while we read it
      used += static_cast<size_t>(n);
    }
    fv.buffer_.Resize(used);
    // It may also have grown: read whatever follows.
    if (::lseek(fd, static_cast<off_t>(used), SEEK_SET) >= 0) {
      VIGIL_RETURN_IF_ERROR(ReadAll(fd, &fv.buffer_));
    }
  } else {
    VIGIL_RETURN_IF_ERROR(ReadAll(fd, &fv.buffer_));
  }
  fv.view_ = fv.buffer_.view();
  return fv;
}

Result<FileView> FileView::FromPath(const std::string& path,
                                    size_t map_threshold, Access access) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (fd.get() < 0) return ErrnoStatus(errno, path);
  return FromFd(fd.get(), map_threshold, access);
}

Result<FileView> FileView::Map(const std::string& path) {
  return FromPath(path, 1, Access::kRandom);
}

Status WriteFileAtomic(const std::string& path, ByteView data) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (fd.get() < 0) return ErrnoStatus(errno, tmp);
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd.get(), data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      Status s = ErrnoStatus(errno, tmp);
      ::unlink(tmp.c_str());
      return s;
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd.get()) != 0 || ::rename(tmp.c_str(), path.c_str()) != 0) {
    Status s = ErrnoStatus(errno, path);
    ::unlink(tmp.c_str());
    return s;
  }
  return Status::Ok();
}

}  // namespace vigil::core
