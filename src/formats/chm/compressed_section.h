// Section 1 of a CHM file ("MSCompressed"), as libmspack will see it.
//
// Section 1 is one LZX stream, stored as the section-0 file
// ::DataSpace/Storage/MSCompressed/Content and described by three more
// section-0 files: ControlData (LZX window and reset interval), the reset
// table (the uncompressed length, and where each 32 KiB frame starts in the
// compressed stream) and SpanInfo (the uncompressed length again).
// libmspack reads them itself when it (re)starts the decoder, trusting
// much of what it reads: offsets past 2 GiB overflow its int arithmetic,
// an uncompressed length near 2^63 overflows its rounding, an 8-byte
// reset-table entry near 2^63 overflows the offset it seeks to, and its
// LZX frame loop is not meant to be asked for bytes past the length it was
// set up with (0.11 checks that in chmd_extract; the 2018 code did not).
// So vigil reads the same four files
// first, with the same rules, and asks libmspack only for what is safe:
// Usable() says whether section 1 can be decoded at all, `length` is the
// smallest uncompressed length libmspack may use (files are clamped to
// it), and RestartSafe() whether a restart for a file at a given offset
// would seek inside Content.
// Tested by tests/unit/formats/chm/chm_test.cc.
#ifndef VIGIL_FORMATS_CHM_COMPRESSED_SECTION_H_
#define VIGIL_FORMATS_CHM_COMPRESSED_SECTION_H_

#include <mspack.h>

#include <cstdint>
#include <string>

#include "vigil/bytes.h"

namespace vigil::formats::chm {

// Offsets in section 1 beyond this are never decoded (libmspack computes
// frame offsets in int).
constexpr uint64_t kMaxSectionOffset = uint64_t{1} << 30;

class CompressedSection {
 public:
  // `sec0_offset`: where section 0 starts in `data` (already checked to lie
  // within it); `sec1`: the files libmspack's open() found.
  CompressedSection(ByteView data, uint64_t sec0_offset,
                    const mschmd_sec_mscompressed& sec1);

  // "" when files of section 1 may be decoded, else why not.
  const std::string& error() const { return error_; }
  bool Usable() const { return error_.empty(); }

  // The uncompressed length no decoder state can be shorter than.
  uint64_t length() const { return length_; }
  // Bytes of the reset table libmspack reads at each decoder (re)start.
  uint64_t restart_cost() const { return reset_table_.size(); }

  // False when libmspack, restarting its decoder for a file at `offset`,
  // would take a reset-table entry that points outside Content.
  bool RestartSafe(uint64_t offset) const;

 private:
  // Each returns "" or the reason the file is unusable.
  std::string ReadContent(const mschmd_file* content);
  std::string ReadControl(const mschmd_file* control);
  // Sets length_ from the reset table and SpanInfo (either may be missing
  // or unusable, not both).
  std::string ReadLengths(const mschmd_file* rtable,
                          const mschmd_file* spaninfo);
  bool ReadResetTable(const mschmd_file* rtable, uint64_t* length);
  bool ReadSpanInfo(const mschmd_file* spaninfo, uint64_t* length);
  // The bytes of a section-0 file, if it lies within the data.
  bool Section0File(const mschmd_file* file, ByteView* bytes) const;

  ByteView data_;
  uint64_t sec0_offset_;
  std::string error_;
  uint64_t content_length_ = 0;
  uint64_t reset_interval_ = 0;  // bytes, a multiple of 32 KiB
  uint64_t length_ = 0;
  ByteView reset_table_;  // empty when libmspack cannot use it
};

}  // namespace vigil::formats::chm

#endif  // VIGIL_FORMATS_CHM_COMPRESSED_SECTION_H_
