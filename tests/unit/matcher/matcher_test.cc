// White-box tests of compiler + database + matcher on hand-built IR.
#include "matcher/matcher.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <optional>

#include "compiler/compiler.h"
#include "core/mapped_file.h"
#include "vigil/engine.h"

namespace vigil::matcher {
namespace {

using sigs::Node;

sigs::Pattern Lit(std::string_view s) {
  sigs::Pattern p;
  for (char c : s) p.nodes.push_back(Node::Literal(static_cast<uint8_t>(c)));
  return p;
}

sigs::BodySig Body(std::string name, sigs::Pattern p, sigs::Offset off = {}) {
  sigs::BodySig b;
  b.name = std::move(name);
  b.pattern = std::move(p);
  b.offset = off;
  return b;
}

class MatcherTest : public ::testing::Test {
 protected:
  std::vector<std::string> Scan(const sigs::SignatureSet& set,
                                std::string_view data, bool all = true,
                                uint64_t block_size = 1ull << 30) {
    auto image = compiler::Compile(set, {});
    EXPECT_TRUE(image.ok()) << image.status().ToString();
    if (!image.ok()) return {};
    auto db = Database::FromImage(std::move(image).value());
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    if (!db.ok()) return {};
    db_ = *db;
    Matcher m(db_->impl());
    auto scratch = m.NewScratch();
    EXPECT_TRUE(scratch.ok());
    PassInput in;
    in.data = AsBytes(data);
    in.object_size = data.size();
    in.all_match = all;
    in.block_size = block_size;
    std::vector<MatchResult> out;
    m.ScanPass(in, scratch->get(), &out);
    std::vector<std::string> names;
    for (auto& r : out) names.emplace_back(r.name);
    std::sort(names.begin(), names.end());
    return names;
  }
  std::shared_ptr<const Database> db_;
};

TEST_F(MatcherTest, LiteralAnywhere) {
  sigs::SignatureSet set;
  set.bodies.push_back(Body("A", Lit("hello world")));
  EXPECT_EQ(Scan(set, "xxhello worldyy"), std::vector<std::string>{"A"});
  EXPECT_TRUE(Scan(set, "xxhello worlxyy").empty());
}

TEST_F(MatcherTest, GapsAndStar) {
  sigs::SignatureSet set;
  sigs::Pattern p = Lit("abcd");
  p.nodes.push_back(Node::Gap(0, Node::kUnbounded));
  for (char c : std::string("efgh"))
    p.nodes.push_back(Node::Literal(static_cast<uint8_t>(c)));
  set.bodies.push_back(Body("Star", p));
  sigs::Pattern q = Lit("WXYZ");
  q.nodes.push_back(Node::Gap(2, 4));
  for (char c : std::string("1234"))
    q.nodes.push_back(Node::Literal(static_cast<uint8_t>(c)));
  set.bodies.push_back(Body("Range", q));
  EXPECT_EQ(Scan(set, "..abcd..........efgh.."),
            std::vector<std::string>{"Star"});
  EXPECT_EQ(Scan(set, "WXYZ..1234"), std::vector<std::string>{"Range"});
  EXPECT_TRUE(Scan(set, "WXYZ.1234").empty());
  EXPECT_TRUE(Scan(set, "WXYZ.....1234").empty());
  EXPECT_TRUE(Scan(set, "efgh abcd").empty());
}

TEST_F(MatcherTest, FixedOffsets) {
  sigs::SignatureSet set;
  sigs::Offset zero;
  zero.kind = sigs::Offset::Kind::kAbsolute;
  set.bodies.push_back(Body("AtZero", Lit("MAGIC"), zero));
  sigs::Offset eof;
  eof.kind = sigs::Offset::Kind::kEofMinus;
  eof.value = 4;
  set.bodies.push_back(Body("AtEof", Lit("TAIL"), eof));
  EXPECT_EQ(Scan(set, "MAGIC....TAIL"),
            (std::vector<std::string>{"AtEof", "AtZero"}));
  EXPECT_TRUE(Scan(set, ".MAGIC...TAIL.").empty());
}

TEST_F(MatcherTest, LogicalCounts) {
  sigs::SignatureSet set;
  sigs::LogicalSig l;
  l.name = "L";
  sigs::Subsig s0;
  s0.pattern = Lit("ABCD");
  l.subsigs.push_back(s0);
  l.expr.kind = sigs::Expr::Kind::kSubsig;
  l.expr.subsig = 0;
  l.expr.op = sigs::Expr::CountOp::kEq;
  l.expr.count = 3;
  set.logicals.push_back(l);
  EXPECT_EQ(Scan(set, "ABCDxxABCDyyABCDzz"), std::vector<std::string>{"L"});
  EXPECT_TRUE(Scan(set, "ABCDxxABCDyy").empty());
}

// An empty pass buffer (a view with no address, as an empty std::vector
// gives) is scanned without a pattern-engine error, and logical signatures
// that hold without matches still report.
TEST_F(MatcherTest, EmptyBufferWithoutAddress) {
  sigs::SignatureSet set;
  set.bodies.push_back(Body("B", Lit("ABCD")));
  sigs::LogicalSig l;
  l.name = "Zero";
  sigs::Subsig s0;
  s0.pattern = Lit("ABCD");
  l.subsigs.push_back(s0);
  l.expr.op = sigs::Expr::CountOp::kEq;
  l.expr.count = 0;
  set.logicals.push_back(l);
  auto image = compiler::Compile(set, {});
  ASSERT_TRUE(image.ok());
  auto db = Database::FromImage(std::move(image).value());
  ASSERT_TRUE(db.ok());
  Matcher m((*db)->impl());
  auto scratch = m.NewScratch();
  ASSERT_TRUE(scratch.ok());
  PassInput in;
  in.data = ByteView();
  in.all_match = true;
  std::vector<MatchResult> out;
  EXPECT_TRUE(m.ScanPass(in, scratch->get(), &out));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].name, "Zero");
}

