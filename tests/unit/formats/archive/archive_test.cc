// Archive extraction through libarchive: members, limits, damage. The
// archives are written at test time with libarchive's writer.
#include "formats/archive/archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace vigil::formats {
namespace {

using Members = std::vector<std::pair<std::string, std::string>>;

// An archive of `format` (archive_write_set_format_*) and `filter`
// (archive_write_add_filter_*) holding `members`.
std::string Write(int (*format)(archive*), int (*filter)(archive*),
                  const Members& members) {
  archive* a = archive_write_new();
  format(a);
  if (filter) filter(a);
  std::string out(1 << 20, '\0');
  size_t used = 0;
  EXPECT_EQ(archive_write_open_memory(a, out.data(), out.size(), &used),
            ARCHIVE_OK);
  for (const auto& [name, data] : members) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, static_cast<la_int64_t>(data.size()));
    EXPECT_EQ(archive_write_header(a, e), ARCHIVE_OK);
    EXPECT_EQ(archive_write_data(a, data.data(), data.size()),
              static_cast<la_ssize_t>(data.size()));
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
  out.resize(used);
  return out;
}

ByteView Bytes(const std::string& s) {
  return ByteView(reinterpret_cast<const std::byte*>(s.data()), s.size());
}

Members Extract(const std::string& archive_bytes, const ExtractLimits& limits,
                ExtractResult* result = nullptr) {
  Members got;
  ExtractResult r =
      ExtractArchive(Bytes(archive_bytes), limits, [&](const ArchiveMember& m) {
        got.emplace_back(
            m.name, std::string(reinterpret_cast<const char*>(m.data.data()),
                                m.data.size()));
        return true;
      });
  if (result) *result = r;
  return got;
}

const Members kMembers = {
    {"a.txt", "first member"},
    {"dir/b.bin", std::string("\x00\x01\x02\xff", 4)},
    {"../../etc/evil", "a name is only data"},
    {"empty", ""},
};

TEST(Archive, ReadsEveryMemberOfEachFormat) {
  struct Case {
    const char* what;
    int (*format)(archive*);
    int (*filter)(archive*);
  };
  for (const Case& c :
       {Case{"zip", archive_write_set_format_zip, nullptr},
        Case{"tar", archive_write_set_format_pax_restricted, nullptr},
        Case{"tar.gz", archive_write_set_format_ustar,
             archive_write_add_filter_gzip},
        Case{"tar.bz2", archive_write_set_format_gnutar,
             archive_write_add_filter_bzip2},
        Case{"tar.xz", archive_write_set_format_ustar,
             archive_write_add_filter_xz},
        Case{"cpio", archive_write_set_format_cpio_newc, nullptr},
        Case{"7z", archive_write_set_format_7zip, nullptr}}) {
    const std::string bytes = Write(c.format, c.filter, kMembers);
    ExtractResult r;
    EXPECT_EQ(Extract(bytes, {}, &r), kMembers) << c.what;
    EXPECT_EQ(r.members, kMembers.size()) << c.what;
    EXPECT_FALSE(r.hit_member_limit || r.hit_size_limit) << c.what;
  }
}

TEST(Archive, GzipStreamIsOneMember) {
  archive* a = archive_write_new();
  archive_write_set_format_raw(a);
  archive_write_add_filter_gzip(a);
  std::string out(1 << 16, '\0');
  size_t used = 0;
  ASSERT_EQ(archive_write_open_memory(a, out.data(), out.size(), &used),
            ARCHIVE_OK);
  archive_entry* e = archive_entry_new();
  archive_entry_set_filetype(e, AE_IFREG);
  archive_write_header(a, e);
  const std::string payload(100000, 'z');
  archive_write_data(a, payload.data(), payload.size());
  archive_entry_free(e);
  archive_write_close(a);
  archive_write_free(a);
  out.resize(used);
  Members got = Extract(out, {});
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].second, payload);
}

TEST(Archive, MemberLimitStopsAndSaysSo) {
  Members many;
  for (int i = 0; i < 20; ++i) many.emplace_back("m" + std::to_string(i), "x");
  ExtractLimits limits;
  limits.max_members = 5;
  ExtractResult r;
  Members got =
      Extract(Write(archive_write_set_format_zip, nullptr, many), limits, &r);
  EXPECT_EQ(got.size(), 5u);
  EXPECT_TRUE(r.hit_member_limit);
}

TEST(Archive, SizeLimitTruncatesAndSaysSo) {
  ExtractLimits limits;
  limits.max_member_size = 10;
  ExtractResult r;
  Members got = Extract(Write(archive_write_set_format_zip, nullptr,
                              {{"big", std::string(1000, 'b')}}),
                        limits, &r);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].second, std::string(10, 'b'));
  EXPECT_TRUE(r.hit_size_limit);
}

TEST(Archive, DamagedArchiveGivesWhatItCanAndANote) {
  std::string bytes = Write(archive_write_set_format_ustar,
                            archive_write_add_filter_gzip, kMembers);
  bytes.resize(bytes.size() / 2);
  ExtractResult r;
  Members got = Extract(bytes, {}, &r);
  EXPECT_LT(got.size(), kMembers.size());
  EXPECT_FALSE(r.notes.empty());
  EXPECT_TRUE(Extract("not an archive at all", {}).empty());
  EXPECT_TRUE(Extract("", {}).empty());
}

}  // namespace
}  // namespace vigil::formats
