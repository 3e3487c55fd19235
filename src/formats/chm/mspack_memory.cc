#include "formats/chm/mspack_memory.h"

#include <sys/types.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace vigil::formats::chm {

// libmspack's off_t must be ours: Debian builds it with 64-bit off_t, as
// vigil is built (its MSPACK_SYS_SELFTEST checks the same at run time).
static_assert(sizeof(off_t) == 8, "libmspack needs a 64-bit off_t here");

namespace {

// The MemorySystem that libmspack allocations on this thread are charged
// to (see the header).
thread_local MemorySystem* t_allocator = nullptr;

// Before each block handed to libmspack: who allocated it, and its size.
struct alignas(16) BlockHeader {
  MemorySystem* owner;
  size_t size;
};

}  // namespace

struct MemorySystem::File {
  mspack_file base;  // first: libmspack sees only this
  MemorySystem* owner = nullptr;
  bool output = false;
  size_t position = 0;  // input only
};

MemorySystem::File* MemorySystem::AsFile(mspack_file* file) {
  return reinterpret_cast<File*>(file);
}

MemorySystem::MemorySystem(ByteView input) : input_(input) {
  ops_.base.open = &Open;
  ops_.base.close = &Close;
  ops_.base.read = &Read;
  ops_.base.write = &Write;
  ops_.base.seek = &Seek;
  ops_.base.tell = &Tell;
  ops_.base.message = &Message;
  ops_.base.alloc = &Alloc;
  ops_.base.free = &Free;
  ops_.base.copy = &Copy;
  ops_.base.null_ptr = nullptr;
  ops_.owner = this;
  previous_ = t_allocator;
  t_allocator = this;
}

MemorySystem::~MemorySystem() { t_allocator = previous_; }

void MemorySystem::BeginOutput(uint64_t capacity) {
  output_.clear();
  output_capacity_ = capacity;
  overflowed_ = false;
}

std::vector<std::string> MemorySystem::TakeMessages() {
  std::vector<std::string> taken;
  taken.swap(messages_);
  return taken;
}

mspack_file* MemorySystem::Open(mspack_system* self, const char* name,
                                int mode) {
  MemorySystem* owner = reinterpret_cast<Ops*>(self)->owner;
  auto file = std::make_unique<File>();
  file->owner = owner;
  if (name == kInputName && mode == MSPACK_SYS_OPEN_READ) {
    file->output = false;
  } else if (name == kOutputName && mode == MSPACK_SYS_OPEN_WRITE) {
    file->output = true;
  } else {
    return nullptr;  // no other file exists
  }
  owner->open_files_.push_back(std::move(file));
  return &owner->open_files_.back()->base;
}

void MemorySystem::Close(mspack_file* file) {
  if (file == nullptr) return;
  std::vector<std::unique_ptr<File>>& files = AsFile(file)->owner->open_files_;
  auto it = std::find_if(files.begin(), files.end(),
                         [&](const auto& f) { return &f->base == file; });
  if (it != files.end()) files.erase(it);
}

int MemorySystem::Read(mspack_file* file, void* buffer, int bytes) {
  File* f = AsFile(file);
  if (f->output || bytes < 0) return -1;
  const ByteView in = f->owner->input_;
  const size_t n =
      std::min<size_t>(static_cast<size_t>(bytes), in.size() - f->position);
  if (n > 0) std::memcpy(buffer, in.data() + f->position, n);
  f->position += n;
  return static_cast<int>(n);
}

int MemorySystem::Write(mspack_file* file, void* buffer, int bytes) {
  File* f = AsFile(file);
  if (!f->output || bytes < 0) return -1;
  MemorySystem* owner = f->owner;
  const uint64_t room = owner->output_capacity_ - owner->output_.size();
  const size_t n = static_cast<size_t>(
      std::min<uint64_t>(room, static_cast<uint64_t>(bytes)));
  const auto* p = static_cast<const std::byte*>(buffer);
  owner->output_.insert(owner->output_.end(), p, p + n);
  if (n < static_cast<size_t>(bytes)) {
    owner->overflowed_ = true;
    return -1;  // libmspack stops with MSPACK_ERR_WRITE
  }
  return bytes;
}

int MemorySystem::Seek(mspack_file* file, off_t offset, int mode) {
  File* f = AsFile(file);
  if (f->output) return -1;
  const auto size = static_cast<int64_t>(f->owner->input_.size());
  int64_t base = 0;
  switch (mode) {
    case MSPACK_SYS_SEEK_START:
      base = 0;
      break;
    case MSPACK_SYS_SEEK_CUR:
      base = static_cast<int64_t>(f->position);
      break;
    case MSPACK_SYS_SEEK_END:
      base = size;
      break;
    default:
      return -1;
  }
  // base is within [0, size]: the sum can only leave the file, never wrap.
  if (offset < -base || offset > size - base) return -1;
  f->position = static_cast<size_t>(base + offset);
  return 0;
}

off_t MemorySystem::Tell(mspack_file* file) {
  return static_cast<off_t>(AsFile(file)->position);
}

void MemorySystem::Message(mspack_file* file, const char* format, ...) {
  // Messages from the LZX decoder come with no file, hence no owner: they
  // are dropped (a decoding error is reported by the return code anyway).
  if (file == nullptr || format == nullptr) return;
  MemorySystem* owner = AsFile(file)->owner;
  if (owner->messages_.size() >= kMaxMessages) return;
  char text[256];
  va_list args;
  va_start(args, format);
  std::vsnprintf(text, sizeof(text), format, args);
  va_end(args);
  owner->messages_.emplace_back(text);
}

void* MemorySystem::Alloc(mspack_system*, size_t bytes) {
  MemorySystem* owner = t_allocator;
  if (owner == nullptr || bytes == 0 ||
      bytes > kMaxLiveAllocation - owner->live_) {
    return nullptr;
  }
  void* block = std::malloc(sizeof(BlockHeader) + bytes);
  if (block == nullptr) return nullptr;
  auto* header = static_cast<BlockHeader*>(block);
  header->owner = owner;
  header->size = bytes;
  owner->live_ += bytes;
  return header + 1;
}

void MemorySystem::Free(void* ptr) {
  if (ptr == nullptr) return;
  BlockHeader* header = static_cast<BlockHeader*>(ptr) - 1;
  header->owner->live_ -= header->size;
  std::free(header);
}

void MemorySystem::Copy(void* src, void* dest, size_t bytes) {
  std::memmove(dest, src, bytes);
}

}  // namespace vigil::formats::chm
