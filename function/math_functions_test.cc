// Expected values are SQLite 3.40's answers to the same calls.

#include <gtest/gtest.h>

#include <cmath>

#include "function/functions.h"
#include "function/testing.h"

namespace tessera::function {
namespace {

using namespace test_support;  // NOLINT(build/namespaces): test helpers

TEST(MathFunctionsTest, ArgumentsMustBeNumbers) {
  EXPECT_EQ(Call("sqrt", {I(4)}), R(2.0));
  EXPECT_EQ(Call("sqrt", {T(" 4 ")}), R(2.0));
  EXPECT_EQ(Call("sqrt", {Value::Boolean(true)}), R(1.0));
  EXPECT_TRUE(Call("sqrt", {T("abc")}).is_null());
  EXPECT_TRUE(Call("sqrt", {T("4x")}).is_null());
  EXPECT_TRUE(Call("sqrt", {B("4")}).is_null());
  EXPECT_TRUE(Call("sqrt", {N}).is_null());
  EXPECT_TRUE(Call("pow", {I(2), N}).is_null());
}

TEST(MathFunctionsTest, OutsideTheDomainIsNull) {
  EXPECT_TRUE(Call("sqrt", {I(-1)}).is_null());
  EXPECT_TRUE(Call("ln", {I(0)}).is_null());
  EXPECT_TRUE(Call("ln", {I(-1)}).is_null());
  EXPECT_TRUE(Call("log", {I(0)}).is_null());
  EXPECT_TRUE(Call("log", {I(1), I(10)}).is_null());
  EXPECT_TRUE(Call("log", {I(-2), I(8)}).is_null());
  EXPECT_TRUE(Call("acos", {I(2)}).is_null());
  EXPECT_TRUE(Call("mod", {I(7), I(0)}).is_null());
}

TEST(MathFunctionsTest, Values) {
  EXPECT_EQ(Call("log", {I(100)}), R(2.0));  // base 10
  EXPECT_EQ(Call("log", {I(2), I(8)}), R(3.0));
  EXPECT_EQ(Call("log10", {I(1000)}), R(3.0));
  EXPECT_EQ(Call("log2", {I(8)}), R(3.0));
  EXPECT_EQ(Call("ln", {R(std::exp(2.0))}), R(2.0));
  EXPECT_EQ(Call("exp", {I(0)}), R(1.0));
  EXPECT_EQ(Call("pow", {I(2), I(10)}), R(1024.0));
  EXPECT_EQ(Call("power", {I(4), R(0.5)}), R(2.0));
  EXPECT_EQ(Call("mod", {I(7), I(3)}), R(1.0));
  EXPECT_EQ(Call("mod", {I(-7), I(3)}), R(-1.0));
  EXPECT_EQ(Call("mod", {R(7.5), I(2)}), R(1.5));
  EXPECT_EQ(Call("pi", {}), R(M_PI));
  EXPECT_EQ(Call("degrees", {R(M_PI)}), R(180.0));
  EXPECT_EQ(Call("radians", {I(180)}), R(M_PI));
  EXPECT_EQ(Call("atan2", {I(1), I(1)}), R(M_PI / 4));
  EXPECT_EQ(Call("sin", {I(0)}), R(0.0));
  EXPECT_EQ(Call("cosh", {I(0)}), R(1.0));
}

TEST(MathFunctionsTest, RoundingKeepsIntegers) {
  EXPECT_EQ(Call("ceil", {I(3)}), I(3));
  EXPECT_EQ(Call("ceil", {R(1.2)}), R(2.0));
  EXPECT_EQ(Call("ceiling", {R(-1.2)}), R(-1.0));
  EXPECT_EQ(Call("floor", {R(-1.5)}), R(-2.0));
  EXPECT_EQ(Call("trunc", {R(-1.7)}), R(-1.0));
  EXPECT_EQ(Call("trunc", {I(INT64_MAX)}), I(INT64_MAX));
  EXPECT_EQ(Call("floor", {T("2.5")}), R(2.0));
}

TEST(MathFunctionsTest, Sign) {
  EXPECT_EQ(Call("sign", {I(-3)}), I(-1));
  EXPECT_EQ(Call("sign", {R(0.0)}), I(0));
  EXPECT_EQ(Call("sign", {R(2.5)}), I(1));
  EXPECT_EQ(Call("sign", {T("  12")}), I(1));
  EXPECT_EQ(Call("sign", {I(INT64_MIN)}), I(-1));
  EXPECT_TRUE(Call("sign", {T("-3.5x")}).is_null());
  EXPECT_TRUE(Call("sign", {B("\x01")}).is_null());
  EXPECT_TRUE(Call("sign", {N}).is_null());
}

}  // namespace
}  // namespace tessera::function
