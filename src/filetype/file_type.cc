// Names of the file types and the target type of each.
#include <algorithm>
#include <array>

#include "filetype/filetype.h"

namespace vigil::filetype {
namespace {

struct TypeInfo {
  FileType type;
  std::string_view name;
  uint8_t target;  // ClamAV target type of the type, 0 for none
};

// In enum order: ClamAvName indexes it directly. The target column is the
// target type clamscan 1.4.6 matched in some pass over an object of the type
// (docs/file-types.md, "Passes"); Passes() says which buffer.
constexpr std::array kTypes = {
    TypeInfo{FileType::kAny, "CL_TYPE_ANY", 0},
    TypeInfo{FileType::kTextAscii, "CL_TYPE_TEXT_ASCII", 7},
    TypeInfo{FileType::kTextUtf8, "CL_TYPE_TEXT_UTF8", 7},
    TypeInfo{FileType::kTextUtf16Le, "CL_TYPE_TEXT_UTF16LE", 7},
    TypeInfo{FileType::kTextUtf16Be, "CL_TYPE_TEXT_UTF16BE", 7},
    TypeInfo{FileType::kBinaryData, "CL_TYPE_BINARY_DATA", 14},
    TypeInfo{FileType::kMsExe, "CL_TYPE_MSEXE", 1},
    TypeInfo{FileType::kElf, "CL_TYPE_ELF", 6},
    TypeInfo{FileType::kMachO, "CL_TYPE_MACHO", 9},
    TypeInfo{FileType::kMachOUnibin, "CL_TYPE_MACHO_UNIBIN", 9},
    TypeInfo{FileType::kJava, "CL_TYPE_JAVA", 12},
    TypeInfo{FileType::kPythonCompiled, "CL_TYPE_PYTHON_COMPILED", 14},
    TypeInfo{FileType::kPosixTar, "CL_TYPE_POSIX_TAR", 0},
    TypeInfo{FileType::kOldTar, "CL_TYPE_OLD_TAR", 0},
    TypeInfo{FileType::kCpioOld, "CL_TYPE_CPIO_OLD", 0},
    TypeInfo{FileType::kCpioOdc, "CL_TYPE_CPIO_ODC", 0},
    TypeInfo{FileType::kCpioNewc, "CL_TYPE_CPIO_NEWC", 0},
    TypeInfo{FileType::kCpioCrc, "CL_TYPE_CPIO_CRC", 0},
    TypeInfo{FileType::kGz, "CL_TYPE_GZ", 0},
    TypeInfo{FileType::kZip, "CL_TYPE_ZIP", 0},
    TypeInfo{FileType::kBz, "CL_TYPE_BZ", 0},
    TypeInfo{FileType::kXz, "CL_TYPE_XZ", 0},
    TypeInfo{FileType::kRar, "CL_TYPE_RAR", 0},
    TypeInfo{FileType::kArj, "CL_TYPE_ARJ", 0},
    TypeInfo{FileType::kMsSzdd, "CL_TYPE_MSSZDD", 0},
    TypeInfo{FileType::kCab, "CL_TYPE_MSCAB", 0},
    TypeInfo{FileType::kMsChm, "CL_TYPE_MSCHM", 0},
    TypeInfo{FileType::k7z, "CL_TYPE_7Z", 0},
    TypeInfo{FileType::kXar, "CL_TYPE_XAR", 0},
    TypeInfo{FileType::kLha, "CL_TYPE_LHA_LZH", 0},
    TypeInfo{FileType::kAlz, "CL_TYPE_ALZ", 0},
    TypeInfo{FileType::kEgg, "CL_TYPE_EGG", 0},
    TypeInfo{FileType::kSis, "CL_TYPE_SIS", 0},
    TypeInfo{FileType::kIso9660, "CL_TYPE_ISO9660", 0},
    TypeInfo{FileType::kUdf, "CL_TYPE_UDF", 0},
    TypeInfo{FileType::kDmg, "CL_TYPE_DMG", 0},
    TypeInfo{FileType::kBinHex, "CL_TYPE_BINHEX", 0},
    TypeInfo{FileType::kUuencoded, "CL_TYPE_UUENCODED", 0},
    TypeInfo{FileType::kTnef, "CL_TYPE_TNEF", 0},
    TypeInfo{FileType::kAutoIt, "CL_TYPE_AUTOIT", 0},
    TypeInfo{FileType::kNulsft, "CL_TYPE_NULSFT", 0},
    TypeInfo{FileType::kIshieldMsi, "CL_TYPE_ISHIELD_MSI", 0},
    TypeInfo{FileType::kSfx, "CL_TYPE_SFX", 0},
    TypeInfo{FileType::kZipSfx, "CL_TYPE_ZIPSFX", 0},
    TypeInfo{FileType::kRarSfx, "CL_TYPE_RARSFX", 0},
    TypeInfo{FileType::k7zSfx, "CL_TYPE_7ZSFX", 0},
    TypeInfo{FileType::kCabSfx, "CL_TYPE_CABSFX", 0},
    TypeInfo{FileType::kArjSfx, "CL_TYPE_ARJSFX", 0},
    TypeInfo{FileType::kEggSfx, "CL_TYPE_EGGSFX", 0},
    TypeInfo{FileType::kMsOle2, "CL_TYPE_MSOLE2", 2},
    TypeInfo{FileType::kMsWord, "CL_TYPE_MSWORD", 0},
    TypeInfo{FileType::kMsXl, "CL_TYPE_MSXL", 0},
    TypeInfo{FileType::kMsPpt, "CL_TYPE_MSPPT", 0},
    TypeInfo{FileType::kHwp3, "CL_TYPE_HWP3", 0},
    TypeInfo{FileType::kHwp5, "CL_TYPE_HWP5", 0},
    TypeInfo{FileType::kHwpOle2, "CL_TYPE_HWPOLE2", 0},
    TypeInfo{FileType::kXmlHwp, "CL_TYPE_XML_HWP", 0},
    TypeInfo{FileType::kOoxmlHwp, "CL_TYPE_OOXML_HWP", 0},
    TypeInfo{FileType::kOoxmlWord, "CL_TYPE_OOXML_WORD", 0},
    TypeInfo{FileType::kOoxmlXl, "CL_TYPE_OOXML_XL", 0},
    TypeInfo{FileType::kOoxmlPpt, "CL_TYPE_OOXML_PPT", 0},
    TypeInfo{FileType::kXmlWord, "CL_TYPE_XML_WORD", 0},
    TypeInfo{FileType::kXmlXl, "CL_TYPE_XML_XL", 0},
    TypeInfo{FileType::kOneNote, "CL_TYPE_ONENOTE", 0},
    TypeInfo{FileType::kPdf, "CL_TYPE_PDF", 10},
    TypeInfo{FileType::kXdp, "CL_TYPE_XDP", 0},
    TypeInfo{FileType::kPs, "CL_TYPE_PS", 0},
    TypeInfo{FileType::kRtf, "CL_TYPE_RTF", 0},
    TypeInfo{FileType::kSwf, "CL_TYPE_SWF", 11},
    TypeInfo{FileType::kLnk, "CL_TYPE_LNK", 0},
    TypeInfo{FileType::kHtml, "CL_TYPE_HTML", 3},
    TypeInfo{FileType::kHtmlUtf16, "CL_TYPE_HTML_UTF16", 3},
    TypeInfo{FileType::kMail, "CL_TYPE_MAIL", 4},
    TypeInfo{FileType::kMhtml, "CL_TYPE_MHTML", 0},
    TypeInfo{FileType::kScript, "CL_TYPE_SCRIPT", 7},
    TypeInfo{FileType::kScrEnc, "CL_TYPE_SCRENC", 0},
    TypeInfo{FileType::kCryptFf, "CL_TYPE_CRYPTFF", 0},
    TypeInfo{FileType::kGraphics, "CL_TYPE_GRAPHICS", 5},
    TypeInfo{FileType::kGif, "CL_TYPE_GIF", 5},
    TypeInfo{FileType::kPng, "CL_TYPE_PNG", 5},
    TypeInfo{FileType::kJpeg, "CL_TYPE_JPEG", 5},
    TypeInfo{FileType::kTiff, "CL_TYPE_TIFF", 5},
    TypeInfo{FileType::kRiff, "CL_TYPE_RIFF", 0},
    TypeInfo{FileType::kMbr, "CL_TYPE_MBR", 0},
    TypeInfo{FileType::kGpt, "CL_TYPE_GPT", 0},
    TypeInfo{FileType::kApm, "CL_TYPE_APM", 0},
    TypeInfo{FileType::kPartAny, "CL_TYPE_PART_ANY", 0},
    TypeInfo{FileType::kPartHfsPlus, "CL_TYPE_PART_HFSPLUS", 0},
    TypeInfo{FileType::kInternal, "CL_TYPE_INTERNAL", 13},
    TypeInfo{FileType::kIgnored, "CL_TYPE_IGNORED", 0},
};

constexpr bool InEnumOrder() {
  for (size_t i = 0; i < kTypes.size(); ++i) {
    if (static_cast<size_t>(kTypes[i].type) != i) return false;
  }
  return static_cast<size_t>(FileType::kIgnored) + 1 == kTypes.size();
}
static_assert(InEnumOrder(), "kTypes must list every FileType in enum order");

constexpr std::array<FileType, kTypes.size()> MakeAllTypes() {
  std::array<FileType, kTypes.size()> all{};
  for (size_t i = 0; i < kTypes.size(); ++i) all[i] = kTypes[i].type;
  return all;
}
constexpr std::array kAllTypes = MakeAllTypes();

const TypeInfo& Info(FileType type) {
  return kTypes[static_cast<size_t>(type)];
}

}  // namespace

std::string_view ClamAvName(FileType type) { return Info(type).name; }

std::optional<FileType> FromClamAvName(std::string_view name) {
  auto it = std::find_if(kTypes.begin(), kTypes.end(),
                         [name](const TypeInfo& t) { return t.name == name; });
  if (it == kTypes.end()) return std::nullopt;
  return it->type;
}

std::span<const FileType> AllFileTypes() { return kAllTypes; }

uint8_t TargetType(FileType type) { return Info(type).target; }

}  // namespace vigil::filetype
