// The engine against clamscan 1.4.6, end to end: generated signature sets
// written as ClamAV database files, loaded by vigil's parsers, compiled and
// scanned by the `vigil` binary and by clamscan on the same files
// (`-z --no-summary -d DB FILES`), the names each prints compared file by
// file (".UNOFFICIAL" included: both print it). Three corpora per seed:
//
//  - binary data: the generator's .ndb/.ldb signatures, hash signatures of
//    some inputs (.hdb/.hsb: MD5, SHA1, SHA256, with the size or `*`, and
//    entries with a wrong size that must not match) and allow-list entries
//    (.fp/.sfp) for others. The reference matcher's verdict is printed next
//    to every disagreement, to tell an engine bug from a reference gap;
//  - ASCII text with target 0 and 7 signatures of lower-case text
//    (text_corpus.h): the raw pass and the normalised-text pass;
//  - HTML documents with target 0 and 3 signatures: the nocomment and
//    notags passes.
// Text and HTML sets also get MD5 signatures of some inputs and of the
// normalised buffers vigil makes for them (which ClamAV hashes when it
// scans a buffer as an object of its own), so the normalisers are compared
// byte for byte as well.
//
// For text and HTML clamscan is the only oracle. Every disagreement is an
// engine bug to fix or a ClamAV quirk documented in
// docs/matching-semantics.md that the generators avoid; the test expects
// none. Skipped when clamscan or the vigil binary is missing.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>

#include "core/hash.h"
#include "diff/diff_support.h"
#include "diff/text_corpus.h"
#include "formats/html/html_normalize.h"
#include "formats/text/text_normalize.h"
#include "reference/reference_matcher.h"
#include "reference/sig_generator.h"

namespace vigil::diff {
namespace {

using core::HashAlgo;

constexpr uint16_t kBinaryTargets = 1;

// ---------------------------------------------------------------- writing

std::string NdbText(const sigs::SignatureSet& set) {
  std::string text;
  for (const auto& s : set.bodies) text += reference::RenderNdbLine(s) + "\n";
  return text;
}

std::string LdbText(const sigs::SignatureSet& set) {
  std::string text;
  for (const auto& s : set.logicals) text += reference::RenderLdbLine(s) + "\n";
  return text;
}

std::vector<std::string> WriteInputs(const Corpus& corpus,
                                     const std::string& dir,
                                     const std::string& stem) {
  std::vector<std::string> files;
  for (size_t i = 0; i < corpus.inputs.size(); ++i) {
    files.push_back(dir + "/" + stem + std::to_string(i));
    const auto& in = corpus.inputs[i];
    WriteFile(files.back(), std::string(in.begin(), in.end()));
  }
  return files;
}

// ---------------------------------------------------------------- hashes

// Hash signatures and allow-list entries for some inputs of a corpus, as
// database text. The hash signatures also go into the corpus's set, for the
// reference matcher.
struct HashLists {
  std::string hdb, hsb, fp, sfp;
  std::set<size_t> allowed;  // inputs an effective allow entry clears
  size_t signatures = 0;
  size_t allow_entries = 0;
};

// `HASH:SIZE:NAME`, or `HASH:*:NAME:73` (a size of `*` needs FLEVEL 73).
std::string HashLine(const core::Digest& d, HashAlgo algo,
                     std::optional<uint64_t> size, const std::string& name) {
  std::string line = core::DigestHex(d, algo) + ":";
  line += size ? std::to_string(*size) : "*";
  return line + ":" + name + (size ? "" : ":73") + "\n";
}

class HashListBuilder {
 public:
  HashListBuilder(Corpus* corpus, std::string prefix)
      : corpus_(corpus), prefix_(std::move(prefix)) {}

