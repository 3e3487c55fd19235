#include "sigs/diagnostic_codes.h"

#include <array>
#include <cstddef>

namespace vigil::sigs {

namespace {

constexpr Severity kE = Severity::kError;
constexpr Severity kW = Severity::kWarning;
using D = DiagCode;

// Keep in DiagCode order: DiagInfo() indexes this array by the enum value.
constexpr std::array kCodes = {
    DiagCodeInfo{D::kIoError, "E0001", kE, "the database file cannot be read"},
    DiagCodeInfo{D::kEmptyDatabase, "E0002", kE, "the database file is empty"},
    DiagCodeInfo{D::kBlankLine, "E0003", kE, "blank line"},
    DiagCodeInfo{D::kLineTooLong, "E0004", kE,
                 "line longer than ClamAV's line buffer"},
    DiagCodeInfo{D::kEmptyName, "E0005", kE, "empty signature name"},
    DiagCodeInfo{D::kNoDatabaseFiles, "E0006", kE,
                 "directory holds no database files"},

    DiagCodeInfo{D::kHashFieldCount, "E0101", kE,
                 "hash signature needs 3 to 5 ':'-separated fields"},
    DiagCodeInfo{D::kHashSize, "E0102", kE,
                 "invalid size field (a number from 1 to 4294967294, or *)"},
    DiagCodeInfo{D::kHashWildcardFlevel, "E0103", kE,
                 "size * needs a minimum FLEVEL of at least 73"},
    DiagCodeInfo{D::kHashDigest, "E0104", kE,
                 "invalid hash (32, 40 or 64 hex digits)"},

    DiagCodeInfo{D::kHexCharacter, "E0201", kE,
                 "invalid character or odd number of hex digits"},
    DiagCodeInfo{D::kHexUnclosedParen, "E0202", kE, "missing ')'"},
    DiagCodeInfo{D::kHexEmptyAlternation, "E0203", kE,
                 "empty alternative block or empty first alternative"},
    DiagCodeInfo{D::kHexNegation, "E0204", kE,
                 "'!' must precede a fixed-length alternative block"},
    DiagCodeInfo{D::kHexRange, "E0205", kE, "malformed {n-m} range"},
    DiagCodeInfo{D::kHexAltContent, "E0206", kE,
                 "unsupported wildcard or class inside an alternative"},
    DiagCodeInfo{D::kHexAltNestedNegation, "E0207", kE,
                 "negated block inside a generic alternative"},
    DiagCodeInfo{D::kHexAnchorRange, "E0208", kE,
                 "malformed [x-y] range (x <= y <= 32)"},
    DiagCodeInfo{D::kHexAnchorSide, "E0209", kE,
                 "[x-y] needs exactly one single-byte side"},
    DiagCodeInfo{D::kHexEmptyPart, "E0210", kE,
                 "'*' or '{}' with nothing on one side"},
    DiagCodeInfo{D::kHexTooShort, "E0211", kE,
                 "subpattern shorter than 2 bytes"},
    DiagCodeInfo{D::kHexLiteralTooShort, "E0212", kE,
                 "literal body signature shorter than 3 bytes"},
    DiagCodeInfo{D::kHexNoStaticPair, "E0213", kE,
                 "subpattern has no 2 consecutive fixed bytes"},
    DiagCodeInfo{D::kHexClassPosition, "E0214", kE,
                 "class or alternative block at a position ClamAV refuses"},
    DiagCodeInfo{D::kHexAltTooLarge, "E0215", kE,
                 "nested alternatives expand to too many strings"},

    DiagCodeInfo{D::kNdbFieldCount, "E0301", kE,
                 "extended signature needs 4 to 6 ':'-separated fields"},
    DiagCodeInfo{D::kNdbTarget, "E0302", kE, "invalid target type"},
    DiagCodeInfo{D::kFlevelValue, "E0303", kE, "invalid FLEVEL field"},
    DiagCodeInfo{D::kOffsetSyntax, "E0304", kE, "invalid offset"},
    DiagCodeInfo{D::kOffsetShift, "E0305", kE, "invalid offset shift"},
    DiagCodeInfo{D::kOffsetSection, "E0306", kE, "invalid section number"},
    DiagCodeInfo{D::kOffsetTarget, "E0307", kE,
                 "offset type not valid for this target type"},
    DiagCodeInfo{D::kOffsetMacroGroup, "E0308", kE,
                 "invalid macro group (0 to 31)"},

    DiagCodeInfo{D::kLdbFieldCount, "E0401", kE,
                 "logical signature needs Name;TDB;Expression;Subsig..."},
    DiagCodeInfo{D::kTdbAttribute, "E0402", kE,
                 "malformed target description attribute"},
    DiagCodeInfo{D::kTdbEngineFirst, "E0403", kE,
                 "Engine must be the first attribute, once"},
    DiagCodeInfo{D::kTdbValue, "E0404", kE, "invalid target description value"},
    DiagCodeInfo{D::kTdbNeedsEngine, "E0405", kE,
                 "attribute needs Engine with a minimum of at least 51"},
    DiagCodeInfo{D::kTdbNoTarget, "E0406", kE,
                 "target description has no Target"},
    DiagCodeInfo{D::kTdbExecutableOnly, "E0407", kE,
                 "EntryPoint/NumberOfSections need Target 1, 6 or 9"},
    DiagCodeInfo{D::kTdbIconGroupTarget, "E0408", kE,
                 "IconGroup1/IconGroup2 need Target 1"},
    DiagCodeInfo{D::kExprSyntax, "E0409", kE, "logical expression syntax"},
    DiagCodeInfo{D::kExprSubsigCount, "E0410", kE,
                 "number of subsignatures differs from the expression's"},
    DiagCodeInfo{D::kLdbTooManySubsigs, "E0411", kE,
                 "more than 64 subsignatures"},
    DiagCodeInfo{D::kSubsigModifier, "E0412", kE,
                 "invalid subsignature modifier (i w f a)"},
    DiagCodeInfo{D::kSubsigFieldCount, "E0413", kE,
                 "subsignature has too many ':' fields"},
    DiagCodeInfo{D::kPcreTrigger, "E0414", kE, "invalid PCRE trigger"},
    DiagCodeInfo{D::kPcreDelimiter, "E0415", kE,
                 "PCRE subsignature needs /regex/ delimiters"},
    DiagCodeInfo{D::kPcreEmpty, "E0416", kE, "empty PCRE trigger or regex"},
    DiagCodeInfo{D::kPcreFlag, "E0417", kE,
                 "unknown PCRE flag (g r e i s m x A E U)"},
    DiagCodeInfo{D::kPcreCompile, "E0418", kE, "regex does not compile"},
    DiagCodeInfo{D::kByteCompare, "E0419", kE,
                 "malformed byte compare subsignature"},
    DiagCodeInfo{D::kMacroSubsig, "E0420", kE, "malformed macro subsignature"},
    DiagCodeInfo{D::kFuzzyImage, "E0421", kE,
                 "malformed fuzzy_img subsignature"},

    DiagCodeInfo{D::kIgnoreName, "E0501", kE, "ignore entry without a name"},
    DiagCodeInfo{D::kIgnoreMd5, "E0502", kE, "ignore entry with a bad MD5"},
    DiagCodeInfo{D::kIgnoreFieldCount, "E0503", kE,
                 "ignore entry has more than 3 ':'-separated fields"},

    DiagCodeInfo{D::kDbMissingEquals, "E0601", kE,
                 "legacy .db line needs Name=HexSignature"},

    DiagCodeInfo{D::kCvdHeader, "E0701", kE,
                 "not a ClamAV-VDB container header"},
    DiagCodeInfo{D::kCvdHeaderField, "E0702", kE,
                 "malformed container header field"},
    DiagCodeInfo{D::kCvdMd5, "E0703", kE,
                 "container body does not match the header's MD5"},
    DiagCodeInfo{D::kCvdCompression, "E0704", kE,
                 "container body is not valid gzip"},
    DiagCodeInfo{D::kCvdTar, "E0705", kE, "container body is not valid tar"},
    DiagCodeInfo{D::kCvdInfo, "E0706", kE,
                 "missing or malformed .info manifest, or one that "
                 "disagrees with the header"},
    DiagCodeInfo{D::kCvdMember, "E0707", kE,
                 "container member not listed in .info, or not matching it"},

    DiagCodeInfo{D::kUnsupportedFormat, "W0001", kW,
                 "database format not supported yet; file skipped"},
    DiagCodeInfo{D::kNotADatabase, "W0002", kW,
                 "not a database file name; skipped"},
    DiagCodeInfo{D::kContainerFlevel, "W0003", kW,
                 "container needs a newer engine functionality level"},
    DiagCodeInfo{D::kUnsupportedTarget, "W0004", kW,
                 "target type not supported; signature skipped"},
    DiagCodeInfo{D::kUnknownAttribute, "W0005", kW,
                 "unknown attribute or file type; signature skipped"},
    DiagCodeInfo{D::kDuplicateContainer, "W0006", kW,
                 "older of a .cvd/.cld pair skipped"},
};

constexpr bool TableInEnumOrder() {
  for (size_t i = 0; i < kCodes.size(); ++i) {
    if (static_cast<size_t>(kCodes[i].code) != i) return false;
  }
  return true;
}
static_assert(TableInEnumOrder(), "kCodes must follow DiagCode order");
static_assert(kCodes.size() ==
              static_cast<size_t>(DiagCode::kDuplicateContainer) + 1);

}  // namespace

std::span<const DiagCodeInfo> AllDiagCodes() { return kCodes; }

const DiagCodeInfo& DiagInfo(DiagCode code) {
  return kCodes[static_cast<size_t>(code)];
}

}  // namespace vigil::sigs
