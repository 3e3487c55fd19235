// ClamAV database containers: .cvd (signed), .cld (a .cvd patched locally
// by freshclam), .cud (unsigned). A 512-byte space-padded text header
//   ClamAV-VDB:BuildTime:Version:Sigs:Flevel:MD5:DSig:Builder:BuildSeconds
// followed by a tar archive, gzip-compressed except in some .cld files.
//
// Integrity, as ClamAV 1.4 checks it (observed with clamscan on containers
// built for the purpose): the header MD5 covers everything after byte 512
// and is checked for .cvd only; every container carries a `X.info`
// manifest whose first line repeats the header (version, signature count,
// flevel and build seconds must agree) and whose other lines are
// `name:size:sha256`, one per database member; every database member must
// be listed and match. A .cud manifest has no DSIG line; .cvd and .cld ones
// end with one. The digital signatures themselves are not checked here.
// Tested by tests/unit/sigs/container_test.cc.
#ifndef VIGIL_SIGS_CLAMAV_CONTAINER_H_
#define VIGIL_SIGS_CLAMAV_CONTAINER_H_

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sigs/clamav/parse_status.h"
#include "sigs/clamav/tar_reader.h"
#include "vigil/bytes.h"

namespace vigil::sigs::clamav {

inline constexpr size_t kCvdHeaderSize = 512;

struct CvdHeader {
  std::string build_time;  // as written, e.g. "22 Jun 2021 14-58 -0400"
  uint32_t version = 0;
  uint32_t signatures = 0;
  uint32_t flevel = 0;
  std::string md5;  // hex, or "X" in unsigned containers' .info
  std::string dsig;
  std::string builder;
  std::optional<int64_t> build_seconds;  // since the epoch
};

enum class ContainerKind : uint8_t { kCvd, kCld, kCud };

struct ContainerLimits {
  // Upper bound on the unpacked tar, against decompression bombs.
  uint64_t max_unpacked = uint64_t{4} << 30;
};

// Parses the `ClamAV-VDB:...` header at the start of `text`.
ParseStatus ParseCvdHeaderText(std::string_view text, CvdHeader* header);
ParseStatus ParseCvdHeader(ByteView data, CvdHeader* header);

// Checks the header and (for .cvd) the body MD5, decompresses the body
// into `storage` and lists the tar members, which point into `storage` (or
// into `data` for plain tar). Errors have no position (`where` is null).
ParseStatus OpenContainer(ByteView data, ContainerKind kind,
                          const ContainerLimits& limits, CvdHeader* header,
                          std::vector<uint8_t>* storage,
                          std::vector<TarMember>* members);

// The .info manifest of a container.
struct ContainerInfo {
  struct Entry {
    uint64_t size = 0;
    std::array<uint8_t, 32> sha256{};
  };
  CvdHeader header;
  std::map<std::string, Entry, std::less<>> entries;
  bool has_dsig = false;
};

// Finds and parses the manifest among `members` and checks it against the
// container header. On error, `error_line` is the manifest line at fault
// (0 for the whole manifest) and `info_name` names the manifest member.
ParseStatus ReadContainerInfo(const std::vector<TarMember>& members,
                              const CvdHeader& header, ContainerKind kind,
                              ContainerInfo* info, std::string* info_name,
                              uint32_t* error_line);

// Checks one database member against the manifest (listed, same size and
// SHA256). Names with '/' are refused as ClamAV does.
ParseStatus CheckMember(const ContainerInfo& info, const TarMember& member);

}  // namespace vigil::sigs::clamav

#endif  // VIGIL_SIGS_CLAMAV_CONTAINER_H_
