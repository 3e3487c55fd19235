// Checks run in ClamAV 1.4's order, which decides what a bad line reports
// and whether an ignored or FLEVEL-skipped line can still be an error:
// field count, FLEVEL (skip), size, name, ignore lists, hash. FLEVEL fields
// are read with atoi (so "abc" is 0 and "-5" a huge unsigned minimum).
#include "sigs/clamav/hash_db.h"

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "sigs/clamav/text.h"

namespace vigil::sigs::clamav {

namespace {

// ClamAV rejects sizes it cannot keep below its own UINT32_MAX marker.
constexpr int64_t kMaxHashSize = 4294967294;
constexpr uint32_t kWildcardSizeMinFlevel = 73;

struct HashFields {
  std::string_view hash;
  std::string_view size;
  std::string_view name;
  std::string_view min_flevel;  // empty data() when absent
  std::string_view max_flevel;
  size_t count = 0;
};

FlevelRange ReadFlevel(const HashFields& f) {
  FlevelRange r;
  if (f.count >= 4) r.min = static_cast<uint32_t>(Atoi(f.min_flevel));
  if (f.count >= 5) r.max = static_cast<uint32_t>(Atoi(f.max_flevel));
  return r;
}

ParseStatus ReadSize(const HashFields& f, bool wildcard_needs_flevel,
                     std::optional<uint64_t>* size) {
  if (f.size == "*") {
    bool low = f.count < 4 || Atoi(f.min_flevel) <
                                  static_cast<int32_t>(kWildcardSizeMinFlevel);
    if (wildcard_needs_flevel && low) {
      return ParseStatus::Error(
          DiagCode::kHashWildcardFlevel, f.size.data(),
          "size '*' needs a minimum FLEVEL field of at least 73 "
          "(e.g. ...:Name:73)");
    }
    size->reset();
    return ParseStatus::Ok();
  }
  StrtolResult n = Strtol(f.size);
  if (n.consumed == 0 || n.consumed != f.size.size() || n.value < 1 ||
      n.value > kMaxHashSize) {
    return ParseStatus::Error(DiagCode::kHashSize, f.size.data(),
                              "invalid size '" + std::string(f.size) +
                                  "' (a number from 1 to 4294967294, or *)");
  }
  *size = static_cast<uint64_t>(n.value);
  return ParseStatus::Ok();
}

ParseStatus ReadDigest(std::string_view hex, HashAlgo* algo, Digest* digest) {
  switch (hex.size()) {
    case 32:
      *algo = HashAlgo::kMd5;
      break;
    case 40:
      *algo = HashAlgo::kSha1;
      break;
    case 64:
      *algo = HashAlgo::kSha256;
      break;
    default:
      return ParseStatus::Error(
          DiagCode::kHashDigest, hex.data(),
          "hash has " + std::to_string(hex.size()) +
              " characters; MD5, SHA1 and SHA256 have 32, 40 and 64");
  }
  *digest = Digest{};
  if (!DecodeHex(hex, std::span<uint8_t>(digest->data(), hex.size() / 2))) {
    return ParseStatus::Error(DiagCode::kHashDigest, hex.data(),
                              "hash is not hexadecimal");
  }
  return ParseStatus::Ok();
}

ParseStatus SplitHashFields(std::string_view line, bool size_first,
                            HashFields* f) {
  std::array<std::string_view, 5> parts;
  f->count = SplitFields(line, ':', parts);
  if (f->count < 3 || f->count > 5) {
    const char* where = f->count > 5 ? parts[4].data() + parts[4].size()
                                     : line.data() + line.size();
    return ParseStatus::Error(DiagCode::kHashFieldCount, where,
                              "expected Hash:Size:Name[:MinFL[:MaxFL]], got " +
                                  std::to_string(f->count) + " fields");
  }
  f->hash = size_first ? parts[1] : parts[0];
  f->size = size_first ? parts[0] : parts[1];
  f->name = parts[2];
  f->min_flevel = parts[3];
  f->max_flevel = parts[4];
  return ParseStatus::Ok();
}

}  // namespace

ParseStatus ParseHashLine(std::string_view line, const HashFormat& format,
                          SigSink* sink) {
  HashFields f;
  VIGIL_SIGS_RETURN_IF_ERROR(SplitHashFields(line, format.size_first, &f));
  FlevelRange flevel = ReadFlevel(f);
  if (sink->FlevelExcludes(flevel)) return ParseStatus::Ok();
  std::optional<uint64_t> size;
  VIGIL_SIGS_RETURN_IF_ERROR(ReadSize(f, format.wildcard_needs_flevel, &size));
  if (f.name.empty()) {
    return ParseStatus::Error(DiagCode::kEmptyName, f.name.data(),
                              "empty signature name");
  }
  if (sink->Ignored(f.name)) return ParseStatus::Ok();
  HashAlgo algo;
  Digest digest;
  VIGIL_SIGS_RETURN_IF_ERROR(ReadDigest(f.hash, &algo, &digest));
  SignatureSet* set = sink->set();
  if (format.allow_list) {
    set->allows.push_back(
        AllowHash{std::string(f.name), algo, digest, size, sink->loc()});
  } else {
    set->hashes.push_back(HashSig{sink->FinalName(f.name), algo, format.scope,
                                  digest, size, flevel, sink->loc()});
  }
  sink->CountLoaded();
  return ParseStatus::Ok();
}

}  // namespace vigil::sigs::clamav
