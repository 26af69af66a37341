#include "function/functions.h"

#include <gtest/gtest.h>

#include <limits>
#include <vector>

#include "function/testing.h"

namespace tessera::function {
namespace {

using namespace test_support;  // NOLINT(build/namespaces): test helpers

TEST(ScalarFunctionsTest, Lookup) {
  EXPECT_EQ(FindScalarFunction("nope"), nullptr);
  const ScalarFunction* c = FindScalarFunction("coalesce");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->min_args, 2);
  EXPECT_EQ(c->max_args, -1);
}

TEST(ScalarFunctionsTest, AbsCoalesceNullif) {
  EXPECT_EQ(Call("abs", {I(-5)}), I(5));
  EXPECT_EQ(Call("abs", {R(-1.5)}), R(1.5));
  EXPECT_TRUE(Call("abs", {N}).is_null());
  EXPECT_EQ(Call("abs", {T("x")}), I(0));
  const ScalarFunction* abs = FindScalarFunction("abs");
  std::vector<Value> min = {I(INT64_MIN)};
  EXPECT_FALSE(abs->fn(min).ok());
  EXPECT_EQ(Call("coalesce", {N, N, I(3), I(4)}), I(3));
  EXPECT_TRUE(Call("coalesce", {N, N}).is_null());
  EXPECT_EQ(Call("ifnull", {N, T("d")}), T("d"));
  EXPECT_TRUE(Call("nullif", {I(1), I(1)}).is_null());
  EXPECT_EQ(Call("nullif", {I(1), I(2)}), I(1));
}

TEST(ScalarFunctionsTest, Strings) {
  EXPECT_EQ(Call("length", {T("h\xc3\xa9llo")}), I(5));
  EXPECT_EQ(Call("length", {I(-123)}), I(4));
  EXPECT_EQ(Call("length", {Value::Blob(std::string("\0\1", 2))}), I(2));
  EXPECT_TRUE(Call("length", {N}).is_null());
  EXPECT_EQ(Call("lower", {T("AbC")}), T("abc"));
  EXPECT_EQ(Call("upper", {T("AbC")}), T("ABC"));
  EXPECT_EQ(Call("trim", {T("  x  ")}), T("x"));
  EXPECT_EQ(Call("ltrim", {T("xxaxx"), T("x")}), T("axx"));
  EXPECT_EQ(Call("rtrim", {T("xxaxx"), T("x")}), T("xxa"));
  EXPECT_EQ(Call("replace", {T("banana"), T("an"), T("AN")}), T("bANANa"));
  // SQLite's order: an empty pattern returns X as it is, even with a NULL
  // replacement (found by tests/sqlite_diff-style text queries).
  EXPECT_EQ(Call("replace", {T("banana"), T(""), N}), T("banana"));
  EXPECT_EQ(Call("replace", {I(5), T(""), T("x")}), I(5));
  EXPECT_TRUE(Call("replace", {T("banana"), T("an"), N}).is_null());
  EXPECT_TRUE(Call("replace", {T("banana"), N, T("x")}).is_null());
  EXPECT_TRUE(Call("replace", {N, T(""), T("x")}).is_null());
  EXPECT_EQ(Call("instr", {T("hello"), T("ll")}), I(3));
  EXPECT_EQ(Call("instr", {T("hello"), T("z")}), I(0));
}

TEST(ScalarFunctionsTest, SubstrFollowsSqlite) {
  EXPECT_EQ(Call("substr", {T("hello"), I(2)}), T("ello"));
  EXPECT_EQ(Call("substr", {T("hello"), I(2), I(3)}), T("ell"));
  EXPECT_EQ(Call("substr", {T("hello"), I(0), I(2)}), T("h"));
  EXPECT_EQ(Call("substr", {T("hello"), I(-3)}), T("llo"));
  EXPECT_EQ(Call("substr", {T("hello"), I(-3), I(2)}), T("ll"));
  EXPECT_EQ(Call("substr", {T("hello"), I(3), I(-2)}), T("he"));
  EXPECT_EQ(Call("substr", {T("hello"), I(10)}), T(""));
  EXPECT_EQ(Call("substr", {T("h\xc3\xa9llo"), I(2), I(2)}), T("\xc3\xa9l"));
  EXPECT_TRUE(Call("substr", {N, I(1)}).is_null());
}

// Start and length anywhere in int64's range: their sums overflowed
// (undefined behaviour, caught by UBSan under --config=asan).
TEST(ScalarFunctionsTest, SubstrTakesExtremeStartsAndLengths) {
  const int64_t kMin = std::numeric_limits<int64_t>::min();
  const int64_t kMax = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(Call("substr", {T("hello"), I(2), I(kMin)}), T("h"));
  EXPECT_EQ(Call("substr", {T("hello"), I(kMin)}), T(""));
  EXPECT_EQ(Call("substr", {T("hello"), I(kMax), I(kMax)}), T(""));
  EXPECT_EQ(Call("substr", {T("hello"), I(kMin), I(kMax)}), T("hell"));
  EXPECT_EQ(Call("substr", {T("hello"), I(kMax), I(kMin)}), T("hello"));
  EXPECT_EQ(Call("substr", {T("hello"), I(1), I(kMax)}), T("hello"));
}

TEST(ScalarFunctionsTest, RoundTypeofMinMax) {
  EXPECT_EQ(Call("round", {R(2.5)}), R(3.0));
  EXPECT_EQ(Call("round", {R(-2.5)}), R(-3.0));
  EXPECT_EQ(Call("round", {R(1.2345), I(2)}), R(1.23));
  EXPECT_EQ(Call("round", {I(7)}), R(7.0));
  EXPECT_EQ(Call("typeof", {I(1)}), T("integer"));
  EXPECT_EQ(Call("typeof", {R(1)}), T("real"));
  EXPECT_EQ(Call("typeof", {N}), T("null"));
  EXPECT_EQ(Call("typeof", {T("")}), T("text"));
  EXPECT_EQ(Call("min", {I(3), I(1), I(2)}), I(1));
  EXPECT_EQ(Call("max", {I(3), T("a")}), T("a"));
  EXPECT_TRUE(Call("max", {I(3), N}).is_null());
}

Value Aggregate(AggregateKind kind, const std::vector<Value>& inputs,
                Value sep = Value()) {
  AggregateState st;
  for (const Value& v : inputs) AggregateUpdate(kind, v, sep, &st);
  absl::StatusOr<Value> r = AggregateFinish(kind, st);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *r : Value();
}

TEST(AggregatesTest, Lookup) {
  EXPECT_EQ(FindAggregate("count", 0, true), AggregateKind::kCountStar);
  EXPECT_EQ(FindAggregate("count", 1, false), AggregateKind::kCount);
  EXPECT_EQ(FindAggregate("sum", 1, false), AggregateKind::kSum);
  EXPECT_EQ(FindAggregate("group_concat", 2, false), AggregateKind::kGroupConcat);
  EXPECT_FALSE(FindAggregate("min", 2, false).has_value());  // scalar min
  EXPECT_FALSE(FindAggregate("sum", 0, true).has_value());
  EXPECT_FALSE(FindAggregate("abs", 1, false).has_value());
}

TEST(AggregatesTest, SqliteResults) {
  std::vector<Value> x = {I(1), I(0), N, I(2), I(2)};
  EXPECT_EQ(Aggregate(AggregateKind::kCount, x), I(4));
  EXPECT_EQ(Aggregate(AggregateKind::kCountStar, x), I(5));
  EXPECT_EQ(Aggregate(AggregateKind::kSum, x), I(5));
  EXPECT_EQ(Aggregate(AggregateKind::kTotal, x), R(5.0));
  EXPECT_EQ(Aggregate(AggregateKind::kAvg, x), R(1.25));
  EXPECT_EQ(Aggregate(AggregateKind::kMin, x), I(0));
  EXPECT_EQ(Aggregate(AggregateKind::kMax, x), I(2));
  EXPECT_EQ(Aggregate(AggregateKind::kGroupConcat, x), T("1,0,2,2"));
  EXPECT_EQ(Aggregate(AggregateKind::kGroupConcat, x, T(":")), T("1:0:2:2"));
  // Empty input.
  EXPECT_TRUE(Aggregate(AggregateKind::kSum, {N}).is_null());
  EXPECT_EQ(Aggregate(AggregateKind::kTotal, {}), R(0.0));
  EXPECT_TRUE(Aggregate(AggregateKind::kAvg, {}).is_null());
  EXPECT_EQ(Aggregate(AggregateKind::kCount, {}), I(0));
  EXPECT_TRUE(Aggregate(AggregateKind::kMax, {}).is_null());
  EXPECT_TRUE(Aggregate(AggregateKind::kGroupConcat, {N}).is_null());
  // Text inputs count as 0 (and make sum REAL).
  std::vector<Value> y = {T("true"), T("false")};
  EXPECT_EQ(Aggregate(AggregateKind::kSum, y), R(0.0));
  EXPECT_EQ(Aggregate(AggregateKind::kAvg, y), R(0.0));
  EXPECT_EQ(Aggregate(AggregateKind::kMin, y), T("false"));
  EXPECT_EQ(Aggregate(AggregateKind::kSum, {I(1), R(0.5)}), R(1.5));
}

TEST(AggregatesTest, IntegerSumOverflowIsAnError) {
  AggregateState st;
  AggregateUpdate(AggregateKind::kSum, I(INT64_MAX), Value(), &st);
  AggregateUpdate(AggregateKind::kSum, I(1), Value(), &st);
  absl::StatusOr<Value> r = AggregateFinish(AggregateKind::kSum, st);
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("overflow"), std::string::npos);
  // total() does not overflow.
  EXPECT_EQ(AggregateFinish(AggregateKind::kTotal, st)->type(), Type::kReal);
}

TEST(AggregatesTest, PartialStatesMergeLikeOneState) {
  std::vector<Value> all = {I(5), N, I(-2), I(9), I(1), I(7)};
  for (AggregateKind kind :
       {AggregateKind::kCount, AggregateKind::kCountStar, AggregateKind::kSum,
        AggregateKind::kTotal, AggregateKind::kAvg, AggregateKind::kMin,
        AggregateKind::kMax, AggregateKind::kGroupConcat}) {
    AggregateState whole, left, right, empty;
    for (size_t i = 0; i < all.size(); ++i) {
      AggregateUpdate(kind, all[i], Value(), &whole);
      AggregateUpdate(kind, all[i], Value(), i < 3 ? &left : &right);
    }
    AggregateMerge(kind, right, Value(), &left);
    AggregateMerge(kind, empty, Value(), &left);
    EXPECT_EQ(*AggregateFinish(kind, left), *AggregateFinish(kind, whole))
        << static_cast<int>(kind);
  }
}

}  // namespace
}  // namespace tessera::function
