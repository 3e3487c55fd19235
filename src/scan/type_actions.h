// What the scanner does with an object of a given file type: which buffers
// its matching passes read, and whether children are extracted.
#ifndef VIGIL_SCAN_TYPE_ACTIONS_H_
#define VIGIL_SCAN_TYPE_ACTIONS_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "core/mapped_file.h"
#include "filetype/filetype.h"
#include "formats/html/html_normalize.h"
#include "vigil/bytes.h"

namespace vigil::scan {

// The buffers of one object's passes: the raw bytes, or normalised forms
// built on first use and kept until Reset() (the HTML forms are made
// together).
class PassBuffers {
 public:
  // `max_text_pattern`: longest target-7 pattern part of the database (the
  // text normaliser reproduces where ClamAV's blocks restart).
  // `release(n)`: the first n bytes of `data` will not be needed again
  // soon (called while normalising; may be empty).
  void Reset(ByteView data, size_t max_text_pattern,
             std::function<void(size_t)> release) {
    data_ = data;
    max_text_pattern_ = max_text_pattern;
    release_ = std::move(release);
    have_text_ = have_html_ = false;
    text_spool_ = core::FileView();
  }
  // The buffer of `pass`, or nullopt when ClamAV skips the pass for this
  // object (text over MaxScriptNormalize, HTML over MaxHTMLNormalize, the
  // script passes of HTML without a <script> element, ...).
  std::optional<ByteView> Get(const filetype::Pass& pass);
  // True when `buffer` (from Get) is a mapped spool file whose pages may be
  // dropped behind the scan.
  bool Spooled(ByteView buffer) const {
    return text_spool_.mapped() && buffer.data() == text_spool_.bytes().data();
  }

 private:
  std::optional<ByteView> SpoolText();

  ByteView data_;
  size_t max_text_pattern_ = 0;
  std::function<void(size_t)> release_;
  bool have_text_ = false, have_html_ = false;
  std::vector<std::byte> text_;
  core::FileView text_spool_;  // the normalised text of a large object
  formats::HtmlBuffers html_;
};

// ClamAV scans the HTML buffers, and the normalised text when
// `text_as_object` (db::kMetaTextAsObject), as objects of their own: hash
// signatures are matched against such a buffer too, and `FileSize:` is its
// size (otherwise the object's). Tested by
// tests/unit/scan/normalised_passes_test.cc.
bool ScannedAsObject(const filetype::Pass& pass, bool text_as_object);

// True if one of `passes` reads the object's own bytes: only then does
// ClamAV match the object's hash signatures (not for HTML, MP3, ...).
bool HasRawPass(std::span<const filetype::Pass> passes);
uint64_t FileSizeInPass(const filetype::Pass& pass, uint64_t object_size,
                        uint64_t buffer_size, bool text_as_object);

// Which extractor opens an object of this type, if any. `data` decides for
// the containers ClamAV has no type for (zstd, lzma, ar, ISO 9660 by its
// volume descriptor). kStream: a compressed stream, whose one child is the
// decompressed bytes (a .tar.gz is a gzip layer, then a tar layer, as in
// ClamAV); kLibarchive: an archive's members; the others: vigil's own
// readers of what libarchive does not read (src/formats/compress, mail).
enum class Extractor {
  kNone,
  kStream,
  kLibarchive,
  kUnixCompress,
  kSzdd,
  kMail,
  kTnef,
  kDataUri,
  kOle2,
  kArj,
  kPdf,
  kRtf,
  kChm,
};
Extractor ExtractorFor(filetype::FileType type, ByteView data);

// An archive inside an object of another type: a self-extracting
// executable, or any data with an archive appended (ClamAV finds these by
// its ZIP/RAR/7z/CAB "SFX" markers while scanning the raw bytes). Tries
// the first occurrences of each magic; the caller extracts from `offset`.
struct EmbeddedArchive {
  size_t offset = 0;
  filetype::FileType type = filetype::FileType::kAny;  // kZipSfx, ...
};
std::vector<EmbeddedArchive> FindEmbeddedArchives(filetype::FileType type,
                                                  ByteView data);

// Heuristics.Encrypted.* name for an encrypted member of a container of
// this type ("" when ClamAV has none for it).
std::string_view EncryptedHeuristic(filetype::FileType container);

}  // namespace vigil::scan

#endif  // VIGIL_SCAN_TYPE_ACTIONS_H_
