// The engine against the reference matcher: the generated signature sets of
// reference_vs_clamscan_test, compiled with the real compiler, scanned through
// the public Engine API with all-match on, compared input by input. Besides
// the random inputs, sizes around likely chunk/block boundaries with
// instances planted across the boundary, and offsets near EOF.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

#include "compiler/compiler.h"
#include "diff/diff_support.h"
#include "reference/input_generator.h"
#include "reference/reference_matcher.h"
#include "vigil/engine.h"

namespace vigil::diff {
namespace {

constexpr uint16_t kBinaryTargets = 1;

std::shared_ptr<const Database> CompileSet(const sigs::SignatureSet& set) {
  compiler::CompileStats stats;
  auto image = compiler::Compile(set, compiler::CompileOptions{}, &stats);
  EXPECT_TRUE(image.ok()) << image.status().ToString();
  if (!image.ok()) return nullptr;
  auto db = Database::FromImage(std::move(image).value());
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  if (!db.ok()) return nullptr;
  return std::move(db).value();
}

std::set<std::string> EngineNames(const Engine& engine, ByteView data) {
  ScanOptions options;
  options.all_match = true;
  ScanReport report = engine.ScanBuffer(data, options, "input");
  std::set<std::string> names;
  for (const Detection& d : report.detections)
    names.insert(StripUnofficial(d.name));
  return names;
}

// Compares engine and reference on every input of `corpus`.
void CompareAll(const Corpus& corpus, const Engine& engine) {
  std::vector<Disagreement> disagreements;
  size_t detections = 0;
  for (size_t i = 0; i < corpus.inputs.size(); ++i) {
    ByteView view = View(corpus.inputs[i]);
    auto expected =
        reference::MatchingSignatures(corpus.set, view, kBinaryTargets);
    detections += expected.size();
    CompareNames(i, expected, EngineNames(engine, view), &disagreements);
  }
  std::printf("%zu inputs, %zu detections, %zu disagreements\n",
              corpus.inputs.size(), detections, disagreements.size());
  EXPECT_TRUE(disagreements.empty())
      << DescribeDisagreements(corpus, disagreements, "the engine");
}

class EngineVsReference : public ::testing::TestWithParam<uint64_t> {};

TEST_P(EngineVsReference, RandomInputs) {
  reference::InputOptions options;
  options.min_size = 6;
  options.max_size = 3000;
  Corpus corpus = MakeCorpus(GetParam(), 150, 150, 600, options);
  auto db = CompileSet(corpus.set);
  ASSERT_NE(db, nullptr);
  Engine engine(db);
  CompareAll(corpus, engine);
}

// Inputs whose sizes sit on and next to powers of two (where a streaming
// matcher's blocks would end), with instances planted across the boundary
// and right before EOF.
TEST_P(EngineVsReference, BlockBoundariesAndEof) {
  Corpus corpus = MakeCorpus(GetParam() + 1000, 60, 60, 0, {});
  reference::Rng rng(GetParam());
  for (size_t boundary :
       {size_t{4096}, size_t{65536}, size_t{131072}, size_t{262144}}) {
    for (int delta : {-1, 0, 1}) {
      size_t size = boundary + static_cast<size_t>(delta + 1) - 1;
      std::vector<uint8_t> data = reference::RandomBinary(rng, size);
      for (int k = 0; k < 6; ++k) {
        const sigs::BodySig& sig = rng.Pick(corpus.set.bodies);
        reference::Instance inst = reference::MakeInstance(sig.pattern, rng);
        size_t len = inst.bytes.size();
        // Across the boundary, and ending exactly at EOF (Plant refuses
        // what does not fit).
        reference::Plant(&data, inst, boundary - len / 2);
        reference::Plant(&data, inst, size - len - inst.after.size());
      }
      for (int k = 0; k < 3; ++k) {
        reference::PlantLogical(rng.Pick(corpus.set.logicals), &data, rng, 0.2);
      }
      corpus.inputs.push_back(std::move(data));
    }
  }
  auto db = CompileSet(corpus.set);
  ASSERT_NE(db, nullptr);
  Engine engine(db);
  CompareAll(corpus, engine);
}

// Tiny inputs: nothing of 5 bytes or less is scanned.
TEST(EngineVsReferenceSmall, TinyInputs) {
  Corpus corpus = MakeCorpus(77, 100, 50, 0, {});
  reference::Rng rng(77);
  for (size_t size = 0; size < 40; ++size) {
    std::vector<uint8_t> data = reference::RandomBinary(rng, size);
    if (size > 12 && rng.Chance(0.7)) {
      reference::PlantBody(rng.Pick(corpus.set.bodies), &data, rng, 0);
    }
    corpus.inputs.push_back(std::move(data));
  }
  auto db = CompileSet(corpus.set);
  ASSERT_NE(db, nullptr);
  Engine engine(db);
  CompareAll(corpus, engine);
}

INSTANTIATE_TEST_SUITE_P(Seeds, EngineVsReference,
                         ::testing::Values(1, 2, 3, 4));

}  // namespace
}  // namespace vigil::diff
