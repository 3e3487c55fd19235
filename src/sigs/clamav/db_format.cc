#include "sigs/clamav/db_format.h"

#include <array>
#include <cctype>
#include <string>

namespace vigil::sigs::clamav {

namespace {

struct ExtEntry {
  std::string_view ext;  // lower case, without the dot
  DbFormat format;
  bool pua;
};

constexpr std::array<ExtEntry, 35> kExtensions = {{
    {"hdb", DbFormat::kFileHash, false},
    {"hsb", DbFormat::kFileHash, false},
    {"hdu", DbFormat::kFileHash, true},
    {"hsu", DbFormat::kFileHash, true},
    {"mdb", DbFormat::kSectionHash, false},
    {"msb", DbFormat::kSectionHash, false},
    {"mdu", DbFormat::kSectionHash, true},
    {"msu", DbFormat::kSectionHash, true},
    {"imp", DbFormat::kImportHash, false},
    {"fp", DbFormat::kAllowMd5, false},
    {"sfp", DbFormat::kAllowSha, false},
    {"ndb", DbFormat::kBody, false},
    {"ndu", DbFormat::kBody, true},
    {"ldb", DbFormat::kLogical, false},
    {"ldu", DbFormat::kLogical, true},
    {"ign", DbFormat::kIgnore, false},
    {"ign2", DbFormat::kIgnore, false},
    {"db", DbFormat::kLegacy, false},
    {"cvd", DbFormat::kCvd, false},
    {"cld", DbFormat::kCld, false},
    {"cud", DbFormat::kCud, false},
    {"cdb", DbFormat::kUnsupported, false},
    {"cbc", DbFormat::kUnsupported, false},
    {"pdb", DbFormat::kUnsupported, false},
    {"gdb", DbFormat::kUnsupported, false},
    {"wdb", DbFormat::kUnsupported, false},
    {"ftm", DbFormat::kUnsupported, false},
    {"cfg", DbFormat::kUnsupported, false},
    {"crb", DbFormat::kUnsupported, false},
    {"cat", DbFormat::kUnsupported, false},
    {"pwdb", DbFormat::kUnsupported, false},
    {"idb", DbFormat::kUnsupported, false},
    {"yar", DbFormat::kUnsupported, false},
    {"yara", DbFormat::kUnsupported, false},
    {"info", DbFormat::kUnsupported, false},
}};

}  // namespace

DbFileKind ClassifyDbFileName(std::string_view name) {
  size_t slash = name.find_last_of('/');
  if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
  size_t dot = name.find_last_of('.');
  if (dot == std::string_view::npos) return {};
  std::string ext(name.substr(dot + 1));
  for (char& c : ext)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const ExtEntry& e : kExtensions) {
    if (e.ext == ext) return {e.format, e.pua};
  }
  return {};
}

}  // namespace vigil::sigs::clamav
