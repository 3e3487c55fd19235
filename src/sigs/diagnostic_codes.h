// The table of stable diagnostic codes for signature databases.
//
// Every rejection the loaders make has its own code here; the code string
// ("E0201") never changes meaning once released. docs/signature-diagnostics.md
// documents each one with an example, and tests/golden/sigs/ holds one golden
// file per code (tests/unit/sigs/golden_test.cc checks both stay complete).
#ifndef VIGIL_SIGS_DIAGNOSTIC_CODES_H_
#define VIGIL_SIGS_DIAGNOSTIC_CODES_H_

#include <cstdint>
#include <span>
#include <string_view>

#include "sigs/diagnostic.h"

namespace vigil::sigs {

enum class DiagCode : uint16_t {
  // General (E00xx)
  kIoError,
  kEmptyDatabase,
  kBlankLine,
  kLineTooLong,
  kEmptyName,
  kNoDatabaseFiles,
  // Hash signatures (E01xx)
  kHashFieldCount,
  kHashSize,
  kHashWildcardFlevel,
  kHashDigest,
  // Hex patterns (E02xx)
  kHexCharacter,
  kHexUnclosedParen,
  kHexEmptyAlternation,
  kHexNegation,
  kHexRange,
  kHexAltContent,
  kHexAltNestedNegation,
  kHexAnchorRange,
  kHexAnchorSide,
  kHexEmptyPart,
  kHexTooShort,
  kHexLiteralTooShort,
  kHexNoStaticPair,
  kHexClassPosition,
  kHexAltTooLarge,
  // Extended signatures and offsets (E03xx)
  kNdbFieldCount,
  kNdbTarget,
  kFlevelValue,
  kOffsetSyntax,
  kOffsetShift,
  kOffsetSection,
  kOffsetTarget,
  kOffsetMacroGroup,
  // Logical signatures (E04xx)
  kLdbFieldCount,
  kTdbAttribute,
  kTdbEngineFirst,
  kTdbValue,
  kTdbNeedsEngine,
  kTdbNoTarget,
  kTdbExecutableOnly,
  kTdbIconGroupTarget,
  kExprSyntax,
  kExprSubsigCount,
  kLdbTooManySubsigs,
  kSubsigModifier,
  kSubsigFieldCount,
  kPcreTrigger,
  kPcreDelimiter,
  kPcreEmpty,
  kPcreFlag,
  kPcreCompile,
  kByteCompare,
  kMacroSubsig,
  kFuzzyImage,
  // Ignore lists (E05xx)
  kIgnoreName,
  kIgnoreMd5,
  kIgnoreFieldCount,
  // Legacy .db (E06xx)
  kDbMissingEquals,
  // Containers (E07xx)
  kCvdHeader,
  kCvdHeaderField,
  kCvdMd5,
  kCvdCompression,
  kCvdTar,
  kCvdInfo,
  kCvdMember,
  // Warnings (W0xxx)
  kUnsupportedFormat,
  kNotADatabase,
  kContainerFlevel,
  kUnsupportedTarget,
  kUnknownAttribute,
  kDuplicateContainer,
};

struct DiagCodeInfo {
  DiagCode code;
  std::string_view id;  // "E0201"
  Severity severity;
  std::string_view summary;  // one line, for docs and --explain
};

// Every code, in table order.
std::span<const DiagCodeInfo> AllDiagCodes();
const DiagCodeInfo& DiagInfo(DiagCode code);
inline std::string_view DiagId(DiagCode code) { return DiagInfo(code).id; }

}  // namespace vigil::sigs

#endif  // VIGIL_SIGS_DIAGNOSTIC_CODES_H_
