// TNEF (winmail.dat): attachments by title, limits, damage. Streams are
// built here, attribute by attribute.
#include "formats/mail/tnef.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace vigil::formats {
namespace {

void Put32(std::string* s, uint32_t v) {
  for (int i = 0; i < 4; ++i) s->push_back(static_cast<char>(v >> (8 * i)));
}

// One attribute: level, id, length, value, checksum (sum of the bytes).
void Attr(std::string* s, uint8_t level, uint32_t id, const std::string& v) {
  s->push_back(static_cast<char>(level));
  Put32(s, id);
  Put32(s, static_cast<uint32_t>(v.size()));
  *s += v;
  uint16_t sum = 0;
  for (unsigned char c : v) sum = static_cast<uint16_t>(sum + c);
  s->push_back(static_cast<char>(sum & 0xff));
  s->push_back(static_cast<char>(sum >> 8));
}

std::string Tnef(
    const std::vector<std::pair<std::string, std::string>>& files) {
  std::string s;
  Put32(&s, 0x223E9F78);
  s += std::string("\x01\x00", 2);                              // legacy key
  Attr(&s, 1, 0x00089006, std::string("\x01\x00\x00\x00", 4));  // version
  Attr(&s, 1, 0x00078008, "IPM.Microsoft Mail.Note");
  for (const auto& [name, data] : files) {
    Attr(&s, 2, 0x00069002, std::string(14, '\0'));  // attAttachRendData
    Attr(&s, 2, 0x00018010, name + std::string(1, '\0'));
    Attr(&s, 2, 0x0006800F, data);
    Attr(&s, 2, 0x00069005, "mapi props, not parsed");
  }
  return s;
}

ByteView Bytes(const std::string& s) {
  return ByteView(reinterpret_cast<const std::byte*>(s.data()), s.size());
}

using Files = std::vector<std::pair<std::string, std::string>>;

Files Extract(const std::string& s, ExtractLimits limits = {},
              ExtractResult* out = nullptr) {
  Files got;
  ExtractResult r = ExtractTnef(Bytes(s), limits, [&](const ArchiveMember& m) {
    got.emplace_back(m.name,
                     std::string(reinterpret_cast<const char*>(m.data.data()),
                                 m.data.size()));
    return true;
  });
  if (out) *out = r;
  return got;
}

TEST(Tnef, AttachmentsComeOutByTitle) {
  std::string binary;
  for (int i = 0; i < 256; ++i) binary.push_back(static_cast<char>(i));
  const Files files = {{"invoice.exe", binary}, {"notes.txt", "hello\n"}};
  const std::string s = Tnef(files);
  EXPECT_TRUE(IsTnef(Bytes(s)));
  ExtractResult r;
  EXPECT_EQ(Extract(s, {}, &r), files);
  EXPECT_EQ(r.members, 2u);
  EXPECT_TRUE(r.notes.empty());
}

TEST(Tnef, LimitsCutAndSaySo) {
  const std::string s = Tnef({{"a", std::string(100, 'a')}, {"b", "b"}});
  ExtractLimits limits;
  limits.max_member_size = 10;
  limits.max_members = 1;
  ExtractResult r;
  Files got = Extract(s, limits, &r);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].second, std::string(10, 'a'));
  EXPECT_TRUE(r.hit_size_limit);
  EXPECT_TRUE(r.hit_member_limit);
}

TEST(Tnef, DamageGivesWhatThereIs) {
  std::string s =
      Tnef({{"first.bin", "complete"}, {"second.bin", std::string(1000, 'x')}});
  s.resize(s.size() - 600);  // inside the second attachment's data
  ExtractResult r;
  Files got = Extract(s, {}, &r);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0],
            (std::pair<std::string, std::string>{"first.bin", "complete"}));
  EXPECT_EQ(got[1].first, "second.bin");
  EXPECT_FALSE(got[1].second.empty());
  EXPECT_FALSE(r.notes.empty());
  EXPECT_FALSE(IsTnef(Bytes("not tnef")));
  EXPECT_TRUE(Extract("not tnef").empty());
  EXPECT_TRUE(Extract(s.substr(0, 9)).empty());
}

TEST(Tnef, TitlesAreData) {
  Files got = Extract(Tnef({{"../x\ny", "z"}}));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].first, "../x_y");
}

}  // namespace
}  // namespace vigil::formats