  // Signatures: MD5 with the size (.hdb) and `*`, SHA1 with the size and
  // SHA256 with `*` (.hsb), SHA256 with a wrong size (never matches).
  // Allow entries: MD5 (.fp) and SHA256 (.sfp) with the size, SHA1 with
  // `*` (.sfp), MD5 with a wrong size (clears nothing).
  HashLists Build() {
    for (size_t i = 0; i < corpus_->inputs.size(); ++i) {
      uint64_t size = corpus_->inputs[i].size();
      if (i % 7 == 3) Sig(i, HashAlgo::kMd5, size, &lists_.hdb);
      if (i % 17 == 8) Sig(i, HashAlgo::kMd5, std::nullopt, &lists_.hdb);
      if (i % 11 == 5) Sig(i, HashAlgo::kSha1, size, &lists_.hsb);
      if (i % 13 == 6) Sig(i, HashAlgo::kSha256, std::nullopt, &lists_.hsb);
      if (i % 19 == 9) Sig(i, HashAlgo::kSha256, size + 1, &lists_.hsb);
      if (i % 9 == 4) Allow(i, HashAlgo::kMd5, size, &lists_.fp);
      if (i % 29 == 12) Allow(i, HashAlgo::kSha256, size, &lists_.sfp);
      if (i % 31 == 15) Allow(i, HashAlgo::kSha1, std::nullopt, &lists_.sfp);
      if (i % 37 == 20) Allow(i, HashAlgo::kMd5, size + 1, &lists_.fp);
    }
    return std::move(lists_);
  }

 private:
  void Sig(size_t i, HashAlgo algo, std::optional<uint64_t> size,
           std::string* text) {
    sigs::HashSig sig;
    sig.name = prefix_ + ".H" + std::to_string(i) + "." +
               std::string(core::HashAlgoName(algo)) + (size ? "" : "-any");
    sig.algo = algo;
    sig.digest = core::HashBytes(algo, View(corpus_->inputs[i]));
    sig.size = size;
    *text += HashLine(sig.digest, algo, size, sig.name);
    corpus_->set.hashes.push_back(sig);
    ++lists_.signatures;
  }

  void Allow(size_t i, HashAlgo algo, std::optional<uint64_t> size,
             std::string* text) {
    ByteView data = View(corpus_->inputs[i]);
    *text += HashLine(core::HashBytes(algo, data), algo, size,
                      prefix_ + ".Allow" + std::to_string(i));
    if (!size || *size == data.size()) lists_.allowed.insert(i);
    ++lists_.allow_entries;
  }

