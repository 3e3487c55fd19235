// Verifier: runs the verification programs of compiled patterns
// (db::Insn, see compiler/pattern_program.h) against data.
//
// A program is matched from a position either forwards or backwards (the
// backwards programs are stored reversed by the compiler). Variable
// elements (gaps, variable alternatives, boundaries that take 0, 1 or 2
// bytes) branch; the search is depth first and reports every position
// where the program can end, until the callback says stop. A state (next
// instruction, position) reached a second time is skipped: it can only
// repeat what the first visit reported, so the search is bounded by
// instructions x positions even for patterns with several `*`.
//
// Not thread-safe; one Verifier per scanning thread.
// Tested by tests/unit/matcher/verifier_test.cc and, end to end, by
// tests/diff/engine_vs_reference_test.cc.
#ifndef VIGIL_MATCHER_VERIFIER_H_
#define VIGIL_MATCHER_VERIFIER_H_

#include <cstdint>
#include <span>
#include <unordered_set>

#include "core/function_ref.h"
#include "db/database_impl.h"
#include "vigil/bytes.h"

namespace vigil::matcher {

class Verifier {
 public:
  // Called with each position where the program ends (forwards: the
  // match's end, exclusive; backwards: its start). Return true to stop.
  using Accept = core::FunctionRef<bool(size_t)>;

  explicit Verifier(const db::DatabaseImpl& db) : db_(db) {}

  void Reset(ByteView data) {
    data_ = AsU8(data);
    size_ = data.size();
  }

  // True if some accepted end stopped the search.
  bool Forward(uint32_t first, uint32_t count, size_t pos, Accept accept);
  bool Backward(uint32_t first, uint32_t count, size_t pos, Accept accept);

 private:
  struct Run {
    const db::Insn* insns;
    uint32_t count;
    bool backwards;
    const Accept* accept;
  };
  bool Step(const Run& r, uint32_t i, size_t pos);
  bool Next(const Run& r, uint32_t i, size_t pos, bool memo);
  bool Gap(const Run& r, uint32_t i, size_t pos, uint64_t min, uint64_t max);
  bool Alternation(const Run& r, uint32_t i, size_t pos,
                   const db::AlternationRecord& a);
  bool Boundary(const Run& r, uint32_t i, size_t pos, uint8_t kind,
                uint8_t edge);
  bool Start(uint32_t first, uint32_t count, size_t pos, bool backwards,
             Accept accept);

  static constexpr int kMaxDepth = 4096;

  const db::DatabaseImpl& db_;
  int depth_ = 0;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  std::unordered_set<uint64_t> visited_;
};

bool IsAlnum(uint8_t b);

}  // namespace vigil::matcher

#endif  // VIGIL_MATCHER_VERIFIER_H_
