#include "diff/diff_support.h"

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "reference/reference_matcher.h"

namespace vigil::diff {

Corpus MakeCorpus(uint64_t seed, size_t bodies, size_t logicals, size_t inputs,
                  const reference::InputOptions& input_options) {
  Corpus c;
  reference::SigGenerator gen(seed);
  c.set = gen.Set(bodies, logicals, "Vg" + std::to_string(seed));
  reference::Rng rng(seed * 7919 + 1);
  for (size_t i = 0; i < inputs; ++i) {
    c.inputs.push_back(reference::MakeInput(c.set, rng, input_options));
  }
  return c;
}

namespace {

void PatternFeatures(const sigs::Pattern& p, const sigs::Offset& off,
                     std::set<std::string>* tags) {
  using sigs::Node;
  std::vector<bool> split = reference::SplittingGaps(p.nodes);
  for (size_t i = 0; i < p.nodes.size(); ++i) {
    const Node& n = p.nodes[i];
    switch (n.kind) {
      case Node::Kind::kByte:
        if (n.set_index >= 0) {
          tags->insert(p.sets[static_cast<size_t>(n.set_index)].count() > 128
                           ? "negated-set"
                           : "set");
        } else if (n.mask == 0) {
          tags->insert("??");
        } else if (n.mask != 0xff) {
          tags->insert("nibble");
        }
        break;
      case Node::Kind::kGap:
        tags->insert(split[i] ? "split-gap" : "{n}");
        break;
      case Node::Kind::kAlternation:
        tags->insert(p.alternations[n.alt_index].negated ? "negated-alt"
                                                         : "alternation");
        break;
      case Node::Kind::kBoundary:
        switch (reference::BoundaryEdgeAt(p.nodes, i)) {
          case reference::BoundaryEdge::kLookbehind:
            tags->insert("boundary-before");
            break;
          case reference::BoundaryEdge::kLookahead:
            tags->insert("boundary-after");
            break;
          case reference::BoundaryEdge::kConsume:
            tags->insert("boundary-inside");
            break;
        }
        break;
    }
  }
  if (reference::RangeAnchorOf(p) != reference::RangeAnchor::kNone)
    tags->insert("[x-y]");
  if (off.kind == sigs::Offset::Kind::kAbsolute) tags->insert("offset-n");
  if (off.kind == sigs::Offset::Kind::kEofMinus) tags->insert("offset-eof");
  if (off.max_shift > 0) tags->insert("offset-shift");
}

}  // namespace

void TallyFeatures(const sigs::SignatureSet& set, const std::string& name,
                   ByteView data, std::map<std::string, size_t>* tally) {
  std::set<std::string> tags;
  for (const auto& b : set.bodies) {
    if (b.name == name) PatternFeatures(b.pattern, b.offset, &tags);
  }
  for (const auto& l : set.logicals) {
    if (l.name != name) continue;
    std::vector<uint64_t> counts = reference::SubsigCounts(l, data);
    bool any = false;
    for (size_t i = 0; i < l.subsigs.size(); ++i) {
      if (counts[i] == 0) continue;
      any = true;
      const sigs::Subsig& s = l.subsigs[i];
      if (s.kind == sigs::Subsig::Kind::kPcre) tags.insert("pcre");
      if (s.kind == sigs::Subsig::Kind::kByteCompare)
        tags.insert("byte-compare");
      if (s.kind != sigs::Subsig::Kind::kBody) continue;
      PatternFeatures(s.pattern, s.offset, &tags);
      if (s.modifiers.nocase) tags.insert("::i");
      if (s.modifiers.wide) tags.insert("::w");
      if (s.modifiers.fullword) tags.insert("::f");
      if (s.modifiers.ascii) tags.insert("::a");
      if (counts[i] > 1) tags.insert("count>1");
    }
    tags.insert(any ? "logical" : "logical-vacuous");
  }
  for (const std::string& t : tags) ++(*tally)[t];
}

std::string FormatTally(const std::map<std::string, size_t>& tally) {
  std::string out;
  for (const auto& [tag, n] : tally) {
    out += (out.empty() ? "" : ", ") + tag + " " + std::to_string(n);
  }
  return out;
}

std::string StripUnofficial(std::string name) {
  static const std::string kSuffix = ".UNOFFICIAL";
  if (name.size() >= kSuffix.size() &&
      name.compare(name.size() - kSuffix.size(), kSuffix.size(), kSuffix) ==
          0) {
    name.resize(name.size() - kSuffix.size());
  }
  return name;
}

TempDir::TempDir() {
  std::string tmpl =
      (std::filesystem::temp_directory_path() / "vigil-diff-XXXXXX").string();
  if (mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
}

TempDir::~TempDir() {
  if (path_.empty() || std::getenv("VIGIL_DIFF_KEEP") != nullptr) return;
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
}

std::optional<std::string> FindClamscan() {
  if (const char* env = std::getenv("VIGIL_CLAMSCAN")) return std::string(env);
  for (const char* p : {"/usr/bin/clamscan", "/usr/local/bin/clamscan"}) {
    if (access(p, X_OK) == 0) return std::string(p);
  }
  return std::nullopt;
}

namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs argv with stdout and stderr sent to files; returns the exit code.
int RunToFiles(const std::vector<std::string>& argv, const std::string& out,
               const std::string& err) {
  std::fflush(stdout);  // or the child would flush our buffer a second time
  std::fflush(stderr);
  pid_t pid = fork();
  if (pid == 0) {
    if (!std::freopen(out.c_str(), "w", stdout) ||
        !std::freopen(err.c_str(), "w", stderr)) {
      _exit(127);
    }
    std::vector<char*> args;
    for (const std::string& a : argv)
      args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  if (pid < 0 || waitpid(pid, &status, 0) < 0) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

std::optional<std::string> FindVigil() {
  if (const char* env = std::getenv("VIGIL_VIGIL")) return std::string(env);
#ifdef VIGIL_CLI_BINARY
  if (access(VIGIL_CLI_BINARY, X_OK) == 0) return std::string(VIGIL_CLI_BINARY);
#endif
  return std::nullopt;
}

namespace {

// "PATH: NAME FOUND" lines. Paths given to the scanners in these tests never
// contain ": ", names may (legacy .db names hold spaces, '#', '(' ...).
void ParseFoundLines(const std::string& text, bool keep_unofficial,
                     ClamscanResult* r) {
  std::istringstream lines(text);
  static const std::string kFound = " FOUND";
  for (std::string line; std::getline(lines, line);) {
    if (line.size() < kFound.size() ||
        line.compare(line.size() - kFound.size(), kFound.size(), kFound) != 0) {
      continue;
    }
    size_t colon = line.find(": ");
    if (colon == std::string::npos || colon + 2 > line.size() - kFound.size())
      continue;
    std::string name =
        line.substr(colon + 2, line.size() - kFound.size() - colon - 2);
    r->found[line.substr(0, colon)].insert(
        keep_unofficial ? name : StripUnofficial(name));
  }
}

// Keeps the lines that are not debug chatter.
std::string WithoutDebugLines(const std::string& text) {
  std::string errors;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.find("debug:") == std::string::npos) errors += line + "\n";
  }
  return errors;
}

ClamscanResult RunScanner(std::vector<std::string> argv,
                          const ScanCommand& command, const std::string& tag) {
  for (const std::string& db : command.databases) {
    argv.push_back("-d");
    argv.push_back(db);
  }
  argv.insert(argv.end(), command.files.begin(), command.files.end());
  std::string out = command.work_dir + "/" + tag + ".out";
  std::string err = command.work_dir + "/" + tag + ".err";
  ClamscanResult r;
  auto t0 = std::chrono::steady_clock::now();
  r.exit_code = RunToFiles(argv, out, err);
  r.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
          .count();
  r.stderr_text = ReadAll(err);
  static const std::string kRecognized = "LibClamAV debug: Recognized ";
  std::istringstream log(r.stderr_text);
  static const std::string kMarker =
      "LibClamAV debug: Matched signature for file type ";
  for (std::string line; std::getline(log, line);) {
    if (line.rfind(kRecognized, 0) == 0)
      ++r.recognized[line.substr(kRecognized.size())];
    if (line.rfind(kMarker, 0) == 0) {
      std::string type = line.substr(kMarker.size());
      ++r.markers[type.substr(0, type.rfind(" at "))];
    }
  }
  // Keep the errors, drop the debug chatter (megabytes for large sets).
  r.stderr_text = WithoutDebugLines(r.stderr_text);
  ParseFoundLines(ReadAll(out), command.keep_unofficial, &r);
  return r;
}

}  // namespace

ClamscanResult RunClamscan(const std::string& clamscan,
                           const std::string& db_dir,
                           const std::vector<std::string>& files,
                           const std::string& work_dir) {
  ScanCommand command;
  command.databases = {db_dir};
  command.files = files;
  command.work_dir = work_dir;
  return RunClamscan(clamscan, command);
}

ClamscanResult RunClamscan(const std::string& clamscan,
                           const ScanCommand& command) {
  std::vector<std::string> argv = {clamscan, "-z", "--no-summary"};
  if (command.debug) argv.push_back("--debug");
  return RunScanner(std::move(argv), command, "clamscan");
}

ClamscanResult RunVigil(const std::string& vigil, const ScanCommand& command) {
  std::vector<std::string> argv = {vigil, "scan", "-z", "--no-summary",
                                   "--no-progress"};
  if (command.cache_dir.empty()) {
    argv.push_back("--no-cache");
  } else {
    argv.push_back("--cache-dir=" + command.cache_dir);
  }
  return RunScanner(std::move(argv), command, "vigil");
}

void CompareNames(size_t input, const std::vector<std::string>& reference,
                  const std::set<std::string>& other,
                  std::vector<Disagreement>* out) {
  std::set<std::string> ref;
  for (const std::string& n : reference) ref.insert(StripUnofficial(n));
  for (const std::string& n : ref) {
    if (other.count(n) == 0) out->push_back({input, n, true});
  }
  for (const std::string& n : other) {
    if (ref.count(n) == 0) out->push_back({input, n, false});
  }
}

namespace {

std::string SignatureText(const sigs::SignatureSet& set,
                          const std::string& name,
                          const sigs::LogicalSig** logical) {
  *logical = nullptr;
  for (const auto& b : set.bodies) {
    if (b.name == name) return reference::RenderNdbLine(b);
  }
  for (const auto& l : set.logicals) {
    if (l.name == name) {
      *logical = &l;
      return reference::RenderLdbLine(l);
    }
  }
  return "(not in the generated set)";
}

}  // namespace

std::string DescribeDisagreements(
    const Corpus& corpus, const std::vector<Disagreement>& disagreements,
    const std::string& other_side, size_t max_signatures) {
  std::map<std::string, std::vector<const Disagreement*>> by_sig;
  for (const Disagreement& d : disagreements) by_sig[d.name].push_back(&d);
  std::ostringstream os;
  os << disagreements.size() << " disagreement(s) over " << by_sig.size()
     << " signature(s) between the reference and " << other_side << ":\n";
  size_t shown = 0;
  for (const auto& [name, list] : by_sig) {
    if (shown++ == max_signatures) break;
    const sigs::LogicalSig* logical = nullptr;
    os << "  " << SignatureText(corpus.set, name, &logical) << "\n";
    for (const Disagreement* d : list) {
      os << "    input " << d->input << " (" << corpus.inputs[d->input].size()
         << " bytes): only " << (d->by_reference ? "the reference" : other_side)
         << " reports it";
      if (logical) {
        auto counts =
            reference::SubsigCounts(*logical, View(corpus.inputs[d->input]));
        os << "; reference subsig counts:";
        for (uint64_t c : counts) os << " " << c;
      }
      os << "\n";
    }
  }
  return os.str();
}

}  // namespace vigil::diff
