// ExtractOle2: the streams of a compound file and the VBA source inside it.
//
// The VBA module sources come out first: they are what a scanner most wants
// from an Office file, and a hostile file with thousands of streams must not
// push them past max_members. Then every stream follows, in directory order.
#include "formats/ole2/ole2.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "formats/ole2/compound_file.h"
#include "formats/ole2/notes.h"
#include "formats/ole2/ovba_decompress.h"
#include "formats/ole2/vba.h"

namespace vigil::formats {
namespace {

using ole2::EntryType;
using ole2::TreeItem;

// A decompressed dir stream larger than this is cut: real ones are a few
// KiB, and 1 MiB holds the records of well over 10000 modules.
constexpr uint64_t kMaxDirSize = 1ull << 20;
// VBA projects after this many are not read (noted): a file could point
// thousands of "VBA" storages at the same dir stream.
constexpr int kMaxVbaProjects = 64;

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

class Extraction {
 public:
  Extraction(ByteView data, const ExtractLimits& limits,
             const std::function<bool(const ArchiveMember&)>& on_member,
             ExtractResult& result)
      : data_(data),
        limits_(limits),
        on_member_(on_member),
        result_(result),
        notes_(result.notes),
        file_(notes_) {}

  void Run() {
    if (!file_.Open(data_)) return;
    items_ = file_.WalkDirectory();
    IndexStreams();
    int projects = 0;
    for (uint32_t i = 0; i < items_.size() && !stopped_; ++i) {
      if (!IsVbaStorage(i)) continue;
      if (++projects > kMaxVbaProjects) {
        notes_.Add("too many VBA projects: the rest not read");
        break;
      }
      ExtractVba(i);
    }
    for (const TreeItem& item : items_) {
      if (stopped_) break;
      if (Entry(item).type == EntryType::kStream) EmitStream(item);
    }
  }

 private:
  const ole2::DirEntry& Entry(const TreeItem& item) const {
    return file_.entries()[item.entry];
  }

  bool IsVbaStorage(uint32_t index) const {
    const ole2::DirEntry& e = Entry(items_[index]);
    return e.type == EntryType::kStorage && LowerAscii(e.name) == "vba";
  }

  static std::string StreamKey(uint32_t parent, std::string_view name) {
    return std::to_string(parent) + '/' + LowerAscii(name);
  }

  // Streams by parent storage and name (ASCII case folded), first one wins.
  void IndexStreams() {
    for (const TreeItem& item : items_) {
      if (Entry(item).type != EntryType::kStream) continue;
      streams_.emplace(StreamKey(item.parent, Entry(item).name), &item);
    }
  }

  // The stream item named `name` directly inside storage item `parent`.
  const TreeItem* ChildStream(uint32_t parent, std::string_view name) const {
    auto it = streams_.find(StreamKey(parent, name));
    return it == streams_.end() ? nullptr : it->second;
  }

  std::string Path(const TreeItem& item) const {
    return file_.PathOf(items_, static_cast<uint32_t>(&item - items_.data()));
  }

  void EmitStream(const TreeItem& item) {
    const ole2::DirEntry& e = Entry(item);
    uint64_t cap = limits_.max_member_size;
    std::vector<std::byte> bytes = file_.ReadStream(item.entry, cap);
    bool truncated = e.size > cap && bytes.size() == cap;
    Emit(Path(item), ByteView(bytes), e.size, truncated);
  }

  void ExtractVba(uint32_t storage) {
    const TreeItem* dir = ChildStream(storage, "dir");
    if (dir == nullptr) return;
    std::vector<std::byte> raw = file_.ReadStream(dir->entry, data_.size());
    ole2::OvbaOutput decoded = ole2::DecompressOvba(raw, kMaxDirSize);
    if (!decoded.error.empty()) {
      notes_.Add(Path(items_[storage]) + "/dir: " + decoded.error);
    }
    auto modules =
        ole2::ParseVbaDir(ByteView(decoded.bytes), limits_.max_members, notes_);
    for (const ole2::VbaModule& m : modules) {
      if (stopped_) return;
      ExtractModule(storage, m);
    }
  }

  void ExtractModule(uint32_t storage, const ole2::VbaModule& m) {
    std::string name = Path(items_[storage]) + "/" + m.name + ".vba";
    const TreeItem* stream = ChildStream(storage, m.stream_name);
    if (stream == nullptr) {
      notes_.Add(name + ": module stream '" + m.stream_name + "' missing");
      return;
    }
    std::vector<std::byte> raw = file_.ReadStream(stream->entry, data_.size());
    ole2::OvbaOutput source;
    const bool beyond = m.text_offset > raw.size();
    if (beyond) {
      source.error = "source offset beyond its stream";
    } else {
      source = ole2::DecompressOvba(ByteView(raw).subspan(m.text_offset),
                                    limits_.max_member_size);
    }
    if (source.bytes.empty() && !source.error.empty()) {
      // MODULEOFFSET misses the source (damaged, or set so to hide it from
      // scanners; Office runs the compiled p-code anyway): look for it.
      if (auto at = ole2::FindModuleSource(ByteView(raw))) {
        notes_.Add(name + ": " + source.error + " at MODULEOFFSET " +
                   std::to_string(m.text_offset) + "; source found at " +
                   std::to_string(*at));
        source = ole2::DecompressOvba(ByteView(raw).subspan(*at),
                                      limits_.max_member_size);
      }
    }
    if (!source.error.empty()) notes_.Add(name + ": " + source.error);
    if (beyond && source.bytes.empty()) return;
    Emit(name, ByteView(source.bytes), 0, source.truncated);
  }

  void Emit(const std::string& name, ByteView bytes, uint64_t declared,
            bool truncated) {
    if (result_.members >= limits_.max_members) {
      result_.hit_member_limit = true;
      notes_.Add("member limit reached: remaining streams skipped");
      stopped_ = true;
      return;
    }
    ArchiveMember member;
    member.name = name;
    member.data = bytes;
    member.declared_size = declared;
    member.truncated = truncated;
    if (truncated) {
      result_.hit_size_limit = true;
      notes_.Add(name + ": truncated at max_member_size");
    }
    ++result_.members;
    if (!on_member_(member)) stopped_ = true;
  }

  ByteView data_;
  const ExtractLimits& limits_;
  const std::function<bool(const ArchiveMember&)>& on_member_;
  ExtractResult& result_;
  ole2::NoteList notes_;
  ole2::CompoundFile file_;
  std::vector<TreeItem> items_;
  std::unordered_map<std::string, const TreeItem*> streams_;
  bool stopped_ = false;
};

}  // namespace

bool IsOle2(ByteView data) {
  static constexpr uint8_t kMagic[8] = {0xD0, 0xCF, 0x11, 0xE0,
                                        0xA1, 0xB1, 0x1A, 0xE1};
  return data.size() >= 8 && std::memcmp(data.data(), kMagic, 8) == 0;
}

ExtractResult ExtractOle2(
    ByteView data, const ExtractLimits& limits,
    const std::function<bool(const ArchiveMember&)>& on_member) {
  ExtractResult result;
  Extraction(data, limits, on_member, result).Run();
  return result;
}

}  // namespace vigil::formats
