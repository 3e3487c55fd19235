// Fuzzes NormalizeText in every block mode; the first byte picks the mode
// and the pattern length. Checks the output bound.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "formats/text/text_normalize.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using vigil::formats::TextNormalizeOptions;
  if (size == 0) return 0;
  TextNormalizeOptions o;
  o.blocks = static_cast<TextNormalizeOptions::Blocks>(data[0] % 3);
  o.max_pattern_length = data[0] >> 2;
  vigil::ByteView in(reinterpret_cast<const std::byte*>(data + 1), size - 1);
  std::vector<std::byte> out;
  vigil::formats::NormalizeText(in, &out, o);
  if (out.size() > in.size())
    std::abort();  // one byte out per byte in, at most
  return 0;
}
