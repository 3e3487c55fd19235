// CappedOutput and EmitMember: the output side shared by the decoders of this
// folder (internal header). Decoded bytes collect in memory up to the
// caller's max_member_size; the stream then becomes the single member.
#ifndef VIGIL_FORMATS_COMPRESS_MEMBER_OUTPUT_H_
#define VIGIL_FORMATS_COMPRESS_MEMBER_OUTPUT_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "formats/archive/archive.h"
#include "vigil/bytes.h"

namespace vigil::formats {

class CappedOutput {
 public:
  explicit CappedOutput(uint64_t limit) : limit_(limit) {}

  // Appends `b`, or drops it and marks the output full when the limit has
  // been reached (so a stream of exactly `limit` bytes is not "full").
  void Put(uint8_t b) {
    if (bytes_.size() >= limit_) {
      full_ = true;
      return;
    }
    bytes_.push_back(static_cast<std::byte>(b));
  }

  // True once a byte past the limit was dropped: decoding can stop.
  bool full() const { return full_; }
  uint64_t size() const { return bytes_.size(); }
  ByteView view() const { return ByteView(bytes_); }

 private:
  uint64_t limit_;
  std::vector<std::byte> bytes_;
  bool full_ = false;
};

// Passes `out` to `on_member` as the stream's only member (unless
// max_members is 0) and records it in `result`.
inline void EmitMember(
    const CappedOutput& out, uint64_t declared_size,
    const ExtractLimits& limits,
    const std::function<bool(const ArchiveMember&)>& on_member,
    ExtractResult& result) {
  if (limits.max_members == 0) {
    result.hit_member_limit = true;
    result.notes.push_back("member limit reached: stream skipped");
    return;
  }
  ArchiveMember member;
  member.data = out.view();
  member.declared_size = declared_size;
  member.truncated = out.full();
  if (out.full()) {
    result.hit_size_limit = true;
    result.notes.push_back("member truncated at max_member_size");
  }
  ++result.members;
  on_member(member);
}

}  // namespace vigil::formats

#endif  // VIGIL_FORMATS_COMPRESS_MEMBER_OUTPUT_H_
