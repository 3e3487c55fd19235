// Fuzzes the compiled-database loader and the matcher on damaged databases.
//
// A valid database is compiled once from signatures of every kind; the input
// says which of its bytes to change (pairs of a 3-byte offset and a byte to
// XOR), restricted to the header and the record sections: the pattern-engine
// images are opaque bytecode that vigil trusts once their header, version and
// the file's integrity are checked (docs/database-format.md). Whatever the
// change, opening must fail cleanly or give a database that scans without
// crashing.
#include <cstdint>
#include <cstring>

#include "compiler/compiler.h"
#include "db/format.h"
#include "matcher/matcher.h"
#include "vigil/engine.h"

namespace {

using namespace vigil;

sigs::Pattern Lit(const char* s) {
  sigs::Pattern p;
  for (; *s; ++s)
    p.nodes.push_back(sigs::Node::Literal(static_cast<uint8_t>(*s)));
  return p;
}

std::vector<std::byte> BaseImage() {
  sigs::SignatureSet set;
  sigs::BodySig b;
  b.name = "B";
  b.pattern = Lit("alpha");
  b.pattern.nodes.push_back(sigs::Node::Gap(0, sigs::Node::kUnbounded));
  for (char c : std::string("omega"))
    b.pattern.nodes.push_back(sigs::Node::Literal(static_cast<uint8_t>(c)));
  set.bodies.push_back(b);
  sigs::BodySig f;
  f.name = "F";
  f.pattern = Lit("MZ\x90");
  f.offset.kind = sigs::Offset::Kind::kAbsolute;
  set.bodies.push_back(f);
  sigs::LogicalSig l;
  l.name = "L";
  sigs::Subsig s0, s1;
  s0.pattern = Lit("first");
  s1.pattern = Lit("second");
  s1.modifiers.nocase = true;
  l.subsigs = {s0, s1};
  l.expr.kind = sigs::Expr::Kind::kAnd;
  sigs::Expr e0, e1;
  e0.subsig = 0;
  e1.subsig = 1;
  l.expr.children = {e0, e1};
  set.logicals.push_back(l);
  sigs::HashSig h;
  h.name = "H";
  h.size = 10;
  set.hashes.push_back(h);
  auto image = compiler::Compile(set, {});
  return image.ok() ? std::move(image).value() : std::vector<std::byte>{};
}

// End of the last record section (pattern images come after it).
size_t MutableEnd(const std::vector<std::byte>& image) {
  const auto* h = reinterpret_cast<const db::FileHeader*>(image.data());
  size_t end = db::kHeaderSize;
  for (uint32_t i = 0; i < h->section_count; ++i) {
    if (h->sections[i].id >= static_cast<uint32_t>(db::SectionId::kPatternDb))
      continue;
    end = std::max<size_t>(end, h->sections[i].offset + h->sections[i].size);
  }
  return end;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::vector<std::byte> base = BaseImage();
  static const size_t mutable_end = MutableEnd(base);
  if (base.empty()) return 0;
  std::vector<std::byte> image = base;
  for (size_t i = 0; i + 4 <= size; i += 4) {
    const size_t off = (size_t{data[i]} | size_t{data[i + 1]} << 8 |
                        size_t{data[i + 2]} << 16) %
                       mutable_end;
    image[off] ^= std::byte{data[i + 3]};
  }
  auto db = Database::FromImage(std::move(image));
  if (!db.ok()) return 0;
  matcher::Matcher m((*db)->impl());
  auto scratch = m.NewScratch();
  if (!scratch.ok()) return 0;
  static const std::string inputs[] = {"MZ\x90 alpha xx omega first SECOND",
                                       std::string(10, 'a'), "alphaomega", ""};
  for (const std::string& in : inputs) {
    matcher::PassInput p;
    p.data = AsBytes(in);
    p.object_size = in.size();
    p.target_mask = 0x7fff;
    p.all_match = true;
    std::vector<matcher::MatchResult> out;
    m.ScanPass(p, scratch->get(), &out);
    core::MultiHasher hasher(m.NeededHashes(in.size()));
    hasher.Update(p.data);
    hasher.Finish();
    m.MatchHashes(in.size(), hasher, true, &out);
  }
  return 0;
}
