// The rules below are libmspack 0.11's (chmd.c: chmd_init_decomp,
// read_reset_table, read_spaninfo), restated so that vigil can tell in
// advance what libmspack will do with the same bytes.
#include "formats/chm/compressed_section.h"

#include <algorithm>

#include "core/reader.h"

namespace vigil::formats::chm {

namespace {

constexpr uint64_t kFrame = 0x8000;              // LZX frame: 32 KiB of output
constexpr uint32_t kLzxcSignature = 0x43585A4C;  // "LZXC"
constexpr int64_t kControlSize = 28;
constexpr int64_t kResetTableHeader = 0x28;
constexpr int64_t kMaxResetTable = 1000000;  // libmspack's own limit
// Uncompressed lengths beyond this are absurd (and would overflow
// libmspack's rounding to the reset interval).
constexpr uint64_t kMaxUncompressed = uint64_t{1} << 40;

// Little-endian fields of the small files read here; 0 past their end
// (callers check the sizes first).
uint32_t U32At(ByteView bytes, size_t at) {
  core::Reader r(bytes);
  return r.Seek(at) ? r.U32Le().value_or(0) : 0;
}

uint64_t U64At(ByteView bytes, size_t at) {
  core::Reader r(bytes);
  return r.Seek(at) ? r.U64Le().value_or(0) : 0;
}

bool InSection0(const mschmd_file* file) {
  return file != nullptr && file->section != nullptr && file->section->id == 0;
}

}  // namespace

CompressedSection::CompressedSection(ByteView data, uint64_t sec0_offset,
                                     const mschmd_sec_mscompressed& sec1)
    : data_(data), sec0_offset_(sec0_offset) {
  error_ = ReadContent(sec1.content);
  if (error_.empty()) error_ = ReadControl(sec1.control);
  if (error_.empty()) error_ = ReadLengths(sec1.rtable, sec1.spaninfo);
}

bool CompressedSection::Section0File(const mschmd_file* file,
                                     ByteView* bytes) const {
  if (!InSection0(file) || file->offset < 0 || file->length < 0) return false;
  const auto offset = static_cast<uint64_t>(file->offset);
  const auto length = static_cast<uint64_t>(file->length);
  const uint64_t room = data_.size() - sec0_offset_;
  if (offset > room || length > room - offset) return false;
  *bytes = data_.subspan(static_cast<size_t>(sec0_offset_ + offset),
                         static_cast<size_t>(length));
  return true;
}

std::string CompressedSection::ReadContent(const mschmd_file* content) {
  if (content == nullptr) return "no Content file";
  if (!InSection0(content) || content->offset < 0 || content->length < 0) {
    return "Content is not a section-0 file";
  }
  const uint64_t room = data_.size() - sec0_offset_;
  const auto offset = static_cast<uint64_t>(content->offset);
  if (offset > room) return "Content lies outside the file";
  content_length_ =
      std::min<uint64_t>(static_cast<uint64_t>(content->length), room - offset);
  return "";
}

std::string CompressedSection::ReadControl(const mschmd_file* control) {
  ByteView bytes;
  if (control == nullptr) return "no ControlData file";
  if (control->length != kControlSize || !Section0File(control, &bytes)) {
    return "ControlData unreadable";
  }
  const uint32_t signature = U32At(bytes, 4);
  const uint32_t version = U32At(bytes, 8);
  uint64_t interval = U32At(bytes, 12);
  uint64_t window = U32At(bytes, 16);
  if (signature != kLzxcSignature) return "ControlData: no LZXC signature";
  if (version == 2) {
    interval *= kFrame;
    window *= kFrame;
  } else if (version != 1) {
    return "ControlData: unknown version " + std::to_string(version);
  }
  const bool window_ok = window >= (uint64_t{1} << 15) &&
                         window <= (uint64_t{1} << 21) &&
                         (window & (window - 1)) == 0;
  if (!window_ok) return "ControlData: bad LZX window size";
  // libmspack keeps the interval in an int.
  if (interval == 0 || interval % kFrame != 0 || interval >= (1ull << 31)) {
    return "ControlData: bad reset interval";
  }
  reset_interval_ = interval;
  return "";
}

std::string CompressedSection::ReadLengths(const mschmd_file* rtable,
                                           const mschmd_file* spaninfo) {
  uint64_t from_table = 0, from_span = 0;
  const bool table = ReadResetTable(rtable, &from_table);
  if (table && from_table == ~uint64_t{0}) {
    return "reset table: absurd uncompressed length";
  }
  const bool span = ReadSpanInfo(spaninfo, &from_span);
  if (!table && !span) return "no usable reset table or SpanInfo";
  length_ = table && span ? std::min(from_table, from_span)
                          : (table ? from_table : from_span);
  return "";
}

// True when libmspack can use the reset table at all; `length` is then its
// uncompressed length rounded up to the reset interval, as libmspack does,
// or ~0 when that length is absurd.
bool CompressedSection::ReadResetTable(const mschmd_file* rtable,
                                       uint64_t* length) {
  ByteView bytes;
  if (rtable == nullptr || rtable->length < kResetTableHeader ||
      rtable->length > kMaxResetTable || !Section0File(rtable, &bytes)) {
    return false;
  }
  if (U32At(bytes, 0x20) != kFrame) return false;  // frame length
  const uint64_t uncompressed = U64At(bytes, 0x10);
  reset_table_ = bytes;
  if (uncompressed > kMaxUncompressed) {
    *length = ~uint64_t{0};
    return true;
  }
  *length =
      (uncompressed + reset_interval_ - 1) / reset_interval_ * reset_interval_;
  return true;
}

bool CompressedSection::ReadSpanInfo(const mschmd_file* spaninfo,
                                     uint64_t* length) {
  ByteView bytes;
  if (spaninfo == nullptr || spaninfo->length != 8 ||
      !Section0File(spaninfo, &bytes)) {
    return false;
  }
  const auto value = static_cast<int64_t>(U64At(bytes, 0));
  if (value <= 0) return false;  // libmspack refuses it
  *length = static_cast<uint64_t>(value);
  return true;
}

bool CompressedSection::RestartSafe(uint64_t offset) const {
  if (reset_table_.empty()) return true;  // libmspack starts at 0
  // libmspack's arithmetic, in its types: the entry of the 32 KiB frame at
  // the last reset point before `offset`, its position in unsigned int.
  const uint32_t entry = static_cast<uint32_t>(offset / reset_interval_ *
                                               (reset_interval_ / kFrame));
  const uint32_t entries = U32At(reset_table_, 0x04);
  const uint32_t entry_size = U32At(reset_table_, 0x08);
  const uint32_t position = U32At(reset_table_, 0x0C) + entry * entry_size;
  const auto table_length = static_cast<int64_t>(reset_table_.size());
  if (entry >= entries || static_cast<int64_t>(position) >
                              table_length - static_cast<int64_t>(entry_size)) {
    return true;  // no entry: libmspack falls back to starting at 0
  }
  int64_t start = 0;
  if (entry_size == 4) {
    start = U32At(reset_table_, position);
  } else if (entry_size == 8) {
    start = static_cast<int64_t>(U64At(reset_table_, position));
  } else {
    return true;  // not read: the same fallback
  }
  return start >= 0 && static_cast<uint64_t>(start) <= content_length_;
}

}  // namespace vigil::formats::chm
