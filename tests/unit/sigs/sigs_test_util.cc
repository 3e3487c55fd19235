#include "sigs_test_util.h"

#include <zlib.h>

#include <cstdio>
#include <cstring>

#include "core/hash.h"
#include "vigil/bytes.h"

namespace vigil::sigs::testing {

std::string Loaded::Error() const {
  for (const Diagnostic& d : diagnostics) {
    if (d.severity == Severity::kError) return FormatDiagnostic(d);
  }
  return "";
}

std::string Loaded::Code() const {
  for (const Diagnostic& d : diagnostics) {
    if (d.severity == Severity::kError) return d.code;
  }
  return "";
}

Loaded Load(std::string_view name, std::string_view content,
            const LoadOptions& options) {
  Loaded out;
  out.status =
      LoadDatabaseText(name, content, options, &out.set, &out.diagnostics);
  return out;
}

std::string CodeOf(std::string_view ext, std::string_view line) {
  Loaded l = Load("t." + std::string(ext), std::string(line) + "\n");
  return l.status.ok() ? "OK" : l.Code();
}

namespace {

void Octal(char* field, size_t width, uint64_t value) {
  std::snprintf(field, width, "%0*llo", static_cast<int>(width - 1),
                static_cast<unsigned long long>(value));
}

std::string Hex(const core::Digest& d, core::HashAlgo algo) {
  return core::DigestHex(d, algo);
}

}  // namespace

std::string Tar(const Members& members) {
  std::string out;
  for (const auto& [name, data] : members) {
    char h[512] = {};
    std::memcpy(h, name.data(), std::min<size_t>(name.size(), 99));
    Octal(h + 100, 8, 0644);
    Octal(h + 108, 8, 0);
    Octal(h + 116, 8, 0);
    Octal(h + 124, 12, data.size());
    Octal(h + 136, 12, 0);
    h[156] = '0';
    std::memcpy(h + 257,
                "ustar\0"
                "00",
                8);
    std::memset(h + 148, ' ', 8);
    unsigned sum = 0;
    for (unsigned char c : h) sum += c;
    std::snprintf(h + 148, 8, "%06o", sum);
    out.append(h, 512);
    out += data;
    out.append((512 - data.size() % 512) % 512, '\0');
  }
  out.append(1024, '\0');
  return out;
}

std::string Gzip(std::string_view data) {
  z_stream zs{};
  deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8,
               Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, data.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

std::string Md5Hex(std::string_view data) {
  return Hex(core::HashBytes(core::HashAlgo::kMd5, AsBytes(data)),
             core::HashAlgo::kMd5);
}

std::string Sha256Hex(std::string_view data) {
  return Hex(core::HashBytes(core::HashAlgo::kSha256, AsBytes(data)),
             core::HashAlgo::kSha256);
}

std::string Container(const ContainerSpec& spec) {
  std::string head =
      "ClamAV-VDB:22 Jun 2021 21-34 -0400:" + std::to_string(spec.version) +
      ":" + std::to_string(spec.signatures) + ":" +
      std::to_string(spec.flevel) + ":";
  std::string tail = ":test:" + std::to_string(spec.build_seconds);
  std::string info = head + "X:X" + tail + "\n";
  for (const auto& [name, data] : spec.members) {
    info +=
        name + ":" + std::to_string(data.size()) + ":" + Sha256Hex(data) + "\n";
  }
  if (spec.dsig) info += "DSIG:notchecked\n";
  Members all = {{"COPYING", "test\n"}, {"golden.info", info}};
  all.insert(all.end(), spec.members.begin(), spec.members.end());
  std::string body = Tar(all);
  if (spec.compress) body = Gzip(body);
  std::string md5 = spec.md5.empty() ? Md5Hex(body) : spec.md5;
  std::string header = head + md5 + ":X" + tail;
  header.resize(512, ' ');
  return header + body;
}

}  // namespace vigil::sigs::testing