  Corpus* corpus_;
  std::string prefix_;
  HashLists lists_;
};

// .hdb lines for some text or HTML inputs: MD5s of the whole input and of
// the normalised buffers vigil makes for it (the normalised text; the HTML
// nocomment and notags forms), which ClamAV hashes when it scans them as
// objects of their own. Adds them to the corpus's set.
std::string NormalisedHashes(Corpus* corpus, const std::string& prefix,
                             bool html) {
  std::string text;
  auto add = [&](ByteView bytes, const std::string& name) {
    sigs::HashSig sig;
    sig.name = name;
    sig.digest = core::HashBytes(HashAlgo::kMd5, bytes);
    sig.size = bytes.size();
    text += HashLine(sig.digest, HashAlgo::kMd5, sig.size, sig.name);
    corpus->set.hashes.push_back(sig);
  };
  for (size_t i = 0; i < corpus->inputs.size(); ++i) {
    ByteView in = View(corpus->inputs[i]);
    std::string n = prefix + ".H" + std::to_string(i);
    if (i % 12 == 7) add(in, n + ".whole");
    if (html) {
      formats::HtmlBuffers b;
      formats::NormalizeHtmlAll(in, {}, &b);
      if (i % 5 == 1) add(ByteView(b.nocomment), n + ".nocomment");
      if (i % 7 == 2) add(ByteView(b.notags), n + ".notags");
    } else if (i % 5 == 1) {
      std::vector<std::byte> normalised;
      formats::NormalizeText(in, &normalised, {});
      add(ByteView(normalised), n + ".normalised");
    }
  }
  return text;
}

// ---------------------------------------------------------------- comparing

// Where clamscan and vigil disagree on one file: `name` printed by exactly
// one of them.
struct FileDisagreement {
  size_t input = 0;
  std::string name;
  bool by_clamscan = false;
};

struct Outcome {
  size_t clamscan_detections = 0;
  size_t vigil_detections = 0;
  size_t agreeing_files = 0;
  std::vector<FileDisagreement> disagreements;
};

const std::set<std::string>& NamesOf(const ClamscanResult& r,
                                     const std::string& file) {
  static const std::set<std::string> kNone;
  auto it = r.found.find(file);
  return it == r.found.end() ? kNone : it->second;
}

Outcome Compare(const std::vector<std::string>& files,
                const ClamscanResult& clamscan, const ClamscanResult& vigil) {
  Outcome o;
  for (size_t i = 0; i < files.size(); ++i) {
    const auto& c = NamesOf(clamscan, files[i]);
    const auto& v = NamesOf(vigil, files[i]);
    o.clamscan_detections += c.size();
    o.vigil_detections += v.size();
    if (c == v) ++o.agreeing_files;
    for (const std::string& n : c) {
      if (v.count(n) == 0) o.disagreements.push_back({i, n, true});
    }
    for (const std::string& n : v) {
      if (c.count(n) == 0) o.disagreements.push_back({i, n, false});
    }
  }
  return o;
}

// The database line of the signature named `name` (".UNOFFICIAL" already
// stripped by the caller's view of the set: set names have none).
std::string SignatureLine(const sigs::SignatureSet& set,
                          const std::string& name) {
  std::string bare = StripUnofficial(name);
  for (const auto& b : set.bodies) {
    if (b.name == bare) return reference::RenderNdbLine(b);
  }
  for (const auto& l : set.logicals) {
    if (l.name == bare) return reference::RenderLdbLine(l);
  }
  for (const auto& h : set.hashes) {
    if (h.name == bare) return HashLine(h.digest, h.algo, h.size, h.name);
  }
  return "(not in the generated set)";
}

// Up to 30 disagreements with the signature's text, the input and, when
// `reference` is given, what the reference matcher says about the input.
std::string Describe(
    const Corpus& corpus, const std::vector<std::string>& files,
    const Outcome& o,
    const std::function<std::string(size_t, const std::string&)>& reference) {
  std::ostringstream os;
  os << o.disagreements.size()
     << " disagreement(s) between clamscan and vigil:\n";
  size_t shown = 0;
  for (const FileDisagreement& d : o.disagreements) {
    if (shown++ == 30) break;
    os << "  " << files[d.input] << " (" << corpus.inputs[d.input].size()
       << " bytes): only " << (d.by_clamscan ? "clamscan" : "vigil")
       << " reports " << d.name;
    if (reference) os << "; reference: " << reference(d.input, d.name);
    os << "\n    " << SignatureLine(corpus.set, d.name) << "\n";
  }
  return os.str();
}

// Detections per target type of the signature, and of hash signatures per
// what was hashed (from clamscan's names).
std::string TargetTally(const sigs::SignatureSet& set,
                        const std::vector<std::string>& files,
                        const ClamscanResult& clamscan) {
  std::map<std::string, int> target_of;
  for (const auto& b : set.bodies) target_of[b.name] = b.target;
  for (const auto& l : set.logicals)
    target_of[l.name] = l.tdb.target.value_or(0);
  std::map<std::string, size_t> tally;
  for (const std::string& f : files) {
    for (const std::string& n : NamesOf(clamscan, f)) {
      std::string bare = StripUnofficial(n);
      auto it = target_of.find(bare);
      if (it != target_of.end()) {
        ++tally["target " + std::to_string(it->second)];
      } else {  // a hash signature: "<prefix>.H<i>.<what was hashed>"
        ++tally["hash of " + bare.substr(bare.rfind('.') + 1)];
      }
    }
  }
  std::string out;
  for (const auto& [what, n] : tally) {
    out += (out.empty() ? "" : ", ") + what + ": " + std::to_string(n);
  }
  return out;
}

// ---------------------------------------------------------------- runs

// One seed's corpora, each in a directory of its own; every function
// returns the number of disagreements (and records them as failures).
class SeedRun {
 public:
  SeedRun(std::string clamscan, std::string vigil, uint64_t seed)
      : clamscan_(std::move(clamscan)), vigil_(std::move(vigil)), seed_(seed) {}

  size_t Binary();
  size_t Text();
  size_t Html();

 private:
  // A fresh directory with an empty db/ for one corpus.
  std::string NewDir() {
    dirs_.push_back(std::make_unique<TempDir>());
    const std::string& d = dirs_.back()->path();
    EXPECT_FALSE(d.empty());
    std::filesystem::create_directory(d + "/db");
    return d;
  }

  // Runs both scanners on `files`; false (with a failure) if either could
  // not load the database.
  bool RunBoth(const std::string& dir, const std::vector<std::string>& files,
               ClamscanResult* clamscan, ClamscanResult* vigil) {
    ScanCommand command;
    command.databases = {dir + "/db"};
    command.files = files;
    command.work_dir = dir;
    command.cache_dir = dir + "/cache";
    command.keep_unofficial = true;  // both print it
    *clamscan = RunClamscan(clamscan_, command);
    EXPECT_TRUE(Completed(*clamscan))
        << "clamscan exit code " << clamscan->exit_code
        << " (a generated signature it rejects?):\n"
        << clamscan->stderr_text;
    *vigil = RunVigil(vigil_, command);
    EXPECT_TRUE(Completed(*vigil))
        << "vigil exit code " << vigil->exit_code << ":\n"
        << vigil->stderr_text;
    return Completed(*clamscan) && Completed(*vigil);
  }

