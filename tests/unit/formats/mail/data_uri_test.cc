// RFC 2397 data: URIs: base64 and %-escaped payloads, where they end,
// limits, and what is not a data URI.
#include "formats/mail/data_uri.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace vigil::formats {
namespace {

ByteView Bytes(const std::string& s) {
  return ByteView(reinterpret_cast<const std::byte*>(s.data()), s.size());
}

std::vector<std::string> Payloads(const std::string& html,
                                  ExtractLimits limits = {},
                                  ExtractResult* out = nullptr) {
  std::vector<std::string> got;
  ExtractResult r =
      ExtractDataUris(Bytes(html), limits, [&](const ArchiveMember& m) {
        EXPECT_EQ(m.name, "data-uri-" + std::to_string(got.size() + 1));
        got.emplace_back(reinterpret_cast<const char*>(m.data.data()),
                         m.data.size());
        return true;
      });
  if (out) *out = r;
  return got;
}

TEST(DataUri, Base64AndEscapedPayloads) {
  // "MZ\x90\x00payload" in base64, with a line break inside.
  const std::string html =
      "<a href=\"data:application/octet-stream;base64,TVqQAHBh\n"
      "eWxvYWQ=\">x</a><img src='DATA:text/plain,hello%20world%21'>"
      "<div style=\"background:url(data:,plain)\">";
  EXPECT_TRUE(HasDataUri(Bytes(html)));
  EXPECT_EQ(Payloads(html),
            (std::vector<std::string>{std::string("MZ\x90\x00payload", 11),
                                      "hello world!", "plain"}));
}

TEST(DataUri, NotDataUris) {
  EXPECT_FALSE(HasDataUri(Bytes("<p>metadata and data without colon</p>")));
  // A space in the header, no comma, an empty payload: nothing.
  EXPECT_TRUE(Payloads("data: foo,bar").empty());
  EXPECT_TRUE(Payloads("data:text/plain no comma here").empty());
  EXPECT_TRUE(Payloads("<a href=\"data:,\">").empty());
  EXPECT_TRUE(Payloads("").empty());
  EXPECT_TRUE(Payloads("data:").empty());
}

TEST(DataUri, LimitsCutAndSaySo) {
  std::string html;
  for (int i = 0; i < 5; ++i) html += "<img src=\"data:,0123456789\">";
  ExtractLimits limits;
  limits.max_members = 3;
  limits.max_member_size = 4;
  ExtractResult r;
  std::vector<std::string> got = Payloads(html, limits, &r);
  EXPECT_EQ(got, (std::vector<std::string>{"0123", "0123", "0123"}));
  EXPECT_TRUE(r.hit_member_limit);
  EXPECT_TRUE(r.hit_size_limit);
}

TEST(DataUri, DamagedBase64GivesWhatDecodesAndANote) {
  ExtractResult r;
  std::vector<std::string> got =
      Payloads("<a href=\"data:x/y;base64,aGVsbG8gd\">", {}, &r);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].substr(0, 6), "hello ");
  EXPECT_FALSE(r.notes.empty());
}

}  // namespace
}  // namespace vigil::formats
