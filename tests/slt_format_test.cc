#include "tests/slt_format.h"

#include <gtest/gtest.h>

namespace tessera::slt {
namespace {

constexpr char kFile[] =
    "# comment\r\n"
    "hash-threshold 8\n"
    "\n"
    "statement ok\n"
    "CREATE TABLE t1(a INTEGER, b TEXT)\n"
    "\n"
    "skipif mysql\n"
    "onlyif sqlite\n"
    "statement error\n"
    "INSERT INTO nope\n"
    "VALUES (1)\n"
    "\n"
    "query IT rowsort label-1\n"
    "SELECT a, b\n"
    "  FROM t1\n"
    "----\n"
    "1\n"
    "x\n"
    "\n"
    "query I nosort\n"
    "SELECT a FROM t1\n"
    "----\n"
    "30 values hashing to 3c13dee48d9356ae19af2515e05e6b54\n"
    "\n"
    "onlyif mysql\n"
    "halt\n"
    "\n"
    "halt\n";

TEST(SltFormatTest, ParsesEveryRecordKind) {
  absl::StatusOr<std::vector<Record>> r = ParseRecords(kFile);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->size(), 7u);
  EXPECT_EQ((*r)[0].kind, Record::Kind::kHashThreshold);
  EXPECT_EQ((*r)[0].threshold, 8);
  EXPECT_EQ((*r)[1].kind, Record::Kind::kStatement);
  EXPECT_FALSE((*r)[1].expect_error);
  EXPECT_EQ((*r)[1].sql, "CREATE TABLE t1(a INTEGER, b TEXT)");
  EXPECT_EQ((*r)[1].line, 4);
  const Record& err = (*r)[2];
  EXPECT_TRUE(err.expect_error);
  EXPECT_EQ(err.sql, "INSERT INTO nope\nVALUES (1)");
  EXPECT_EQ(err.guards.size(), 2u);
  EXPECT_TRUE(ShouldRun(err, "sqlite"));
  EXPECT_FALSE(ShouldRun(err, "mysql"));
  const Record& q = (*r)[3];
  EXPECT_EQ(q.kind, Record::Kind::kQuery);
  EXPECT_EQ(q.types, "IT");
  EXPECT_EQ(q.sort, SortMode::kRowSort);
  EXPECT_EQ(q.label, "label-1");
  EXPECT_EQ(q.sql, "SELECT a, b\n  FROM t1");
  EXPECT_EQ(q.expected, (std::vector<std::string>{"1", "x"}));
  const Record& h = (*r)[4];
  EXPECT_TRUE(h.expected_is_hash);
  EXPECT_EQ(h.expected_count, 30u);
  EXPECT_EQ(h.expected_hash, "3c13dee48d9356ae19af2515e05e6b54");
  EXPECT_EQ((*r)[5].kind, Record::Kind::kHalt);
  EXPECT_FALSE(ShouldRun((*r)[5], "sqlite"));
  EXPECT_TRUE(ShouldRun((*r)[6], "sqlite"));
}

TEST(SltFormatTest, MalformedRecordsNameTheLine) {
  absl::StatusOr<std::vector<Record>> r = ParseRecords("\n\nstatement maybe\nX\n");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("line 3"), std::string::npos);
  EXPECT_FALSE(ParseRecords("query I sideways\nSELECT 1\n").ok());
  EXPECT_FALSE(ParseRecords("frobnicate\n").ok());
}

TEST(SltFormatTest, ValuesPrintByDeclaredType) {
  EXPECT_EQ(FormatValue(Value(), 'I'), "NULL");
  EXPECT_EQ(FormatValue(Value::Integer(-7), 'I'), "-7");
  EXPECT_EQ(FormatValue(Value::Real(2.9), 'I'), "2");
  EXPECT_EQ(FormatValue(Value::Real(-2.9), 'I'), "-2");
  EXPECT_EQ(FormatValue(Value::Text("12"), 'I'), "0");
  EXPECT_EQ(FormatValue(Value::Integer(3), 'R'), "3.000");
  EXPECT_EQ(FormatValue(Value::Real(1.0 / 3), 'R'), "0.333");
  // SQLite prints at most 16 significant digits.
  EXPECT_EQ(FormatValue(Value::Integer(INT64_MIN + 2), 'R'),
            "-9223372036854776000.000");
  EXPECT_EQ(FormatValue(Value::Real(-18446744073709551616.0), 'R'),
            "-18446744073709550000.000");
  EXPECT_EQ(FormatValue(Value::Real(1234567890.5), 'R'), "1234567890.500");
  EXPECT_EQ(FormatValue(Value::Text(""), 'T'), "(empty)");
  EXPECT_EQ(FormatValue(Value::Text("a\tb\xc3\xa9"), 'T'), "a@b@@");
  EXPECT_EQ(FormatValue(Value::Integer(5), 'T'), "5");
}

TEST(SltFormatTest, SortModes) {
  std::vector<std::vector<Value>> rows = {
      {Value::Integer(2), Value::Text("b")},
      {Value::Integer(10), Value::Text("a")},
      {Value::Integer(1), Value::Text("c")}};
  EXPECT_EQ(FormatResult(rows, "IT", SortMode::kNoSort),
            (std::vector<std::string>{"2", "b", "10", "a", "1", "c"}));
  // rowsort compares printed text: "10" < "2".
  EXPECT_EQ(FormatResult(rows, "IT", SortMode::kRowSort),
            (std::vector<std::string>{"1", "c", "10", "a", "2", "b"}));
  EXPECT_EQ(FormatResult(rows, "IT", SortMode::kValueSort),
            (std::vector<std::string>{"1", "10", "2", "a", "b", "c"}));
}

TEST(SltFormatTest, HashIsMd5OfValuesWithNewlines) {
  // md5("") and md5("1\n2\n"), known values.
  EXPECT_EQ(HashValues({}), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(HashValues({"1", "2"}), "6ddb4095eb719e2a9f0a3f95677d24e0");  // md5sum of "1\n2\n"
  EXPECT_NE(HashValues({"1", "2"}), HashValues({"12"}));
  EXPECT_EQ(HashValues({"a"}), "60b725f10c9c85c70d97880dfe8191b3");  // md5("a\n")
}

}  // namespace
}  // namespace tessera::slt
