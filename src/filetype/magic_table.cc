// The built-in type table of ClamAV 1.4.6 (flevel 216), as vigil data.
// Entries whose .ftm flevel range excludes 216 are left out (e.g. PNG as
// CL_TYPE_GRAPHICS, which 1.4 replaced by CL_TYPE_PNG).
#include "filetype/magic_table.h"

#include <array>

namespace vigil::filetype::internal {
namespace {

constexpr std::array kMagics = {
    Magic{0, "1f8b", FileType::kGz},          // GZip
    Magic{0, "23407e5e", FileType::kScrEnc},  // "#@~^" (SCRENC)
    Magic{0,
          "28546869732066696c65206d75737420626520636f6e766572746564207769746820"
          "42696e48657820342e3029",
          FileType::kBinHex},  // "(This file must be converted with
                               // BinHex 4.0)" (BinHex)
    Magic{0, "2e524d46", FileType::kIgnored},   // ".RMF" (Real Media File)
    Magic{0, "3e46726f6d20", FileType::kMail},  // ">From " (Mail)
    Magic{0, "424d", FileType::kGraphics},      // "BM" (BMP)
    Magic{0, "425a68", FileType::kBz},          // "BZh" (BZip)
    Magic{0, "446174653a20", FileType::kMail},  // "Date: " (Mail)
    Magic{0, "44656c6976657265642d546f3a20",
          FileType::kMail},  // "Delivered-To: " (Mail)
    Magic{0, "44656c69766572792d646174653a20",
          FileType::kMail},  // "Delivery-date: " (Mail)
    Magic{0, "456e76656c6f70652d746f3a20",
          FileType::kMail},                     // "Envelope-to: " (Mail)
    Magic{0, "466f723a20", FileType::kMail},    // "For: " (Eserv mail)
    Magic{0, "46726f6d20", FileType::kMail},    // "From " (MBox)
    Magic{0, "46726f6d3a20", FileType::kMail},  // "From: " (Exim mail)
    Magic{0, "48692e20546869732069732074686520716d61696c2d73656e64",
          FileType::kMail},  // "Hi. This is the qmail-send" (Qmail bounce)
    Magic{0, "494433", FileType::kIgnored},  // "ID3" (MP3)
    Magic{0, "49545346", FileType::kMsChm},  // "ITSF" (MS CHM)
    Magic{0, "4d5a", FileType::kMsExe},      // "MZ" (MS-EXE/DLL)
    Magic{0, "4d6573736167652d49443a20",
          FileType::kMail},  // "Message-ID: " (Mail)
    Magic{0, "4d6573736167652d49643a20",
          FileType::kMail},                        // "Message-Id: " (Mail)
    Magic{0, "4f676753", FileType::kIgnored},      // "OggS" (Ogg Stream)
    Magic{0, "504b0304", FileType::kZip},          // ZIP
    Magic{0, "504b3030504b0304", FileType::kZip},  // "PK00PK.." (ZIP)
    Magic{0, "52494646", FileType::kRiff},         // "RIFF" (RIFF)
    Magic{0, "52494658", FileType::kRiff},         // "RIFX" (RIFX)
    Magic{0, "52617221", FileType::kRar},          // "Rar!" (RAR)
    Magic{0, "52656365697665643a20",
          FileType::kMail},  // "Received: " (Raw mail)
    Magic{0, "52657475726e2d506174683a20",
          FileType::kMail},  // "Return-Path: " (Maildir)
    Magic{0, "52657475726e2d706174683a20",
          FileType::kMail},                   // "Return-path: " (Maildir)
    Magic{0, "535a4444", FileType::kMsSzdd},  // "SZDD" (compress.exed)
    Magic{0, "5375626a6563743a20", FileType::kMail},  // "Subject: " (Mail)
    Magic{0, "546f3a20", FileType::kMail},            // "To: " (Mail)
    Magic{0, "582d4170706172656e746c792d546f3a20",
          FileType::kMail},                   // "X-Apparently-To: " (Mail)
    Magic{0, "582d455653", FileType::kMail},  // "X-EVS" (EVS mail)
    Magic{0, "582d456e76656c6f70652d46726f6d3a20",
          FileType::kMail},  // "X-Envelope-From: " (Mail)
    Magic{0, "582d4f726967696e616c2d546f3a20",
          FileType::kMail},  // "X-Original-To: " (Mail)
    Magic{0, "582d5265616c2d546f3a20",
          FileType::kMail},                           // "X-Real-To: " (Mail)
    Magic{0, "582d53696576653a20", FileType::kMail},  // "X-Sieve: " (Mail)
    Magic{0, "582d53796d616e7465632d",
          FileType::kMail},                          // "X-Symantec-" (Symantec)
    Magic{0, "582d5549444c3a20", FileType::kMail},   // "X-UIDL: " (Mail)
    Magic{0, "60ea", FileType::kArj},                // ARJ
    Magic{0, "626567696e20", FileType::kUuencoded},  // "begin " (UUencoded)
    Magic{0, "763a0a52656365697665643a20",
          FileType::kMail},  // "v:.Received: " (VPOP3 Mail (UNIX))
    Magic{0, "763a0d0a52656365697665643a20",
          FileType::kMail},  // "v:..Received: " (VPOP3 Mail (DOS))
    Magic{0, "789f3e22", FileType::kTnef},             // "x.>"" (TNEF)
    Magic{0, "7f454c46", FileType::kElf},              // ".ELF" (ELF)
    Magic{0, "b6b9acaefeffffff", FileType::kCryptFf},  // CryptFF
    Magic{0, "d0cf11e0a1b11ae1", FileType::kMsOle2},   // OLE2 container
    Magic{0, "fffb90", FileType::kIgnored},            // MP3
    Magic{0, "5349502d48495420285349502f48",
          FileType::kIgnored},  // "SIP-HIT (SIP/H" (SIP log)
    Magic{257, "7573746172", FileType::kPosixTar},  // "ustar" (TAR-POSIX)
    Magic{0, "5b616c69617365735d",
          FileType::kScript},                 // "[aliases]" (mirc ini)
    Magic{0, "cefaedfe", FileType::kMachO},   // Mach-O LE
    Magic{0, "cffaedfe", FileType::kMachO},   // Mach-O LE 64-bit
    Magic{0, "feedface", FileType::kMachO},   // Mach-O BE
    Magic{0, "feedfacf", FileType::kMachO},   // Mach-O BE 64-bit
    Magic{0, "377abcaf271c", FileType::k7z},  // 7zip
    Magic{0, "52656365697665642d5350463a20",
          FileType::kMail},  // "Received-SPF: " (Mail file)
    Magic{0, "303730373031", FileType::kCpioNewc},     // "070701" (CPIO NEWC)
    Magic{0, "303730373032", FileType::kCpioCrc},      // "070702" (CPIO CRC)
    Magic{0, "303730373037", FileType::kCpioOdc},      // "070707" (CPIO ODC)
    Magic{0, "71c7", FileType::kCpioOld},              // CPIO OLD BINARY BE
    Magic{0, "c771", FileType::kCpioOld},              // CPIO OLD BINARY LE
    Magic{0, "255044462d", FileType::kPdf},            // "%PDF-" (PDF document)
    Magic{0, "53594d430100", FileType::kIgnored},      // "SYMC.." (SYM DATFILE)
    Magic{0, "377f0682002de218", FileType::kIgnored},  // SQLite WAL
    Magic{0, "377f0683002de218", FileType::kIgnored},  // SQLite WAL
    Magic{0, "53514c69746520666f726d6174203300",
          FileType::kIgnored},  // "SQLite format 3." (SQLite database)
    Magic{0, "d9d505f920a163d7", FileType::kIgnored},  // SQLite journal
    Magic{0, "465753", FileType::kSwf},            // "FWS" (SWF (uncompressed))
    Magic{0, "4d53434600000000", FileType::kCab},  // MS CAB
    Magic{0, "5b616c69617365735d",
          FileType::kPosixTar},  // "[aliases]" (TAR-POSIX-CVE-2012-1419)
    Magic{0, "0000000c6a5020200d0a870a", FileType::kGraphics},  // JPEG2000
    Magic{0, "000001b3", FileType::kBinaryData},  // MPEG video stream
    Magic{0, "000001ba", FileType::kBinaryData},  // MPEG sys stream
    Magic{0, "78617221", FileType::kXar},         // "xar!" (XAR container file)
    Magic{0, "fd377a585a00", FileType::kXz},  // ".7zXZ." (XZ container file)
    Magic{512, "4546492050415254",
          FileType::kGpt},  // "EFI PART" (Disk Image - GUID Partition Table)
    Magic{4, "d0cf11e0a1b11ae1", FileType::kHwpOle2},  // HWP embedded OLE2
    Magic{0, "48575020446f63756d656e742046696c652056332e3030201a0102030405",
          FileType::kHwp3},  // "HWP Document File V3.00 ......" (HWP3 Document)
    Magic{0, "7b5c7274", FileType::kRtf},  // "{\\rt" (RTF)
    Magic{0, "252150532d41646f62652d",
          FileType::kPs},  // "%!PS-Adobe-" (PostScript)
    Magic{0, "4c0000000114020000000000c000000000000046",
          FileType::kLnk},                  // Microsoft Windows Shortcut File
    Magic{0, "435753", FileType::kSwf},     // "CWS" (SWF (zlib compressed))
    Magic{0, "45474741", FileType::kEgg},   // "EGGA" (Egg Archive)
    Magic{0, "89504e47", FileType::kPng},   // ".PNG" (PNG)
    Magic{0, "474946", FileType::kGif},     // "GIF" (GIF)
    Magic{0, "ffd8ff", FileType::kJpeg},    // JPEG
    Magic{0, "49492a00", FileType::kTiff},  // "II*." (TIFF Little Endian)
    Magic{0, "4d4d", FileType::kTiff},      // "MM" (TIFF Big Endian)
    Magic{0, "7b0a2020224d61676963223a22434c414d4a534f4e763022",
          FileType::kInternal},          // "{.  "Magic":"CLAMJSONv0"" (Internal
                                         // properties)
    Magic{0, "5a5753", FileType::kSwf},  // "ZWS" (SWF (LZMA compressed))
    Magic{0, "e4525c7b8cd8a74daeb15378d02996d3",
          FileType::kOneNote},  // Microsoft OneNote Document
    Magic{0, "02099900",
          FileType::kPythonCompiled},  // Python 1.0 byte-compiled (.pyc)
    Magic{0, "03099900",
          FileType::kPythonCompiled},  // Python 1.1/1.2 byte-compiled (.pyc)
    Magic{0, "414c5a01", FileType::kAlz},  // "ALZ." (ALZ)
};

// Python byte-code: two version bytes then "\r\n" (.ftm lists one entry
// per version); one pattern below covers 3.7 and later.
constexpr std::array<std::string_view, 90> kPythonVersionMagics = {
    "892e0d0a", "04170d0a", "994e0d0a", "fcc40d0a", "fdc40d0a", "87c60d0a",
    "88c60d0a", "2aeb0d0a", "2beb0d0a", "2ded0d0a", "2eed0d0a", "3bf20d0a",
    "3cf20d0a", "45f20d0a", "59f20d0a", "63f20d0a", "6df20d0a", "6ef20d0a",
    "77f20d0a", "81f20d0a", "8bf20d0a", "8cf20d0a", "95f20d0a", "9ff20d0a",
    "a9f20d0a", "b3f20d0a", "b4f20d0a", "c7f20d0a", "d1f20d0a", "d2f20d0a",
    "dbf20d0a", "e5f20d0a", "eff20d0a", "f9f20d0a", "03f30d0a", "04f30d0a",
    "0af30d0a", "b80b0d0a", "c20b0d0a", "cc0b0d0a", "d60b0d0a", "e00b0d0a",
    "ea0b0d0a", "f40b0d0a", "f50b0d0a", "ff0b0d0a", "090c0d0a", "130c0d0a",
    "1d0c0d0a", "1f0c0d0a", "270c0d0a", "3b0c0d0a", "450c0d0a", "4f0c0d0a",
    "580c0d0a", "620c0d0a", "6c0c0d0a", "760c0d0a", "800c0d0a", "8a0c0d0a",
    "940c0d0a", "9e0c0d0a", "b20c0d0a", "bc0c0d0a", "c60c0d0a", "d00c0d0a",
    "da0c0d0a", "e40c0d0a", "ee0c0d0a", "f80c0d0a", "020d0d0a", "0c0d0d0a",
    "160d0d0a", "170d0d0a", "200d0d0a", "210d0d0a", "2a0d0d0a", "2b0d0d0a",
    "2c0d0d0a", "2d0d0d0a", "2f0d0d0a", "300d0d0a", "310d0d0a", "320d0d0a",
    "330d0d0a", "3e0d0d0a", "3f0d0d0a", "f00d0d0a", "00010d0a", "50010d0a",
};

constexpr std::array kMarkers = {
    Marker{Anchor::kAnywhere, 0, 0, "3c4120*(68|48)(72|52)4546",
           FileType::kHtml},  // HTML data
    Marker{Anchor::kAnywhere, 0, 0, "3c4120*(68|48)(72|52)6566",
           FileType::kHtml},  // HTML data
    Marker{Anchor::kAnywhere, 0, 0, "3c484541443e",
           FileType::kHtml},  // HTML data
    Marker{Anchor::kAnywhere, 0, 0, "3c48544d4c3e",
           FileType::kHtml},  // HTML data
    Marker{Anchor::kAnywhere, 0, 0, "3c486561643e",
           FileType::kHtml},  // HTML data
    Marker{Anchor::kAnywhere, 0, 0, "3c48746d6c3e",
           FileType::kHtml},  // HTML data
    Marker{Anchor::kAnywhere, 0, 0, "3c494652414d45",
           FileType::kHtml},                                       // HTML data
    Marker{Anchor::kAnywhere, 0, 0, "3c494d47", FileType::kHtml},  // HTML data
    Marker{Anchor::kAnywhere, 0, 0, "3c496d67", FileType::kHtml},  // HTML data
    Marker{Anchor::kAnywhere, 0, 0, "3c4f424a454354",
           FileType::kHtml},  // HTML data
    Marker{Anchor::kAnywhere, 0, 0, "3c4f626a656374",
           FileType::kHtml},  // HTML data
    Marker{Anchor::kAnywhere, 0, 0, "3c534352495054",
           FileType::kHtml},  // HTML data
    Marker{Anchor::kAnywhere, 0, 0, "3c536372697074",
           FileType::kHtml},  // HTML data
    Marker{Anchor::kAnywhere, 0, 0, "3c5441424c45",
           FileType::kHtml},  // HTML data
    Marker{Anchor::kAnywhere, 0, 0, "3c6120*(68|48)(72|52)4546",
           FileType::kHtml},  // HTML data
    Marker{Anchor::kAnywhere, 0, 0, "3c6120*(68|48)(72|52)6566",
           FileType::kHtml},  // HTML data
    Marker{Anchor::kAnywhere, 0, 0, "3c686561643e",
           FileType::kHtml},  // HTML data
    Marker{Anchor::kAnywhere, 0, 0, "3c68746d6c3e",
           FileType::kHtml},  // HTML data
    Marker{Anchor::kAnywhere, 0, 0, "3c696672616d65",
           FileType::kHtml},                                       // HTML data
    Marker{Anchor::kAnywhere, 0, 0, "3c696d67", FileType::kHtml},  // HTML data
    Marker{Anchor::kAnywhere, 0, 0, "3c6f626a656374",
           FileType::kHtml},  // HTML data
    Marker{Anchor::kAnywhere, 0, 0, "3c736372697074",
           FileType::kHtml},  // HTML data
    Marker{Anchor::kAnywhere, 0, 0, "3c7461626c65",
           FileType::kHtml},  // HTML data
    Marker{Anchor::kAnywhere, 0, 0, "4d5a{60-300}50450000",
           FileType::kMsExe},                                        // PE
    Marker{Anchor::kAnywhere, 0, 0, "504b0304", FileType::kZipSfx},  // ZIP-SFX
    Marker{Anchor::kAnywhere, 0, 0, "526172211a0700",
           FileType::kRarSfx},  // RAR-SFX
    Marker{Anchor::kAnywhere, 0, 0, "60ea{7}0002",
           FileType::kArjSfx},  // ARJ-SFX
    Marker{Anchor::kAnywhere, 0, 0, "60ea{7}0102",
           FileType::kArjSfx},  // ARJ-SFX
    Marker{Anchor::kAnywhere, 0, 0, "60ea{7}0202",
           FileType::kArjSfx},  // ARJ-SFX
    Marker{Anchor::kAnywhere, 0, 0,
           "a3484bbe986c4aa9994c530a86d6487d41553321454130(35|36)",
           FileType::kAutoIt},  // AUTOIT
    Marker{Anchor::kAnywhere, 0, 0, "efbeadde4e756c6c736f6674496e7374",
           FileType::kNulsft},  // NSIS
    Marker{Anchor::kAt, 0, 0, "3c2540204c414e4755414745203d",
           FileType::kHtml},  // HTML data
    Marker{Anchor::kWithin, 0, 1024,
           "0a(46|66)726f6d3a20{-1024}0a(4d|6d)(49|69)(4d|6d)(45|65)2d(56|76)"
           "657273696f6e3a20",
           FileType::kMail},  // Mail file
    Marker{Anchor::kWithin, 0, 1024,
           "0a(46|66)726f6d3a20{-2048}0a(43|63)6f6e74656e742d(54|74)7970653a20",
           FileType::kMail},  // Mail file
    Marker{Anchor::kWithin, 0, 1024,
           "0a(4d|6d)(49|69)(4d|6d)(45|65)2d(56|76)657273696f6e3a20{-2048}0a("
           "43|63)6f6e74656e742d(54|74)7970653a20",
           FileType::kMail},  // Mail file
    Marker{Anchor::kWithin, 0, 1024,
           "0a(4d|6d)6573736167652d(49|69)643a20{-1024}0a(43|63)6f6e74656e742d("
           "54|74)7970653a20",
           FileType::kMail},  // Mail file
    Marker{Anchor::kWithin, 0, 2048,
           "0a(52|72)656365697665643a20{-2048}0a(43|63)6f6e74656e742d(54|74)"
           "7970653a20",
           FileType::kMail},  // Mail file
    Marker{Anchor::kAnywhere, 0, 0,
           "496e7374616c6c536869656c6400{292}0600000000000000????????????????"
           "0000000001",
           FileType::kIshieldMsi},  // ISHIELD-MSI
    Marker{Anchor::kAnywhere, 0, 0, "255044462d??2e", FileType::kPdf},  // PDF
    Marker{Anchor::kAnywhere, 0, 0, "257064662d??2e", FileType::kPdf},  // PDF
    Marker{Anchor::kWithin, 0, 128,
           "2f5247420a49440affffffffffffffffffffffffffffffffffffffffffffffff",
           FileType::kIgnored},  // PDF image
    Marker{Anchor::kAnywhere, 0, 0, "4d53434600000000",
           FileType::kCabSfx},  // CAB-SFX
    Marker{Anchor::kAnywhere, 0, 0, "014344303031{2043-2443}4344303031",
           FileType::kIso9660},  // ISO9660
    Marker{Anchor::kWithin, 0, 32768, "004245413031", FileType::kUdf},  // UDF
    Marker{Anchor::kWithin, 8, 12, "19040010", FileType::kSis},         // SIS
    Marker{Anchor::kWithin, 0, 1024,
           "44656c6976657265642d546f3a{-256}52656365697665643a",
           FileType::kMail},  // Mail file
    Marker{Anchor::kAt, 0, 0, "cafebabe0000000?",
           FileType::kMachOUnibin},  // Universal Binary
    Marker{Anchor::kAt, 0, 0, "cafebabe0000001?",
           FileType::kMachOUnibin},  // Universal Binary
    Marker{Anchor::kAt, 0, 0, "cafebabe0000002?",
           FileType::kJava},  // Java class file
    Marker{Anchor::kAt, 0, 0, "cafebabe0000003?",
           FileType::kJava},  // Java class file
    Marker{Anchor::kEofMinus, 512, 0, "6b6f6c79",
           FileType::kDmg},  // DMG container file
    Marker{Anchor::kAt, 0, 0,
           "3c3f786d6c2076657273696f6e3d22312e3022{0-1024}3c576f726b626f6f6b",
           FileType::kXmlXl},  // Microsoft Excel 2003 XML Document
    Marker{Anchor::kAt, 0, 0,
           "3c3f786d6c2076657273696f6e3d22312e3022{0-1024}"
           "3c776f7264446f63756d656e74",
           FileType::kXmlWord},  // Microsoft Word 2003 XML Document
    Marker{
        Anchor::kAt, 0, 0,
        "3c3f786d6c2076657273696f6e3d22312e3022{0-1024}3c??3a576f726b626f6f6b",
        FileType::kXmlXl},  // Microsoft Excel 2003 XML Document
    Marker{Anchor::kAt, 0, 0,
           "3c3f786d6c2076657273696f6e3d22312e3022{0-1024}3c??"
           "3a776f7264446f63756d656e74",
           FileType::kXmlWord},  // Microsoft Word 2003 XML Document
    Marker{Anchor::kAnywhere, 0, 0, "3c7864703a786470",
           FileType::kXdp},  // Adobe XDP - Embedded PDF
    Marker{Anchor::kAt, 0, 0, "4552{510}504d0000",
           FileType::kApm},  // Disk Image - Apple Partition Map
    Marker{Anchor::kAt, 510, 0, "55aa",
           FileType::kMbr},  // Disk Image - Master Boot Record
    Marker{Anchor::kAt, 0, 0,
           "efbbbf3c3f786d6c2076657273696f6e3d22312e3022*3c4857504d4c",
           FileType::kXmlHwp},  // HWPML Document
    Marker{Anchor::kAt, 0, 0,
           "(4d|6d)(49|69)(4d|6d)(45|65)2d(56|76)657273696f6e3a20{-1024}0a(43|"
           "63)6f6e74656e742d(54|74)7970653a20",
           FileType::kMhtml},  // MHTML file
    Marker{Anchor::kAnywhere, 0, 0,
           "0a(4d|6d)(49|69)(4d|6d)(45|65)2d(56|76)657273696f6e3a20{-1024}0a("
           "43|63)6f6e74656e742d(54|74)7970653a20",
           FileType::kMhtml},  // MHTML file
    Marker{Anchor::kAnywhere, 0, 0, "377abcaf271c",
           FileType::k7zSfx},  // 7zip-SFX
    Marker{Anchor::kAt, 0, 0,
           "3c3f786d6c2076657273696f6e3d22312e3022{0-1024}"
           "70726f6769643d22576f72642e446f63756d656e74223f3e",
           FileType::kXmlWord},  // Microsoft Word 2003 XML Document
    Marker{
        Anchor::kAt, 0, 0, "??0d0d0a",
        FileType::kPythonCompiled},  // Python 3.7 or newer byte-compiled (.pyc)
    Marker{Anchor::kAt, 2, 0, "2d6c68(30|31|32|33|34|35|36|37|64|78)2d",
           FileType::kLha},  // LHA or LZH archive
    Marker{Anchor::kAt, 2, 0, "2d6c7a(73|34|35)2d",
           FileType::kLha},  // LHA archive using .LZS extension
    Marker{Anchor::kAt, 2, 0, "2d706d302d",
           FileType::kLha},  // LHA archive using PMarc (.PMA) extension
};

}  // namespace

std::span<const Magic> Magics() { return kMagics; }

std::span<const Marker> Markers() { return kMarkers; }

std::span<const std::string_view> PythonVersionMagics() {
  return kPythonVersionMagics;
}

}  // namespace vigil::filetype::internal
