// CHM extraction: libmspack reads the directory and decodes the LZX
// section; this file decides what it is asked to do.
//
// libmspack is fast and well kept but trusts what it reads in places
// (src/formats/chm/compressed_section.h lists them). So:
// - Section-0 members are cut from `data` here, bounds-checked; libmspack
//   only lists them.
// - libmspack is never let near its fast_find() (whose walk of the
//   directory chunks does not stop on a cycle of "next" links or index
//   entries: it hangs): section 1 is only decoded when Content and
//   ControlData were listed by open(), and a missing reset table or
//   SpanInfo is replaced, in the header open() returned, by an inert entry
//   libmspack reads as unusable instead of searching the directory for it.
// - A section-1 file is handed to libmspack as a copy of its entry whose
//   length is cut to what may be decoded (the member limit, the section's
//   uncompressed length): libmspack decodes exactly that and keeps its
//   decoder where it stopped, so the next file (in offset order) continues
//   from there instead of restarting.
// - The LZX work is counted: a continuing file costs the bytes from the
//   decoder's position to its end, a restart all the bytes from 0 to its
//   end (an upper bound: libmspack starts at the last reset point before
//   it) plus the reset table it reads again.
#include "formats/chm/chm.h"

#include <mspack.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "formats/chm/compressed_section.h"
#include "formats/chm/mspack_memory.h"

namespace vigil::formats {

namespace {

constexpr size_t kHeaderSize = 0x60;
// {7C01FD10-7BAA-11D0-9E0C-00A0C922E6EC}, {7C01FD11-...}, as stored.
constexpr unsigned char kGuids[32] = {
    0x10, 0xFD, 0x01, 0x7C, 0xAA, 0x7B, 0xD0, 0x11, 0x9E, 0x0C, 0x00,
    0xA0, 0xC9, 0x22, 0xE6, 0xEC, 0x11, 0xFD, 0x01, 0x7C, 0xAA, 0x7B,
    0xD0, 0x11, 0x9E, 0x0C, 0x00, 0xA0, 0xC9, 0x22, 0xE6, 0xEC};

// The section-1 machinery: not members.
constexpr std::string_view kMachinery[] = {
    "::DataSpace/NameList",
    "::DataSpace/Storage/MSCompressed/Content",
    "::DataSpace/Storage/MSCompressed/ControlData",
    "::DataSpace/Storage/MSCompressed/SpanInfo",
    "::DataSpace/Storage/MSCompressed/Transform/List",
    "::DataSpace/Storage/MSCompressed/Transform/"
    "{7FC28940-9D31-11D0-9B27-00A0C91E9C7C}/InstanceData/ResetTable",
};

constexpr uint64_t kMinWorkBudget = uint64_t{1} << 20;

bool IsMachinery(std::string_view name) {
  return std::find(std::begin(kMachinery), std::end(kMachinery), name) !=
         std::end(kMachinery);
}

// A name for reports: control characters as '_'.
std::string CleanName(const char* raw) {
  std::string name = raw == nullptr ? "" : raw;
  for (char& c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) c = '_';
  }
  return name;
}

struct DecompressorDeleter {
  void operator()(mschm_decompressor* d) const {
    mspack_destroy_chm_decompressor(d);
  }
};

struct HeaderCloser {
  mschm_decompressor* decompressor = nullptr;
  void operator()(mschmd_header* h) const {
    decompressor->close(decompressor, h);
  }
};

struct Entry {
  const mschmd_file* file = nullptr;
  std::string name;
};

class Walker {
 public:
  Walker(ByteView data, const ExtractLimits& limits,
         const std::function<bool(const ArchiveMember&)>& on_member)
      : data_(data), limits_(limits), on_member_(on_member), sys_(data) {
    const uint64_t m = limits.max_member_size;
    budget_ = m >= chm::kMaxSectionOffset / 2 ? chm::kMaxSectionOffset
                                              : std::max(2 * m, kMinWorkBudget);
  }

  ExtractResult Run() {
    if (!IsChm(data_)) {
      result_.notes.push_back("chm: no ITSF header");
      return std::move(result_);
    }
    if (!Open()) return std::move(result_);
    const off_t sec0 = header_->sec0.offset;
    if (sec0 < 0 || static_cast<uint64_t>(sec0) > data_.size()) {
      result_.notes.push_back("chm: content section 0 lies outside the file");
      return std::move(result_);
    }
    sec0_ = static_cast<uint64_t>(sec0);
    std::vector<Entry> section0, section1;
    Collect(&section0, &section1);
    for (const Entry& e : section0) {
      if (!Section0Member(e)) return std::move(result_);
    }
    if (!section1.empty()) Section1(section1);
    return std::move(result_);
  }

