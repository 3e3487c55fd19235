// The normalised forms of HTML that ClamAV matches target-3 (and target-0)
// signatures against, reproduced from clamscan 1.4.6 and `sigtool
// --html-normalise`:
//
// - nocomment: the document lower-cased, without comments ("<!" up to the
//   next '>'), whitespace squeezed, tags rewritten canonically (one space
//   between attributes, single quotes as double quotes), character
//   references decoded; inside <script> and <style> all whitespace goes.
// - notags: the text without tags (each tag or comment becomes a space),
//   plus the target of each <a href> and <img src>, case preserved.
// - script: ClamAV runs its JavaScript normaliser on each script and
//   matches the result ("javascript"). Not reproduced yet: vigil leaves
//   this buffer empty (docs/file-types.md, "Partial").
//
// ClamAV skips HTML larger than MaxHTMLNormalize entirely, and the notags
// form of HTML larger than MaxHTMLNoTags. The quirks reproduced on purpose
// (bytes >= 0x80 read in groups of three, the notags copy of them, the
// laziness of tag handling at the end of input) are described in
// docs/file-types.md with the inputs that show them.
//
// Linear time; each output is capped at HtmlNormalizeOptions::max_output.
// Never reads outside `in`. Thread-safe.
// Tested by tests/unit/formats/html/html_normalize_test.cc.
#ifndef VIGIL_FORMATS_HTML_HTML_NORMALIZE_H_
#define VIGIL_FORMATS_HTML_HTML_NORMALIZE_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "vigil/bytes.h"

namespace vigil::formats {

struct HtmlNormalizeOptions {
  // ClamAV MaxHTMLNormalize: larger input is not normalised (nor scanned).
  uint64_t max_html_normalize = 40ull << 20;
  // ClamAV MaxHTMLNoTags: larger input gets no notags form.
  uint64_t max_html_notags = 8ull << 20;
  // Bound on each output buffer; output beyond it is dropped.
  size_t max_output = 80ull << 20;
  // The input is UTF-16LE (CL_TYPE_HTML_UTF16): squeeze it to one byte per
  // unit first, as ClamAV does (low + 16 * high, mod 256).
  bool utf16le_input = false;
};

struct HtmlBuffers {
  bool normalized = false;  // false: the input was over max_html_normalize
  bool has_notags = false;  // false: the input was over max_html_notags
  // A <script> start tag took effect (its '>' was followed by another
  // byte): only then does ClamAV write, and match, the "javascript"
  // buffer. `<style>`, `<script/>`, a script tag in a comment or at the very
  // end of the input do not count.
  bool has_script = false;
  std::vector<std::byte> nocomment;
  std::vector<std::byte> notags;
  std::vector<std::byte> script;  // always empty for now (see above)
};

// All normalised forms of `in`. Replaces the contents of *out.
void NormalizeHtmlAll(ByteView in, const HtmlNormalizeOptions& options,
                      HtmlBuffers* out);

// The nocomment form alone, with default options.
void NormalizeHtml(ByteView in, std::vector<std::byte>* out);

}  // namespace vigil::formats

#endif  // VIGIL_FORMATS_HTML_HTML_NORMALIZE_H_
