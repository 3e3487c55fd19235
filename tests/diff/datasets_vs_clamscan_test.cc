// The `vigil` binary against clamscan 1.4.6 on public signature sets (the
// real database files under /work/shared/datasets, or $VIGIL_DATASETS):
// each set is parsed with vigil's loader, files are built that trigger its
// signatures (dataset_planting.h), and both scanners run with the same
// database files (`-z --no-summary -d FILE...`) over them; the names each
// prints are compared file by file. Also prints how long each scanner takes
// to load each set (not asserted). Skipped when the datasets or clamscan
// are missing.
//
// docs/matching-semantics.md ("Public signature sets") lists what is out of
// scope and why, with the numbers this test prints. By hand:
// VIGIL_DATASET_STRIDE=k plants every k-th signature, VIGIL_DATASET_MISSED=1
// lists the planted signatures clamscan did not find, VIGIL_DIFF_KEEP=1
// keeps the files.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "diff/dataset_planting.h"
#include "diff/diff_support.h"
#include "sigs/loader.h"

namespace vigil::diff {
namespace {

namespace fs = std::filesystem;

std::string DatasetsDir() {
  if (const char* env = std::getenv("VIGIL_DATASETS")) return env;
  return "/work/shared/datasets";
}

// Every in-scope signature by default; VIGIL_DATASET_STRIDE=k plants every
// k-th (a quicker run by hand).
size_t Stride() {
  const char* env = std::getenv("VIGIL_DATASET_STRIDE");
  return env ? std::max<size_t>(1, std::stoul(env)) : 1;
}

struct Dataset {
  std::string name;
  // Database files, relative to the datasets directory: directories expand
  // to the files in them with one of `extensions`.
  std::vector<std::string> paths;
  std::vector<std::string> extensions;
};

std::vector<std::string> DatabaseFiles(const Dataset& d,
                                       const std::string& root) {
  std::vector<std::string> files;
  for (const std::string& rel : d.paths) {
    fs::path p = fs::path(root) / rel;
    if (!fs::is_directory(p)) {
      if (fs::exists(p)) files.push_back(p.string());
      continue;
    }
    std::vector<std::string> in_dir;
    for (const auto& e : fs::directory_iterator(p)) {
      std::string ext = e.path().extension().string();
      for (const std::string& want : d.extensions) {
        if (ext == "." + want) in_dir.push_back(e.path().string());
      }
    }
    std::sort(in_dir.begin(), in_dir.end());
    files.insert(files.end(), in_dir.begin(), in_dir.end());
  }
  return files;
}

// How long each scanner takes on one 16-byte file with the set loaded:
// clamscan, vigil compiling in memory (--no-cache), vigil compiling into an
// empty cache, and vigil loading that cache.
struct LoadTimes {
  double clamscan = 0, vigil_no_cache = 0, vigil_compile = 0, vigil_cached = 0;
};

LoadTimes MeasureLoad(const std::string& clamscan, const std::string& vigil,
                      const std::vector<std::string>& databases,
                      const std::string& dir) {
  std::string probe = dir + "/probe";
  WriteFile(probe, std::string("\0\1\2\xdc\0\0\xdcload-probe", 17));
  ScanCommand command;
  command.databases = databases;
  command.files = {probe};
  command.work_dir = dir;
  command.debug = false;
  LoadTimes t;
  t.clamscan = RunClamscan(clamscan, command).seconds;
  t.vigil_no_cache = RunVigil(vigil, command).seconds;
  command.cache_dir = dir + "/cache";
  t.vigil_compile = RunVigil(vigil, command).seconds;
  t.vigil_cached = RunVigil(vigil, command).seconds;
  return t;
}

std::string FormatCounts(const std::map<std::string, size_t>& m) {
  std::string out;
  for (const auto& [k, n] : m) {
    out += "\n    " + std::to_string(n) + "  " + k;
  }
  return out.empty() ? " none" : out;
}

const std::set<std::string>& NamesOf(const ClamscanResult& r,
                                     const std::string& file) {
  static const std::set<std::string> kNone;
  auto it = r.found.find(file);
  return it == r.found.end() ? kNone : it->second;
}

void RunDataset(const Dataset& d) {
  auto clamscan = FindClamscan();
  auto vigil = FindVigil();
  if (!clamscan) GTEST_SKIP() << "clamscan is not installed";
  if (!vigil) GTEST_SKIP() << "the vigil binary was not built";
  const std::string root = DatasetsDir();
  std::vector<std::string> databases = DatabaseFiles(d, root);
  if (databases.empty()) GTEST_SKIP() << "no " << d.name << " under " << root;

  sigs::SignatureSet set;
  std::vector<sigs::Diagnostic> diagnostics;
  Status loaded = sigs::LoadDatabases(databases, {}, &set, &diagnostics);
  ASSERT_TRUE(loaded.ok()) << loaded.ToString();

  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  LoadTimes load = MeasureLoad(*clamscan, *vigil, databases, dir.path());

  PlantOptions options;
  options.stride = Stride();
  PlantStats stats;
  std::vector<PlantedFile> planted =
      PlantDataset(set, options, 20261130, &stats);
  std::vector<std::string> files;
  std::map<std::string, size_t> by_carrier;
  for (size_t i = 0; i < planted.size(); ++i) {
    const PlantedFile& f = planted[i];
    files.push_back(dir.path() + "/" + CarrierName(f.carrier) +
                    std::to_string(i));
    WriteFile(files.back(), std::string(f.bytes.begin(), f.bytes.end()));
    ++by_carrier[CarrierName(f.carrier)];
  }

  ScanCommand command;
  command.databases = databases;
  command.files = files;
  command.work_dir = dir.path();
  command.cache_dir = dir.path() + "/cache";
  command.keep_unofficial = true;
  ClamscanResult c = RunClamscan(*clamscan, command);
  ASSERT_TRUE(Completed(c)) << "clamscan exit code " << c.exit_code << ":\n"
                            << c.stderr_text;
  ClamscanResult v = RunVigil(*vigil, command);
  ASSERT_TRUE(Completed(v)) << "vigil exit code " << v.exit_code << ":\n"
                            << v.stderr_text;

  size_t planted_sigs = 0, planted_found = 0, c_det = 0, v_det = 0, agree = 0;
  std::vector<std::string> report;
  for (size_t i = 0; i < files.size(); ++i) {
    const auto& cn = NamesOf(c, files[i]);
    const auto& vn = NamesOf(v, files[i]);
    c_det += cn.size();
    v_det += vn.size();
    std::set<std::string> found;
    for (const std::string& n : cn) found.insert(StripUnofficial(n));
    for (const std::string& n : planted[i].planted) {
      ++planted_sigs;
      size_t hit = found.count(StripUnofficial(n));
      planted_found += hit;
      if (!hit && std::getenv("VIGIL_DATASET_MISSED")) {
        std::printf("  not found: %s in %s\n", n.c_str(), files[i].c_str());
      }
    }
    if (cn == vn) {
      ++agree;
      continue;
    }
    for (const std::string& n : cn) {
      if (!vn.count(n))
        report.push_back(files[i] + ": only clamscan reports " + n);
    }
    for (const std::string& n : vn) {
      if (!cn.count(n))
        report.push_back(files[i] + ": only vigil reports " + n);
    }
  }
  size_t section_hashes = 0;  // .mdb/.msb/.imp: need the PE parser
  for (const sigs::HashSig& h : set.hashes) {
    section_hashes += h.scope != sigs::HashScope::kFile ? 1 : 0;
  }
  std::string carriers;
  for (const auto& [name, n] : by_carrier)
    carriers += " " + name + " " + std::to_string(n);
  std::printf(
      "%s: %zu database files; loaded %zu body, %zu logical, %zu hash "
      "signatures (%zu of them PE section/import hashes), %zu allow entries\n"
      "  load time: clamscan %.2f s; vigil %.2f s without cache, %.2f s "
      "compiling into the cache, %.2f s from it\n"
      "  excluded:%s\n"
      "  planted %zu body and %zu logical signatures (%zu logical ones the "
      "reference says do not hold, %zu regexes not instantiated, %zu that "
      "fit no position, %zu plants of markup alone in a file) into %zu "
      "files:%s\n"
      "  clamscan found %zu of %zu planted signatures; %zu detections by "
      "clamscan, %zu by vigil; %zu of %zu files agree; %zu disagreements\n",
      d.name.c_str(), databases.size(), set.bodies.size(), set.logicals.size(),
      set.hashes.size(), section_hashes, set.allows.size(), load.clamscan,
      load.vigil_no_cache, load.vigil_compile, load.vigil_cached,
      FormatCounts(stats.excluded).c_str(), stats.bodies, stats.logicals,
      stats.logicals_unsatisfied, stats.regexes_skipped, stats.unplaceable,
      stats.markup_alone, files.size(), carriers.c_str(), planted_found,
      planted_sigs, c_det, v_det, agree, files.size(), report.size());
  std::string shown;
  for (size_t i = 0; i < report.size() && i < 40; ++i)
    shown += report[i] + "\n";
  EXPECT_TRUE(report.empty()) << report.size() << " disagreement(s):\n"
                              << shown;
}

TEST(DatasetsVsClamscan, LmdRfxn) {
  // rfxn.hdb holds MD5s of real malware, which no file built here has; it
  // is loaded all the same (and must match nothing in either scanner).
  RunDataset({"lmd-rfxn", {"lmd-rfxn/rfxn.ndb", "lmd-rfxn/rfxn.hdb"}, {}});
}

TEST(DatasetsVsClamscan, DitekshenLogical) {
  RunDataset({"ditekshen-detection", {"ditekshen-detection/clamav"}, {"ldb"}});
}

TEST(DatasetsVsClamscan, ClamavUnitTestSignatures) {
  // The formats vigil loads; .yar .pdb .wdb .gdb .idb .crb are left out
  // (docs/matching-semantics.md, "Public signature sets").
  const std::vector<std::string> ext = {"ndb", "ldb", "hdb", "hsb",
                                        "mdb", "msb", "imp"};
  RunDataset(
      {"clamav-unittest-sigs",
       {"clamav-unittest-sigs/clamav.hdb", "clamav-unittest-sigs/other_sigs",
        "clamav-unittest-sigs/embedded_testfiles/signatures",
        "clamav-unittest-sigs/pe_allmatch/alert-sigs",
        "clamav-unittest-sigs/pe_allmatch/broken-sigs"},
       ext});
}

TEST(DatasetsVsClamscan, ClamavHistoricLegacyDb) {
  RunDataset({"clamav-historic", {"clamav-historic/viruses.db"}, {}});
}

}  // namespace
}  // namespace vigil::diff
