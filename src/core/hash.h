// Cryptographic digests of scanned objects (OpenSSL EVP; SHA-NI where the CPU
// has it). MultiHasher computes several digests in one pass over the bytes.
#ifndef VIGIL_CORE_HASH_H_
#define VIGIL_CORE_HASH_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "vigil/bytes.h"

namespace vigil::core {

enum class HashAlgo : uint8_t { kMd5 = 0, kSha1 = 1, kSha256 = 2 };
inline constexpr int kHashAlgoCount = 3;

constexpr size_t DigestSize(HashAlgo algo) {
  switch (algo) {
    case HashAlgo::kMd5:
      return 16;
    case HashAlgo::kSha1:
      return 20;
    case HashAlgo::kSha256:
      return 32;
  }
  return 0;
}
std::string_view HashAlgoName(HashAlgo algo);

// Large enough for any supported digest; unused tail bytes are zero.
using Digest = std::array<uint8_t, 32>;

// Bit set of HashAlgo values.
using HashAlgoSet = uint8_t;
constexpr HashAlgoSet AlgoBit(HashAlgo a) {
  return static_cast<HashAlgoSet>(1u << static_cast<int>(a));
}

class MultiHasher {
 public:
  explicit MultiHasher(HashAlgoSet algos);
  ~MultiHasher();
  MultiHasher(const MultiHasher&) = delete;
  MultiHasher& operator=(const MultiHasher&) = delete;

  void Update(ByteView data);
  // Finishes all digests; Get() is valid afterwards.
  void Finish();
  const Digest& Get(HashAlgo algo) const {
    return digests_[static_cast<int>(algo)];
  }

 private:
  struct Contexts;
  std::unique_ptr<Contexts> ctx_;
  HashAlgoSet algos_;
  std::array<Digest, kHashAlgoCount> digests_{};
};

// One-shot digest.
Digest HashBytes(HashAlgo algo, ByteView data);

std::string ToHex(const uint8_t* data, size_t n);
inline std::string DigestHex(const Digest& d, HashAlgo algo) {
  return ToHex(d.data(), DigestSize(algo));
}

}  // namespace vigil::core

#endif  // VIGIL_CORE_HASH_H_
