// The compiled database: round trip, and refusal of damaged files.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>

#include "compiler/compiler.h"
#include "core/mapped_file.h"
#include "db/format.h"
#include "vigil/engine.h"

namespace vigil::db {
namespace {

sigs::SignatureSet SmallSet() {
  sigs::SignatureSet set;
  sigs::BodySig b;
  b.name = "Body.Test";
  for (char c : std::string("some body pattern")) {
    b.pattern.nodes.push_back(sigs::Node::Literal(static_cast<uint8_t>(c)));
  }
  set.bodies.push_back(b);
  sigs::HashSig h;
  h.name = "Hash.Test";
  h.size = 3;
  set.hashes.push_back(h);
  set.known_viruses = 2;
  set.daily_version = 27999;
  return set;
}

std::vector<std::byte> Image() {
  auto image = compiler::Compile(SmallSet(), {});
  EXPECT_TRUE(image.ok());
  return std::move(image).value();
}

TEST(Database, RoundTripInfo) {
  auto db = Database::FromImage(Image());
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  const DatabaseInfo& i = (*db)->info();
  EXPECT_EQ(i.signatures, 2u);
  EXPECT_EQ(i.body_signatures, 1u);
  EXPECT_EQ(i.hash_signatures, 1u);
  EXPECT_EQ(i.daily_version, 27999u);
  EXPECT_EQ(i.format_version, kFormatVersion);
  EXPECT_EQ(i.content_hash.size(), 64u);
  EXPECT_GT(i.pattern_bytes, 0u);
}

TEST(Database, OpenMapsFile) {
  const std::string path =
      "/tmp/vigil_db_test_" + std::to_string(getpid()) + ".vdb";
  ASSERT_TRUE(core::WriteFileAtomic(path, Image()).ok());
  auto db = Database::Open(path);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  EXPECT_EQ((*db)->info().path, path);
  std::remove(path.c_str());
}

TEST(Database, RefusesTruncatedFiles) {
  std::vector<std::byte> image = Image();
  for (size_t cut :
       {size_t{0}, size_t{7}, size_t{100}, size_t{4096}, image.size() - 1}) {
    std::vector<std::byte> t(image.begin(),
                             image.begin() + static_cast<std::ptrdiff_t>(cut));
    auto db = Database::FromImage(t);
    EXPECT_FALSE(db.ok()) << "cut at " << cut;
  }
}

// A copy of `image` with its header changed by `edit`.
template <typename F>
std::vector<std::byte> WithHeader(std::vector<std::byte> image, F edit) {
  FileHeader h;
  std::memcpy(&h, image.data(), sizeof(h));
  edit(&h);
  std::memcpy(image.data(), &h, sizeof(h));
  return image;
}

TEST(Database, RefusesOtherVersionsAndMagic) {
  const std::vector<std::byte> image = Image();
  ASSERT_GE(image.size(), sizeof(FileHeader));
  auto bad_magic = WithHeader(image, [](FileHeader* h) { h->magic[0] = 'X'; });
  EXPECT_EQ(Database::FromImage(bad_magic).status().code(),
            StatusCode::kCorrupt);
  auto bad_version = WithHeader(
      image, [](FileHeader* h) { h->format_version = kFormatVersion + 1; });
  EXPECT_EQ(Database::FromImage(bad_version).status().code(),
            StatusCode::kUnsupported);
  auto other_engine = WithHeader(image, [](FileHeader* h) {
    std::snprintf(h->pattern_engine, 32, "Vectorscan 0.0.0");
  });
  EXPECT_EQ(Database::FromImage(other_engine).status().code(),
            StatusCode::kUnsupported);
}

TEST(Database, RefusesSectionsOutOfBounds) {
  const std::vector<std::byte> image = Image();
  ASSERT_GE(image.size(), sizeof(FileHeader));
  const size_t size = image.size();
  auto bad =
      WithHeader(image, [&](FileHeader* h) { h->sections[0].size = size; });
  EXPECT_EQ(Database::FromImage(bad).status().code(), StatusCode::kCorrupt);
}

}  // namespace
}  // namespace vigil::db
