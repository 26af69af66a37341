#include "common/value.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

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
