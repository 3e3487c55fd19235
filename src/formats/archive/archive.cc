#include "formats/archive/archive.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cstdio>
#include <memory>

#include "core/raw_buffer.h"

namespace vigil::formats {

namespace {

struct ArchiveCloser {
  void operator()(archive* a) const { archive_read_free(a); }
};

std::string ErrorText(archive* a) {
  const char* e = archive_error_string(a);
  return e ? e : "unknown error";
}

// The archive's bytes, handed to libarchive block by block without copying.
struct Source {
  ByteView data;
  uint64_t pos = 0;
  const std::function<void(uint64_t)>* consumed = nullptr;
};

constexpr uint64_t kReadBlock = 1 << 20;

la_ssize_t ReadBlock(archive* /*a*/, void* ctx, const void** buffer) {
  auto* src = static_cast<Source*>(ctx);
  // libarchive is done with the previous block once it asks for the next.
  if (src->consumed && *src->consumed) (*src->consumed)(src->pos);
  if (src->pos >= src->data.size()) return 0;
  const uint64_t n =
      std::min<uint64_t>(kReadBlock, src->data.size() - src->pos);
  *buffer = src->data.data() + src->pos;
  src->pos += n;
  return static_cast<la_ssize_t>(n);
}

la_int64_t SeekTo(archive* /*a*/, void* ctx, la_int64_t offset, int whence) {
  auto* src = static_cast<Source*>(ctx);
  const auto size = static_cast<la_int64_t>(src->data.size());
  la_int64_t target = offset;
  if (whence == SEEK_CUR) target = static_cast<la_int64_t>(src->pos) + offset;
  if (whence == SEEK_END) target = size + offset;
  if (target < 0) return ARCHIVE_FATAL;
  src->pos = static_cast<uint64_t>(std::min(target, size));
  return static_cast<la_int64_t>(src->pos);
}

la_int64_t SkipAhead(archive* /*a*/, void* ctx, la_int64_t request) {
  auto* src = static_cast<Source*>(ctx);
  if (request <= 0) return 0;
  const uint64_t n = std::min<uint64_t>(static_cast<uint64_t>(request),
                                        src->data.size() - src->pos);
  src->pos += n;
  return static_cast<la_int64_t>(n);
}

}  // namespace

ExtractResult ExtractArchive(
    ByteView data, const ExtractLimits& limits,
    const std::function<bool(const ArchiveMember&)>& on_member) {
  ExtractResult result;
  std::unique_ptr<archive, ArchiveCloser> a(archive_read_new());
  if (!a) {
    result.notes.push_back("archive: out of memory");
    return result;
  }
  archive_read_support_filter_all(a.get());
  if (!limits.stream_only) archive_read_support_format_all(a.get());
  // A lone compressed stream (.gz, .bz2, .xz, ...) reads as one member.
  archive_read_support_format_raw(a.get());
  Source source{data, 0, &limits.consumed};
  archive_read_set_read_callback(a.get(), &ReadBlock);
  archive_read_set_seek_callback(a.get(), &SeekTo);
  archive_read_set_skip_callback(a.get(), &SkipAhead);
  archive_read_set_callback_data(a.get(), &source);
  if (archive_read_open1(a.get()) != ARCHIVE_OK) {
    result.notes.push_back("archive: " + ErrorText(a.get()));
    return result;
  }
  core::RawBuffer buffer;
  for (;;) {
    archive_entry* entry = nullptr;
    int rc = archive_read_next_header(a.get(), &entry);
    if (rc == ARCHIVE_EOF) break;
    if (rc == ARCHIVE_FATAL) {
      result.notes.push_back("archive: " + ErrorText(a.get()));
      // An archive whose headers are encrypted fails before any member.
      if (archive_read_has_encrypted_entries(a.get()) > 0)
        result.encrypted = true;
      break;
    }
    if (rc == ARCHIVE_WARN)
      result.notes.push_back("archive: " + ErrorText(a.get()));
    // The raw format accepts anything; only a compressed stream makes it a
    // container (plain bytes would come back as a copy of themselves).
    if (archive_format(a.get()) == ARCHIVE_FORMAT_RAW &&
        archive_filter_code(a.get(), 0) == ARCHIVE_FILTER_NONE) {
      result.notes.push_back("archive: not an archive or compressed stream");
      break;
    }
    if (archive_entry_filetype(entry) != AE_IFREG &&
        archive_entry_filetype(entry) != 0) {
      continue;
    }
    if (result.members >= limits.max_members) {
      result.hit_member_limit = true;
      break;
    }
    ++result.members;
    ArchiveMember m;
    const char* name = archive_entry_pathname(entry);
    m.name = name ? name : "";
    m.declared_size = archive_entry_size_is_set(entry)
                          ? static_cast<uint64_t>(archive_entry_size(entry))
                          : 0;
    if (archive_entry_is_encrypted(entry)) {
      m.encrypted = true;
      result.encrypted = true;
      if (!on_member(m)) break;
      continue;
    }
    buffer.Clear();
    bool failed = false;
    for (;;) {
      const size_t used = buffer.size();
      const size_t want = 256 * 1024;
      if (used >= limits.max_member_size) {
        m.truncated = true;
        result.hit_size_limit = true;
        break;
      }
      const size_t room = static_cast<size_t>(
          std::min<uint64_t>(want, limits.max_member_size - used));
      buffer.Resize(used + room);
      la_ssize_t n = archive_read_data(a.get(), buffer.data() + used, room);
      if (n < 0) {
        buffer.Resize(used);
        result.notes.push_back("archive member " + m.name + ": " +
                               ErrorText(a.get()));
        failed = n == ARCHIVE_FATAL;
        break;
      }
      buffer.Resize(used + static_cast<size_t>(n));
      if (n == 0) break;
    }
    m.data = buffer.view();
    if (!on_member(m) || failed) break;
  }
  return result;
}

}  // namespace vigil::formats
