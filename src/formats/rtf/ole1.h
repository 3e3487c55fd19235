// OLE 1.0 objects as RTF carries them in \objdata, and the "Package"
// (Object Packager) native data that wraps an embedded file.
//
// An OLE1 object ([MS-OLEDS] 2.2.4-2.2.5) starts with an ObjectHeader:
// OLEVersion (DWORD, any value; Word writes 0x00000501), FormatID (DWORD: 1
// linked, 2 embedded, 5 presentation), ClassName, TopicName and ItemName
// (each a LengthPrefixedAnsiString: a DWORD length that counts the
// terminating NUL, then the bytes). An embedded object follows it with
// NativeDataSize (DWORD) and that many bytes of native data, then a
// presentation object that is not read here. All integers little-endian.
//
// The native data of class "Package" is not in [MS-OLEDS]; its layout, as
// published by those who took it apart and as Windows' packager writes it:
// a WORD (2), the label and the source path (NUL-terminated ANSI), two
// WORDs (0, then 3 for an embedded file, 1 for a link), a DWORD length and
// the temporary path it covers (NUL included), a DWORD size and the file's
// bytes; Unicode copies of the paths may follow and are not read.
// Tested by tests/unit/formats/rtf/ole1_test.cc.
#ifndef VIGIL_FORMATS_RTF_OLE1_H_
#define VIGIL_FORMATS_RTF_OLE1_H_

#include <cstdint>
#include <optional>
#include <string>

#include "vigil/bytes.h"

namespace vigil::formats::rtf {

constexpr uint32_t kOle1Linked = 1;
constexpr uint32_t kOle1Embedded = 2;
constexpr uint32_t kOle1Presentation = 5;

struct Ole1Object {
  uint32_t format_id = 0;  // kOle1Linked, kOle1Embedded or kOle1Presentation
  std::string class_name;  // printable ASCII, without its NUL
  // Embedded objects only: the native data present (at most
  // native_size bytes; fewer when the object is cut short).
  ByteView native;
  uint32_t native_size = 0;  // as declared
};

// The OLE1 object at the start of `data`, or nullopt when the bytes do not
// start with a plausible ObjectHeader (a known FormatID, a class name of
// 1..256 printable characters, topic and item inside the data) followed,
// for an embedded object, by NativeDataSize.
std::optional<Ole1Object> ParseOle1Object(ByteView data);

// True for the class of Object Packager's native data (case-insensitive,
// as Windows compares ProgIDs).
bool IsPackageClass(const std::string& class_name);

struct OlePackage {
  std::string label;        // usually the file's name
  std::string source_path;  // where it was packaged from
  ByteView data;            // the file's bytes present (<= data_size)
  uint32_t data_size = 0;   // as declared
  // Every field as the packager writes it: WORD 2, WORDs 0 and 3, the
  // temporary path's length ending on its NUL, all the file's bytes there.
  bool exact = false;
};

// The Package native data in `native`, or nullopt when it is malformed
// before the file's bytes (a string without NUL, fields past the end).
// Tolerant: the leading WORD and the flags are not checked, and a
// temporary-path length that does not end on its NUL is replaced by a
// search for the NUL.
std::optional<OlePackage> ParsePackage(ByteView native);

}  // namespace vigil::formats::rtf

#endif  // VIGIL_FORMATS_RTF_OLE1_H_
