#include "clamav_cli.h"

#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <regex>
#include <sstream>

namespace vigil::testing {

namespace fs = std::filesystem;

bool HaveTool(const std::string& tool) {
  const char* path = std::getenv("PATH");
  if (!path) return false;
  std::stringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (!dir.empty() && ::access((fs::path(dir) / tool).c_str(), X_OK) == 0)
      return true;
  }
  return false;
}

TempDir::TempDir() {
  std::string pattern =
      (fs::temp_directory_path() / "vigil-test-XXXXXX").string();
  if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  if (!path_.empty()) fs::remove_all(path_, ec);
}

void WriteFile(const fs::path& path, const std::string& bytes) {
  if (path.has_parent_path()) fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::optional<std::string> ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Run(const std::string& command) {
  struct Closer {
    void operator()(FILE* f) const { ::pclose(f); }
  };
  std::unique_ptr<FILE, Closer> pipe(::popen(command.c_str(), "r"));
  std::string out;
  if (!pipe) return out;
  std::array<char, 65536> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe.get())) > 0)
    out.append(buf.data(), n);
  return out;
}

std::vector<std::string> ClamscanTypes(const std::vector<std::string>& blobs) {
  TempDir dir;
  std::string list;
  for (size_t i = 0; i < blobs.size(); ++i) {
    fs::path p = dir.path() / ("f" + std::to_string(i));
    WriteFile(p, blobs[i]);
    list += p.string() + "\n";
  }
  WriteFile(dir.path() / "list", list);
  // A database is required; this one never matches.
  WriteFile(dir.path() / "none.ndb",
            "Vigil.Never:0:*:0102030405060708090a0b0c0d0e0f10\n");
  std::string cmd =
      "clamscan --no-summary --gen-json --debug --disable-cache"
      " --max-scantime=5000 -d " +
      (dir.path() / "none.ndb").string() + " -f " +
      (dir.path() / "list").string() + " 2>&1 >/dev/null";
  std::string log = Run(cmd);
  // The --gen-json document of each file is printed to the debug log.
  static const std::regex kDoc(
      R"re("FileName":"f(\d+)",\s*"FileType":"(CL_TYPE_[A-Z0-9_]+)")re");
  std::map<size_t, std::string> types;
  for (std::sregex_iterator it(log.begin(), log.end(), kDoc), end; it != end;
       ++it) {
    types.emplace(std::stoul((*it)[1]), (*it)[2]);
  }
  std::vector<std::string> out(blobs.size());
  for (auto& [i, t] : types) {
    if (i < out.size()) out[i] = t;
  }
  return out;
}

std::optional<std::string> SigtoolAsciiNormalise(const std::string& input) {
  TempDir dir;
  WriteFile(dir.path() / "in", input);
  Run("cd '" + dir.path().string() +
      "' && sigtool --ascii-normalise in >/dev/null 2>&1");
  return ReadFile(dir.path() / "normalised_text");
}

std::optional<SigtoolHtml> SigtoolHtmlNormalise(const std::string& input) {
  TempDir dir;
  WriteFile(dir.path() / "in", input);
  // sigtool 1.4.6 may abort after writing its files (a double free on exit);
  // the files are complete by then.
  Run("cd '" + dir.path().string() +
      "' && sigtool --html-normalise in >/dev/null 2>&1");
  SigtoolHtml out;
  auto nocomment = ReadFile(dir.path() / "nocomment.html");
  if (!nocomment) return std::nullopt;
  out.nocomment = *nocomment;
  out.notags = ReadFile(dir.path() / "notags.html").value_or("");
  out.javascript = ReadFile(dir.path() / "javascript").value_or("");
  return out;
}

}  // namespace vigil::testing
