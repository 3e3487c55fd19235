#include "sigs/clamav/container.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

#include "core/hash.h"
#include "sigs/clamav/db_format.h"
#include "sigs/clamav/text.h"

namespace vigil::sigs::clamav {

namespace {

constexpr std::string_view kMagic = "ClamAV-VDB:";

ParseStatus HeaderError(DiagCode code, std::string message) {
  return ParseStatus::Error(code, nullptr, std::move(message));
}

ParseStatus ReadNumber(std::string_view field, const char* what,
                       uint32_t* out) {
  if (field.empty() || !IsAllDigits(field) || field.size() > 10) {
    return HeaderError(DiagCode::kCvdHeaderField,
                       std::string("header ") + what + " '" +
                           std::string(field) + "' is not a number");
  }
  *out = static_cast<uint32_t>(Strtol(field).value);
  return ParseStatus::Ok();
}

bool IsGzip(ByteView body) {
  return body.size() >= 2 && AsU8(body)[0] == 0x1f && AsU8(body)[1] == 0x8b;
}

ParseStatus Gunzip(ByteView in, uint64_t limit, std::vector<uint8_t>* out) {
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
    return HeaderError(DiagCode::kCvdCompression, "zlib initialisation failed");
  }
  zs.next_in = const_cast<Bytef*>(AsU8(in));
  zs.avail_in = static_cast<uInt>(std::min<size_t>(in.size(), UINT32_MAX));
  out->clear();
  out->resize(std::max<size_t>(in.size() * 4, 64 * 1024));
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    if (zs.total_out == out->size()) {
      if (out->size() >= limit) {
        inflateEnd(&zs);
        return HeaderError(DiagCode::kCvdCompression,
                           "container body unpacks to more than the limit of " +
                               std::to_string(limit) + " bytes");
      }
      out->resize(std::min<uint64_t>(out->size() * 2, limit));
    }
    zs.next_out = out->data() + zs.total_out;
    zs.avail_out = static_cast<uInt>(
        std::min<size_t>(out->size() - zs.total_out, UINT32_MAX));
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      std::string why = zs.msg ? zs.msg : "truncated or corrupt data";
      inflateEnd(&zs);
      return HeaderError(DiagCode::kCvdCompression,
                         "container body is not valid gzip: " + why);
    }
    if (rc == Z_OK && zs.avail_in == 0 && zs.avail_out != 0) {
      inflateEnd(&zs);
      return HeaderError(DiagCode::kCvdCompression,
                         "container body is not valid gzip: truncated");
    }
  }
  out->resize(zs.total_out);
  inflateEnd(&zs);
  return ParseStatus::Ok();
}

ParseStatus CheckMd5(ByteView body, const CvdHeader& header) {
  core::Digest md5 = core::HashBytes(core::HashAlgo::kMd5, body);
  std::string hex = core::DigestHex(md5, core::HashAlgo::kMd5);
  std::string want = header.md5;
  for (char& c : want) c = static_cast<char>(std::tolower(c));
  if (hex != want) {
    return HeaderError(
        DiagCode::kCvdMd5,
        "body MD5 is " + hex + " but the header says " + header.md5);
  }
  return ParseStatus::Ok();
}

}  // namespace

ParseStatus ParseCvdHeader(ByteView data, CvdHeader* header) {
  if (data.size() < kCvdHeaderSize) {
    return HeaderError(DiagCode::kCvdHeader,
                       "file is shorter than the 512-byte container header");
  }
  return ParseCvdHeaderText(AsChars(data.first(kCvdHeaderSize)), header);
}

ParseStatus ParseCvdHeaderText(std::string_view text, CvdHeader* header) {
  if (text.substr(0, kMagic.size()) != kMagic) {
    return HeaderError(DiagCode::kCvdHeader,
                       "header does not start with 'ClamAV-VDB:'");
  }
  size_t end = text.find_last_not_of(std::string_view(" \0\n\r", 4));
  text = text.substr(0, end + 1);
  std::array<std::string_view, 9> f;
  size_t count = SplitFields(text, ':', f);
  if (count < 8) {
    return HeaderError(
        DiagCode::kCvdHeaderField,
        "header has " + std::to_string(count) + " fields; at least 8 expected");
  }
  header->build_time = std::string(f[1]);
  VIGIL_SIGS_RETURN_IF_ERROR(ReadNumber(f[2], "version", &header->version));
  VIGIL_SIGS_RETURN_IF_ERROR(
      ReadNumber(f[3], "signature count", &header->signatures));
  VIGIL_SIGS_RETURN_IF_ERROR(ReadNumber(f[4], "flevel", &header->flevel));
  header->md5 = std::string(f[5]);
  header->dsig = std::string(f[6]);
  header->builder = std::string(f[7]);
  if (count >= 9 && !f[8].empty() && IsAllDigits(f[8])) {
    header->build_seconds = Strtol(f[8]).value;
  }
  return ParseStatus::Ok();
}

