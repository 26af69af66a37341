// The sqllogictest file format (see ../shared/sqllogictest/README.md):
// records, their guards, and how results are printed, sorted and hashed.
// Engine-independent: the runner feeds it rows from the database.

#ifndef TESSERA_TESTS_SLT_FORMAT_H_
#define TESSERA_TESTS_SLT_FORMAT_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/value.h"

namespace tessera::slt {

enum class SortMode { kNoSort, kRowSort, kValueSort };

struct Record {
  enum class Kind { kStatement, kQuery, kHashThreshold, kHalt };
  Kind kind = Kind::kStatement;
  int line = 0;  // line of the record's first line (1-based)
  // skipif/onlyif guards: (is_onlyif, engine)
  std::vector<std::pair<bool, std::string>> guards;
  std::string sql;
  // statement
  bool expect_error = false;
  // query
  std::string types;  // one of I, T, R per column
  SortMode sort = SortMode::kNoSort;
  std::string label;
  bool expected_is_hash = false;
  size_t expected_count = 0;  // values (hash form)
  std::string expected_hash;
  std::vector<std::string> expected;  // values, one per line (plain form)
  // hash-threshold
  int threshold = 0;
};

// Splits a file into records. kInvalidArgument naming the line for a
// malformed record.
absl::StatusOr<std::vector<Record>> ParseRecords(absl::string_view contents);

// Whether the guards let `engine` run the record.
bool ShouldRun(const Record& record, absl::string_view engine);

// Prints one value as column type `type` ('I', 'R' or 'T') prints it.
std::string FormatValue(const Value& value, char type);

// Prints a result (rows of values) as the record's types, then sorts by its
// sort mode; returns the flat list of printed values.
std::vector<std::string> FormatResult(const std::vector<std::vector<Value>>& rows,
                                      const std::string& types, SortMode sort);

// MD5 (hex) of every value followed by "\n".
std::string HashValues(const std::vector<std::string>& values);

}  // namespace tessera::slt

#endif  // TESSERA_TESTS_SLT_FORMAT_H_
