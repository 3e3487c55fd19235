// The clamd.conf key table (see clamd_keys.h). Which keys vigild honours
// follows what the scanner and vigild do today; docs/vigild-config.md
// explains each entry, and must change with it.
#include "config/clamd_keys.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace vigil::config {
namespace {

// clamd stores a size of 0 as "no limit", 2^63-1.
constexpr uint64_t kNoLimit = std::numeric_limits<int64_t>::max();

void Assign(bool& out, const Value& v) { out = v.boolean; }
void Assign(uint32_t& out, const Value& v) {
  out = static_cast<uint32_t>(
      std::min<uint64_t>(v.number, std::numeric_limits<uint32_t>::max()));
}
void Assign(uint64_t& out, const Value& v) { out = v.number; }
void Assign(std::string& out, const Value& v) { out = std::string(v.text); }
void Assign(std::vector<std::string>& out, const Value& v) {
  out.emplace_back(v.text);
}

template <auto kMember>
void Set(Settings& s, const Value& v) {
  Assign(s.config.*kMember, v);
}
template <auto kMember>
void SetScan(Settings& s, const Value& v) {
  Assign(s.config.scan.*kMember, v);
}
template <auto kMember>
void SetLimit(Settings& s, const Value& v) {
  Assign(s.config.scan.limits.*kMember, v);
}
template <auto kMember>
void SetPending(Settings& s, const Value& v) {
  s.pending.*kMember = v.boolean;
}

void SetTcpSocket(Settings& s, const Value& v) {
  if (v.number == 0) {
    s.config.tcp_socket.reset();  // clamd: "disabled"
  } else {
    s.config.tcp_socket = static_cast<uint16_t>(v.number);
  }
}
// clamd gives the socket `mode & 0666`.
void SetSocketMode(Settings& s, const Value& v) {
  s.config.local_socket_mode = static_cast<uint32_t>(v.number & 0666);
}
void SetStreamMaxLength(Settings& s, const Value& v) {
  s.config.stream_max_length = v.number == 0 ? kNoLimit : v.number;
}

using C = Config;
using L = Limits;
using P = Pending;
using T = ValueType;
using E = Effect;

constexpr std::string_view kBytecodeModes =
    "Auto|ForceJIT|ForceInterpreter|Test";
constexpr std::string_view kBytecodeSecurity = "TrustSigned|Paranoid";

// Sorted by name (FindKey searches it; the test checks the order).
constexpr KeySpec kKeys[] = {
    {"AlertBrokenExecutables", T::kBool, E::kHonouredIfNo},
    {"AlertBrokenMedia", T::kBool, E::kHonouredIfNo},
    {"AlertEncrypted", T::kBool, E::kHonoured, SetPending<&P::alert_encrypted>},
    {"AlertEncryptedArchive", T::kBool, E::kHonoured,
     SetPending<&P::alert_encrypted_archive>},
    {"AlertEncryptedDoc", T::kBool, E::kHonoured,
     SetPending<&P::alert_encrypted_doc>},
    {"AlertExceedsMax", T::kBool, E::kHonoured,
     SetPending<&P::alert_exceeds_max>},
    {"AlertOLE2Macros", T::kBool, E::kHonouredIfNo},
    {"AlertPartitionIntersection", T::kBool, E::kHonouredIfNo},
    {"AlertPhishingCloak", T::kBool, E::kHonouredIfNo},
    {"AlertPhishingSSLMismatch", T::kBool, E::kHonouredIfNo},
    {.name = "AlgorithmicDetection",
     .type = T::kBool,
     .effect = E::kNoEffect,
     .replaced_by = "HeuristicAlerts"},
    {"AllowAllMatchScan", T::kBool, E::kHonoured,
     Set<&C::allow_all_match_scan>},
    {"AllowSupplementaryGroups", T::kAny, E::kDeprecated},
    {.name = "ArchiveBlockEncrypted",
     .type = T::kBool,
     .effect = E::kHonoured,
     .apply = SetPending<&P::archive_block_encrypted>,
     .replaced_by = "AlertEncrypted"},
    {"ArchiveBlockMax", T::kAny, E::kDeprecated},
    {"ArchiveLimitMemoryUsage", T::kAny, E::kDeprecated},
    {"ArchiveMaxCompressionRatio", T::kAny, E::kDeprecated},
    {"ArchiveMaxFiles", T::kAny, E::kDeprecated},
    {"ArchiveMaxRecursion", T::kAny, E::kDeprecated},
    {"ArchiveMaxScanSize", T::kAny, E::kDeprecated},
    {.name = "BlockMax",
     .type = T::kBool,
     .effect = E::kHonoured,
     .apply = SetPending<&P::block_max>,
     .replaced_by = "AlertExceedsMax"},
    {"Bytecode", T::kBool, E::kHonouredIfNo},
    {.name = "BytecodeMode",
     .type = T::kChoice,
     .effect = E::kNoEffect,
     .choices = kBytecodeModes},
    {.name = "BytecodeSecurity",
     .type = T::kChoice,
     .effect = E::kNoEffect,
     .choices = kBytecodeSecurity},
    {"BytecodeTimeout", T::kNumber, E::kNoEffect},
    {"BytecodeUnsigned", T::kBool, E::kHonouredIfNo},
    {"CacheSize", T::kNumber, E::kNoEffect},
    {"CommandReadTimeout", T::kNumber, E::kHonoured,
     Set<&C::command_read_timeout>},
    {"ConcurrentDatabaseReload", T::kBool, E::kHonouredIfYes},
    {"CrossFilesystems", T::kBool, E::kHonoured, Set<&C::cross_filesystems>},
    {"DatabaseDirectory", T::kString, E::kHonoured,
     Set<&C::database_directory>},
    {"Debug", T::kBool, E::kHonoured, Set<&C::debug>},
    {"DetectBrokenExecutables", T::kAny, E::kDeprecated},
    {"DetectPUA", T::kBool, E::kHonoured, Set<&C::detect_pua>},
    {"DevACDepth", T::kNumber, E::kNoEffect},
    {"DevACOnly", T::kBool, E::kNoEffect},
    {"DevLiblog", T::kBool, E::kNoEffect},
    {"DevPerformance", T::kBool, E::kNoEffect},
    {"DisableCache", T::kBool, E::kHonouredIfYes},
    {"DisableCertCheck", T::kBool, E::kHonouredIfYes},
    {.name = "EnableReloadCommand",
     .type = T::kBool,
     .effect = E::kHonoured,
     .apply = Set<&C::enable_reload_command>,
     .vigil_only = true},
    {.name = "EnableShutdownCommand",
     .type = T::kBool,
     .effect = E::kHonoured,
     .apply = Set<&C::enable_shutdown_command>,
     .vigil_only = true},
    {.name = "EnableStatsCommand",
     .type = T::kBool,
     .effect = E::kHonoured,
     .apply = Set<&C::enable_stats_command>,
     .vigil_only = true},
    {.name = "EnableVersionCommand",
     .type = T::kBool,
     .effect = E::kHonoured,
     .apply = Set<&C::enable_version_command>,
     .vigil_only = true},
    {.name = "ExcludePUA",
     .type = T::kString,
     .effect = E::kNoEffect,
     .repeatable = true},
    {.name = "ExcludePath",
     .type = T::kRegex,
     .effect = E::kHonoured,
     .apply = Set<&C::exclude_path>,
     .repeatable = true},
    {"ExitOnOOM", T::kBool, E::kHonoured, Set<&C::exit_on_oom>},
    {"ExtendedDetectionInfo", T::kBool, E::kHonoured,
     Set<&C::extended_detection_info>},
    {"FailIfCvdOlderThan", T::kNumber, E::kNoEffect},
    {"FixStaleSocket", T::kBool, E::kHonoured, Set<&C::fix_stale_socket>},
    {"FollowDirectorySymlinks", T::kBool, E::kHonoured,
     Set<&C::follow_directory_symlinks>},
    {"FollowFileSymlinks", T::kBool, E::kHonoured,
     Set<&C::follow_file_symlinks>},
    {"ForceToDisk", T::kBool, E::kHonouredIfNo},
    {"Foreground", T::kBool, E::kHonoured, Set<&C::foreground>},
    {"GenerateMetadataJson", T::kBool, E::kHonouredIfNo},
    {"HeuristicAlerts", T::kBool, E::kNoEffect},
    {"HeuristicScanPrecedence", T::kBool, E::kHonouredIfNo},
    {"IdleTimeout", T::kNumber, E::kHonoured, Set<&C::idle_timeout>},
    {.name = "IncludePUA",
     .type = T::kString,
     .effect = E::kNoEffect,
     .repeatable = true},
    {"LeaveTemporaryFiles", T::kBool, E::kHonouredIfNo},
    {"LocalSocket", T::kString, E::kHonoured, Set<&C::local_socket>},
    {"LocalSocketGroup", T::kString, E::kHonoured, Set<&C::local_socket_group>},
    {"LocalSocketMode", T::kMode, E::kHonoured, SetSocketMode},
    {"LogClean", T::kBool, E::kHonoured, Set<&C::log_clean>},
    {"LogFacility", T::kString, E::kHonoured, Set<&C::log_facility>},
    {"LogFile", T::kString, E::kHonoured, Set<&C::log_file>},
    {"LogFileMaxSize", T::kSize, E::kHonoured, Set<&C::log_file_max_size>},
    {"LogFileUnlock", T::kBool, E::kHonoured, Set<&C::log_file_unlock>},
    {"LogRotate", T::kBool, E::kHonoured, Set<&C::log_rotate>},
    {"LogSyslog", T::kBool, E::kHonoured, Set<&C::log_syslog>},
    {"LogTime", T::kBool, E::kHonoured, Set<&C::log_time>},
    {"LogVerbose", T::kBool, E::kHonoured, Set<&C::log_verbose>},
    {"MailFollowURLs", T::kAny, E::kDeprecated},
    {"MailMaxRecursion", T::kAny, E::kDeprecated},
    {.name = "MaxCompressionRatio",
     .type = T::kNumber,
     .effect = E::kHonoured,
     .apply = SetLimit<&L::max_compression_ratio>,
     .vigil_only = true},
    {"MaxConnectionQueueLength", T::kNumber, E::kHonoured,
     Set<&C::max_connection_queue_length>},
    {"MaxDirectoryRecursion", T::kNumber, E::kHonoured,
     Set<&C::max_directory_recursion>},
    {"MaxEmbeddedPE", T::kSize, E::kNoEffect},
    {"MaxFileSize", T::kSize, E::kHonoured, SetLimit<&L::max_file_size>},
    {"MaxFiles", T::kNumber, E::kHonoured, SetLimit<&L::max_files>},
    {"MaxHTMLNoTags", T::kSize, E::kNoEffect},
    {"MaxHTMLNormalize", T::kSize, E::kNoEffect},
    {"MaxIconsPE", T::kNumber, E::kNoEffect},
    {"MaxPartitions", T::kNumber, E::kNoEffect},
    {"MaxQueue", T::kNumber, E::kHonoured, Set<&C::max_queue>},
    {"MaxRecHWP3", T::kNumber, E::kNoEffect},
    {"MaxRecursion", T::kNumber, E::kHonoured, SetLimit<&L::max_recursion>},
    {"MaxScanSize", T::kSize, E::kHonoured, SetLimit<&L::max_scan_size>},
    {"MaxScanTime", T::kNumber, E::kHonoured, SetLimit<&L::max_scan_time_ms>},
    {"MaxScriptNormalize", T::kSize, E::kNoEffect},
    {"MaxThreads", T::kNumber, E::kHonoured, Set<&C::max_threads>},
    {"MaxZipTypeRcg", T::kSize, E::kNoEffect},
    {.name = "OLE2BlockMacros",
     .type = T::kBool,
     .effect = E::kHonouredIfNo,
     .replaced_by = "AlertOLE2Macros"},
    {"OfficialDatabaseOnly", T::kBool, E::kHonoured,
     Set<&C::official_database_only>},
    {"OnAccessCurlTimeout", T::kNumber, E::kInert},
    {"OnAccessDenyOnError", T::kBool, E::kInert},
    {"OnAccessDisableDDD", T::kBool, E::kInert},
    {.name = "OnAccessExcludePath",
     .type = T::kString,
     .effect = E::kInert,
     .repeatable = true},
    {"OnAccessExcludeRootUID", T::kBool, E::kInert},
    {.name = "OnAccessExcludeUID",
     .type = T::kNumber,
     .effect = E::kInert,
     .repeatable = true},
    {.name = "OnAccessExcludeUname",
     .type = T::kString,
     .effect = E::kInert,
     .repeatable = true},
    {"OnAccessExtraScanning", T::kBool, E::kInert},
    {.name = "OnAccessIncludePath",
     .type = T::kString,
     .effect = E::kInert,
     .repeatable = true},
    {"OnAccessMaxFileSize", T::kSize, E::kInert},
    {"OnAccessMaxThreads", T::kNumber, E::kInert},
    {.name = "OnAccessMountPath",
     .type = T::kString,
     .effect = E::kInert,
     .repeatable = true},
    {"OnAccessPrevention", T::kBool, E::kInert},
    {"OnAccessRetryAttempts", T::kNumber, E::kInert},
    {"PCREMatchLimit", T::kNumber, E::kHonoured,
     SetLimit<&L::pcre_match_limit>},
    {"PCREMaxFileSize", T::kSize, E::kHonoured,
     SetLimit<&L::pcre_max_file_size>},
    {"PCRERecMatchLimit", T::kNumber, E::kHonoured,
     SetLimit<&L::pcre_recmatch_limit>},
    {.name = "PartitionIntersection",
     .type = T::kBool,
     .effect = E::kHonouredIfNo,
     .replaced_by = "AlertPartitionIntersection"},
    {.name = "PhishingAlwaysBlockCloak",
     .type = T::kBool,
     .effect = E::kHonouredIfNo,
     .replaced_by = "AlertPhishingCloak"},
    {.name = "PhishingAlwaysBlockSSLMismatch",
     .type = T::kBool,
     .effect = E::kHonouredIfNo,
     .replaced_by = "AlertPhishingSSLMismatch"},
    {"PhishingScanURLs", T::kBool, E::kHonouredIfNo},
    {"PhishingSignatures", T::kBool, E::kHonouredIfNo},
    {"PidFile", T::kString, E::kHonoured, Set<&C::pid_file>},
    {"PreludeAnalyzerName", T::kString, E::kInert},
    {"PreludeEnable", T::kBool, E::kHonouredIfNo},
    {"ReadTimeout", T::kNumber, E::kHonoured, Set<&C::read_timeout>},
    {"ScanArchive", T::kBool, E::kHonoured,
     SetScan<&ScanOptions::scan_archives>},
    {"ScanELF", T::kBool, E::kHonouredIfNo},
    {"ScanHTML", T::kBool, E::kHonouredIfYes},
    {"ScanHWP3", T::kBool, E::kHonouredIfNo},
    {"ScanImage", T::kBool, E::kHonouredIfNo},
    {"ScanImageFuzzyHash", T::kBool, E::kHonouredIfNo},
    {"ScanMail", T::kBool, E::kHonouredIfYes},
    {"ScanOLE2", T::kBool, E::kHonouredIfYes},
    {"ScanOnAccess", T::kAny, E::kDeprecated},
    {"ScanOneNote", T::kBool, E::kHonouredIfNo},
    {"ScanPDF", T::kBool, E::kHonouredIfYes},
    {"ScanPE", T::kBool, E::kHonouredIfNo},
    {"ScanPartialMessages", T::kBool, E::kHonouredIfNo},
    {"ScanSWF", T::kBool, E::kHonouredIfNo},
    {"ScanXMLDOCS", T::kBool, E::kHonouredIfNo},
    {"SelfCheck", T::kNumber, E::kHonoured, Set<&C::self_check>},
    {"SendBufTimeout", T::kNumber, E::kHonoured, Set<&C::send_buf_timeout>},
    {"StreamMaxLength", T::kSize, E::kHonoured, SetStreamMaxLength},
    {"StreamMaxPort", T::kNumber, E::kInert},
    {"StreamMinPort", T::kNumber, E::kInert},
    {"StructuredCCOnly", T::kBool, E::kNoEffect},
    {"StructuredDataDetection", T::kBool, E::kHonouredIfNo},
    {"StructuredMinCreditCardCount", T::kNumber, E::kNoEffect},
    {"StructuredMinSSNCount", T::kNumber, E::kNoEffect},
    {"StructuredSSNFormatNormal", T::kBool, E::kNoEffect},
    {"StructuredSSNFormatStripped", T::kBool, E::kNoEffect},
    {.name = "TCPAddr",
     .type = T::kString,
     .effect = E::kHonoured,
     .apply = Set<&C::tcp_addr>,
     .repeatable = true},
    {"TCPSocket", T::kPort, E::kHonoured, SetTcpSocket},
    {"TemporaryDirectory", T::kString, E::kHonoured,
     Set<&C::temporary_directory>},
    {"User", T::kString, E::kHonoured, Set<&C::user>},
    {.name = "VigilCacheDirectory",
     .type = T::kString,
     .effect = E::kHonoured,
     .apply = Set<&C::cache_directory>,
     .vigil_only = true},
    {"VirusEvent", T::kString, E::kNoEffect},
};

}  // namespace

std::span<const KeySpec> ClamdKeys() { return kKeys; }

const KeySpec* FindKey(std::string_view name) {
  const KeySpec* end = std::end(kKeys);
  const KeySpec* it = std::lower_bound(
      std::begin(kKeys), end, name,
      [](const KeySpec& k, std::string_view n) { return k.name < n; });
  return it != end && it->name == name ? it : nullptr;
}

}  // namespace vigil::config
