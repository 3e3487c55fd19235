// PDF stream filters (PDF 1.7, section 7.4): FlateDecode, LZWDecode,
// ASCIIHexDecode, ASCII85Decode, RunLengthDecode and the PNG/TIFF predictors
// (internal header).
//
// Every decoder writes at most `limit` bytes and sets `truncated` when more
// would have followed, so a decompression bomb ends after `limit` bytes of
// output. Damaged input keeps what was decoded before the damage and adds a
// note. Tested by tests/unit/formats/pdf/pdf_test.cc.
#ifndef VIGIL_FORMATS_PDF_PDF_FILTERS_H_
#define VIGIL_FORMATS_PDF_PDF_FILTERS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::formats::pdf {

struct Decoded {
  std::string data;
  bool truncated = false;  // output reached the limit
  std::vector<std::string> notes;
};

Decoded FlateDecode(std::string_view in, uint64_t limit);
Decoded LzwDecode(std::string_view in, uint64_t limit, bool early_change);
Decoded AsciiHexDecode(std::string_view in, uint64_t limit);
Decoded Ascii85Decode(std::string_view in, uint64_t limit);
Decoded RunLengthDecode(std::string_view in, uint64_t limit);

struct PredictorParams {
  int predictor = 1;  // 1: none, 2: TIFF, 10-15: PNG
  int colors = 1;
  int bits_per_component = 8;
  int columns = 1;
};

// Undoes a predictor; output is never larger than the input.
Decoded Unpredict(std::string_view in, const PredictorParams& params);

}  // namespace vigil::formats::pdf

#endif  // VIGIL_FORMATS_PDF_PDF_FILTERS_H_
