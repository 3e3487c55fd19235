// An mspack_system (libmspack's table of I/O callbacks) over memory.
//
// libmspack reads and writes through "files" it opens by name. Here there
// are two names: InputName() opens the ByteView given to the constructor
// (read and seek only, every access bounds-checked), and OutputName() opens
// the capture buffer (write only), which takes at most the capacity given
// to BeginOutput(): a write past it stores what fits and fails, so the
// decoder stops there. Nothing touches the disk. libmspack's messages are
// kept (the first few) instead of printed. Its memory is counted: an
// allocation that would take the live total past kMaxLiveAllocation fails
// (libmspack then stops with MSPACK_ERR_NOMEMORY), so a directory of
// millions of tiny entries cannot make it take gigabytes.
//
// One MemorySystem per extraction, used by one thread; it must outlive
// every libmspack object created with it. Allocations are charged to the
// thread's most recently constructed MemorySystem (the LZX decoder calls
// alloc() through a copy of the callback table, which has no owner); a
// nested extraction on the same thread (a CHM in a CHM, scanned from the
// member callback) constructs its own and restores the outer one when it
// ends. Tested through tests/unit/formats/chm/chm_test.cc.
#ifndef VIGIL_FORMATS_CHM_MSPACK_MEMORY_H_
#define VIGIL_FORMATS_CHM_MSPACK_MEMORY_H_

#include <mspack.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "vigil/bytes.h"

namespace vigil::formats::chm {

class MemorySystem {
 public:
  explicit MemorySystem(ByteView input);
  ~MemorySystem();
  MemorySystem(const MemorySystem&) = delete;
  MemorySystem& operator=(const MemorySystem&) = delete;

  // The table to pass to mspack_create_*_decompressor().
  mspack_system* system() { return &ops_.base; }

  // File names for libmspack: the input, and the capture buffer.
  const char* InputName() const { return kInputName; }
  const char* OutputName() const { return kOutputName; }

  // Empties the capture buffer; later writes keep at most `capacity` bytes.
  void BeginOutput(uint64_t capacity);
  ByteView output() const { return ByteView(output_.data(), output_.size()); }
  // True when a write was refused for lack of capacity.
  bool output_overflowed() const { return overflowed_; }

  // libmspack's messages so far (at most kMaxMessages), then cleared.
  std::vector<std::string> TakeMessages();

  // Bytes libmspack holds now.
  uint64_t live_bytes() const { return live_; }

  static constexpr size_t kMaxMessages = 8;
  // libmspack's largest single allocations: a 2 MiB LZX window, a reset
  // table of at most 1,000,000 bytes, a chunk cache of 100,000 pointers;
  // a directory entry costs it about 50 bytes.
  static constexpr uint64_t kMaxLiveAllocation = uint64_t{64} << 20;

 private:
  struct File;
  // The callback table; libmspack hands `base` back to open() and alloc(),
  // from which the owner is found (base is the first member).
  struct Ops {
    mspack_system base;
    MemorySystem* owner;
  };

  static File* AsFile(mspack_file* file);
  static mspack_file* Open(mspack_system* self, const char* name, int mode);
  static void Close(mspack_file* file);
  static int Read(mspack_file* file, void* buffer, int bytes);
  static int Write(mspack_file* file, void* buffer, int bytes);
  static int Seek(mspack_file* file, off_t offset, int mode);
  static off_t Tell(mspack_file* file);
  static void Message(mspack_file* file, const char* format, ...)
      __attribute__((format(printf, 2, 3)));
  static void* Alloc(mspack_system* self, size_t bytes);
  static void Free(void* ptr);
  static void Copy(void* src, void* dest, size_t bytes);

  static constexpr char kInputName[] = "vigil:chm-input";
  static constexpr char kOutputName[] = "vigil:chm-output";

  Ops ops_;
  ByteView input_;
  std::vector<std::unique_ptr<File>> open_files_;
  std::vector<std::byte> output_;
  uint64_t output_capacity_ = 0;
  bool overflowed_ = false;
  std::vector<std::string> messages_;
  uint64_t live_ = 0;
  MemorySystem* previous_;  // the thread's allocator before this one
};

}  // namespace vigil::formats::chm

#endif  // VIGIL_FORMATS_CHM_MSPACK_MEMORY_H_
