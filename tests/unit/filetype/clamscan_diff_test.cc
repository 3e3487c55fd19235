// Differential test: Detect() against clamscan 1.4.6's own typing (the
// FileType of its --gen-json document) on a generated corpus: every magic
// and marker of the table in text and binary surroundings, pairs of
// markers, UTF-16 text, tar headers, zips that are or are not OOXML
// documents and random inputs.
#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "clamav_cli.h"
#include "filetype/filetype.h"
#include "filetype/magic_table.h"
#include "test_bytes.h"

namespace vigil::filetype {
namespace {

using testing::Fill;
using testing::Hex;
using testing::Put;
using testing::Utf16;

// The first matching instance of a marker pattern: wildcards and gaps
// filled with `fill`, the first alternative taken, ranges at their minimum.
std::string Instance(std::string_view pattern, char fill) {
  std::string out;
  for (size_t i = 0; i < pattern.size();) {
    char c = pattern[i];
    if (c == '(') {
      out += Hex(pattern.substr(i + 1, 2));
      i = pattern.find(')', i) + 1;
    } else if (c == '{') {
      size_t close = pattern.find('}', i);
      std::string body(pattern.substr(i + 1, close - i - 1));
      out += Fill(body[0] == '-' ? 0 : std::stoul(body), fill);
      i = close + 1;
    } else if (c == '*') {
      ++i;
    } else {
      std::string byte(pattern.substr(i, 2));
      if (byte == "??") {
        out += fill;
      } else if (byte[1] == '?') {
        out += Hex(byte.substr(0, 1) + "0");
      } else if (byte[0] == '?') {
        out += Hex("0" + byte.substr(1, 1));
      } else {
        out += Hex(byte);
      }
      i += 2;
    }
  }
  return out;
}

struct Corpus {
  std::vector<std::string> blobs;
  std::vector<std::string> labels;
  void Add(std::string label, std::string blob) {
    // ClamAV does not type objects of 5 bytes or less.
    if (blob.size() < kMinScannableSize) return;
    labels.push_back(std::move(label));
    blobs.push_back(std::move(blob));
  }
};

void AddTableEntries(Corpus* c) {
  for (const internal::Magic& m : internal::Magics()) {
    for (char fill : {'\0', 'a'}) {
      if (m.type == FileType::kTnef && fill == 'a') continue;  // hangs clamscan
      c->Add("magic " + std::string(m.hex),
             Put(Fill(m.offset + 300, fill), m.offset, Hex(m.hex)));
    }
  }
  for (const internal::Marker& m : internal::Markers()) {
    if (m.anchor == internal::Anchor::kEofMinus) continue;
    for (char fill : {'\0', 'a'}) {
      std::vector<size_t> at;
      if (m.anchor == internal::Anchor::kAnywhere) at = {0, 100, 900};
      if (m.anchor == internal::Anchor::kAt) at = {m.offset};
      if (m.anchor == internal::Anchor::kWithin) at = {m.offset, m.offset + 50};
      for (size_t pos : at) {
        std::string inst = Instance(m.pattern, fill);
        c->Add("marker " + std::string(m.pattern) + " @" + std::to_string(pos),
               Put(Fill(pos + inst.size() + 300, fill), pos, inst));
      }
    }
  }
}

void AddMarkerPairs(Corpus* c) {
  const std::vector<std::string> markers = {
      "<html>",
      "\nFrom: x\nMIME-Version: ",
      "\nMIME-Version: 1\nContent-Type: ",
      "%PDF-1.4",
      "MZ" + Fill(60, '\0') + "PE" + Fill(2, '\0'),
      Hex("efbeadde4e756c6c736f6674496e7374"),
      "<xdp:xdp",
      "PK\x03\x04",
      "Rar!\x1a\x07" + Fill(1, '\0'),
      "/RGB\nID\n" + Fill(24, '\xff')};
  for (size_t a = 0; a < markers.size(); ++a) {
    for (size_t b = 0; b < markers.size(); ++b) {
      if (a == b) continue;
      for (char fill : {'\0', 'a'}) {
        c->Add("pair " + std::to_string(a) + "," + std::to_string(b),
               Put(Put(Fill(1024, fill), 100, markers[a]), 600, markers[b]));
      }
    }
  }
}

void AddTextAndUtf16(Corpus* c) {
  std::string html = "<html><body>hi</body></html>";
  c->Add("utf16le bom html", "\xff\xfe" + Utf16(html, false));
  c->Add("utf16le html", Utf16(html, false));
  c->Add("utf16be bom html", "\xfe\xff" + Utf16(html, true));
  c->Add("utf16be html", Utf16(html, true));
  for (size_t k : {400, 505, 506, 507}) {
    c->Add("utf16 window " + std::to_string(k),
           "\xff\xfe" + Utf16(Fill(k, 'a') + "<html>" + Fill(600, 'a'), false));
  }
  for (size_t n : {1017, 1018, 1019, 1023, 1024}) {
    c->Add("late html " + std::to_string(n),
           Fill(n, 'a') + "<html>" + Fill(100, 'a'));
    c->Add("late nul " + std::to_string(n),
           Fill(n, 'a') + '\0' + Fill(100, 'a'));
  }
  for (int b = 0; b < 256; ++b) {
    c->Add("byte " + std::to_string(b),
           "hello world " + std::string(1, static_cast<char>(b)) +
               " some more text\n");
    c->Add("pair " + std::to_string(b), std::string(40, static_cast<char>(b)));
  }
}

void AddRandom(Corpus* c) {
  std::mt19937 rng(20261130);
  const std::string alphabets[] = {std::string("abcXYZ <>/=\"\n\t\r", 15),
                                   std::string("\0\x01\x7f\x80\xff a<", 9),
                                   std::string("ab\0\0\n", 5),
                                   std::string("\x01\x02 abc", 6)};
  for (int i = 0; i < 160; ++i) {
    const std::string& alpha = alphabets[i % 4];
    size_t n = std::uniform_int_distribution<size_t>(6, 1500)(rng);
    std::string s;
    for (size_t k = 0; k < n; ++k) s += alpha[rng() % alpha.size()];
    if (i % 3 == 0) s = Put(s, rng() % n, "<script");
    c->Add("random " + std::to_string(i), s);
  }
}

// A stored zip of `entries` (name, data): local headers and data only,
// which is all ClamAV's OOXML typing reads (a central directory is added
// so that the file is a valid zip).
std::string Zip(
    const std::vector<std::pair<std::string, std::string>>& entries) {
  auto le = [](uint32_t v, int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += static_cast<char>(v >> (8 * i));
    return s;
  };
  std::string out, central;
  for (const auto& [name, data] : entries) {
    std::string common = le(20, 2) + le(0, 2) + le(0, 2) + le(0, 4) + le(0, 4) +
                         le(static_cast<uint32_t>(data.size()), 4) +
                         le(static_cast<uint32_t>(data.size()), 4) +
                         le(static_cast<uint32_t>(name.size()), 2) + le(0, 2);
    central += "PK\x01\x02" + le(20, 2) + common + le(0, 2) + le(0, 2) +
               le(0, 2) + le(0, 4) + le(static_cast<uint32_t>(out.size()), 4) +
               name;
    out += "PK\x03\x04" + common + name + data;
  }
  const uint32_t n = static_cast<uint32_t>(entries.size());
  return out + central + "PK\x05\x06" + le(0, 4) + le(n, 2) + le(n, 2) +
         le(static_cast<uint32_t>(central.size()), 4) +
         le(static_cast<uint32_t>(out.size()), 4) + le(0, 2);
}

// Zips whose entry names and sizes probe the OOXML retyping (ooxml.cc):
// which names decide, how many headers are looked at, how far into the
// file, and what makes a zip a likely document.
void AddZips(Corpus* c) {
  const std::string names[] = {"word/document.xml",
                               "xl/workbook.xml",
                               "ppt/slide1.xml",
                               "docProps/app.xml",
                               "[Content_Types].xml",
                               "Contents/content.hpf",
                               "other.txt",
                               "WORD/x.xml",
                               "foo/word/x.xml",
                               "wordy.xml",
                               "Contents/section0.xml",
                               "_rels/.rels"};
  std::mt19937 rng(31);
  for (int i = 0; i < 160; ++i) {
    std::vector<std::pair<std::string, std::string>> entries;
    std::string label = "zip";
    const int n = 1 + static_cast<int>(rng() % 7);
    for (int k = 0; k < n; ++k) {
      const std::string& name = names[rng() % std::size(names)];
      // Mostly small members; some push later headers past ~29 KiB.
      size_t size = rng() % 4 == 0 ? 20000 + rng() % 20000 : rng() % 200;
      entries.emplace_back(name, Fill(size, 'x'));
      label += " " + name + "(" + std::to_string(size) + ")";
    }
    c->Add(label, Zip(entries));
  }
}

TEST(DetectVsClamscan, AgreesOnGeneratedCorpus) {
  if (!testing::HaveTool("clamscan")) GTEST_SKIP() << "clamscan not installed";
  Corpus c;
  AddTableEntries(&c);
  AddMarkerPairs(&c);
  AddTextAndUtf16(&c);
  AddRandom(&c);
  AddZips(&c);
  std::vector<std::string> clam = testing::ClamscanTypes(c.blobs);
  size_t agree = 0, compared = 0;
  for (size_t i = 0; i < c.blobs.size(); ++i) {
    if (clam[i].empty()) continue;  // not typed (e.g. clamscan gave up)
    ++compared;
    std::string_view ours = ClamAvName(Detect(AsBytes(c.blobs[i])));
    if (ours == clam[i]) {
      ++agree;
    } else {
      ADD_FAILURE() << c.labels[i] << ": vigil " << ours << ", clamscan "
                    << clam[i];
    }
  }
  std::printf("Detect vs clamscan: %zu of %zu agree (%zu inputs)\n", agree,
              compared, c.blobs.size());
  EXPECT_GT(compared, c.blobs.size() * 9 / 10);
}

}  // namespace
}  // namespace vigil::filetype