  void Report(const char* what, const Corpus& corpus,
              const std::vector<std::string>& files, const Outcome& o,
              const std::string& extra) {
    std::printf(
        "seed %llu %s: %zu signatures, %zu inputs, %zu detections by "
        "clamscan, %zu by vigil, %zu of %zu files agree, %zu "
        "disagreements\n  %s\n",
        static_cast<unsigned long long>(seed_), what,
        corpus.set.bodies.size() + corpus.set.logicals.size() +
            corpus.set.hashes.size(),
        files.size(), o.clamscan_detections, o.vigil_detections,
        o.agreeing_files, files.size(), o.disagreements.size(), extra.c_str());
  }

  std::string clamscan_;
  std::string vigil_;
  uint64_t seed_;
  std::vector<std::unique_ptr<TempDir>> dirs_;
};

size_t SeedRun::Binary() {
  Corpus corpus = MakeCorpus(seed_, 150, 150, 250, {});
  std::string prefix = "Vg" + std::to_string(seed_);
  HashLists hashes = HashListBuilder(&corpus, prefix).Build();
  std::string dir = NewDir();
  std::string db = dir + "/db";
  WriteFile(db + "/gen.ndb", NdbText(corpus.set));
  WriteFile(db + "/gen.ldb", LdbText(corpus.set));
  WriteFile(db + "/gen.hdb", hashes.hdb);
  WriteFile(db + "/gen.hsb", hashes.hsb);
  WriteFile(db + "/gen.fp", hashes.fp);
  WriteFile(db + "/gen.sfp", hashes.sfp);
  std::vector<std::string> files = WriteInputs(corpus, dir, "in");
  ClamscanResult clamscan, vigil;
  if (!RunBoth(dir, files, &clamscan, &vigil)) return 1;
  for (const auto& [type, count] : clamscan.recognized) {
    EXPECT_EQ(type, "binary data") << count << " object(s) typed " << type;
  }
  // The reference's names, allow lists applied.
  auto reference_names = [&](size_t i) {
    std::set<std::string> names;
    if (hashes.allowed.count(i) != 0) return names;
    for (std::string& n : reference::MatchingSignatures(
             corpus.set, View(corpus.inputs[i]), kBinaryTargets)) {
      names.insert(std::move(n));
    }
    return names;
  };
  size_t reference_agrees = 0;
  for (size_t i = 0; i < files.size(); ++i) {
    std::set<std::string> c;
    for (const std::string& n : NamesOf(clamscan, files[i]))
      c.insert(StripUnofficial(n));
    reference_agrees += reference_names(i) == c ? 1 : 0;
  }
  Outcome o = Compare(files, clamscan, vigil);
  Report("binary", corpus, files, o,
         std::to_string(hashes.signatures) + " hash signatures, " +
             std::to_string(hashes.allow_entries) + " allow entries (" +
             std::to_string(hashes.allowed.size()) +
             " inputs allowed); the reference agrees with clamscan on " +
             std::to_string(reference_agrees) + " files");
  EXPECT_TRUE(o.disagreements.empty())
      << Describe(corpus, files, o, [&](size_t i, const std::string& name) {
           return reference_names(i).count(StripUnofficial(name)) != 0
                      ? std::string("matches")
                      : std::string("no match");
         });
  return o.disagreements.size();
}

size_t SeedRun::Text() {
  Corpus corpus;
  corpus.set = MakeTextSet(seed_ + 100, 100, 100, TextKind::kText,
                           "Vt" + std::to_string(seed_));
  reference::Rng rng(seed_ * 7919 + 3);
  for (int i = 0; i < 200; ++i)
    corpus.inputs.push_back(MakeTextInput(corpus.set, rng));
  std::string dir = NewDir();
  WriteFile(dir + "/db/gen.ndb", NdbText(corpus.set));
  WriteFile(dir + "/db/gen.ldb", LdbText(corpus.set));
  WriteFile(dir + "/db/gen.hdb",
            NormalisedHashes(&corpus, "Vt" + std::to_string(seed_), false));
  std::vector<std::string> files = WriteInputs(corpus, dir, "text");
  ClamscanResult clamscan, vigil;
  if (!RunBoth(dir, files, &clamscan, &vigil)) return 1;
  for (const auto& [type, count] : clamscan.recognized) {
    EXPECT_EQ(type, "ASCII text") << count << " object(s) typed " << type;
  }
  EXPECT_EQ(clamscan.markers.count("HTML data"), 0u);
  Outcome o = Compare(files, clamscan, vigil);
  Report("text", corpus, files, o, TargetTally(corpus.set, files, clamscan));
  EXPECT_TRUE(o.disagreements.empty()) << Describe(corpus, files, o, nullptr);
  return o.disagreements.size();
}

size_t SeedRun::Html() {
  Corpus corpus;
  corpus.set = MakeTextSet(seed_ + 200, 100, 100, TextKind::kHtml,
                           "Vh" + std::to_string(seed_));
  reference::Rng rng(seed_ * 7919 + 5);
  for (int i = 0; i < 200; ++i)
    corpus.inputs.push_back(MakeHtmlInput(corpus.set, rng));
  std::string dir = NewDir();
  WriteFile(dir + "/db/gen.ndb", NdbText(corpus.set));
  WriteFile(dir + "/db/gen.ldb", LdbText(corpus.set));
  WriteFile(dir + "/db/gen.hdb",
            NormalisedHashes(&corpus, "Vh" + std::to_string(seed_), true));
  std::vector<std::string> files = WriteInputs(corpus, dir, "page");
  ClamscanResult clamscan, vigil;
  if (!RunBoth(dir, files, &clamscan, &vigil)) return 1;
  EXPECT_EQ(clamscan.markers["HTML data"], static_cast<int>(files.size()));
  Outcome o = Compare(files, clamscan, vigil);
  Report("html", corpus, files, o, TargetTally(corpus.set, files, clamscan));
  EXPECT_TRUE(o.disagreements.empty()) << Describe(corpus, files, o, nullptr);
  return o.disagreements.size();
}

// ---------------------------------------------------------------- tests

class EngineVsClamscan : public ::testing::TestWithParam<uint64_t> {
 protected:
  void SetUp() override {
    auto clamscan = FindClamscan();
    auto vigil = FindVigil();
    if (!clamscan) GTEST_SKIP() << "clamscan is not installed";
    if (!vigil) GTEST_SKIP() << "the vigil binary was not built";
    run_ = std::make_unique<SeedRun>(*clamscan, *vigil, GetParam());
  }
  std::unique_ptr<SeedRun> run_;
};

TEST_P(EngineVsClamscan, BinaryInputsWithHashesAndAllowLists) {
  run_->Binary();
}

TEST_P(EngineVsClamscan, TextInputsNormalisedPass) { run_->Text(); }

TEST_P(EngineVsClamscan, HtmlInputsNormalisedPasses) { run_->Html(); }

INSTANTIATE_TEST_SUITE_P(Seeds, EngineVsClamscan, ::testing::Values(1, 2, 3));

// For hunting rare disagreements by hand: VIGIL_DIFF_SEEDS=FIRST-LAST, and
// VIGIL_DIFF_CORPORA=binary,text,html (default all three).
TEST(EngineVsClamscanMore, SeedsFromEnvironment) {
  const char* env = std::getenv("VIGIL_DIFF_SEEDS");
  auto clamscan = FindClamscan();
  auto vigil = FindVigil();
  if (!env || !clamscan || !vigil) {
    GTEST_SKIP() << "set VIGIL_DIFF_SEEDS=FIRST-LAST";
  }
  const char* corpora_env = std::getenv("VIGIL_DIFF_CORPORA");
  std::string corpora = corpora_env ? corpora_env : "binary,text,html";
  std::string range(env);
  size_t dash = range.find('-');
  uint64_t first = std::stoull(range.substr(0, dash));
  uint64_t last =
      dash == std::string::npos ? first : std::stoull(range.substr(dash + 1));
  size_t total = 0;
  for (uint64_t seed = first; seed <= last; ++seed) {
    SeedRun run(*clamscan, *vigil, seed);
    if (corpora.find("binary") != std::string::npos) total += run.Binary();
    if (corpora.find("text") != std::string::npos) total += run.Text();
    if (corpora.find("html") != std::string::npos) total += run.Html();
  }
  std::printf("seeds %llu-%llu: %zu disagreements\n",
              static_cast<unsigned long long>(first),
              static_cast<unsigned long long>(last), total);
}

}  // namespace
}  // namespace vigil::diff
