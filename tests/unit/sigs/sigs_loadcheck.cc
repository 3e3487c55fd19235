// sigs_loadcheck: loads databases with vigil's loader and prints what came
// out. A tool for differential checks against clamscan and for timing the
// parsers (not a test):
//   sigs_loadcheck [--pua] [--official] [--quiet] [--repeat N] PATH...
// Prints one line "known=N hashes=... seconds=..." and every diagnostic;
// exits 2 when the load fails.
//   sigs_loadcheck --each EXT FILE
// Loads every line of FILE as a one-line database named t.EXT and prints
// "OK <known>" or "ERR <diagnostic>" per line.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "sigs/loader.h"

namespace {

int EachLine(const std::string& ext, const std::string& file) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    vigil::sigs::SignatureSet set;
    std::vector<vigil::sigs::Diagnostic> diags;
    vigil::Status st = vigil::sigs::LoadDatabaseText("t." + ext, line + "\n",
                                                     {}, &set, &diags);
    if (st.ok()) {
      std::printf("OK %llu\n",
                  static_cast<unsigned long long>(set.known_viruses));
    } else {
      std::printf("ERR %s\n", st.message().c_str());
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  using vigil::sigs::LoadOptions;
  if (argc == 4 && std::string(argv[1]) == "--each") {
    return EachLine(argv[2], argv[3]);
  }
  LoadOptions options;
  std::vector<std::string> paths;
  bool quiet = false;
  int repeat = 1;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--pua") {
      options.detect_pua = true;
    } else if (a == "--official") {
      options.official_only = true;
    } else if (a == "--quiet") {
      quiet = true;
    } else if (a == "--repeat" && i + 1 < argc) {
      repeat = std::atoi(argv[++i]);
    } else {
      paths.push_back(a);
    }
  }
  int rc = 0;
  for (int r = 0; r < repeat; ++r) {
    vigil::sigs::SignatureSet set;
    std::vector<vigil::sigs::Diagnostic> diags;
    auto t0 = std::chrono::steady_clock::now();
    vigil::Status st = vigil::sigs::LoadDatabases(paths, options, &set, &diags);
    double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
            .count();
    std::printf(
        "known=%llu hashes=%zu bodies=%zu logicals=%zu allows=%zu "
        "ignores=%zu ignored=%llu skipped_flevel=%llu "
        "skipped_unsupported=%llu seconds=%.3f\n",
        static_cast<unsigned long long>(set.known_viruses), set.hashes.size(),
        set.bodies.size(), set.logicals.size(), set.allows.size(),
        set.ignores.size(), static_cast<unsigned long long>(set.ignored),
        static_cast<unsigned long long>(set.skipped_flevel),
        static_cast<unsigned long long>(set.skipped_unsupported), secs);
    if (!quiet || !st.ok()) {
      for (const auto& d : diags) {
        std::printf("%s\n", vigil::sigs::FormatDiagnostic(d).c_str());
      }
    }
    if (!st.ok()) rc = 2;
  }
  return rc;
}
