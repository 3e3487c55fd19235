// NormalizeText: the normalised form of text that ClamAV matches target-7
// (and target-0) body signatures against.
//
// Byte by byte, as clamscan 1.4.6 and `sigtool --ascii-normalise` do it:
// - A..Z become a..z; other bytes 0x21..0x7f are copied (0x7f included).
// - HT LF VT FF CR and space are whitespace: a run of them becomes one
//   space, even across dropped bytes ("a \x01 b" -> "a b").
// - Every other byte (0x00..0x08, 0x0e..0x1f, 0x80..0xff) is dropped, so
//   UTF-8 and UTF-16 text lose their non-ASCII parts and keep the rest.
//
// The one state, "a space was just written", is reset where ClamAV starts
// a new output block, which may write a second space inside a whitespace
// run. Where that happens depends on the reader: clamscan reads 4 KiB pages
// and starts a block before a page that could overflow 128 KiB plus the
// longest target-7 pattern; sigtool starts one every 128 KiB of input.
// TextNormalizeOptions selects the behaviour (docs/file-types.md).
//
// Linear time; `out` grows by at most in.size() bytes. Thread-safe.
// Tested by tests/unit/formats/text/text_normalize_test.cc.
#ifndef VIGIL_FORMATS_TEXT_TEXT_NORMALIZE_H_
#define VIGIL_FORMATS_TEXT_TEXT_NORMALIZE_H_

#include <cstddef>
#include <functional>
#include <vector>

#include "vigil/bytes.h"

namespace vigil::formats {

struct TextNormalizeOptions {
  enum class Blocks {
    kScanner,  // as clamscan matches it (the default)
    kSigtool,  // as `sigtool --ascii-normalise` writes it
    kNone,     // one block: whitespace state never reset
  };
  Blocks blocks = Blocks::kScanner;
  // kScanner: length of the longest target-7 body pattern in the database
  // (ClamAV's maxpatlen of its target-7 matcher); 0 when there is none.
  size_t max_pattern_length = 0;
  // Called as the input is consumed, with how many bytes have been read so
  // far, every `progress_interval` bytes (the scanner drops the pages of a
  // mapped input behind the normaliser). Optional.
  std::function<void(size_t consumed)> on_progress;
  size_t progress_interval = size_t{4} << 20;
  // When set, the output goes to `sink` piece by piece (at each progress
  // step and at the end) instead of accumulating: large inputs are then
  // normalised in bounded memory. kScanner blocks only.
  std::function<void(ByteView piece)> sink;
};

// Replaces *out with the normalised form of `in` (clamscan behaviour).
void NormalizeText(ByteView in, std::vector<std::byte>* out);
void NormalizeText(ByteView in, std::vector<std::byte>* out,
                   const TextNormalizeOptions& options);

}  // namespace vigil::formats

#endif  // VIGIL_FORMATS_TEXT_TEXT_NORMALIZE_H_
