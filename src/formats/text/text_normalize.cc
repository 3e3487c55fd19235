#include "formats/text/text_normalize.h"

#include <algorithm>
#include <array>
#include <cstdint>

namespace vigil::formats {
namespace {

enum class Action : uint8_t { kDrop, kSpace, kCopy, kLower };

constexpr std::array<Action, 256> MakeActions() {
  std::array<Action, 256> a{};  // kDrop
  for (unsigned b = 0x21; b <= 0x7f; ++b) a[b] = Action::kCopy;
  for (unsigned b = 'A'; b <= 'Z'; ++b) a[b] = Action::kLower;
  for (unsigned b : {0x09u, 0x0au, 0x0bu, 0x0cu, 0x0du, 0x20u})
    a[b] = Action::kSpace;
  return a;
}
constexpr std::array<Action, 256> kActions = MakeActions();

// The same table as the normaliser's inner loop reads it: a class per byte
// and the byte written for it.
constexpr std::array<uint8_t, 256> MakeClass() {
  std::array<uint8_t, 256> a{};
  for (unsigned b = 0; b < 256; ++b) {
    a[b] = kActions[b] == Action::kDrop    ? 0
           : kActions[b] == Action::kSpace ? 1
                                           : 2;
  }
  return a;
}
constexpr std::array<uint8_t, 256> MakeOutput() {
  std::array<uint8_t, 256> a{};
  for (unsigned b = 0; b < 256; ++b) {
    a[b] = kActions[b] == Action::kSpace ? ' '
           : kActions[b] == Action::kLower
               ? static_cast<uint8_t>(b + ('a' - 'A'))
               : static_cast<uint8_t>(b);
  }
  return a;
}
constexpr std::array<uint8_t, 256> kClass = MakeClass();
constexpr std::array<uint8_t, 256> kOutput = MakeOutput();

// clamscan: pages of 4 KiB, output blocks of 128 KiB plus the longest
// pattern, and each block after the first starts with that many bytes of
// the previous one (the overlap that lets patterns span blocks).
constexpr size_t kPage = 4096;
constexpr size_t kScanBuffer = 131072;
// sigtool: a block every 128 KiB of input.
constexpr size_t kSigtoolBlock = 131072;

class Normalizer {
 public:
  explicit Normalizer(std::vector<std::byte>* out) : out_(out) {}

  // Normalises `chunk`; returns how many bytes it wrote. The output of n
  // input bytes is at most n bytes: room is made once, then written
  // through a pointer (this loop runs over every byte of every text file).
  size_t Feed(const uint8_t* chunk, size_t n) {
    const size_t before = out_->size();
    out_->resize(before + n);
    auto* out = reinterpret_cast<uint8_t*>(out_->data()) + before;
    uint8_t* o = out;
    // Branch-free: every byte is stored, and the output pointer advances
    // only for bytes that are kept.
    unsigned space = space_written_ ? 1 : 0;
    for (size_t i = 0; i < n; ++i) {
      const uint8_t c = chunk[i];
      const unsigned cls = kClass[c];  // 0 drop, 1 whitespace, 2 kept
      const unsigned is_space = cls == 1;
      const unsigned keep = (cls == 2) | (is_space & (space ^ 1u));
      *o = kOutput[c];
      o += keep;
      space = is_space | (space & (cls == 0));
    }
    space_written_ = space != 0;
    const auto written = static_cast<size_t>(o - out);
    out_->resize(before + written);
    return written;
  }
  void StartBlock() { space_written_ = false; }
  // Hands what was written so far to `sink` and forgets it.
  void Flush(const std::function<void(ByteView)>& sink) {
    sink(ByteView(out_->data(), out_->size()));
    out_->clear();
  }

 private:
  std::vector<std::byte>* out_;
  bool space_written_ = false;
};

void ScannerBlocks(const uint8_t* p, size_t n, const TextNormalizeOptions& o,
                   Normalizer* norm) {
  const size_t max_pattern = o.max_pattern_length;
  const size_t capacity = kScanBuffer + max_pattern;
  const size_t interval = std::max(kPage, o.progress_interval / kPage * kPage);
  size_t block_fill = 0;  // bytes in ClamAV's output buffer
  for (size_t at = 0; at < n; at += kPage) {
    if (at > 0 && at % interval == 0) {
      if (o.sink) norm->Flush(o.sink);
      if (o.on_progress) o.on_progress(at);
    }
    size_t len = std::min(kPage, n - at);
    if (block_fill + len > capacity) {
      norm->StartBlock();
      block_fill = max_pattern;
    }
    block_fill += norm->Feed(p + at, len);
  }
}

void SigtoolBlocks(const uint8_t* p, size_t n, Normalizer* norm) {
  for (size_t at = 0; at < n; at += kSigtoolBlock) {
    norm->StartBlock();
    norm->Feed(p + at, std::min(kSigtoolBlock, n - at));
  }
}

}  // namespace

void NormalizeText(ByteView in, std::vector<std::byte>* out) {
  NormalizeText(in, out, TextNormalizeOptions{});
}

void NormalizeText(ByteView in, std::vector<std::byte>* out,
                   const TextNormalizeOptions& options) {
  out->clear();
  out->reserve(options.sink ? std::min(in.size(), options.progress_interval)
                            : in.size());
  Normalizer norm(out);
  const uint8_t* p = AsU8(in);
  switch (options.blocks) {
    case TextNormalizeOptions::Blocks::kScanner:
      ScannerBlocks(p, in.size(), options, &norm);
      if (options.sink) norm.Flush(options.sink);
      break;
    case TextNormalizeOptions::Blocks::kSigtool:
      SigtoolBlocks(p, in.size(), &norm);
      break;
    case TextNormalizeOptions::Blocks::kNone:
      norm.Feed(p, in.size());
      break;
  }
}

}  // namespace vigil::formats
