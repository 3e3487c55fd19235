// CompoundFile: the sector-level view of an [MS-CFB] compound file (internal
// header of src/formats/ole2).
//
// Open() reads the header, follows the DIFAT to the FAT sectors, loads the
// FAT, the MiniFAT and the directory entries. ReadStream() follows a stream's
// FAT or MiniFAT chain. WalkDirectory() turns the directory's red-black trees
// into a flat list of storages and streams with their paths.
//
// Guards: a sector index is used only when it lies inside the file; every
// chain walk keeps a visited set, so a chain that loops is cut at its first
// repeated sector (and noted); stream sizes are clamped to the bytes the file
// (or the mini stream) can hold. The tables are at most as large as the
// file, so memory is linear in the input.
#ifndef VIGIL_FORMATS_OLE2_COMPOUND_FILE_H_
#define VIGIL_FORMATS_OLE2_COMPOUND_FILE_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "formats/ole2/notes.h"
#include "vigil/bytes.h"

namespace vigil::formats::ole2 {

inline constexpr uint32_t kNoStream = 0xFFFFFFFF;
// Storages nested deeper than this are not opened (noted).
inline constexpr int kMaxStorageDepth = 64;

enum class EntryType : uint8_t {
  kUnused = 0,
  kStorage = 1,
  kStream = 2,
  kRoot = 5,
};

struct DirEntry {
  std::string name;  // UTF-8, control characters replaced by '_'
  EntryType type = EntryType::kUnused;
  uint32_t left = kNoStream;
  uint32_t right = kNoStream;
  uint32_t child = kNoStream;
  uint32_t start = 0;
  uint64_t size = 0;  // as declared (version 3: low 32 bits only)
};

// One storage or stream reached from the root. Paths are not stored (a
// hostile file could make each of many entries carry a long one); PathOf
// builds one when it is needed.
struct TreeItem {
  uint32_t entry = 0;
  uint32_t parent = kNoStream;  // index into the item list; kNoStream: root
};

// Marks for one chain walk at a time: Reset() forgets all marks in O(1), so
// walking many short chains over a large table stays linear in their length.
class VisitSet {
 public:
  void Reset(size_t size) {
    if (mark_.size() < size) mark_.resize(size, 0);
    if (++generation_ == 0) {
      std::fill(mark_.begin(), mark_.end(), 0);
      generation_ = 1;
    }
  }
  // False when `i` was already marked since the last Reset.
  bool Insert(size_t i) {
    if (mark_[i] == generation_) return false;
    mark_[i] = generation_;
    return true;
  }

 private:
  std::vector<uint32_t> mark_;
  uint32_t generation_ = 0;
};

class CompoundFile {
 public:
  explicit CompoundFile(NoteList& notes) : notes_(notes) {}

  // Parses the header and the tables of `data`, which must outlive this
  // object. False when the header cannot be used at all (bad signature,
  // sector shift other than 9 or 12, mini sector shift other than 6);
  // damaged tables still give true with what could be read.
  bool Open(ByteView data);

  const std::vector<DirEntry>& entries() const { return entries_; }

  // The bytes of stream entry `id`: at most min(declared size, `cap`) bytes,
  // fewer when the chain ends early or leaves the file (noted).
  std::vector<std::byte> ReadStream(uint32_t id, uint64_t cap);

  // Storages and streams reachable from the root entry, depth first; each
  // entry appears once (a cycle is noted and cut).
  std::vector<TreeItem> WalkDirectory();

  // The storage names from the root to `items[index]`, joined with '/'.
  std::string PathOf(const std::vector<TreeItem>& items, uint32_t index) const;

 private:
  ByteView Sector(uint32_t index) const;
  std::vector<uint32_t> Chain(const std::vector<uint32_t>& table,
                              uint32_t start, size_t max_steps,
                              const char* what);
  std::vector<uint32_t> FatSectorList();
  void LoadFat();
  void LoadMiniFat();
  void LoadDirectory();
  void LoadMiniStream();
  std::vector<std::byte> ReadChain(uint32_t start, uint64_t size, bool mini);

  NoteList& notes_;
  ByteView data_;
  uint32_t sector_size_ = 512;
  uint32_t sector_count_ = 0;  // sectors (whole or partial) after the header
  uint16_t major_version_ = 3;
  uint32_t fat_sectors_declared_ = 0;
  uint32_t first_dir_sector_ = 0;
  uint32_t first_minifat_sector_ = 0;
  uint32_t minifat_sectors_declared_ = 0;
  uint32_t first_difat_sector_ = 0;
  uint32_t difat_sectors_declared_ = 0;
  std::vector<uint32_t> header_difat_;
  std::vector<uint32_t> fat_;
  std::vector<uint32_t> minifat_;
  std::vector<DirEntry> entries_;
  std::vector<std::byte> mini_stream_;
  bool mini_stream_loaded_ = false;
  VisitSet visited_;
};

}  // namespace vigil::formats::ole2

#endif  // VIGIL_FORMATS_OLE2_COMPOUND_FILE_H_
