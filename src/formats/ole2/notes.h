// NoteList: the damage notes of one extraction (internal header). A hostile
// file can repeat the same damage thousands of times; after kMaxNotes the
// rest are counted in one closing note instead of growing the list.
#ifndef VIGIL_FORMATS_OLE2_NOTES_H_
#define VIGIL_FORMATS_OLE2_NOTES_H_

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace vigil::formats::ole2 {

class NoteList {
 public:
  static constexpr size_t kMaxNotes = 64;

  explicit NoteList(std::vector<std::string>& out) : out_(out) {}

  void Add(std::string note) {
    if (out_.size() < kMaxNotes) {
      out_.push_back(std::move(note));
    } else if (out_.size() == kMaxNotes) {
      out_.push_back("further notes suppressed");
    }
  }

 private:
  std::vector<std::string>& out_;
};

}  // namespace vigil::formats::ole2

#endif  // VIGIL_FORMATS_OLE2_NOTES_H_
