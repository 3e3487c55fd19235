// Fuzzes ParseHexPattern. The first byte picks the options; the rest is the
// pattern. Checks that a successful parse yields a consistent Pattern.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "sigs/clamav/hex_pattern.h"

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

void CheckNode(const vigil::sigs::Node& n, const vigil::sigs::Pattern& p) {
  using K = vigil::sigs::Node::Kind;
  if (n.kind == K::kByte && n.set_index >= 0) {
    Check(static_cast<size_t>(n.set_index) < p.sets.size());
  }
  if (n.kind == K::kAlternation) Check(n.alt_index < p.alternations.size());
  if (n.kind == K::kGap) Check(n.gap_min <= n.gap_max);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  vigil::sigs::clamav::HexPatternOptions o;
  o.literal_needs_three = data[0] & 1;
  o.class_position_rule = data[0] & 2;
  o.nocase = data[0] & 4;
  o.wide = data[0] & 8;
  o.ascii = data[0] & 16;
  o.fullword = data[0] & 32;
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  vigil::sigs::Pattern p;
  vigil::sigs::clamav::ParseStatus st =
      vigil::sigs::clamav::ParseHexPattern(text, o, &p);
  if (!st.ok()) {
    Check(st.where() >= text.data() && st.where() <= text.data() + text.size());
    return 0;
  }
  Check(!p.nodes.empty());
  for (const auto& n : p.nodes) CheckNode(n, p);
  for (const auto& alt : p.alternations) {
    for (const auto& branch : alt.branches) {
      for (const auto& n : branch) {
        Check(n.kind != vigil::sigs::Node::Kind::kAlternation);
        CheckNode(n, p);
      }
    }
  }
  return 0;
}
