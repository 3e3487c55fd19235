// The loader: which files, in which order, and the rules that span files.
//
// Order. ClamAV loads each -d argument in turn; inside a directory it loads
// ignore lists first, then daily.cld, daily.cvd, and the rest in readdir()
// order. vigil loads the ignore lists of *all* arguments first (so a
// `-d local.ign2` given last still applies) and sorts the rest of each
// directory by name, so the result does not depend on the file system.
//
// Skips. PUA variants (.?du) are not read unless LoadOptions::detect_pua;
// formats vigil does not implement yet are skipped with a warning; with
// official_only, everything but .cvd/.cld and ignore lists is skipped (as
// ClamAV does).
// When a directory holds both X.cvd and X.cld the older one is skipped.
//
// Containers. Their members load in archive order (so an ignore list in a
// container applies to the members after it, as in ClamAV), each checked
// against the container's .info manifest first.
#include "sigs/loader.h"

#include <algorithm>
#include <filesystem>
#include <string_view>
#include <system_error>
#include <utility>

#include "core/mapped_file.h"
#include "sigs/clamav/container.h"
#include "sigs/clamav/db_format.h"
#include "sigs/clamav/sig_sink.h"
#include "sigs/clamav/text_db.h"
#include "sigs/diagnostic_codes.h"

namespace vigil::sigs {

namespace {

namespace fs = std::filesystem;
using clamav::DbFileKind;
using clamav::DbFormat;
using clamav::IgnoreIndex;

struct DbFile {
  std::string path;
  DbFileKind kind;
};

std::string_view BaseName(std::string_view path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// ClamAV's directory order: ignore lists, daily.cld, daily.cvd, the rest.
int DirRank(const DbFile& f) {
  std::string_view name = BaseName(f.path);
  if (f.kind.format == DbFormat::kIgnore) return 0;
  if (name == "daily.cld") return 1;
  if (name == "daily.cvd") return 2;
  return 3;
}

// The container version in a file's header, 0 if unreadable.
uint32_t ContainerVersion(const std::string& path) {
  auto view = core::FileView::FromPath(path);
  if (!view.ok()) return 0;
  clamav::CvdHeader header;
  if (!clamav::ParseCvdHeader(view->bytes(), &header).ok()) return 0;
  return header.version;
}

// Of X.cvd and X.cld in one directory, keeps the newer (the .cld on a
// tie, as ClamAV does) and warns about the other.
void DropOlderDuplicates(std::vector<DbFile>* files,
                         std::vector<Diagnostic>* diagnostics) {
  std::vector<std::string> dropped;
  for (const DbFile& f : *files) {
    if (f.kind.format != DbFormat::kCvd) continue;
    std::string cld = f.path.substr(0, f.path.size() - 4) + ".cld";
    bool has_twin =
        std::any_of(files->begin(), files->end(), [&](const DbFile& g) {
          return g.kind.format == DbFormat::kCld && g.path == cld;
        });
    if (!has_twin) continue;
    bool cvd_newer = ContainerVersion(f.path) > ContainerVersion(cld);
    const std::string& loser = cvd_newer ? cld : f.path;
    const std::string& winner = cvd_newer ? f.path : cld;
    clamav::ReportWarning(DiagCode::kDuplicateContainer, loser,
                          "not newer than " + winner + "; skipped",
                          diagnostics);
    dropped.push_back(loser);
  }
  std::erase_if(*files, [&](const DbFile& f) {
    return std::find(dropped.begin(), dropped.end(), f.path) != dropped.end();
  });
}

Status ListDirectory(const std::string& dir, std::vector<DbFile>* out,
                     std::vector<Diagnostic>* diagnostics) {
  std::error_code ec;
  std::vector<DbFile> files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::error_code type_ec;
    if (!entry.is_regular_file(type_ec)) continue;
    std::string path = entry.path().string();
    DbFileKind kind = clamav::ClassifyDbFileName(path);
    if (kind.format != DbFormat::kNotDatabase) files.push_back({path, kind});
  }
  if (ec) {
    return clamav::ReportError(DiagCode::kIoError, dir, 0, 0,
                               "cannot read directory: " + ec.message(),
                               diagnostics);
  }
  if (files.empty()) {
    return clamav::ReportError(DiagCode::kNoDatabaseFiles, dir, 0, 0,
                               "no database files in this directory",
                               diagnostics);
  }
  std::sort(files.begin(), files.end(), [](const DbFile& a, const DbFile& b) {
    int ra = DirRank(a), rb = DirRank(b);
    return ra != rb ? ra < rb : a.path < b.path;
  });
  DropOlderDuplicates(&files, diagnostics);
  out->insert(out->end(), files.begin(), files.end());
  return Status::Ok();
}

// Every file `paths` names, ignore lists first, with unsupported and
// non-database files kept (the loader warns about them).
Status Expand(const std::vector<std::string>& paths, std::vector<DbFile>* out,
              std::vector<Diagnostic>* diagnostics) {
  std::vector<DbFile> all;
  for (const std::string& path : paths) {
    std::error_code ec;
    fs::file_status st = fs::status(path, ec);
    if (ec || !fs::exists(st)) {
      Status reported =
          clamav::ReportError(DiagCode::kIoError, path, 0, 0,
                              "no such file or directory", diagnostics);
      return Status::NotFound(reported.message());
    }
    if (fs::is_directory(st)) {
      VIGIL_RETURN_IF_ERROR(ListDirectory(path, &all, diagnostics));
    } else {
      all.push_back({path, clamav::ClassifyDbFileName(path)});
    }
  }
  std::stable_partition(all.begin(), all.end(), [](const DbFile& f) {
    return f.kind.format == DbFormat::kIgnore;
  });
  *out = std::move(all);
  return Status::Ok();
}

// State of one LoadDatabases / LoadDatabaseText call.
class Loader {
 public:
  Loader(const LoadOptions& options, SignatureSet* out,
         std::vector<Diagnostic>* diagnostics)
      : options_(options), out_(out), diagnostics_(diagnostics) {
    for (const IgnoreEntry& e : out_->ignores) ignores_.Add(e);
  }

