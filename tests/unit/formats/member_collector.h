// Test helper of the format readers' unit tests: runs a reader with a
// callback that keeps every member it hands out, in order.
//
//   Extracted e = CollectMembers([&](const auto& on_member) {
//     return ExtractArj(Bytes(archive), limits, on_member);
//   });
#ifndef VIGIL_TESTS_UNIT_FORMATS_MEMBER_COLLECTOR_H_
#define VIGIL_TESTS_UNIT_FORMATS_MEMBER_COLLECTOR_H_

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "formats/archive/archive.h"

namespace vigil::testing {

struct Extracted {
  formats::ExtractResult result;
  std::vector<formats::ArchiveMember> members;  // in order, data cleared
  std::vector<std::string> contents;            // members' bytes, in order
  std::map<std::string, std::string> data;      // members' bytes by name

  std::vector<std::string> Names() const {
    std::vector<std::string> names;
    for (const formats::ArchiveMember& m : members) names.push_back(m.name);
    return names;
  }
  // The notes, one per line (for failure messages).
  std::string Notes() const {
    std::string s;
    for (const std::string& n : result.notes) s += n + "\n";
    return s;
  }
};

// `extract(on_member)` runs the reader with the given member callback and
// returns its ExtractResult.
inline Extracted CollectMembers(
    const std::function<formats::ExtractResult(
        const std::function<bool(const formats::ArchiveMember&)>&)>& extract) {
  Extracted e;
  e.result = extract([&](const formats::ArchiveMember& m) {
    std::string bytes(reinterpret_cast<const char*>(m.data.data()),
                      m.data.size());
    e.data[m.name] = bytes;
    e.contents.push_back(std::move(bytes));
    formats::ArchiveMember copy = m;
    copy.data = {};
    e.members.push_back(std::move(copy));
    return true;
  });
  return e;
}

}  // namespace vigil::testing

#endif  // VIGIL_TESTS_UNIT_FORMATS_MEMBER_COLLECTOR_H_
