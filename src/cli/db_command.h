// `vigil db compile` and `vigil db info`.
#ifndef VIGIL_CLI_DB_COMMAND_H_
#define VIGIL_CLI_DB_COMMAND_H_

#include <string>
#include <vector>

namespace vigil::cli {

struct DbCompileOptions {
  std::vector<std::string> sources;
  std::string output;
  unsigned threads = 0;
  bool official_only = false;
};
int RunDbCompile(const DbCompileOptions& o);

struct DbInfoOptions {
  std::string path;
  bool verify = false;  // check the content hash too
  bool json = false;
};
int RunDbInfo(const DbInfoOptions& o);

}  // namespace vigil::cli

#endif  // VIGIL_CLI_DB_COMMAND_H_
