// Differential tests of NormalizeText against ClamAV 1.4.6:
// - byte for byte against `sigtool --ascii-normalise` (kSigtool blocks) on
//   generated inputs;
// - against clamscan's matcher (kScanner blocks): target-7 signatures cut
//   from vigil's output must all alert, and variants vigil says are absent
//   (a block boundary inside a whitespace run) must not.
#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "clamav_cli.h"
#include "formats/text/text_normalize.h"

namespace vigil::formats {
namespace {

std::string Normalize(const std::string& in, const TextNormalizeOptions& o) {
  std::vector<std::byte> out;
  NormalizeText(AsBytes(in), &out, o);
  return std::string(AsChars(out));
}

std::string RandomInput(std::mt19937& rng, size_t n, int kind) {
  static const std::string kAlphabets[] = {
      "aB c\tD\r\n", std::string("aZ  \x01\x00\xff\xc3\xa9\x0b\x0c\x7f.", 15),
      "ab \n", std::string("\0\x01\x02 aA", 6)};
  std::string s;
  if (kind == 4) {  // every byte value
    for (size_t i = 0; i < n; ++i) s += static_cast<char>(rng() & 0xff);
    return s;
  }
  const std::string& a = kAlphabets[kind];
  for (size_t i = 0; i < n; ++i) s += a[rng() % a.size()];
  return s;
}

TEST(NormalizeTextVsSigtool, ByteForByte) {
  if (!testing::HaveTool("sigtool")) GTEST_SKIP() << "sigtool not installed";
  TextNormalizeOptions o;
  o.blocks = TextNormalizeOptions::Blocks::kSigtool;
  std::mt19937 rng(7);
  const size_t sizes[] = {1,      2,      5,      6,     17,    100,
                          1000,   4095,   4096,   4097,  65536, 131071,
                          131072, 131073, 200000, 300000};
  size_t same = 0, total = 0;
  for (size_t n : sizes) {
    for (int kind = 0; kind < 5; ++kind) {
      std::string in = RandomInput(rng, n, kind);
      auto clam = testing::SigtoolAsciiNormalise(in);
      ASSERT_TRUE(clam.has_value());
      ++total;
      std::string ours = Normalize(in, o);
      if (ours == *clam) {
        ++same;
      } else {
        size_t at = 0;
        while (at < ours.size() && at < clam->size() && ours[at] == (*clam)[at])
          ++at;
        ADD_FAILURE() << "size " << n << " kind " << kind
                      << ": first difference at " << at;
      }
    }
  }
  // Long lines, whitespace only, mixed case words.
  for (const std::string& in :
       {std::string(300000, ' '), std::string(200000, 'A') + "\n",
        std::string("The Quick  Brown\tFox\r\n") + std::string(5000, '\t')}) {
    auto clam = testing::SigtoolAsciiNormalise(in);
    ASSERT_TRUE(clam.has_value());
    ++total;
    if (Normalize(in, o) == *clam)
      ++same;
    else
      ADD_FAILURE() << "special input of size " << in.size();
  }
  std::printf("NormalizeText vs sigtool: %zu of %zu outputs identical\n", same,
              total);
}

// Random words separated by whitespace runs, with dropped bytes mixed in so
// that output blocks do not line up with 4 KiB input pages.
std::string WordyInput(std::mt19937& rng, size_t n) {
  std::string s;
  while (s.size() < n) {
    size_t len = 3 + rng() % 8;
    for (size_t i = 0; i < len; ++i) s += static_cast<char>('a' + rng() % 26);
    if (rng() % 4 == 0) s += std::string(1 + rng() % 40, '\x01');
    s += std::string(1 + rng() % 8, " \t\n"[rng() % 3]);
  }
  return s;
}

std::string HexOf(const std::string& s) {
  static const char* kDigits = "0123456789abcdef";
  std::string h;
  for (unsigned char c : s) {
    h += kDigits[c >> 4];
    h += kDigits[c & 15];
  }
  return h;
}

TEST(NormalizeTextVsClamscan, BlockBoundaries) {
  if (!testing::HaveTool("clamscan")) GTEST_SKIP() << "clamscan not installed";
  constexpr size_t kLen = 24;  // every signature has this length: maxpatlen
  constexpr size_t kPage = 4096;
  TextNormalizeOptions o;
  o.max_pattern_length = kLen;
  std::mt19937 rng(11);
  std::string in = WordyInput(rng, 2500000);
  std::string out = Normalize(in, o);
  // Signatures that must alert: the output around every 4 KiB page boundary
  // that falls inside a whitespace run (where a new block would double the
  // space), and a sample of other windows. Signatures that must not: the
  // windows with a doubled space collapsed.
  std::vector<std::string> present, absent;
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n'; };
  for (size_t b = kPage; b < in.size(); b += kPage) {
    if (!is_space(in[b - 1]) || !is_space(in[b])) continue;
    size_t at = Normalize(in.substr(0, b), o).size() - 1;  // the run's space
    if (at < 10 || at + kLen > out.size()) continue;
    present.push_back(out.substr(at - 10, kLen));
    if (out.compare(at, 2, "  ") == 0) {
      absent.push_back(out.substr(at - 10, 11) + out.substr(at + 2, kLen - 11));
    }
  }
  ASSERT_GE(absent.size(), 3u)
      << "the input should cross several block boundaries";
  for (int i = 0; i < 200; ++i)
    present.push_back(out.substr(rng() % (out.size() - kLen), kLen));
  std::string db;
  for (size_t i = 0; i < present.size(); ++i) {
    db += "P" + std::to_string(i) + ":7:*:" + HexOf(present[i]) + "\n";
  }
  for (size_t i = 0; i < absent.size(); ++i) {
    if (out.find(absent[i]) != std::string::npos) continue;  // occurs elsewhere
    db += "A" + std::to_string(i) + ":7:*:" + HexOf(absent[i]) + "\n";
  }
  testing::TempDir dir;
  testing::WriteFile(dir.path() / "t.ndb", db);
  testing::WriteFile(dir.path() / "in.txt", in);
  std::string result = testing::Run(
      "clamscan --no-summary -z -d " + (dir.path() / "t.ndb").string() + " " +
      (dir.path() / "in.txt").string() + " 2>/dev/null");
  std::set<std::string> found;
  for (size_t p = result.find(": "); p != std::string::npos;
       p = result.find(": ", p + 1)) {
    size_t end = result.find(".UNOFFICIAL", p);
    if (end != std::string::npos)
      found.insert(result.substr(p + 2, end - p - 2));
  }
  size_t ok = 0;
  for (size_t i = 0; i < present.size(); ++i) {
    if (found.count("P" + std::to_string(i)))
      ++ok;
    else
      ADD_FAILURE() << "missing P" << i << " '" << present[i] << "'";
  }
  for (const std::string& name : found) {
    if (name[0] == 'A') ADD_FAILURE() << "unexpected " << name;
  }
  std::printf(
      "NormalizeText vs clamscan: %zu of %zu windows alert (%zu around page "
      "boundaries in whitespace, %zu of them new blocks)\n",
      ok, present.size(), present.size() - 200, absent.size());
}

}  // namespace
}  // namespace vigil::formats