 private:
  bool Open() {
    decompressor_.reset(mspack_create_chm_decompressor(sys_.system()));
    if (!decompressor_) {
      result_.notes.push_back("chm: libmspack could not start");
      return false;
    }
    mschm_decompressor* d = decompressor_.get();
    header_ = std::unique_ptr<mschmd_header, HeaderCloser>(
        d->open(d, sys_.InputName()), HeaderCloser{d});
    for (std::string& m : sys_.TakeMessages()) {
      result_.notes.push_back("chm: " + m);
    }
    if (!header_) {
      result_.notes.push_back("chm: unreadable (libmspack error " +
                              std::to_string(d->last_error(d)) + ")");
      return false;
    }
    return true;
  }

  void Collect(std::vector<Entry>* section0, std::vector<Entry>* section1) {
    auto add = [&](const mschmd_file* f) {
      if (f->section == nullptr) return;
      Entry e{f, CleanName(f->filename)};
      (f->section->id == 0 ? section0 : section1)->push_back(std::move(e));
    };
    for (const mschmd_file* f = header_->files; f; f = f->next) add(f);
    for (const mschmd_file* f = header_->sysfiles; f; f = f->next) {
      if (!IsMachinery(f->filename == nullptr ? "" : f->filename)) add(f);
    }
  }

  bool Section0Member(const Entry& e) {
    if (AtMemberLimit()) return false;
    const auto extent = Extent(e);
    if (!extent) return true;
    const auto [offset, length] = *extent;
    const uint64_t room = data_.size() - sec0_;
    if (offset > room) {
      Note(e, "data lies outside the file: skipped");
      return true;
    }
    const uint64_t available = std::min(length, room - offset);
    if (available < length) {
      Note(e, "data runs past the end of the file (" +
                  std::to_string(available) + " of " + std::to_string(length) +
                  " bytes)");
    }
    const uint64_t take = std::min(available, limits_.max_member_size);
    ArchiveMember m;
    m.name = e.name;
    m.declared_size = length;
    m.data = data_.subspan(static_cast<size_t>(sec0_ + offset),
                           static_cast<size_t>(take));
    m.truncated = take < available;
    return Emit(e, m);
  }

  void Section1(std::vector<Entry>& entries) {
    chm::CompressedSection section(data_, sec0_, header_->sec1);
    if (!section.Usable()) {
      result_.notes.push_back(
          "chm: compressed section unreadable (" + section.error() +
          "): " + std::to_string(entries.size()) + " files not decoded");
      return;
    }
    // Inert stand-ins: libmspack reads them as unusable rather than
    // looking for the real ones with fast_find().
    if (header_->sec1.rtable == nullptr) header_->sec1.rtable = &absent_;
    if (header_->sec1.spaninfo == nullptr) header_->sec1.spaninfo = &absent_;
    std::stable_sort(entries.begin(), entries.end(),
                     [](const Entry& a, const Entry& b) {
                       if (a.file->offset != b.file->offset)
                         return a.file->offset < b.file->offset;
                       return a.file->length < b.file->length;
                     });
    for (const Entry& e : entries) {
      if (!Section1Member(section, e)) break;
    }
    if (over_budget_ > 1) {
      result_.notes.push_back("chm: " + std::to_string(over_budget_ - 1) +
                              " more files not decoded (LZX work budget)");
    }
  }

