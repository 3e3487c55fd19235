// Test support: runs the installed ClamAV tools (clamscan, sigtool) on
// generated inputs, for differential tests against vigil's typing and
// normalisers. Tests GTEST_SKIP when the tools are missing; the project's
// test command installs ClamAV first (scripts/install-deps.sh --test).
#ifndef VIGIL_TESTS_UNIT_FILETYPE_CLAMAV_CLI_H_
#define VIGIL_TESTS_UNIT_FILETYPE_CLAMAV_CLI_H_

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace vigil::testing {

// True when `tool` is an executable on PATH.
bool HaveTool(const std::string& tool);

// A fresh directory under $TMPDIR, removed with its contents.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Creates the parent directories first.
void WriteFile(const std::filesystem::path& path, const std::string& bytes);
std::optional<std::string> ReadFile(const std::filesystem::path& path);

// Runs `command` with /bin/sh; returns what it wrote to stdout.
std::string Run(const std::string& command);

// The CL_TYPE_* clamscan gives each blob at top level ("" when it does not
// type it, e.g. 5 bytes or less). One clamscan run for all blobs.
std::vector<std::string> ClamscanTypes(const std::vector<std::string>& blobs);

// What `sigtool --ascii-normalise` writes for `input`.
std::optional<std::string> SigtoolAsciiNormalise(const std::string& input);

// The three files `sigtool --html-normalise` writes for `input`; a file it
// did not write is "".
struct SigtoolHtml {
  std::string nocomment;
  std::string notags;
  std::string javascript;
};
std::optional<SigtoolHtml> SigtoolHtmlNormalise(const std::string& input);

}  // namespace vigil::testing

#endif  // VIGIL_TESTS_UNIT_FILETYPE_CLAMAV_CLI_H_
