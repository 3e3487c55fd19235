// The bundled default database (data/default-db/), embedded at build time
// so that `vigil scan PATH` works on a fresh machine with no -d.
#ifndef VIGIL_CLI_DEFAULT_DB_H_
#define VIGIL_CLI_DEFAULT_DB_H_

#include <string>
#include <utility>
#include <vector>

namespace vigil::cli {

// (file name, content) of each bundled database file.
const std::vector<std::pair<std::string, std::string>>& DefaultDatabaseFiles();

}  // namespace vigil::cli

#endif  // VIGIL_CLI_DEFAULT_DB_H_
