// Golden tests of user-visible diagnostics: every file in tests/golden/sigs/
// with a NAME.expected next to it is loaded, and the diagnostics must read
// exactly as NAME.expected says (paths relative to that directory). Every
// diagnostic code must have such a case, and docs/signature-diagnostics.md
// must document it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "sigs/diagnostic_codes.h"
#include "sigs/loader.h"

namespace vigil::sigs {
namespace {

namespace fs = std::filesystem;

fs::path GoldenDir() {
  return fs::path(VIGIL_SOURCE_DIR) / "tests/golden/sigs";
}

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Relativize(std::string text, const std::string& prefix) {
  for (size_t at = text.find(prefix); at != std::string::npos;
       at = text.find(prefix, at)) {
    text.erase(at, prefix.size());
  }
  return text;
}

std::string Diagnose(const fs::path& input) {
  SignatureSet set;
  std::vector<Diagnostic> diags;
  Status st = LoadDatabases({input.string()}, {}, &set, &diags);
  std::string out;
  for (const Diagnostic& d : diags) out += FormatDiagnostic(d) + "\n";
  if (!st.ok() && diags.empty()) out += "status: " + st.message() + "\n";
  return Relativize(out, GoldenDir().string() + "/");
}

std::vector<fs::path> ExpectedFiles() {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(GoldenDir())) {
    if (e.path().extension() == ".expected") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(SigsGolden, DiagnosticsMatch) {
  std::vector<fs::path> cases = ExpectedFiles();
  ASSERT_FALSE(cases.empty());
  for (const fs::path& expected : cases) {
    fs::path input = expected.parent_path() / expected.stem();
    EXPECT_EQ(Diagnose(input), ReadAll(expected))
        << "case " << input.filename();
  }
}

TEST(SigsGolden, EveryCodeHasACaseAndDocumentation) {
  std::string all;
  for (const fs::path& expected : ExpectedFiles()) all += ReadAll(expected);
  std::string docs =
      ReadAll(fs::path(VIGIL_SOURCE_DIR) / "docs/signature-diagnostics.md");
  for (const DiagCodeInfo& info : AllDiagCodes()) {
    std::string tag(1, '[');
    tag.append(info.id).push_back(']');
    EXPECT_NE(all.find(tag), std::string::npos)
        << info.id << " has no golden case";
    EXPECT_NE(docs.find("### " + std::string(info.id)), std::string::npos)
        << info.id << " is not documented";
  }
}

TEST(SigsGolden, CodesAreUniqueAndWellFormed) {
  std::set<std::string_view> seen;
  for (const DiagCodeInfo& info : AllDiagCodes()) {
    EXPECT_TRUE(seen.insert(info.id).second) << info.id;
    ASSERT_EQ(info.id.size(), 5u);
    EXPECT_EQ(info.id[0], info.severity == Severity::kError ? 'E' : 'W');
  }
}

}  // namespace
}  // namespace vigil::sigs
