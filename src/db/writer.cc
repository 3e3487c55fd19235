#include "db/writer.h"

#include <algorithm>

#include "core/hash.h"

namespace vigil::db {

namespace {

size_t AlignUp(size_t v, size_t a) { return (v + a - 1) / a * a; }

void CopyString(char* dst, size_t cap, const std::string& s) {
  std::memset(dst, 0, cap);
  std::memcpy(dst, s.data(), std::min(s.size(), cap - 1));
}

}  // namespace

StringRef DbWriter::AddString(std::string_view s) {
  auto it = strings_.find(std::string(s));
  if (it != strings_.end()) return it->second;
  std::vector<std::byte>& bytes =
      sections_[static_cast<uint32_t>(SectionId::kStrings)].bytes;
  StringRef ref{static_cast<uint32_t>(bytes.size()),
                static_cast<uint32_t>(s.size())};
  const auto* p = reinterpret_cast<const std::byte*>(s.data());
  bytes.insert(bytes.end(), p, p + s.size());
  strings_.emplace(std::string(s), ref);
  return ref;
}

void DbWriter::SetRaw(uint32_t id, std::vector<std::byte> bytes,
                      bool page_aligned) {
  Section& s = sections_[id];
  s.bytes = std::move(bytes);
  s.page_aligned = page_aligned;
}

std::vector<std::byte> DbWriter::Finish(const HeaderFields& fields) {
  FileHeader header{};
  std::memcpy(header.magic, kMagic, sizeof(kMagic));
  header.format_version = kFormatVersion;
  header.header_size = kHeaderSize;
  CopyString(header.engine_version, sizeof(header.engine_version),
             fields.engine_version);
  CopyString(header.pattern_engine, sizeof(header.pattern_engine),
             fields.pattern_engine);
  CopyString(header.cpu_features, sizeof(header.cpu_features),
             fields.cpu_features);
  header.hs_platform_features = fields.hs_platform_features;
  header.hs_platform_tune = fields.hs_platform_tune;

  // Lay out: ordinary sections first, then page-aligned images.
  size_t offset = kHeaderSize;
  uint32_t n = 0;
  for (bool pages : {false, true}) {
    for (auto& [id, s] : sections_) {
      if (s.page_aligned != pages || n == kMaxSections) continue;
      offset = AlignUp(offset, pages ? kPageAlign : 8);
      header.sections[n++] = SectionEntry{id, 0, offset, s.bytes.size()};
      offset += s.bytes.size();
    }
  }
  header.section_count = n;
  header.file_size = offset;

  std::vector<std::byte> image(offset);
  for (uint32_t i = 0; i < n; ++i) {
    const Section& s = sections_[header.sections[i].id];
    if (!s.bytes.empty()) {
      std::memcpy(image.data() + header.sections[i].offset, s.bytes.data(),
                  s.bytes.size());
    }
  }
  core::Digest d = core::HashBytes(core::HashAlgo::kSha256,
                                   ByteView(image).subspan(kHeaderSize));
  std::memcpy(header.content_hash, d.data(), sizeof(header.content_hash));
  std::memcpy(image.data(), &header, sizeof(header));
  return image;
}

}  // namespace vigil::db
