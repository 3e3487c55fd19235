// The VBA project dir stream ([MS-OVBA] 2.3.4.2).
//
// After decompression the dir stream is a sequence of records, almost all
// shaped Id (u16), Size (u32), Size bytes. The one exception is
// PROJECTVERSION (0x0009), whose "Reserved" field reads 4 but is followed by
// 6 bytes. Rather than parse every record of the grammar, the walk reads
// records generically and keeps the few that locate module source:
// MODULENAME starts a module; MODULENAMEUNICODE, MODULESTREAMNAME (with its
// Unicode twin 0x0032) and MODULEOFFSET fill it in; the module terminator
// (0x002B) closes it and the dir terminator (0x0010) ends the walk.
#include "formats/ole2/vba.h"

#include <optional>
#include <string_view>

#include "core/reader.h"

namespace vigil::formats::ole2 {
namespace {

constexpr uint16_t kProjectVersion = 0x0009;
constexpr uint16_t kProjectModules = 0x000F;
constexpr uint16_t kDirTerminator = 0x0010;
constexpr uint16_t kModuleName = 0x0019;
constexpr uint16_t kModuleStreamName = 0x001A;
constexpr uint16_t kModuleTerminator = 0x002B;
constexpr uint16_t kModuleOffset = 0x0031;
constexpr uint16_t kModuleStreamNameUnicode = 0x0032;
constexpr uint16_t kModuleNameUnicode = 0x0047;

void AppendUtf8(uint32_t cp, std::string& out) {
  if (cp < 0x20 || cp == 0x7F) {
    out.push_back('_');
  } else if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

struct Record {
  uint16_t id;
  ByteView body;
};

// The next record, or nullopt when the stream ends or a record is cut off.
std::optional<Record> NextRecord(core::Reader& r) {
  auto id = r.U16Le();
  if (!id) return std::nullopt;
  if (*id == kProjectVersion) {
    auto body = r.Bytes(10);
    if (!body) return std::nullopt;
    return Record{*id, *body};
  }
  auto size = r.U32Le();
  if (!size) return std::nullopt;
  auto body = r.Bytes(*size);
  if (!body) return std::nullopt;
  return Record{*id, *body};
}

}  // namespace

std::string Utf16ToName(ByteView utf16le) {
  std::string out;
  core::Reader r(utf16le);
  while (auto unit = r.U16Le()) {
    uint32_t cp = *unit;
    if (cp >= 0xD800 && cp < 0xDC00) {
      core::Reader peek = r;
      auto low = peek.U16Le();
      if (low && *low >= 0xDC00 && *low < 0xE000) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (*low - 0xDC00u);
        r = peek;
      } else {
        cp = 0xFFFD;
      }
    } else if (cp >= 0xDC00 && cp < 0xE000) {
      cp = 0xFFFD;
    }
    AppendUtf8(cp, out);
  }
  return out;
}

std::string BytesToName(ByteView bytes) {
  std::string out;
  for (std::byte b : bytes) AppendUtf8(static_cast<uint8_t>(b), out);
  return out;
}

std::vector<VbaModule> ParseVbaDir(ByteView dir, uint32_t max_modules,
                                   NoteList& notes) {
  std::vector<VbaModule> modules;
  core::Reader r(dir);
  bool open = false;  // a MODULENAME has been seen and not yet terminated
  while (true) {
    auto rec = NextRecord(r);
    if (!rec) {
      notes.Add("VBA dir stream cut off");
      break;
    }
    if (rec->id == kDirTerminator) break;
    if (rec->id == kProjectModules) continue;
    if (rec->id == kModuleName) {
      if (modules.size() >= max_modules) {
        notes.Add("too many VBA modules");
        break;
      }
      modules.push_back({BytesToName(rec->body), "", 0});
      open = true;
      continue;
    }
    if (!open) continue;
    VbaModule& m = modules.back();
    switch (rec->id) {
      case kModuleNameUnicode:
        if (!rec->body.empty()) m.name = Utf16ToName(rec->body);
        break;
      case kModuleStreamName:
        m.stream_name = BytesToName(rec->body);
        break;
      case kModuleStreamNameUnicode:
        if (!rec->body.empty()) m.stream_name = Utf16ToName(rec->body);
        break;
      case kModuleOffset:
        m.text_offset = core::Reader(rec->body).U32Le().value_or(0);
        break;
      case kModuleTerminator:
        open = false;
        break;
      default:
        break;
    }
  }
  return modules;
}

std::optional<size_t> FindModuleSource(ByteView stream, size_t from) {
  // 0x01 (container), a chunk header with signature 0b011 in bits 12-14,
  // then "Attribut": after the flag byte 0x00 in a compressed chunk, at
  // once in a raw one (always 4096 bytes: size field 0xFFF).
  static constexpr std::string_view kText("Attribut");
  auto text_at = [&](size_t at) {
    if (at + kText.size() > stream.size()) return false;
    for (size_t k = 0; k < kText.size(); ++k) {
      if (stream[at + k] != static_cast<std::byte>(kText[k])) return false;
    }
    return true;
  };
  for (size_t i = from; i + 3 + kText.size() <= stream.size(); ++i) {
    if (stream[i] != std::byte{0x01}) continue;
    const uint16_t header =
        static_cast<uint16_t>(static_cast<uint8_t>(stream[i + 1]) |
                              (static_cast<uint8_t>(stream[i + 2]) << 8));
    if (((header >> 12) & 0x7) != 0x3) continue;
    const bool compressed = (header & 0x8000) != 0;
    if (compressed ? stream[i + 3] == std::byte{0} && text_at(i + 4)
                   : (header & 0x0FFF) == 0x0FFF && text_at(i + 3)) {
      return i;
    }
  }
  return std::nullopt;
}

}  // namespace vigil::formats::ole2