// IconGroup1/2 compare the icons of a PE file with .idb signatures: without
// a PE parser nothing matches them (clamscan 1.4.6 reports neither of the
// unit-test signatures Test.Sig.LDB_*of2_PE_ICON_* on a file with the
// string; found by tests/diff/datasets_vs_clamscan_test).
TEST_F(MatcherTest, IconGroupsNeverMatchWithoutPeIcons) {
  sigs::SignatureSet set;
  for (int group : {1, 2}) {
    sigs::LogicalSig l;
    l.name = "Icon" + std::to_string(group);
    (group == 1 ? l.tdb.icon_group1 : l.tdb.icon_group2) = "TEST_ICON_GROUP";
    sigs::Subsig s0;
    s0.pattern = Lit("ABCD");
    l.subsigs.push_back(s0);
    set.logicals.push_back(l);
  }
  sigs::LogicalSig plain;
  plain.name = "Plain";
  sigs::Subsig s0;
  s0.pattern = Lit("ABCD");
  plain.subsigs.push_back(s0);
  set.logicals.push_back(plain);
  EXPECT_EQ(Scan(set, "xxABCDxx"), std::vector<std::string>{"Plain"});
}

// Large buffers are scanned in overlapping blocks; a match across a block
// join is found once, wherever it falls.
TEST_F(MatcherTest, BlockJoinsFindEveryMatchOnce) {
  sigs::SignatureSet set;
  sigs::LogicalSig l;
  l.name = "Count";
  sigs::Subsig s0;
  s0.pattern = Lit("needle-0123456789");
  l.subsigs.push_back(s0);
  l.expr.subsig = 0;
  l.expr.op = sigs::Expr::CountOp::kEq;
  std::string data;
  size_t planted = 0;
  for (size_t i = 0; i < 400; ++i) {
    data.append(std::string(i % 37, '.'));
    data.append("needle-0123456789");
    ++planted;
  }
  l.expr.count = static_cast<uint32_t>(planted);
  set.logicals.push_back(l);
  for (uint64_t block : {uint64_t{1} << 30, uint64_t{1}, uint64_t{17},
                         uint64_t{18}, uint64_t{64}, uint64_t{1000}}) {
    EXPECT_EQ(Scan(set, data, true, block), std::vector<std::string>{"Count"})
        << "block size " << block;
  }
}

