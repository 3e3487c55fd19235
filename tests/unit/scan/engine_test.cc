// The public Engine API: verdicts, limits, containers and large objects.
#include "vigil/engine.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "compiler/compiler.h"
#include "core/hash.h"
#include "sigs/loader.h"
#include "text_database.h"

namespace vigil {
namespace {

// "vigil-test-marker" as a body signature, and its MD5 as an allow entry
// when asked.
constexpr char kNdb[] = "Test.Marker:0:*:76696769 6c2d746573742d6d61726b6572\n";

std::shared_ptr<const Database> Compile(
    const std::vector<std::pair<std::string, std::string>>& files) {
  return testing::DatabaseFromText(files);
}

std::string NoSpaces(std::string s) {
  std::erase(s, ' ');
  return s;
}

// A zip holding `members` (name, content), deflated (so the members' bytes
// do not appear as such in the archive).
std::string Zip(
    const std::vector<std::pair<std::string, std::string>>& members) {
  std::vector<char> buf(1 << 24);
  size_t used = 0;
  archive* a = archive_write_new();
  archive_write_set_format_zip(a);
  archive_write_set_options(a, "zip:compression=deflate");
  archive_write_open_memory(a, buf.data(), buf.size(), &used);
  for (const auto& [name, content] : members) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_size(e, static_cast<la_int64_t>(content.size()));
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_write_header(a, e);
    archive_write_data(a, content.data(), content.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
  return std::string(buf.data(), used);
}

// Binary filler (typed BINARY_DATA, so only the raw pass runs).
std::string Filler(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i)
    s[i] = static_cast<char>((i * 131 + (i >> 7)) & 0xff);
  s[0] = '\0';
  s[1] = '\x01';
  return s;
}

// Binary data that deflates well, so that a deflated member's bytes do not
// appear in the archive as they are.
std::string Compressible() {
  std::string s = "\x00\x01";
  s.resize(4096, 'Z');
  return s;
}

class EngineTest : public ::testing::Test {
 protected:
  EngineTest() : engine_(Compile({{"t.ndb", NoSpaces(kNdb)}})) {}
  ScanReport Scan(const std::string& data, const ScanOptions& o = {}) {
    return engine_.ScanBuffer(AsBytes(data), o, "buf");
  }
  static const std::string kMarker;
  Engine engine_;
};
const std::string EngineTest::kMarker = "vigil-test-marker";

TEST_F(EngineTest, CleanAndInfected) {
  EXPECT_FALSE(Scan(Filler(1000)).infected());
  ScanReport r = Scan(Filler(1000) + kMarker + Filler(10));
  ASSERT_TRUE(r.infected());
  EXPECT_EQ(r.detections[0].name, "Test.Marker.UNOFFICIAL");
  EXPECT_EQ(r.detections[0].kind, "body");
  EXPECT_TRUE(r.detections[0].layers.empty());
  EXPECT_TRUE(r.fully_scanned());
}

TEST_F(EngineTest, Md5OfInfectedIsTheTopLevelObjects) {
  ScanOptions o;
  o.md5_of_infected = true;
  ScanReport r = Scan(kMarker, o);
  ASSERT_TRUE(r.infected());
  EXPECT_EQ(r.md5, "8f0f462aa85edee2d1d923dd58ead3d5");
  EXPECT_EQ(r.bytes_read, kMarker.size());
  // A match in a member: the digest is the container's, as clamd logs it.
  const std::string zip = Zip({{"dir/b.bin", Compressible() + kMarker}});
  ScanReport z = Scan(zip, o);
  ASSERT_TRUE(z.infected());
  EXPECT_EQ(z.md5,
            core::DigestHex(core::HashBytes(core::HashAlgo::kMd5, AsBytes(zip)),
                            core::HashAlgo::kMd5));
  // Clean objects, and scans that did not ask, get none.
  EXPECT_EQ(Scan(Filler(1000), o).md5, "");
  EXPECT_EQ(Scan(kMarker).md5, "");
}

TEST_F(EngineTest, EmptyAndTinyObjectsAreNotScanned) {
  ScanReport empty = Scan("");
  EXPECT_TRUE(empty.empty);
  EXPECT_FALSE(empty.infected());
  // ClamAV scans nothing of 5 bytes or less.
  EXPECT_FALSE(Scan("vigil").infected());
}

TEST_F(EngineTest, FindsMembersAndNamesTheLayers) {
  std::string zip =
      Zip({{"a.bin", Filler(100)}, {"dir/b.bin", Compressible() + kMarker}});
  ScanReport r = Scan(zip);
  ASSERT_TRUE(r.infected());
  EXPECT_EQ(r.detections[0].layers, std::vector<std::string>{"dir/b.bin"});
  std::string nested = Zip({{"inner.zip", zip}});
  ScanReport n = Scan(nested);
  ASSERT_TRUE(n.infected());
  EXPECT_EQ(n.detections[0].layers,
            (std::vector<std::string>{"inner.zip", "dir/b.bin"}));
}

TEST_F(EngineTest, RecursionLimitStopsDeeperLayersAndIsReported) {
  std::string zip = Zip({{"b.bin", Compressible() + kMarker}});
  ScanOptions o;
  o.limits.max_recursion = 1;  // the top level only
  ScanReport r = Scan(zip, o);
  EXPECT_FALSE(r.infected());
  EXPECT_FALSE(r.fully_scanned());
  ASSERT_EQ(r.limits_hit.size(), 1u);
  EXPECT_EQ(r.limits_hit[0].kind, LimitKind::kMaxRecursion);
  o.alert_exceeds_max = true;
  ScanReport alert = Scan(zip, o);
  ASSERT_TRUE(alert.infected());
  EXPECT_EQ(alert.detections[0].name,
            "Heuristics.Limits.Exceeded.MaxRecursion");
}

TEST_F(EngineTest, OversizedMemberIsSkippedAndTheRestScanned) {
  std::string big = Compressible();
  while (big.size() < 50000) big += Compressible();
  std::string zip =
      Zip({{"big.bin", big}, {"m.bin", Compressible() + kMarker}});
  ScanOptions o;
  o.limits.max_file_size = 10000;
  o.alert_exceeds_max = true;  // members over the limit never alert (as ClamAV)
  ASSERT_LT(zip.size(), o.limits.max_file_size);
  ScanReport r = Scan(zip, o);
  ASSERT_EQ(r.detections.size(), 1u);
  EXPECT_EQ(r.detections[0].name, "Test.Marker.UNOFFICIAL");
  EXPECT_FALSE(r.fully_scanned());
  EXPECT_EQ(r.limits_hit[0].kind, LimitKind::kMaxFileSize);
}

TEST_F(EngineTest, CompressionRatioLimitStopsBombMembersOnly) {
  // A member of ~400 KiB that deflates to a few hundred bytes, next to an
  // ordinary one carrying the marker.
  std::string bomb(400000, 'Z');
  const std::string zip =
      Zip({{"bomb.bin", bomb}, {"m.bin", Compressible() + kMarker}});
  const double ratio = static_cast<double>(bomb.size()) / zip.size();
  ASSERT_GT(ratio, 100);
  // Off by default (ClamAV has no such limit): everything is scanned.
  EXPECT_TRUE(Scan(zip).fully_scanned());
  ScanOptions o;
  o.limits.max_compression_ratio = 50;
  ScanReport r = Scan(zip, o);
  ASSERT_EQ(r.detections.size(), 1u);
  EXPECT_EQ(r.detections[0].name, "Test.Marker.UNOFFICIAL");
  EXPECT_FALSE(r.fully_scanned());
  ASSERT_EQ(r.limits_hit.size(), 1u);
  EXPECT_EQ(r.limits_hit[0].kind, LimitKind::kMaxCompressionRatio);
  EXPECT_EQ(r.limits_hit[0].layers, std::vector<std::string>{"bomb.bin"});
  o.alert_exceeds_max = true;
  o.all_match = true;
  ScanReport alert = Scan(zip, o);
  ASSERT_EQ(alert.detections.size(), 2u);
  EXPECT_EQ(alert.detections[0].name,
            "Heuristics.Limits.Exceeded.MaxCompressionRatio");
  // A limit high enough lets the member through.
  o.limits.max_compression_ratio = static_cast<uint32_t>(ratio) + 10;
  o.alert_exceeds_max = false;
  EXPECT_TRUE(Scan(zip, o).fully_scanned());
}

TEST_F(EngineTest, TopLevelOverMaxFileSizeIsNotScannedNorClean) {
  ScanOptions o;
  o.limits.max_file_size = 100;
  ScanReport r = Scan(Filler(200) + kMarker, o);
  EXPECT_FALSE(r.infected());
  EXPECT_FALSE(r.fully_scanned());
  o.alert_exceeds_max = true;
  ScanReport alert = Scan(Filler(200) + kMarker, o);
  ASSERT_TRUE(alert.infected());
  EXPECT_EQ(alert.detections[0].name, "Heuristics.Limits.Exceeded.MaxFileSize");
}

TEST_F(EngineTest, AllowListClearsTheObject) {
  const std::string data = Filler(300) + kMarker;
  // The allow entry is the MD5 of `data`, computed with the engine's hash.
  sigs::SignatureSet set;
  std::vector<sigs::Diagnostic> diags;
  ASSERT_TRUE(
      sigs::LoadDatabaseText("t.ndb", NoSpaces(kNdb), {}, &set, &diags).ok());
  sigs::AllowHash allow;
  allow.name = "Known.Good";
  allow.digest = core::HashBytes(core::HashAlgo::kMd5, AsBytes(data));
  allow.size = data.size();
  set.allows.push_back(allow);
  auto image = compiler::Compile(set, {});
  ASSERT_TRUE(image.ok());
  auto db = Database::FromImage(std::move(image).value());
  ASSERT_TRUE(db.ok());
  Engine engine(*db);
  EXPECT_FALSE(engine.ScanBuffer(AsBytes(data), {}).infected());
  EXPECT_TRUE(engine.ScanBuffer(AsBytes(data + "x"), {}).infected());
}

// A mapped file larger than the 4 MiB blocks it is scanned in, with its
// pages dropped behind: matches at the start, across a block join and at
// the end are all found.
TEST_F(EngineTest, LargeMappedFilesAreScannedWhole) {
  const std::string path = std::filesystem::temp_directory_path() /
                           ("vigil_engine_test_" + std::to_string(getpid()));
  const size_t block = size_t{4} << 20;
  for (size_t at : {size_t{100}, block - 5, 3 * block + 1, 9 * block + 12345}) {
    std::string data = Filler(9 * block + 20000);
    data.replace(at, kMarker.size(), kMarker);
    std::ofstream(path, std::ios::binary) << data;
    ScanReport r = engine_.ScanFile(path, {});
    EXPECT_TRUE(r.infected()) << "marker at " << at;
    EXPECT_EQ(r.bytes_read, data.size());
  }
  std::remove(path.c_str());
}

// Text over the spool threshold is normalised into a temporary file.
TEST_F(EngineTest, LargeTextIsNormalisedInBoundedMemory) {
  Engine engine(Compile(
      {{"t.ndb", "Test.Text:7:*:" +
                     std::string("6e6565646c6520696e2074657874") + "\n"}}));
  const std::string path = std::filesystem::temp_directory_path() /
                           ("vigil_engine_text_" + std::to_string(getpid()));
  std::string text;
  while (text.size() < (size_t{6} << 20)) text += "Some Plain Text Line\n";
  text += "NEEDLE    IN\tTEXT\n";
  std::ofstream(path, std::ios::binary) << text;
  ScanReport r = engine.ScanFile(path, {});
  ASSERT_TRUE(r.infected());
  EXPECT_EQ(r.detections[0].name, "Test.Text.UNOFFICIAL");
  std::remove(path.c_str());
}

}  // namespace
}  // namespace vigil
