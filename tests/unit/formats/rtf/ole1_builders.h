// Test helper: OLE1 objects and Package data as RTF's \objdata carries
// them (the layouts src/formats/rtf/ole1.cc reads), for rtf_test.cc and
// ole1_test.cc.
#ifndef VIGIL_TESTS_UNIT_FORMATS_RTF_OLE1_BUILDERS_H_
#define VIGIL_TESTS_UNIT_FORMATS_RTF_OLE1_BUILDERS_H_

#include <cstdint>
#include <string>

namespace vigil::testing {

// Little-endian u32.
inline std::string U32(uint32_t v) {
  std::string s;
  for (int i = 0; i < 4; ++i)
    s.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  return s;
}

// A length-prefixed, NUL-terminated string (the length counts the NUL).
inline std::string Prefixed(const std::string& s) {
  return U32(static_cast<uint32_t>(s.size() + 1)) + s + '\0';
}

// OLE1 version 0x0501, `format` (1 linked, 2 embedded, 5 presentation) and
// the class name.
inline std::string Ole1Header(uint32_t format, const std::string& cls) {
  return U32(0x501) + U32(format) + Prefixed(cls);
}

// An embedded object whose native data declares `declared` bytes.
inline std::string Ole1Embedded(const std::string& cls,
                                const std::string& native, uint32_t declared) {
  return Ole1Header(2, cls) + U32(0) + U32(0) + U32(declared) + native;
}
inline std::string Ole1Embedded(const std::string& cls,
                                const std::string& native) {
  return Ole1Embedded(cls, native, static_cast<uint32_t>(native.size()));
}

// A Package object's native data: label, source path, temporary path and
// the embedded file.
inline std::string PackageData(const std::string& label,
                               const std::string& path, const std::string& temp,
                               const std::string& data) {
  return std::string("\x02\x00", 2) + label + '\0' + path + '\0' +
         std::string("\x00\x00\x03\x00", 4) + Prefixed(temp) +
         U32(static_cast<uint32_t>(data.size())) + data;
}
inline std::string PackageData(const std::string& label,
                               const std::string& path,
                               const std::string& data) {
  return PackageData(label, path, "C:\\Temp\\" + label, data);
}

}  // namespace vigil::testing

#endif  // VIGIL_TESTS_UNIT_FORMATS_RTF_OLE1_BUILDERS_H_
