// anchor_dump SIGDIR OUT: writes the pattern-engine expressions (anchors)
// that vigil's compiler makes for the body and logical signatures of SIGDIR,
// one per line, deduplicated. Fixed-offset signatures (matched without the
// pattern engine) are left out, as in a compiled database.
//
// Used by bench/engines/run.sh to compare Vectorscan and Hyperscan on the
// exact expressions vigil hands to the pattern engine.
#include <cstdio>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "compiler/pattern_program.h"
#include "db/writer.h"
#include "sigs/loader.h"

using namespace vigil;

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: anchor_dump SIGDIR OUT\n");
    return 2;
  }
  sigs::SignatureSet set;
  std::vector<sigs::Diagnostic> diags;
  if (Status s = sigs::LoadDatabases({argv[1]}, {}, &set, &diags); !s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return 1;
  }
  db::DbWriter writer;
  compiler::ProgramBuilder builder(&writer);
  std::set<std::string> anchors;
  auto add = [&](const sigs::Pattern& p, const sigs::SubsigModifiers& m,
                 const sigs::Offset& o) {
    const bool fixed = (o.kind == sigs::Offset::Kind::kAbsolute ||
                        o.kind == sigs::Offset::Kind::kEofMinus) &&
                       o.max_shift <= 16;
    if (fixed) return;
    auto lowered = builder.Lower(p, m.nocase, m.wide);
    for (auto& v : builder.AnchorableVariants(lowered)) {
      auto compiled = builder.Build(v, false);
      if (!compiled.anchor_regex.empty()) anchors.insert(compiled.anchor_regex);
    }
  };
  for (const auto& b : set.bodies) add(b.pattern, {}, b.offset);
  for (const auto& l : set.logicals) {
    for (const auto& s : l.subsigs) {
      if (s.kind == sigs::Subsig::Kind::kBody) {
        add(s.pattern, s.modifiers, s.offset);
      }
    }
  }
  std::ofstream out(argv[2]);
  for (const auto& a : anchors) out << a << '\n';
  std::printf("%zu anchors\n", anchors.size());
  return out ? 0 : 1;
}
