#include "db/pattern_image.h"

#include <hs/hs.h>

#include <cstdlib>
#include <cstring>
#include <memory>

#include "db/format.h"

namespace vigil::db {

namespace {

// Byte offsets of the fields of Vectorscan 5.4's struct hs_database that the
// image check reads (see the file comment of pattern_image.h).
constexpr size_t kLengthOffset = 8;
constexpr size_t kBytecodeOffset = 36;
// The bytecode starts after the header fields; it may be shifted back into
// the header's trailing padding to reach 64-byte alignment.
constexpr size_t kFieldsEnd = 40;
constexpr size_t kMinHeader = 104;

uint32_t ReadU32(ByteView b, size_t off) {
  uint32_t v;
  std::memcpy(&v, b.data() + off, sizeof(v));
  return v;
}

struct FreeDeleter {
  void operator()(void* p) const { std::free(p); }
};

}  // namespace

HostPlatform CurrentPlatform() {
  HostPlatform out;
  hs_platform_info_t info{};
  if (hs_populate_platform(&info) == HS_SUCCESS) {
    out.cpu_features = info.cpu_features;
    out.tune = info.tune;
  }
  if (out.cpu_features & HS_CPU_FEATURES_AVX2) out.feature_names = "avx2";
  if (out.cpu_features & HS_CPU_FEATURES_AVX512) out.feature_names += ",avx512";
  if (out.cpu_features & HS_CPU_FEATURES_AVX512VBMI) {
    out.feature_names += ",avx512vbmi";
  }
  if (out.feature_names.empty()) out.feature_names = "baseline";
  return out;
}

std::string PatternEngineVersion() {
  return std::string("Vectorscan ") + hs_version();
}

Result<std::vector<std::byte>> MakePatternImage(const hs_database* db) {
  char* serialized = nullptr;
  size_t serialized_len = 0;
  if (hs_serialize_database(db, &serialized, &serialized_len) != HS_SUCCESS) {
    return Status::Internal("cannot serialise a pattern database");
  }
  std::unique_ptr<char, FreeDeleter> hold(serialized);
  size_t size = 0;
  if (hs_serialized_database_size(serialized, serialized_len, &size) !=
      HS_SUCCESS) {
    return Status::Internal("cannot size a pattern database");
  }
  const size_t padded = (size + kPageAlign - 1) / kPageAlign * kPageAlign;
  std::unique_ptr<void, FreeDeleter> page(
      std::aligned_alloc(kPageAlign, padded));
  if (!page) return Status::Internal("out of memory");
  std::memset(page.get(), 0, padded);
  if (hs_deserialize_database_at(serialized, serialized_len,
                                 static_cast<hs_database_t*>(page.get())) !=
      HS_SUCCESS) {
    return Status::Internal("cannot build a pattern database image");
  }
  const auto* p = static_cast<const std::byte*>(page.get());
  return std::vector<std::byte>(p, p + size);
}

Result<const hs_database*> UsePatternImage(ByteView image) {
  if (reinterpret_cast<uintptr_t>(image.data()) % kPageAlign != 0) {
    return Status::Corrupt("pattern database image is not page aligned");
  }
  if (image.size() < kMinHeader) {
    return Status::Corrupt("pattern database image is truncated");
  }
  const uint64_t length = ReadU32(image, kLengthOffset);
  const uint64_t bytecode = ReadU32(image, kBytecodeOffset);
  if (bytecode < kFieldsEnd || bytecode + length > image.size()) {
    return Status::Corrupt("pattern database image has bad lengths");
  }
  const auto* db = reinterpret_cast<const hs_database_t*>(image.data());
  char* info = nullptr;
  if (hs_database_info(db, &info) != HS_SUCCESS) {
    return Status::Corrupt("pattern database image has a bad header");
  }
  std::free(info);
  return db;
}

}  // namespace vigil::db
