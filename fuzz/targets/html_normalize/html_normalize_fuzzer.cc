// Fuzzes NormalizeHtmlAll; the first byte picks UTF-16 input and a small
// output cap, which must hold.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "formats/html/html_normalize.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vigil::formats;
  if (size == 0) return 0;
  HtmlNormalizeOptions o;
  o.utf16le_input = data[0] & 1;
  if (data[0] & 2) o.max_output = data[0];
  vigil::ByteView in(reinterpret_cast<const std::byte*>(data + 1), size - 1);
  HtmlBuffers b;
  NormalizeHtmlAll(in, o, &b);
  if (b.nocomment.size() > o.max_output || b.notags.size() > o.max_output)
    std::abort();
  return 0;
}
