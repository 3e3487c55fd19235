// The signature compiler: SignatureSet (IR) -> compiled database image.
//
// Only `vigil db compile` and the transparent compile-and-cache step of
// `vigil scan -d SRC` link this; scanners load the image with
// vigil::Database (src/db) and never see the IR.
#ifndef VIGIL_COMPILER_COMPILER_H_
#define VIGIL_COMPILER_COMPILER_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "sigs/ir.h"
#include "vigil/status.h"

namespace vigil::compiler {

struct CompileStats {
  uint64_t patterns = 0;         // patterns given to the pattern engine
  uint64_t anchored = 0;         // body signatures checked at fixed offsets
  uint64_t verify_programs = 0;  // signatures with a verification program
  double pattern_compile_seconds = 0;
  double total_seconds = 0;
};

struct CompileOptions {
  // Threads used to compile independent pattern databases (0: all cores).
  unsigned threads = 0;
};

// Builds the database image. Fails only on internal limits (e.g. a pattern
// the pattern engine rejects and no fallback covers), never silently drops a
// signature.
Result<std::vector<std::byte>> Compile(const sigs::SignatureSet& set,
                                       const CompileOptions& options,
                                       CompileStats* stats = nullptr);

}  // namespace vigil::compiler

#endif  // VIGIL_COMPILER_COMPILER_H_