  bool Section1Member(const chm::CompressedSection& section, const Entry& e) {
    if (AtMemberLimit()) return false;
    const auto extent = Extent(e);
    if (!extent) return true;
    const auto [offset, length] = *extent;
    ArchiveMember m;
    m.name = e.name;
    m.declared_size = length;
    if (length == 0) return Emit(e, m);
    if (offset >= section.length()) {
      Note(e, "lies past the end of the compressed section (" +
                  std::to_string(section.length()) + " bytes): skipped");
      return true;
    }
    if (offset >= chm::kMaxSectionOffset) {
      return Unread(e, m, "lies beyond 1 GiB into the compressed section");
    }
    const uint64_t available = std::min(
        {length, section.length() - offset, chm::kMaxSectionOffset - offset});
    if (available < length) {
      Note(e, "runs past what the compressed section holds (" +
                  std::to_string(available) + " of " + std::to_string(length) +
                  " bytes)");
    }
    const uint64_t take = std::min(available, limits_.max_member_size);
    if (take == 0) {  // libmspack would not even move its decoder
      m.truncated = true;
      return Emit(e, m);
    }
    const bool restart = !position_ || offset < *position_;
    if (restart && !section.RestartSafe(offset)) {
      Note(e, "reset table points outside the compressed data: skipped");
      return true;
    }
    const uint64_t cost = restart ? offset + take + section.restart_cost()
                                  : offset - *position_ + take;
    if (cost > budget_ - work_) {
      if (over_budget_++ > 0) {  // noted once, counted after
        m.truncated = true;
        return Emit(e, m);
      }
      return Unread(e, m,
                    "decoding it would pass the LZX work budget of " +
                        std::to_string(budget_) + " bytes");
    }
    work_ += cost;
    const bool ok = Decode(e.file, take);
    m.data = sys_.output();
    m.truncated = ok && take < available;
    if (!ok) {
      Note(e, "LZX data damaged (libmspack error " +
                  std::to_string(last_error_) +
                  "): " + std::to_string(m.data.size()) + " of " +
                  std::to_string(take) + " bytes decoded");
    }
    return Emit(e, m);
  }

  // Has libmspack decode the first `take` bytes of `f` into the capture
  // buffer; false on an error (libmspack then drops its decoder).
  bool Decode(const mschmd_file* f, uint64_t take) {
    mschmd_file cut = *f;
    cut.next = nullptr;
    cut.length = static_cast<off_t>(take);
    sys_.BeginOutput(take);
    mschm_decompressor* d = decompressor_.get();
    last_error_ = d->extract(d, &cut, sys_.OutputName());
    if (last_error_ != MSPACK_ERR_OK) {
      position_.reset();
      return false;
    }
    position_ = static_cast<uint64_t>(f->offset) + take;
    return true;
  }

  // A member not decoded because of a bound: passed as truncated, with no
  // data, so that the scan records a limit rather than a clean file.
  bool Unread(const Entry& e, ArchiveMember& m, const std::string& why) {
    Note(e, why + ": not decoded");
    m.truncated = true;
    return Emit(e, m);
  }

  bool AtMemberLimit() {
    if (result_.members < limits_.max_members) return false;
    result_.hit_member_limit = true;
    result_.notes.push_back("chm: member limit reached: later files skipped");
    return true;
  }

  bool Emit(const Entry& e, const ArchiveMember& m) {
    if (m.truncated) {
      result_.hit_size_limit = true;
      if (!m.data.empty()) Note(e, "truncated at max_member_size");
    }
    ++result_.members;
    return on_member_(m);
  }

  // The entry's offset and length in its section, or nothing (noted) when
  // the directory gives negative ones.
  std::optional<std::pair<uint64_t, uint64_t>> Extent(const Entry& e) {
    const mschmd_file* f = e.file;
    if (f->offset < 0 || f->length < 0) {
      Note(e, "absurd offset or length: skipped");
      return std::nullopt;
    }
    return std::pair{static_cast<uint64_t>(f->offset),
                     static_cast<uint64_t>(f->length)};
  }

  void Note(const Entry& e, const std::string& what) {
    result_.notes.push_back("chm: '" + e.name + "': " + what);
  }

  ByteView data_;
  const ExtractLimits& limits_;
  const std::function<bool(const ArchiveMember&)>& on_member_;
  // Destroyed in reverse: the header, the decompressor, then the system
  // both use.
  chm::MemorySystem sys_;
  std::unique_ptr<mschm_decompressor, DecompressorDeleter> decompressor_;
  std::unique_ptr<mschmd_header, HeaderCloser> header_;
  mschmd_file absent_{};  // section == nullptr, length 0: unusable
  uint64_t sec0_ = 0;
  uint64_t budget_ = 0;
  uint64_t work_ = 0;
  uint64_t over_budget_ = 0;          // files not decoded for the budget
  std::optional<uint64_t> position_;  // libmspack's decoder, when known
  int last_error_ = MSPACK_ERR_OK;
  ExtractResult result_;
};

}  // namespace

bool IsChm(ByteView data) {
  if (data.size() < kHeaderSize) return false;
  return std::memcmp(data.data(), "ITSF", 4) == 0 &&
         std::memcmp(data.data() + 0x18, kGuids, sizeof(kGuids)) == 0;
}

ExtractResult ExtractChm(
    ByteView data, const ExtractLimits& limits,
    const std::function<bool(const ArchiveMember&)>& on_member) {
  Walker walker(data, limits, on_member);
  return walker.Run();
}

}  // namespace vigil::formats
