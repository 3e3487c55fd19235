// hs_anchors ANCHORS CORPUS: compiles the expressions of ANCHORS (one per
// line, HS_FLAG_DOTALL, block mode) into one database and scans every file
// of CORPUS with it from memory, three times; prints the library version,
// compile time, database size and the fastest pass.
//
// Built twice by bench/engines/run.sh, statically against Vectorscan and
// against Hyperscan, so both run the same code on the same expressions.
#include <hs.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

using Clock = std::chrono::steady_clock;

static int OnMatch(unsigned, unsigned long long, unsigned long long, unsigned,
                   void* ctx) {
  ++*static_cast<size_t*>(ctx);
  return 0;
}

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: hs_anchors ANCHORS CORPUS\n");
    return 2;
  }
  std::ifstream in(argv[1]);
  std::vector<std::string> exprs;
  for (std::string line; std::getline(in, line);) exprs.push_back(line);
  std::vector<const char*> ptrs;
  std::vector<unsigned> flags, ids;
  for (size_t i = 0; i < exprs.size(); ++i) {
    ptrs.push_back(exprs[i].c_str());
    flags.push_back(HS_FLAG_DOTALL);
    ids.push_back(static_cast<unsigned>(i));
  }
  const auto t0 = Clock::now();
  hs_database_t* db = nullptr;
  hs_compile_error_t* err = nullptr;
  if (hs_compile_multi(ptrs.data(), flags.data(), ids.data(),
                       static_cast<unsigned>(ptrs.size()), HS_MODE_BLOCK,
                       nullptr, &db, &err) != HS_SUCCESS) {
    std::fprintf(stderr, "compile error: %s\n", err->message);
    return 1;
  }
  const double compile_s =
      std::chrono::duration<double>(Clock::now() - t0).count();
  size_t db_bytes = 0;
  hs_database_size(db, &db_bytes);

  std::vector<std::vector<char>> files;
  size_t bytes = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(argv[2])) {
    if (!e.is_regular_file()) continue;
    std::ifstream f(e.path(), std::ios::binary);
    files.emplace_back(std::istreambuf_iterator<char>(f),
                       std::istreambuf_iterator<char>());
    bytes += files.back().size();
  }
  hs_scratch_t* scratch = nullptr;
  hs_alloc_scratch(db, &scratch);
  double best = 1e9;
  size_t hits = 0;
  for (int pass = 0; pass < 3; ++pass) {
    hits = 0;
    const auto t1 = Clock::now();
    for (const auto& data : files) {
      hs_scan(db, data.data(), static_cast<unsigned>(data.size()), 0, scratch,
              OnMatch, &hits);
    }
    best = std::min(best,
                    std::chrono::duration<double>(Clock::now() - t1).count());
  }
  std::printf(
      "%s: %zu expressions, compile %.2f s, database %.1f MiB, "
      "scan %.3f s = %.0f MiB/s, %zu matches\n",
      hs_version(), exprs.size(), compile_s, db_bytes / 1048576.0, best,
      bytes / 1048576.0 / best, hits);
  return 0;
}
