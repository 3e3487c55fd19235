#include "core/hash.h"

#include <openssl/evp.h>

#include <cassert>

namespace vigil::core {

namespace {
const EVP_MD* Md(HashAlgo algo) {
  switch (algo) {
    case HashAlgo::kMd5:
      return EVP_md5();
    case HashAlgo::kSha1:
      return EVP_sha1();
    case HashAlgo::kSha256:
      return EVP_sha256();
  }
  return nullptr;
}
// Chunk size for interleaving several digests: small enough to stay in L2.
constexpr size_t kChunk = 64 * 1024;
}  // namespace

std::string_view HashAlgoName(HashAlgo algo) {
  switch (algo) {
    case HashAlgo::kMd5:
      return "md5";
    case HashAlgo::kSha1:
      return "sha1";
    case HashAlgo::kSha256:
      return "sha256";
  }
  return "?";
}

struct MultiHasher::Contexts {
  std::array<EVP_MD_CTX*, kHashAlgoCount> ctx{};
  ~Contexts() {
    for (EVP_MD_CTX* c : ctx) EVP_MD_CTX_free(c);
  }
};

MultiHasher::MultiHasher(HashAlgoSet algos)
    : ctx_(std::make_unique<Contexts>()), algos_(algos) {
  for (int i = 0; i < kHashAlgoCount; ++i) {
    if (!(algos_ & (1u << i))) continue;
    ctx_->ctx[i] = EVP_MD_CTX_new();
    EVP_DigestInit_ex(ctx_->ctx[i], Md(static_cast<HashAlgo>(i)), nullptr);
  }
}

MultiHasher::~MultiHasher() = default;

void MultiHasher::Update(ByteView data) {
  for (size_t off = 0; off < data.size(); off += kChunk) {
    size_t n = std::min(kChunk, data.size() - off);
    for (EVP_MD_CTX* c : ctx_->ctx) {
      if (c) EVP_DigestUpdate(c, data.data() + off, n);
    }
  }
}

void MultiHasher::Finish() {
  for (int i = 0; i < kHashAlgoCount; ++i) {
    if (!ctx_->ctx[i]) continue;
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx_->ctx[i], digests_[i].data(), &len);
    assert(len == DigestSize(static_cast<HashAlgo>(i)));
  }
}

Digest HashBytes(HashAlgo algo, ByteView data) {
  MultiHasher h(AlgoBit(algo));
  h.Update(data);
  h.Finish();
  return h.Get(algo);
}

std::string ToHex(const uint8_t* data, size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kHex[data[i] >> 4];
    out[2 * i + 1] = kHex[data[i] & 15];
  }
  return out;
}

}  // namespace vigil::core
