// Signature sets and inputs for ClamAV's normalised passes, used by
// engine_vs_clamscan_test: ASCII text (raw pass with target 0, normalised
// text pass with targets 0 and 7) and HTML documents (nocomment and notags
// passes with targets 0 and 3).
//
// The sets come from reference::SigGenerator with every literal byte mapped
// into lower-case text (letters, digits, punctuation other than `<`, `>`,
// `&` and quotes, now and then a space), so that the normalisers, which
// lower-case and squeeze whitespace, leave planted instances matchable. What
// cannot survive a text file is switched off: nibbles (their other half
// would be arbitrary), ::w (NUL bytes make data binary) and byte compares
// (raw numbers). PCRE regexes are mapped the same way. Two ClamAV quirks
// are kept out (docs/matching-semantics.md, section 9): generic
// alternations get no "derivative" branches, and target-7 patterns no
// `aa[x-y]HEXSIG` form. Instances are planted
// as reference::MakeInstance makes them, then every byte that is not text is
// replaced by a non-alphanumeric text byte (which keeps `??`, `(W)` and the
// rest satisfied); a quarter of the plants are upper-cased, which only the
// normalised passes (and ::i) see.
//
// There is no oracle here but clamscan: the reference matcher models the raw
// pass of binary data only. Tested by engine_vs_clamscan_test.cc.
#ifndef VIGIL_TESTS_DIFF_TEXT_CORPUS_H_
#define VIGIL_TESTS_DIFF_TEXT_CORPUS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "reference/sig_generator.h"
#include "sigs/ir.h"

namespace vigil::diff {

enum class TextKind : uint8_t {
  kText,  // targets 0 and 7 (a few 1 and 3, which must not match)
  kHtml,  // targets 0 and 3 (a few 7 and 1)
};

// `bodies` body and `logicals` logical signatures named "<prefix>.N<i>" /
// "<prefix>.L<i>", all of whose literal bytes are lower-case text.
sigs::SignatureSet MakeTextSet(uint64_t seed, size_t bodies, size_t logicals,
                               TextKind kind, const std::string& prefix);

// The byte a literal of a generated pattern becomes in a text set.
uint8_t TextLiteral(uint8_t b);

// ASCII text (64 to 4096 bytes) that ClamAV types CL_TYPE_TEXT_ASCII, with
// instances of up to six signatures of `set` planted.
std::vector<uint8_t> MakeTextInput(const sigs::SignatureSet& set,
                                   reference::Rng& rng);
// An HTML document (typed CL_TYPE_HTML: `<html>` near the start) with
// paragraphs, links, images, comments, character references and instances
// of up to six signatures of `set` in its text. No scripts: ClamAV matches
// JavaScript-normalised scripts, which vigil does not make.
std::vector<uint8_t> MakeHtmlInput(const sigs::SignatureSet& set,
                                   reference::Rng& rng);

}  // namespace vigil::diff

#endif  // VIGIL_TESTS_DIFF_TEXT_CORPUS_H_
