// DbWriter: assembles a compiled database image from sections.
//
// The compiler appends typed records to sections, then Finish() lays them
// out (8-byte aligned, pattern images page aligned), fills the header and
// computes the content hash.
#ifndef VIGIL_DB_WRITER_H_
#define VIGIL_DB_WRITER_H_

#include <cstddef>
#include <cstring>
#include <map>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "db/format.h"

namespace vigil::db {

struct HeaderFields {
  std::string engine_version;
  std::string pattern_engine;
  std::string cpu_features;
  uint64_t hs_platform_features = 0;
  uint32_t hs_platform_tune = 0;
};

class DbWriter {
 public:
  // Appends `n` records to section `id`; returns the index of the first.
  template <typename T>
  uint32_t Append(SectionId id, const T* records, size_t n) {
    static_assert(std::is_trivially_copyable_v<T>);
    std::vector<std::byte>& s = sections_[static_cast<uint32_t>(id)].bytes;
    const size_t index = s.size() / sizeof(T);
    s.resize(s.size() + n * sizeof(T));
    if (n > 0)
      std::memcpy(s.data() + index * sizeof(T), records, n * sizeof(T));
    return static_cast<uint32_t>(index);
  }
  template <typename T>
  uint32_t Append(SectionId id, const T& record) {
    return Append(id, &record, 1);
  }
  template <typename T>
  uint32_t Count(SectionId id) const {
    auto it = sections_.find(static_cast<uint32_t>(id));
    return it == sections_.end()
               ? 0
               : static_cast<uint32_t>(it->second.bytes.size() / sizeof(T));
  }
  // Mutable access to a record already appended.
  template <typename T>
  T* At(SectionId id, uint32_t index) {
    return reinterpret_cast<T*>(
        sections_[static_cast<uint32_t>(id)].bytes.data() + index * sizeof(T));
  }

  // Interns `s` in the string section.
  StringRef AddString(std::string_view s);

  // A raw section (pattern images); `page_aligned` places it at a 4096-byte
  // boundary of the file.
  void SetRaw(uint32_t id, std::vector<std::byte> bytes, bool page_aligned);

  std::vector<std::byte> Finish(const HeaderFields& fields);

 private:
  struct Section {
    std::vector<std::byte> bytes;
    bool page_aligned = false;
  };
  std::map<uint32_t, Section> sections_;
  std::unordered_map<std::string, StringRef> strings_;
};

}  // namespace vigil::db

#endif  // VIGIL_DB_WRITER_H_