ParseStatus OpenContainer(ByteView data, ContainerKind kind,
                          const ContainerLimits& limits, CvdHeader* header,
                          std::vector<uint8_t>* storage,
                          std::vector<TarMember>* members) {
  VIGIL_SIGS_RETURN_IF_ERROR(ParseCvdHeader(data, header));
  ByteView body = data.subspan(kCvdHeaderSize);
  if (kind == ContainerKind::kCvd) {
    if (header->md5.size() != 32 || !IsHexString(header->md5)) {
      return HeaderError(
          DiagCode::kCvdHeaderField,
          "header MD5 '" + header->md5 + "' is not 32 hex digits");
    }
    VIGIL_SIGS_RETURN_IF_ERROR(CheckMd5(body, *header));
  }
  ByteView tar = body;
  if (IsGzip(body)) {
    VIGIL_SIGS_RETURN_IF_ERROR(Gunzip(body, limits.max_unpacked, storage));
    tar = ByteView(reinterpret_cast<const std::byte*>(storage->data()),
                   storage->size());
  }
  return ReadTar(tar, members);
}

namespace {

ParseStatus InfoError(std::string message) {
  return ParseStatus::Error(DiagCode::kCvdInfo, nullptr, std::move(message));
}

ParseStatus ParseInfoEntry(std::string_view line, ContainerInfo* info) {
  std::array<std::string_view, 3> f;
  StrtolResult size;
  if (SplitFields(line, ':', f) != 3 || f[0].empty() ||
      (size = Strtol(f[1])).consumed != f[1].size() || f[1].empty() ||
      size.value < 0 || f[2].size() != 64) {
    return InfoError("expected name:size:sha256");
  }
  ContainerInfo::Entry entry;
  entry.size = static_cast<uint64_t>(size.value);
  if (!DecodeHex(f[2], entry.sha256)) return InfoError("bad SHA256");
  info->entries[std::string(f[0])] = entry;
  return ParseStatus::Ok();
}

// The manifest body: header line, entries, and an optional final DSIG.
ParseStatus ParseInfo(std::string_view text, ContainerInfo* info,
                      uint32_t* line_no) {
  if (text.empty() || text.back() != '\n') {
    *line_no = 0;
    return InfoError("manifest does not end with a newline");
  }
  LineReader lines(text, kLineBuffer);
  while (lines.Next()) {
    *line_no = lines.number();
    std::string_view line = lines.line();
    if (lines.number() == 1) {
      VIGIL_SIGS_RETURN_IF_ERROR(ParseCvdHeaderText(line, &info->header));
      continue;
    }
    if (info->has_dsig) return InfoError("lines after the DSIG line");
    if (line.substr(0, 5) == "DSIG:") {
      info->has_dsig = true;
      continue;
    }
    VIGIL_SIGS_RETURN_IF_ERROR(ParseInfoEntry(line, info));
  }
  *line_no = 0;
  return ParseStatus::Ok();
}

ParseStatus CompareHeaders(const CvdHeader& info, const CvdHeader& header) {
  if (info.version != header.version || info.signatures != header.signatures ||
      info.flevel != header.flevel ||
      info.build_seconds != header.build_seconds) {
    return InfoError(
        "the manifest's version, signature count, flevel or build time "
        "differs from the container header");
  }
  return ParseStatus::Ok();
}

}  // namespace

ParseStatus ReadContainerInfo(const std::vector<TarMember>& members,
                              const CvdHeader& header, ContainerKind kind,
                              ContainerInfo* info, std::string* info_name,
                              uint32_t* error_line) {
  *error_line = 0;
  auto it =
      std::find_if(members.begin(), members.end(), [](const TarMember& m) {
        return m.name.size() > 5 && m.name.ends_with(".info");
      });
  if (it == members.end()) return InfoError("container has no .info manifest");
  *info_name = it->name;
  VIGIL_SIGS_RETURN_IF_ERROR(ParseInfo(AsChars(it->data), info, error_line));
  if (kind == ContainerKind::kCud && info->has_dsig) {
    return InfoError("an unsigned .cud manifest must not have a DSIG line");
  }
  if (kind != ContainerKind::kCud && !info->has_dsig) {
    return InfoError("the manifest has no DSIG line (digital signature)");
  }
  return CompareHeaders(info->header, header);
}

ParseStatus CheckMember(const ContainerInfo& info, const TarMember& member) {
  if (member.name.find('/') != std::string::npos) {
    return ParseStatus::Error(
        DiagCode::kCvdMember, nullptr,
        "member '" + member.name + "': '/' is not allowed in member names");
  }
  DbFormat format = ClassifyDbFileName(member.name).format;
  if (format == DbFormat::kNotDatabase || member.name.ends_with(".info")) {
    return ParseStatus::Ok();
  }
  auto it = info.entries.find(member.name);
  if (it == info.entries.end()) {
    return ParseStatus::Error(
        DiagCode::kCvdMember, nullptr,
        "member '" + member.name + "' is not listed in the .info manifest");
  }
  core::Digest sha = core::HashBytes(core::HashAlgo::kSha256, member.data);
  if (it->second.size != member.data.size() ||
      !std::equal(it->second.sha256.begin(), it->second.sha256.end(),
                  sha.begin())) {
    return ParseStatus::Error(DiagCode::kCvdMember, nullptr,
                              "member '" + member.name +
                                  "' does not match its size and SHA256 in "
                                  "the .info manifest");
  }
  return ParseStatus::Ok();
}

}  // namespace vigil::sigs::clamav
