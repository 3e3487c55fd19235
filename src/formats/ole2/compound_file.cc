// Sector-level reading of [MS-CFB] compound files.
//
// The file is an array of sectors after a 512-byte header (sector n starts
// at (n + 1) * sector_size; with 4096-byte sectors the header occupies the
// whole first sector). The FAT maps each sector to the next sector of its
// chain; the DIFAT lists where the FAT sectors are (109 entries in the
// header, then a chain of DIFAT sectors whose last entry points to the next
// one). Streams shorter than the mini stream cutoff (4096) live in 64-byte
// mini sectors inside the mini stream (the root entry's stream), chained by
// the MiniFAT. The directory is a chain of 128-byte entries; each storage's
// children form a red-black tree through left/right sibling links.
//
// Nothing is trusted: chains are walked with a visited set sized to their
// table, so each walk is linear in the table and ends at the first repeat.
#include "formats/ole2/compound_file.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "core/reader.h"
#include "formats/ole2/vba.h"

namespace vigil::formats::ole2 {
namespace {

constexpr uint32_t kMaxRegSect = 0xFFFFFFFA;
constexpr uint32_t kEndOfChain = 0xFFFFFFFE;
constexpr uint32_t kFreeSect = 0xFFFFFFFF;
constexpr uint32_t kHeaderSize = 512;
constexpr uint32_t kMiniSectorSize = 64;
constexpr uint32_t kMiniStreamCutoff = 4096;
constexpr uint32_t kDirEntrySize = 128;
constexpr size_t kHeaderDifatEntries = 109;
constexpr uint8_t kSignature[8] = {0xD0, 0xCF, 0x11, 0xE0,
                                   0xA1, 0xB1, 0x1A, 0xE1};

uint32_t U32At(ByteView b, size_t off) {
  core::Reader r(b);
  if (!r.Seek(off)) return kFreeSect;
  return r.U32Le().value_or(kFreeSect);
}

// Appends the little-endian u32 values of `b` to `out`.
void AppendU32s(ByteView b, std::vector<uint32_t>& out) {
  core::Reader r(b);
  while (auto v = r.U32Le()) out.push_back(*v);
}

DirEntry ParseEntry(ByteView raw, uint16_t major_version) {
  core::Reader r(raw);
  DirEntry e;
  ByteView name = r.Bytes(64).value_or(ByteView{});
  uint16_t name_len = r.U16Le().value_or(0);
  size_t units = std::min<size_t>(name_len / 2, 32);
  if (units > 0) --units;  // the length counts the terminating NUL
  e.name = Utf16ToName(name.first(std::min(name.size(), units * 2)));
  e.type = static_cast<EntryType>(r.U8().value_or(0));
  r.Skip(1);  // colour: the tree shape is not trusted anyway
  e.left = r.U32Le().value_or(kNoStream);
  e.right = r.U32Le().value_or(kNoStream);
  e.child = r.U32Le().value_or(kNoStream);
  r.Skip(16 + 4 + 8 + 8);  // CLSID, state bits, times
  e.start = r.U32Le().value_or(kEndOfChain);
  e.size = r.U64Le().value_or(0);
  // Version 3 files store a 32-bit size; writers leave junk in the rest.
  if (major_version == 3) e.size &= 0xFFFFFFFFull;
  return e;
}

}  // namespace

bool CompoundFile::Open(ByteView data) {
  data_ = data;
  core::Reader r(data);
  auto magic = r.Bytes(8);
  if (!magic || std::memcmp(magic->data(), kSignature, 8) != 0) {
    notes_.Add("not a compound file: bad signature");
    return false;
  }
  if (data.size() < kHeaderSize) {
    notes_.Add("truncated compound file header");
    return false;
  }
  r.Seek(26);
  major_version_ = r.U16Le().value_or(0);
  r.Skip(2);  // byte order
  uint16_t sector_shift = r.U16Le().value_or(0);
  uint16_t mini_shift = r.U16Le().value_or(0);
  if (sector_shift != 9 && sector_shift != 12) {
    notes_.Add("bad sector shift " + std::to_string(sector_shift));
    return false;
  }
  if (mini_shift != 6) {
    notes_.Add("bad mini sector shift " + std::to_string(mini_shift));
    return false;
  }
  sector_size_ = 1u << sector_shift;
  r.Seek(44);
  fat_sectors_declared_ = r.U32Le().value_or(0);
  first_dir_sector_ = r.U32Le().value_or(kEndOfChain);
  r.Skip(4);  // transaction signature
  uint32_t cutoff = r.U32Le().value_or(kMiniStreamCutoff);
  if (cutoff != kMiniStreamCutoff) {
    notes_.Add("mini stream cutoff " + std::to_string(cutoff) +
               " ignored (4096 used)");
  }
  first_minifat_sector_ = r.U32Le().value_or(kEndOfChain);
  minifat_sectors_declared_ = r.U32Le().value_or(0);
  first_difat_sector_ = r.U32Le().value_or(kEndOfChain);
  difat_sectors_declared_ = r.U32Le().value_or(0);
  AppendU32s(data.subspan(76, kHeaderDifatEntries * 4), header_difat_);
  uint64_t body = data.size() > sector_size_ ? data.size() - sector_size_ : 0;
  sector_count_ = static_cast<uint32_t>(std::min<uint64_t>(
      (body + sector_size_ - 1) / sector_size_, kMaxRegSect));
  if (data.size() < sector_size_) notes_.Add("file shorter than one sector");
  LoadFat();
  LoadDirectory();
  LoadMiniFat();
  return true;
}

// Sector `index`, clipped at the end of the file (empty when outside).
ByteView CompoundFile::Sector(uint32_t index) const {
  if (index >= sector_count_) return {};
  uint64_t off = (static_cast<uint64_t>(index) + 1) * sector_size_;
  if (off >= data_.size()) return {};
  return data_.subspan(off,
                       std::min<uint64_t>(sector_size_, data_.size() - off));
}

std::vector<uint32_t> CompoundFile::Chain(const std::vector<uint32_t>& table,
                                          uint32_t start, size_t max_steps,
                                          const char* what) {
  std::vector<uint32_t> chain;
  visited_.Reset(table.size());
  uint32_t s = start;
  while (s != kEndOfChain && chain.size() < max_steps) {
    if (s >= table.size()) {
      if (s != kFreeSect || !chain.empty()) {
        notes_.Add(std::string(what) + " chain leaves its table at " +
                   std::to_string(s));
      }
      break;
    }
    if (!visited_.Insert(s)) {
      notes_.Add(std::string(what) + " chain loops at sector " +
                 std::to_string(s));
      break;
    }
    chain.push_back(s);
    s = table[s];
  }
  return chain;
}

// The FAT sectors named by the header DIFAT and the DIFAT chain, in order.
std::vector<uint32_t> CompoundFile::FatSectorList() {
  std::vector<uint32_t> list;
  auto take = [&](uint32_t s) {
    if (s < sector_count_ && list.size() < sector_count_) list.push_back(s);
  };
  for (uint32_t s : header_difat_) take(s);
  std::vector<bool> seen(sector_count_, false);
  uint32_t d = first_difat_sector_;
  const uint32_t per_sector = sector_size_ / 4 - 1;
  while (d < sector_count_ && !seen[d]) {
    seen[d] = true;
    ByteView sec = Sector(d);
    for (uint32_t i = 0; i < per_sector; ++i) take(U32At(sec, i * 4));
    d = U32At(sec, per_sector * 4);
  }
  if (d < sector_count_)
    notes_.Add("DIFAT chain loops");
  else if (d != kEndOfChain && d != kFreeSect)
    notes_.Add("DIFAT chain leaves the file");
  if (list.size() > fat_sectors_declared_) {
    list.resize(fat_sectors_declared_);
  } else if (list.size() < fat_sectors_declared_) {
    notes_.Add("fewer FAT sectors found than declared");
  }
  return list;
}

void CompoundFile::LoadFat() {
  for (uint32_t s : FatSectorList()) {
    AppendU32s(Sector(s), fat_);
    if (fat_.size() >= sector_count_) break;
  }
  // Entries for sectors past the end of the file can never be read.
  if (fat_.size() > sector_count_) fat_.resize(sector_count_);
  if (fat_.empty()) notes_.Add("empty FAT");
}

void CompoundFile::LoadDirectory() {
  auto chain = Chain(fat_, first_dir_sector_, sector_count_, "directory");
  for (uint32_t s : chain) {
    ByteView sec = Sector(s);
    for (size_t off = 0; off + kDirEntrySize <= sec.size();
         off += kDirEntrySize) {
      entries_.push_back(
          ParseEntry(sec.subspan(off, kDirEntrySize), major_version_));
    }
  }
  if (entries_.empty()) notes_.Add("no directory entries");
}

void CompoundFile::LoadMiniFat() {
  if (first_minifat_sector_ == kEndOfChain) return;
  auto chain = Chain(fat_, first_minifat_sector_, sector_count_, "MiniFAT");
  for (uint32_t s : chain) AppendU32s(Sector(s), minifat_);
}

void CompoundFile::LoadMiniStream() {
  mini_stream_loaded_ = true;
  if (entries_.empty()) return;
  const DirEntry& root = entries_[0];
  // The mini stream can be no larger than what the MiniFAT addresses.
  uint64_t size = std::min<uint64_t>(
      root.size, static_cast<uint64_t>(minifat_.size()) * kMiniSectorSize);
  mini_stream_ = ReadChain(root.start, size, false);
}

std::vector<std::byte> CompoundFile::ReadChain(uint32_t start, uint64_t size,
                                               bool mini) {
  const std::vector<uint32_t>& table = mini ? minifat_ : fat_;
  const uint32_t unit = mini ? kMiniSectorSize : sector_size_;
  size_t steps = static_cast<size_t>((size + unit - 1) / unit);
  std::vector<std::byte> out;
  out.reserve(static_cast<size_t>(size));
  for (uint32_t s : Chain(table, start, steps, mini ? "MiniFAT" : "FAT")) {
    ByteView part;
    if (mini) {
      part = core::Reader::At(ByteView(mini_stream_),
                              static_cast<size_t>(s) * kMiniSectorSize,
                              kMiniSectorSize)
                 .value_or(ByteView{});
    } else {
      part = Sector(s);
    }
    size_t n =
        static_cast<size_t>(std::min<uint64_t>(part.size(), size - out.size()));
    out.insert(out.end(), part.begin(), part.begin() + n);
    if (part.size() < unit && out.size() < size) break;
  }
  if (out.size() < size) notes_.Add("stream shorter than its declared size");
  return out;
}

std::vector<std::byte> CompoundFile::ReadStream(uint32_t id, uint64_t cap) {
  if (id >= entries_.size()) return {};
  const DirEntry& e = entries_[id];
  bool mini = e.size < kMiniStreamCutoff;
  if (mini && !mini_stream_loaded_) LoadMiniStream();
  uint64_t room = mini ? mini_stream_.size() : data_.size();
  uint64_t size = e.size;
  if (size > room) {
    notes_.Add("stream '" + e.name + "' size " + std::to_string(size) +
               " beyond the file");
    size = room;
  }
  return ReadChain(e.start, std::min(size, cap), mini);
}

std::vector<TreeItem> CompoundFile::WalkDirectory() {
  std::vector<TreeItem> items;
  if (entries_.empty()) return items;
  if (entries_[0].type != EntryType::kRoot) notes_.Add("entry 0 is not root");
  std::vector<bool> seen(entries_.size(), false);
  seen[0] = true;
  struct Pending {
    uint32_t entry;
    uint32_t parent;  // item index of the storage; kNoStream for the root
    int depth;
  };
  std::vector<Pending> stack;
  stack.push_back({entries_[0].child, kNoStream, 0});
  while (!stack.empty()) {
    Pending p = stack.back();
    stack.pop_back();
    if (p.entry == kNoStream) continue;
    if (p.entry >= entries_.size()) {
      notes_.Add("directory link outside the directory");
      continue;
    }
    if (seen[p.entry]) {
      notes_.Add("directory cycle at entry " + std::to_string(p.entry));
      continue;
    }
    seen[p.entry] = true;
    const DirEntry& e = entries_[p.entry];
    // Pushed right, children, left: popped left subtree first.
    stack.push_back({e.right, p.parent, p.depth});
    if (e.type == EntryType::kUnused) {
      stack.push_back({e.left, p.parent, p.depth});
      continue;
    }
    uint32_t index = static_cast<uint32_t>(items.size());
    items.push_back({p.entry, p.parent});
    if (e.type != EntryType::kStream && e.child != kNoStream) {
      if (p.depth + 1 > kMaxStorageDepth) {
        notes_.Add("storages nested too deep");
      } else {
        stack.push_back({e.child, index, p.depth + 1});
      }
    }
    stack.push_back({e.left, p.parent, p.depth});
  }
  return items;
}

std::string CompoundFile::PathOf(const std::vector<TreeItem>& items,
                                 uint32_t index) const {
  std::vector<uint32_t> chain;  // at most kMaxStorageDepth + 1 long
  for (uint32_t i = index; i != kNoStream && i < items.size();
       i = items[i].parent) {
    chain.push_back(i);
  }
  std::string path;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    if (it != chain.rbegin()) path += '/';
    path += entries_[items[*it].entry].name;
  }
  return path;
}

}  // namespace vigil::formats::ole2