  Status LoadFile(const DbFile& file);
  // `content` holds the file `name`.
  Status LoadNamed(std::string_view name, DbFileKind kind,
                   std::string_view content);

 private:
  bool Skipped(std::string_view name, DbFileKind kind, bool in_container);
  Status LoadMemory(std::string_view name, DbFileKind kind,
                    std::string_view content);
  Status LoadContainer(std::string_view name, DbFormat format,
                       std::string_view content);
  Status LoadMembers(std::string_view name,
                     const std::vector<clamav::TarMember>& members,
                     const clamav::ContainerInfo& info, bool official);
  Status LoadText(std::string_view name, DbFormat format,
                  std::string_view content, bool official);

  const LoadOptions& options_;
  SignatureSet* out_;
  std::vector<Diagnostic>* diagnostics_;
  IgnoreIndex ignores_;
};

// Whether a file (or container member) is passed over; warns when due.
bool Loader::Skipped(std::string_view name, DbFileKind kind,
                     bool in_container) {
  if (kind.format == DbFormat::kNotDatabase) {
    if (!in_container) {
      clamav::ReportWarning(DiagCode::kNotADatabase, name,
                            "not a database file name; skipped", diagnostics_);
    }
    return true;
  }
  if (kind.format == DbFormat::kUnsupported) {
    bool manifest = in_container && name.ends_with(".info");
    if (!manifest) {
      clamav::ReportWarning(DiagCode::kUnsupportedFormat, name,
                            "database format not supported yet; skipped",
                            diagnostics_);
    }
    return true;
  }
  // --official-db-only still reads ignore lists (observed with clamscan).
  if (options_.official_only && !in_container &&
      kind.format != DbFormat::kCvd && kind.format != DbFormat::kCld &&
      kind.format != DbFormat::kIgnore) {
    return true;
  }
  return kind.pua && !options_.detect_pua;
}

Status Loader::LoadFile(const DbFile& file) {
  if (Skipped(file.path, file.kind, false)) return Status::Ok();
  auto view = core::FileView::FromPath(file.path);
  if (!view.ok()) {
    Status st = clamav::ReportError(DiagCode::kIoError, file.path, 0, 0,
                                    view.status().message(), diagnostics_);
    return Status(view.status().code(), st.message());
  }
  return LoadMemory(file.path, file.kind, AsChars(view->bytes()));
}

Status Loader::LoadNamed(std::string_view name, DbFileKind kind,
                         std::string_view content) {
  if (Skipped(name, kind, false)) return Status::Ok();
  return LoadMemory(name, kind, content);
}

Status Loader::LoadMemory(std::string_view name, DbFileKind kind,
                          std::string_view content) {
  if (clamav::IsContainer(kind.format)) {
    return LoadContainer(name, kind.format, content);
  }
  return LoadText(name, kind.format, content, options_.bundled);
}

Status Loader::LoadText(std::string_view name, DbFormat format,
                        std::string_view content, bool official) {
  clamav::TextDbRequest request{
      format, name, content, {options_.flevel, official}};
  return clamav::LoadTextDatabase(request, out_, &ignores_, diagnostics_);
}

clamav::ContainerKind KindOf(DbFormat format) {
  return format == DbFormat::kCvd   ? clamav::ContainerKind::kCvd
         : format == DbFormat::kCld ? clamav::ContainerKind::kCld
                                    : clamav::ContainerKind::kCud;
}

Status Loader::LoadContainer(std::string_view name, DbFormat format,
                             std::string_view content) {
  clamav::CvdHeader header;
  std::vector<uint8_t> storage;
  std::vector<clamav::TarMember> members;
  clamav::ParseStatus st = clamav::OpenContainer(
      AsBytes(content), KindOf(format), {options_.max_container_bytes}, &header,
      &storage, &members);
  if (!st.ok()) {
    return clamav::ReportError(st.code(), name, 0, 0, st.message(),
                               diagnostics_);
  }
  clamav::ContainerInfo info;
  std::string info_name;
  uint32_t info_line = 0;
  st = clamav::ReadContainerInfo(members, header, KindOf(format), &info,
                                 &info_name, &info_line);
  if (!st.ok()) {
    std::string where = info_name.empty() ? std::string(name)
                                          : std::string(name) + ":" + info_name;
    return clamav::ReportError(st.code(), where, info_line, 0, st.message(),
                               diagnostics_);
  }
  if (header.flevel > options_.flevel) {
    clamav::ReportWarning(DiagCode::kContainerFlevel, name,
                          "container needs functionality level " +
                              std::to_string(header.flevel) + ", engine has " +
                              std::to_string(options_.flevel),
                          diagnostics_);
  }
  VIGIL_RETURN_IF_ERROR(
      LoadMembers(name, members, info, format != DbFormat::kCud));
  if (BaseName(name).starts_with("daily.")) {
    out_->daily_version = header.version;
    out_->daily_build_time = header.build_seconds;
  }
  return Status::Ok();
}

// Members load in archive order (an ignore list applies to the members
// after it, as in ClamAV), each checked against the manifest first.
Status Loader::LoadMembers(std::string_view name,
                           const std::vector<clamav::TarMember>& members,
                           const clamav::ContainerInfo& info, bool official) {
  for (const clamav::TarMember& m : members) {
    clamav::ParseStatus st = clamav::CheckMember(info, m);
    if (!st.ok()) {
      return clamav::ReportError(st.code(), name, 0, 0, st.message(),
                                 diagnostics_);
    }
    DbFileKind kind = clamav::ClassifyDbFileName(m.name);
    std::string member_name = std::string(name) + ":" + m.name;
    if (clamav::IsContainer(kind.format)) kind.format = DbFormat::kUnsupported;
    if (Skipped(member_name, kind, true)) continue;
    VIGIL_RETURN_IF_ERROR(
        LoadText(member_name, kind.format, AsChars(m.data), official));
  }
  return Status::Ok();
}

}  // namespace

bool IsDatabaseFileName(std::string_view name) {
  return clamav::IsLoadable(clamav::ClassifyDbFileName(name).format);
}

Result<std::vector<std::string>> ListDatabaseFiles(
    const std::vector<std::string>& paths) {
  std::vector<DbFile> files;
  Status st = Expand(paths, &files, nullptr);
  if (!st.ok()) return st;
  std::vector<std::string> out;
  for (const DbFile& f : files) {
    if (clamav::IsLoadable(f.kind.format)) out.push_back(f.path);
  }
  return out;
}

Status LoadDatabases(const std::vector<std::string>& paths,
                     const LoadOptions& options, SignatureSet* out,
                     std::vector<Diagnostic>* diagnostics) {
  std::vector<DbFile> files;
  VIGIL_RETURN_IF_ERROR(Expand(paths, &files, diagnostics));
  Loader loader(options, out, diagnostics);
  for (const DbFile& f : files) VIGIL_RETURN_IF_ERROR(loader.LoadFile(f));
  return Status::Ok();
}

Status LoadDatabaseText(std::string_view file_name, std::string_view content,
                        const LoadOptions& options, SignatureSet* out,
                        std::vector<Diagnostic>* diagnostics) {
  Loader loader(options, out, diagnostics);
  return loader.LoadNamed(file_name, clamav::ClassifyDbFileName(file_name),
                          content);
}

}  // namespace vigil::sigs
