// The public datasets under /work/shared/datasets load, with the number of
// signatures clamscan 1.4.6 reports as "Known viruses" for them (measured
// with `clamscan -d DIR /etc/hostname`), minus what ClamAV counts from
// formats vigil skips (YARA rules, phishing lists, icon signatures). Skipped
// when the datasets are not there.
#include <gtest/gtest.h>

#include <filesystem>

#include "sigs/loader.h"

namespace vigil::sigs {
namespace {

namespace fs = std::filesystem;

const fs::path kDatasets = "/work/shared/datasets";

struct Case {
  const char* dir;
  uint64_t clamscan_known;   // clamscan's "Known viruses"
  uint64_t skipped_formats;  // counted by clamscan from formats vigil skips
};

// clamscan counts, per directory (non-recursive, as -d loads them):
//   lmd-rfxn                         15549 = 12735 .hdb + 2035 .ndb + 779 .yara
//   ditekshen-detection/clamav         175 .ldb
//   clamav-historic                   8715 .db (daily.ftm is not counted)
//   clamav-unittest-sigs                 1 .hdb
//   .../other_sigs                     222 = 17 hash/body + 4 .gdb + 201 .pdb
//   .../embedded_testfiles/signatures    6
//   .../pe_allmatch/alert-sigs          78 = 76 + 2 .yar
//   .../pe_allmatch/weak-sigs            4 .idb
//   .../pe_allmatch/broken-sigs          2
//   .../pe_allmatch/{block-cert,trust}-sigs 0 (.crb is not counted)
//   .../freshclam_testfiles             34 (six signed test .cvd files)
constexpr Case kCases[] = {
    {"lmd-rfxn", 15549, 779},
    {"ditekshen-detection/clamav", 175, 0},
    {"clamav-historic", 8715, 0},
    {"clamav-unittest-sigs", 1, 0},
    {"clamav-unittest-sigs/other_sigs", 222, 205},
    {"clamav-unittest-sigs/embedded_testfiles/signatures", 6, 0},
    {"clamav-unittest-sigs/pe_allmatch/alert-sigs", 78, 2},
    {"clamav-unittest-sigs/pe_allmatch/weak-sigs", 4, 4},
    {"clamav-unittest-sigs/pe_allmatch/broken-sigs", 2, 0},
    {"clamav-unittest-sigs/pe_allmatch/block-cert-sigs", 0, 0},
    {"clamav-unittest-sigs/pe_allmatch/trust-sigs", 0, 0},
    {"clamav-unittest-sigs/freshclam_testfiles", 34, 0},
};

TEST(SigsDatasets, KnownVirusesMatchClamscan) {
  if (!fs::exists(kDatasets)) GTEST_SKIP() << kDatasets << " not present";
  for (const Case& c : kCases) {
    SignatureSet set;
    std::vector<Diagnostic> diags;
    Status st = LoadDatabases({(kDatasets / c.dir).string()}, {}, &set, &diags);
    ASSERT_TRUE(st.ok()) << c.dir << ": " << st.message();
    for (const Diagnostic& d : diags) {
      EXPECT_EQ(d.severity, Severity::kWarning) << FormatDiagnostic(d);
    }
    EXPECT_EQ(set.known_viruses, c.clamscan_known - c.skipped_formats) << c.dir;
  }
}

TEST(SigsDatasets, SkippedFormatsAreReported) {
  if (!fs::exists(kDatasets)) GTEST_SKIP() << kDatasets << " not present";
  SignatureSet set;
  std::vector<Diagnostic> diags;
  ASSERT_TRUE(LoadDatabases({(kDatasets / "clamav-historic").string()}, {},
                            &set, &diags)
                  .ok());
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].code, "W0001");
  EXPECT_NE(diags[0].file.find("daily.ftm"), std::string::npos);
}

TEST(SigsDatasets, LegacyNamesWithSpacesAndPunctuation) {
  if (!fs::exists(kDatasets)) GTEST_SKIP() << kDatasets << " not present";
  SignatureSet set;
  ASSERT_TRUE(
      LoadDatabases({(kDatasets / "clamav-historic/viruses.db").string()}, {},
                    &set, nullptr)
          .ok());
  bool found = false;
  for (const BodySig& b : set.bodies) {
    // Printed up to " (Clam)", as clamscan prints it.
    found |= b.name == "Trojan.Gologger.UNOFFICIAL";
  }
  EXPECT_TRUE(found);
}

TEST(SigsDatasets, SignedTestContainersSetNoDailyVersion) {
  if (!fs::exists(kDatasets)) GTEST_SKIP() << kDatasets << " not present";
  SignatureSet set;
  ASSERT_TRUE(
      LoadDatabases(
          {(kDatasets / "clamav-unittest-sigs/freshclam_testfiles/test-6.cvd")
               .string()},
          {}, &set, nullptr)
          .ok());
  EXPECT_EQ(set.known_viruses, 10u);
  EXPECT_FALSE(set.daily_version.has_value());
  ASSERT_FALSE(set.hashes.empty());
  EXPECT_EQ(set.hashes[0].name.find(".UNOFFICIAL"), std::string::npos);
}

}  // namespace
}  // namespace vigil::sigs
