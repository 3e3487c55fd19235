// A small writer of CHM files for the tests: the C++ twin of
// tests/e2e/chm_writer.py (see there for the format and its sources).
// Section 1 is LZX with uncompressed blocks, or verbatim blocks with fixed
// Huffman codes; 64 KiB window and reset interval; the stream padded to a
// whole interval. The layout it returns lets tests damage a file on
// purpose (patch a field, add an absurd directory entry).
#ifndef VIGIL_TESTS_UNIT_FORMATS_CHM_CHM_WRITER_H_
#define VIGIL_TESTS_UNIT_FORMATS_CHM_CHM_WRITER_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace vigil::formats::testing {

struct ChmInput {
  std::string name;  // a CHM path: "/index.htm"
  int section = 0;   // 0: stored, 1: LZX
  std::string data;
};

// A directory entry as written (any values, to make damaged files).
struct ChmEntry {
  std::string name;
  uint64_t section = 0;
  uint64_t offset = 0;
  uint64_t length = 0;
};

struct ChmOptions {
  bool verbatim = false;                // LZX verbatim blocks
  std::vector<ChmEntry> extra_entries;  // added to the directory as they are
  std::vector<std::string> omit;        // directory entries left out, by name
  uint64_t reset_table_padding = 0;     // zero bytes after the reset table
  uint64_t filler_entries = 0;          // empty files "/x", after the others
};

struct ChmImage {
  std::string bytes;
  uint64_t sec0_offset = 0;                 // where content section 0 starts
  uint64_t dir_offset = 0;                  // where the first PMGL chunk starts
  std::map<std::string, ChmEntry> entries;  // as listed in the directory
  // Absolute offset of a section-0 file's bytes.
  uint64_t At(const std::string& name) const {
    return sec0_offset + entries.at(name).offset;
  }
};

inline constexpr char kChmContent[] =
    "::DataSpace/Storage/MSCompressed/Content";
inline constexpr char kChmControl[] =
    "::DataSpace/Storage/MSCompressed/ControlData";
inline constexpr char kChmSpanInfo[] =
    "::DataSpace/Storage/MSCompressed/SpanInfo";
inline constexpr char kChmResetTable[] =
    "::DataSpace/Storage/MSCompressed/Transform/"
    "{7FC28940-9D31-11D0-9B27-00A0C91E9C7C}/InstanceData/ResetTable";

ChmImage WriteChm(const std::vector<ChmInput>& files,
                  const ChmOptions& options = {});

}  // namespace vigil::formats::testing

#endif  // VIGIL_TESTS_UNIT_FORMATS_CHM_CHM_WRITER_H_
