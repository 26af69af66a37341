#include "common/value.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace tessera {
namespace {

TEST(ValueTest, ConstructorsAndAccessors) {
  EXPECT_TRUE(Value().is_null());
  EXPECT_EQ(Value::Integer(-7).integer(), -7);
  EXPECT_EQ(Value::Real(2.5).real(), 2.5);
  EXPECT_EQ(Value::Text("abc").bytes(), "abc");
  EXPECT_EQ(Value::Blob(std::string("\0\1", 2)).bytes().size(), 2u);
  EXPECT_TRUE(Value::Boolean(true).boolean());
  EXPECT_EQ(Value::Text("x").type(), Type::kText);
  EXPECT_EQ(TypeName(Type::kBlob), "BLOB");
}

// Strings up to 16 bytes live inside the Value, longer ones on the heap:
// both must copy, move, compare and assign alike, at every length around
// the boundary.
TEST(ValueTest, InlineAndHeapStringsCopyMoveAndCompare) {
  std::vector<Value> values;
  std::vector<std::string> texts;
  for (size_t n : {0, 1, 15, 16, 17, 31, 1000}) {
    std::string t;
    for (size_t i = 0; i < n; ++i) t.push_back(static_cast<char>('a' + (i * 7 + n) % 26));
    t.push_back('\0');  // an embedded NUL survives too
    texts.push_back(t);
    values.push_back(Value::Text(t));
    values.push_back(Value::Blob(t));
  }
  for (size_t i = 0; i < texts.size(); ++i) {
    const Value& text = values[2 * i];
    EXPECT_EQ(text.type(), Type::kText);
    EXPECT_EQ(text.bytes(), texts[i]);
    EXPECT_EQ(values[2 * i + 1].bytes(), texts[i]);
    Value copy = text;
    EXPECT_EQ(copy, text);
    EXPECT_EQ(copy.bytes(), texts[i]);
    if (!texts[i].empty()) {
      EXPECT_NE(copy.bytes().data(), text.bytes().data());
    }
    Value moved = std::move(copy);
    EXPECT_EQ(moved.bytes(), texts[i]);
    EXPECT_TRUE(copy.is_null());  // NOLINT: moved-from is NULL by contract
    // Assignments over every kind of value: strings of both sizes, numbers.
    for (const Value& other : {Value::Integer(5), Value::Text(texts.back()),
                               Value::Text("x"), Value::Real(1.5)}) {
      Value target = text;
      target = other;
      EXPECT_EQ(target, other);
      target = text;
      EXPECT_EQ(target.bytes(), texts[i]);
      Value source = other;
      target = std::move(source);
      EXPECT_EQ(target, other);
    }
    Value self = text;
    Value& alias = self;
    self = alias;
    EXPECT_EQ(self.bytes(), texts[i]);
    for (size_t j = 0; j < texts.size(); ++j) {
      int want = texts[i] < texts[j] ? -1 : (texts[i] > texts[j] ? 1 : 0);
      EXPECT_EQ(Value::Compare(text, values[2 * j]), want) << i << " " << j;
    }
  }
  // Growing a vector moves them; nothing is lost.
  std::vector<Value> grown;
  for (int round = 0; round < 50; ++round) {
    for (const Value& v : values) grown.push_back(v);
  }
  for (size_t i = 0; i < grown.size(); ++i) EXPECT_EQ(grown[i], values[i % values.size()]);
  EXPECT_TRUE(Value::Integer(3).bytes().empty());
  EXPECT_EQ(sizeof(Value), 24u);
}

TEST(ValueTest, WrongTypeAccessIsZeroNotCrash) {
  EXPECT_EQ(Value::Text("5").integer(), 0);
  EXPECT_EQ(Value::Integer(5).real(), 0.0);
  EXPECT_EQ(Value::Integer(5).bytes(), "");
}

TEST(ValueTest, SqlNullSemantics) {
  EXPECT_FALSE(Value::SqlEquals(Value(), Value()).has_value());
  EXPECT_FALSE(Value::SqlEquals(Value(), Value::Integer(1)).has_value());
  EXPECT_FALSE(Value::SqlCompare(Value::Text("a"), Value()).has_value());
  EXPECT_EQ(Value::SqlEquals(Value::Integer(1), Value::Integer(1)), true);
  EXPECT_EQ(Value::SqlEquals(Value::Integer(1), Value::Integer(2)), false);
}

TEST(ValueTest, TotalOrderAcrossTypes) {
  Value ordered[] = {Value(), Value::Boolean(false), Value::Boolean(true),
                     Value::Integer(-5), Value::Real(0.5), Value::Integer(1),
                     Value::Text(""), Value::Text("a"), Value::Blob("")};
  for (size_t i = 0; i < std::size(ordered); ++i) {
    for (size_t j = 0; j < std::size(ordered); ++j) {
      int c = Value::Compare(ordered[i], ordered[j]);
      EXPECT_EQ(c < 0, i < j) << i << " " << j;
      EXPECT_EQ(c == 0, i == j) << i << " " << j;
    }
  }
}

TEST(ValueTest, IntegerRealCompareNumericallyAndExactly) {
  EXPECT_EQ(Value::Compare(Value::Integer(1), Value::Real(1.0)), 0);
  EXPECT_LT(Value::Compare(Value::Integer(1), Value::Real(1.5)), 0);
  EXPECT_GT(Value::Compare(Value::Integer(2), Value::Real(1.5)), 0);
  EXPECT_LT(Value::Compare(Value::Integer(-2), Value::Real(-1.5)), 0);
  // 2^53 + 1 is not representable as a double: exact comparison still works.
  int64_t big = (int64_t{1} << 53) + 1;
  EXPECT_GT(Value::Compare(Value::Integer(big),
                           Value::Real(static_cast<double>(int64_t{1} << 53))),
            0);
  EXPECT_LT(Value::Compare(Value::Integer(std::numeric_limits<int64_t>::max()),
                           Value::Real(1e19)),
            0);
  EXPECT_GT(Value::Compare(Value::Integer(std::numeric_limits<int64_t>::min()),
                           Value::Real(-1e19)),
            0);
  EXPECT_GT(Value::Compare(Value::Integer(0), Value::Real(NAN)), 0);
  // Integer and Real that compare equal are still different values.
  EXPECT_NE(Value::Integer(1), Value::Real(1.0));
}

TEST(ValueTest, NanAndNegativeZeroPolicy) {
  EXPECT_EQ(Value::Compare(Value::Real(NAN), Value::Real(NAN)), 0);
  EXPECT_LT(Value::Compare(Value::Real(NAN), Value::Real(-INFINITY)), 0);
  EXPECT_EQ(Value::Compare(Value::Real(-0.0), Value::Real(0.0)), 0);
}

TEST(ValueTest, ToString) {
  EXPECT_EQ(Value().ToString(), "NULL");
  EXPECT_EQ(Value::Integer(-12).ToString(), "-12");
  EXPECT_EQ(Value::Real(0.1).ToString(), "0.1");
  EXPECT_EQ(Value::Text("hi").ToString(), "hi");
  EXPECT_EQ(Value::Blob("\x01\xab").ToString(), "X'01ab'");
  EXPECT_EQ(Value::Boolean(false).ToString(), "false");
}

}  // namespace
}  // namespace tessera

namespace tessera {
namespace {

TEST(ValueJsonMarkTest, TravelsWithCopiesAndMovesOnly) {
  Value j = Value::Json("[1]");
  EXPECT_TRUE(j.is_json());
  EXPECT_FALSE(Value::Text("[1]").is_json());
  Value copy = j;
  EXPECT_TRUE(copy.is_json());
  Value moved = std::move(copy);
  EXPECT_TRUE(moved.is_json());
  EXPECT_FALSE(copy.is_json());  // NOLINT(bugprone-use-after-move): moved-from is NULL
  moved = Value::Integer(1);
  EXPECT_FALSE(moved.is_json());
  // Comparisons ignore the mark.
  EXPECT_EQ(j, Value::Text("[1]"));
  Value big = Value::Json(std::string(100, 'x'));
  Value big_copy = big;
  EXPECT_TRUE(big_copy.is_json());
  EXPECT_EQ(big_copy.bytes().size(), 100u);
}

}  // namespace
}  // namespace tessera
