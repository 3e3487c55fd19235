// Test helper: a database compiled in memory from signature texts, e.g.
// DatabaseFromText({{"t.ndb", "Name:0:*:6869\n"}}). A text that does not
// load or compile fails the calling test.
#ifndef VIGIL_TESTS_UNIT_SCAN_TEXT_DATABASE_H_
#define VIGIL_TESTS_UNIT_SCAN_TEXT_DATABASE_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "compiler/compiler.h"
#include "sigs/loader.h"
#include "vigil/engine.h"

namespace vigil::testing {

inline std::shared_ptr<const Database> DatabaseFromText(
    const std::vector<std::pair<std::string, std::string>>& files,
    const sigs::LoadOptions& options = {}) {
  sigs::SignatureSet set;
  std::vector<sigs::Diagnostic> diags;
  for (const auto& [name, text] : files) {
    Status s = sigs::LoadDatabaseText(name, text, options, &set, &diags);
    EXPECT_TRUE(s.ok()) << name << ": " << s.ToString();
  }
  auto image = compiler::Compile(set, {});
  EXPECT_TRUE(image.ok()) << image.status().ToString();
  if (!image.ok()) return nullptr;
  auto db = Database::FromImage(std::move(image).value());
  EXPECT_TRUE(db.ok());
  return db.ok() ? *db : nullptr;
}

}  // namespace vigil::testing

#endif  // VIGIL_TESTS_UNIT_SCAN_TEXT_DATABASE_H_
