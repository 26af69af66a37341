// Every SQL text in the sqllogictest corpus that SQLite runs must parse,
// except `statement error` records (some are deliberate syntax errors).

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "parser/parser.h"
#include "tests/slt_format.h"

namespace tessera::slt {
namespace {

std::string CorpusDir() {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  std::string base = srcdir != nullptr ? srcdir : ".";
  return base + "/sqllogictest";
}

std::vector<std::string> CorpusFiles() {
  std::vector<std::string> files;
  std::string dir = CorpusDir();
  for (const char* sub : {"", "/evidence"}) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir + sub, ec)) {
      if (entry.path().extension() == ".test") files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(SltCorpusParseTest, EverySqlTextParses) {
  std::vector<std::string> files = CorpusFiles();
  ASSERT_GE(files.size(), 17u) << "corpus not found under " << CorpusDir();
  size_t parsed = 0, failed = 0;
  for (const std::string& file : files) {
    std::ifstream in(file);
    std::stringstream contents;
    contents << in.rdbuf();
    absl::StatusOr<std::vector<Record>> records = ParseRecords(contents.str());
    ASSERT_TRUE(records.ok()) << file << ": " << records.status();
    for (const Record& r : *records) {
      if (r.kind == Record::Kind::kHalt && ShouldRun(r, "sqlite")) break;
      if (r.kind != Record::Kind::kStatement && r.kind != Record::Kind::kQuery) {
        continue;
      }
      if (!ShouldRun(r, "sqlite") || r.expect_error) continue;
      absl::StatusOr<std::vector<ast::StatementPtr>> s = parser::Parse(r.sql);
      // A record may hold several statements, run one after another.
      if (s.ok() && !s->empty()) {
        ++parsed;
      } else {
        ++failed;
        if (failed <= 20) {
          ADD_FAILURE() << std::filesystem::path(file).filename().string() << ":" << r.line << ": " << r.sql << "\n  -> "
                        << (s.ok() ? "no statement"
                                   : std::string(s.status().message()));
        }
      }
    }
  }
  std::printf("corpus: %zu SQL texts parsed, %zu failed\n", parsed, failed);
  EXPECT_EQ(failed, 0u);
  EXPECT_GT(parsed, 9000u);
}

}  // namespace
}  // namespace tessera::slt
