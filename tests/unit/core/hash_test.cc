#include "core/hash.h"

#include <gtest/gtest.h>

namespace vigil::core {
namespace {

TEST(Hash, KnownDigests) {
  auto abc = AsBytes("abc");
  EXPECT_EQ(DigestHex(HashBytes(HashAlgo::kMd5, abc), HashAlgo::kMd5),
            "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(DigestHex(HashBytes(HashAlgo::kSha1, abc), HashAlgo::kSha1),
            "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(DigestHex(HashBytes(HashAlgo::kSha256, abc), HashAlgo::kSha256),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Hash, MultiHasherMatchesOneShotAcrossChunks) {
  std::string big(300000, '\0');
  for (size_t i = 0; i < big.size(); ++i)
    big[i] = static_cast<char>(i * 7 + (i >> 9));
  MultiHasher h(AlgoBit(HashAlgo::kMd5) | AlgoBit(HashAlgo::kSha256));
  h.Update(AsBytes(std::string_view(big).substr(0, 12345)));
  h.Update(AsBytes(std::string_view(big).substr(12345)));
  h.Finish();
  EXPECT_EQ(h.Get(HashAlgo::kMd5), HashBytes(HashAlgo::kMd5, AsBytes(big)));
  EXPECT_EQ(h.Get(HashAlgo::kSha256),
            HashBytes(HashAlgo::kSha256, AsBytes(big)));
}

}  // namespace
}  // namespace vigil::core