TEST_F(MatcherTest, HashLookup) {
  sigs::SignatureSet set;
  sigs::HashSig h;
  h.name = "H";
  h.algo = core::HashAlgo::kMd5;
  h.size = 5;
  h.digest = core::HashBytes(core::HashAlgo::kMd5, AsBytes("hello"));
  set.hashes.push_back(h);
  set.bodies.push_back(Body("unused", Lit("zzzzzzzz")));
  auto image = compiler::Compile(set, {});
  ASSERT_TRUE(image.ok());
  auto db = Database::FromImage(std::move(image).value());
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  Matcher m((*db)->impl());
  EXPECT_EQ(m.NeededHashes(5), core::AlgoBit(core::HashAlgo::kMd5));
  EXPECT_EQ(m.NeededHashes(6), 0);
  core::MultiHasher hasher(m.NeededHashes(5));
  hasher.Update(AsBytes("hello"));
  hasher.Finish();
  std::vector<MatchResult> out;
  m.MatchHashes(5, hasher, true, &out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].name, "H");
}

// Entries are read from the file (pread) when the database is mapped, by a
// binary search over many entries of one size; duplicates of one digest
// (several names) and '*' entries are all reported, from either source.
TEST_F(MatcherTest, HashLookupAmongManyEntriesOfOneSize) {
  sigs::SignatureSet set;
  auto add = [&](std::string name, std::string_view content,
                 std::optional<uint64_t> size) {
    sigs::HashSig h;
    h.name = std::move(name);
    h.algo = core::HashAlgo::kMd5;
    h.size = size;
    h.digest = core::HashBytes(core::HashAlgo::kMd5, AsBytes(content));
    set.hashes.push_back(h);
  };
  auto five = [](int i) {  // 5 bytes: "x0000".."x0999"
    std::string d = std::to_string(i);
    return "x" + std::string(4 - d.size(), '0') + d;
  };
  for (int i = 0; i < 1000; ++i) add("Other" + std::to_string(i), five(i), 5);
  for (int i = 0; i < 300; ++i)
    add("Any" + std::to_string(i), "y" + std::to_string(i), std::nullopt);
  add("H1", "hello", 5);
  add("H2", "hello", 5);
  add("HAny", "hello", std::nullopt);
  set.bodies.push_back(Body("unused", Lit("zzzzzzzz")));
  auto image = compiler::Compile(set, {});
  ASSERT_TRUE(image.ok());
  const std::string path =
      "/tmp/vigil_matcher_test_" + std::to_string(getpid()) + ".vdb";
  ASSERT_TRUE(core::WriteFileAtomic(path, *image).ok());
  auto mapped = Database::Open(path);
  std::remove(path.c_str());
  ASSERT_TRUE(mapped.ok()) << mapped.status().ToString();
  auto memory = Database::FromImage(std::move(image).value());
  ASSERT_TRUE(memory.ok());
  for (const auto& db : {*mapped, *memory}) {
    Matcher m(db->impl());
    auto names = [&](std::string_view content, bool all) {
      core::MultiHasher hasher(m.NeededHashes(content.size()));
      hasher.Update(AsBytes(content));
      hasher.Finish();
      std::vector<MatchResult> out;
      m.MatchHashes(content.size(), hasher, all, &out);
      std::vector<std::string> v;
      for (auto& r : out) v.emplace_back(r.name);
      std::sort(v.begin(), v.end());
      return v;
    };
    EXPECT_EQ(names("hello", true),
              (std::vector<std::string>{"H1", "H2", "HAny"}));
    EXPECT_EQ(names("hello", false).size(), 1u);
    EXPECT_EQ(names(five(517), true), std::vector<std::string>{"Other517"});
    EXPECT_EQ(names(five(0), true), std::vector<std::string>{"Other0"});
    EXPECT_EQ(names("y42", true), std::vector<std::string>{"Any42"});
    EXPECT_TRUE(names("hellp", true).empty());
  }
}

}  // namespace
}  // namespace vigil::matcher
