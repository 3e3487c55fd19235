// vigil: the command line.
//
//   vigil scan [clamscan options] PATH...
//   vigil db compile -d SRC... -o FILE
//   vigil db info FILE
#include <malloc.h>

#include <CLI/CLI.hpp>
#include <cstdio>

#include "cli/db_command.h"
#include "cli/scan_command.h"
#include "cli/scan_options.h"
#include "vigil/version.h"

int main(int argc, char** argv) {
  // Buffers of large objects come and go: serve them from mmap and give
  // them back at once, instead of letting glibc raise its mmap threshold
  // and keep freed megabytes in the heap.
  mallopt(M_MMAP_THRESHOLD, 256 * 1024);
  mallopt(M_TRIM_THRESHOLD, 1024 * 1024);
  using namespace vigil::cli;
  CLI::App app{"vigil: a fast, ClamAV-compatible malware scanner"};
  app.require_subcommand(1);
  app.set_version_flag("-V,--version",
                       std::string("vigil ") + vigil::kVersionString);

  ScanCommandOptions scan;
  RawScanOptions raw;
  CLI::App* scan_cmd = app.add_subcommand(
      "scan", "Scan files and directories (clamscan options)");
  AddScanOptions(scan_cmd, &scan, &raw);

  CLI::App* db_cmd = app.add_subcommand("db", "Compile and inspect databases");
  db_cmd->require_subcommand(1);
  DbCompileOptions compile;
  CLI::App* compile_cmd =
      db_cmd->add_subcommand("compile", "Compile signature sources");
  compile_cmd
      ->add_option("-d,--database", compile.sources,
                   "Source files or directories")
      ->required();
  compile_cmd
      ->add_option("-o,--output", compile.output, "Compiled database file")
      ->required();
  compile_cmd->add_option("-j,--threads", compile.threads, "Compiler threads");
  compile_cmd->add_flag("--official-db-only", compile.official_only,
                        "Only signed containers");
  DbInfoOptions info;
  CLI::App* info_cmd =
      db_cmd->add_subcommand("info", "Describe a compiled database");
  info_cmd->add_option("file", info.path, "Compiled database")->required();
  info_cmd->add_flag("--verify", info.verify, "Also check the content hash");
  info_cmd->add_flag("--json", info.json, "Print JSON");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (scan_cmd->parsed()) {
    std::string error;
    if (!FinishScanOptions(raw, &scan, &error)) {
      std::fprintf(stderr, "%s\n", error.c_str());
      return 2;
    }
    return RunScan(scan);
  }
  if (compile_cmd->parsed()) return RunDbCompile(compile);
  if (info_cmd->parsed()) return RunDbInfo(info);
  return 2;
}
