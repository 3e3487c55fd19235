#include "formats/archive/archive.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <optional>

#include "core/raw_buffer.h"
#include "formats/archive/rar5_headers.h"

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

// The formats libarchive may read `data` as. A RAR is read as nothing
// else: libarchive's zip reader outbids its RAR readers on a RAR whose last
// member is a stored zip (it finds the zip's end of central directory near
// the end of the data) and would hand out that zip's members instead.
void SupportFormats(archive* a, ByteView data, const ExtractLimits& limits) {
  if (limits.stream_only) {
    // no archive format
  } else if (IsRar(data)) {
    archive_read_support_format_rar(a);
    archive_read_support_format_rar5(a);
  } else {
    archive_read_support_format_all(a);
  }
  // A lone compressed stream (.gz, .bz2, .xz, ...) reads as one member.
  archive_read_support_format_raw(a);
}

// libarchive 3.6 does not report RAR 5.0 encryption (it hands out an
// encrypted member's ciphertext as data, and "unsupported" for encrypted
// headers), and takes a RAR 5.0 archive cut inside a header for a complete
// one: both are read from the archive's headers instead.
class Rar5Walk {
 public:
  Rar5Walk(ByteView data, uint32_t max_files) {
    if (IsRar5(data)) crypt_ = ReadRar5Encryption(data, max_files);
  }
  bool HeadersEncrypted() const { return crypt_ && crypt_->headers_encrypted; }
  bool Damaged() const { return crypt_ && crypt_->damaged; }
  // Called once for each entry libarchive returns, in order (one per file
  // header): true when that entry is encrypted.
  bool NextEntryEncrypted(archive* a) {
    if (!crypt_ || archive_format(a) != ARCHIVE_FORMAT_RAR_V5) return false;
    const size_t i = next_++;
    return i < crypt_->file_encrypted.size() && crypt_->file_encrypted[i];
  }

 private:
  std::optional<Rar5Encryption> crypt_;
  size_t next_ = 0;
};

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
  SupportFormats(a.get(), data, limits);
  Source source{data, 0, &limits.consumed};
  archive_read_set_read_callback(a.get(), &ReadBlock);
  archive_read_set_seek_callback(a.get(), &SeekTo);
  archive_read_set_skip_callback(a.get(), &SkipAhead);
  archive_read_set_callback_data(a.get(), &source);
  if (archive_read_open1(a.get()) != ARCHIVE_OK) {
    result.notes.push_back("archive: " + ErrorText(a.get()));
    return result;
  }
  Rar5Walk rar5(data, limits.max_members);
  core::RawBuffer buffer;
  for (;;) {
    archive_entry* entry = nullptr;
    int rc = archive_read_next_header(a.get(), &entry);
    if (rc == ARCHIVE_EOF) {
      if (rar5.Damaged() && result.notes.empty())
        result.notes.push_back("archive: RAR 5.0 headers damaged or cut");
      break;
    }
    if (rc == ARCHIVE_FATAL) {
      result.notes.push_back("archive: " + ErrorText(a.get()));
      // An archive whose headers are encrypted fails before any member.
      if (archive_read_has_encrypted_entries(a.get()) > 0 ||
          rar5.HeadersEncrypted()) {
        result.encrypted = true;
      }
      break;
    }
    const bool rar5_encrypted = rar5.NextEntryEncrypted(a.get());
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
    if (archive_entry_is_encrypted(entry) || rar5_encrypted) {
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
