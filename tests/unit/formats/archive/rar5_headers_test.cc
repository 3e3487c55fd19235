// RAR 5.0 encryption from the headers, and what ExtractArchive makes of it
// (libarchive 3.6 alone reads an encrypted RAR 5.0 member as stored data).
// The archives are built here, following RARLAB's RAR 5.0 technote: every
// member stored, headers with valid CRC32s (libarchive checks them).
#include "formats/archive/rar5_headers.h"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "formats/archive/archive.h"

namespace vigil::formats {
namespace {

uint32_t Crc32(const std::string& s) {
  uint32_t crc = 0xFFFFFFFF;
  for (unsigned char c : s) {
    crc ^= c;
    for (int k = 0; k < 8; ++k)
      crc = (crc >> 1) ^ (0xEDB88320 & (0 - (crc & 1)));
  }
  return ~crc;
}

std::string Vint(uint64_t n) {
  std::string out;
  do {
    const auto b = static_cast<char>(n & 0x7F);
    n >>= 7;
    out.push_back(static_cast<char>(b | (n ? 0x80 : 0)));
  } while (n);
  return out;
}

std::string U32(uint32_t v) {
  std::string out;
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
  return out;
}

const std::string kSignature("Rar!\x1a\x07\x01\x00", 8);

// A header: CRC32, size, type, flags, [extra size], [data size], fields,
// extra. `data_size` < 0: no data area.
std::string Header(uint64_t type, const std::string& fields,
                   const std::string& extra = "", int64_t data_size = -1) {
  uint64_t flags = 0;
  std::string sizes;
  if (!extra.empty()) {
    flags |= 0x0001;
    sizes += Vint(extra.size());
  }
  if (data_size >= 0) {
    flags |= 0x0002;
    sizes += Vint(static_cast<uint64_t>(data_size));
  }
  const std::string body = Vint(type) + Vint(flags) + sizes + fields + extra;
  const std::string sized = Vint(body.size()) + body;
  return U32(Crc32(sized)) + sized;
}

// A file header (type 2) and its stored data; `encrypted` adds a file
// encryption record (the data is then taken as ciphertext).
std::string File(const std::string& name, const std::string& data,
                 bool encrypted = false) {
  std::string fields = Vint(0x0004) + Vint(data.size()) + Vint(0x20) +
                       U32(Crc32(data)) + Vint(0) + Vint(0) +
                       Vint(name.size()) + name;
  std::string extra;
  if (encrypted) {
    const std::string record =
        Vint(0x01) + Vint(0) + Vint(0) + std::string(1, '\x0f') +
        std::string(32, '\x5a');  // type, version, flags, KDF, salt, IV
    extra = Vint(record.size()) + record;
  }
  return Header(2, fields, extra, static_cast<int64_t>(data.size())) + data;
}

std::string Main() { return Header(1, Vint(0)); }
std::string End() { return Header(5, Vint(0)); }

ByteView Bytes(const std::string& s) {
  return ByteView(reinterpret_cast<const std::byte*>(s.data()), s.size());
}

TEST(Rar5Headers, RecognisesOnlyTheRar5Signature) {
  EXPECT_TRUE(IsRar5(Bytes(kSignature + Main())));
  EXPECT_FALSE(IsRar5(Bytes(std::string("Rar!\x1a\x07\x00", 7) + "xxxx")));
  EXPECT_FALSE(IsRar5(Bytes(kSignature.substr(0, 7))));
}

TEST(Rar5Headers, ListsEachFileHeaderAndItsEncryption) {
  const std::string rar = kSignature + Main() + File("a.txt", "plain") +
                          File("s.txt", "0123456789abcdef", true) +
                          Header(3, "", "", 0) +  // a service header: skipped
                          File("c.txt", "plain too") + End();
  const Rar5Encryption e = ReadRar5Encryption(Bytes(rar), 100);
  EXPECT_FALSE(e.headers_encrypted);
  EXPECT_FALSE(e.damaged);
  EXPECT_EQ(e.file_encrypted, (std::vector<bool>{false, true, false}));
  EXPECT_EQ(ReadRar5Encryption(Bytes(rar), 2).file_encrypted.size(), 2u);
}

TEST(Rar5Headers, ArchiveEncryptionHeaderEndsTheWalk) {
  const std::string crypt =
      Vint(0) + Vint(1) + std::string(1, '\x0f') + std::string(28, '\x11');
  const std::string rar =
      kSignature + Header(4, crypt) + std::string(64, '\x33');
  const Rar5Encryption e = ReadRar5Encryption(Bytes(rar), 100);
  EXPECT_TRUE(e.headers_encrypted);
  EXPECT_TRUE(e.file_encrypted.empty());
}

TEST(Rar5Headers, DamageStopsTheWalkWithWhatWasRead) {
  const std::string good = kSignature + Main() + File("a.txt", "plain");
  // Cut inside the next header.
  const std::string cut = good + File("s.txt", "data", true).substr(0, 6);
  Rar5Encryption e = ReadRar5Encryption(Bytes(cut), 100);
  EXPECT_TRUE(e.damaged);
  EXPECT_EQ(e.file_encrypted, std::vector<bool>{false});
  // A data area larger than the archive.
  const std::string absurd =
      good +
      Header(2, Vint(0) + Vint(0) + Vint(0) + Vint(0) + Vint(0) + Vint(1) + "x",
             "", int64_t{1} << 60) +
      End();
  e = ReadRar5Encryption(Bytes(absurd), 100);
  EXPECT_TRUE(e.damaged);
  EXPECT_EQ(e.file_encrypted, (std::vector<bool>{false, false}));
  // A vint that never ends; a header size past the data; an extra area
  // larger than its header; an extra record running past the area.
  for (const std::string& tail :
       {std::string(4, '\0') + std::string(12, '\xff'),
        std::string(4, '\0') + Vint(1000) + "\x02",
        std::string(4, '\0') + Vint(3) + "\x02\x01\x7f",
        Header(2, "", Vint(50) + "\x01")}) {
    e = ReadRar5Encryption(Bytes(good + tail), 100);
    EXPECT_TRUE(e.damaged || e.file_encrypted.size() == 2);
    EXPECT_FALSE(e.file_encrypted.size() == 2 && e.file_encrypted[1]);
  }
}

TEST(Rar5Headers, ExtractArchiveReportsEncryptedMembersWithoutData) {
  const std::string rar = kSignature + Main() +
                          File("a.txt", "plain member\n") +
                          File("s.txt", "0123456789abcdef", true) +
                          File("c.txt", "last member\n") + End();
  std::vector<std::string> plain, encrypted;
  const ExtractResult r =
      ExtractArchive(Bytes(rar), ExtractLimits{}, [&](const ArchiveMember& m) {
        if (m.encrypted) {
          EXPECT_TRUE(m.data.empty());
          encrypted.push_back(m.name);
        } else {
          plain.push_back(
              m.name + ":" +
              std::string(reinterpret_cast<const char*>(m.data.data()),
                          m.data.size()));
        }
        return true;
      });
  EXPECT_TRUE(r.encrypted);
  EXPECT_EQ(r.members, 3u);
  EXPECT_EQ(encrypted, std::vector<std::string>{"s.txt"});
  EXPECT_EQ(plain, (std::vector<std::string>{"a.txt:plain member\n",
                                             "c.txt:last member\n"}));
}

// A zip of one stored member, written by libarchive.
std::string Zip(const std::string& name, const std::string& data) {
  archive* a = archive_write_new();
  archive_write_set_format_zip(a);
  std::string out(1 << 16, '\0');
  size_t used = 0;
  EXPECT_EQ(archive_write_open_memory(a, out.data(), out.size(), &used),
            ARCHIVE_OK);
  archive_entry* e = archive_entry_new();
  archive_entry_set_pathname(e, name.c_str());
  archive_entry_set_filetype(e, AE_IFREG);
  archive_entry_set_perm(e, 0644);
  archive_entry_set_size(e, static_cast<la_int64_t>(data.size()));
  EXPECT_EQ(archive_write_header(a, e), ARCHIVE_OK);
  archive_write_data(a, data.data(), data.size());
  archive_entry_free(e);
  archive_write_close(a);
  archive_write_free(a);
  out.resize(used);
  return out;
}

TEST(Rar5Headers, ExtractArchiveReadsARarEndingWithAZipAsTheRar) {
  // libarchive's zip reader would otherwise outbid the RAR 5 reader: it
  // finds the zip's end of central directory near the end of the data.
  const std::string rar = kSignature + Main() + File("first.txt", "first\n") +
                          File("last.zip", Zip("inner.txt", "inner\n")) + End();
  std::vector<std::string> names;
  ExtractArchive(Bytes(rar), ExtractLimits{}, [&](const ArchiveMember& m) {
    names.push_back(m.name);
    return true;
  });
  EXPECT_EQ(names, (std::vector<std::string>{"first.txt", "last.zip"}));
}

TEST(Rar5Headers, ExtractArchiveNotesHeadersCutShort) {
  const std::string rar = kSignature + Main() +
                          File("a.txt", "plain member\n") +
                          File("b.txt", "cut").substr(0, 7);
  const ExtractResult r = ExtractArchive(
      Bytes(rar), ExtractLimits{}, [](const ArchiveMember&) { return true; });
  EXPECT_EQ(r.members, 1u);
  EXPECT_FALSE(r.notes.empty());
}

TEST(Rar5Headers, ExtractArchiveReportsEncryptedHeaders) {
  const std::string crypt =
      Vint(0) + Vint(1) + std::string(1, '\x0f') + std::string(28, '\x11');
  const std::string rar =
      kSignature + Header(4, crypt) + std::string(96, '\x33');
  const ExtractResult r = ExtractArchive(
      Bytes(rar), ExtractLimits{}, [](const ArchiveMember&) { return true; });
  EXPECT_TRUE(r.encrypted);
  EXPECT_EQ(r.members, 0u);
  EXPECT_FALSE(r.notes.empty());
}

}  // namespace
}  // namespace vigil::formats
