#include "common/key_encoding.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "absl/strings/escaping.h"

namespace tessera {
namespace {

int Sign(int c) { return c < 0 ? -1 : (c > 0 ? 1 : 0); }

std::string Enc(const Value& v, SortOrder o) {
  std::string s;
  EncodeKeyValue(v, o, &s);
  return s;
}

// Random value generators, biased toward the edges where encodings break.
class Gen {
 public:
  explicit Gen(uint64_t seed) : rng_(seed) {}

  Value Of(Type t) {
    if (Chance(10)) return Value::Null();
    switch (t) {
      case Type::kInteger:
        return Value::Integer(Int());
      case Type::kReal:
        return Value::Real(Real());
      case Type::kText:
        return Value::Text(Bytes());
      case Type::kBlob:
        return Value::Blob(Bytes());
      case Type::kBoolean:
        return Value::Boolean(Chance(2));
      case Type::kNumeric:  // no value has it
      case Type::kNull:
        return Value::Null();
    }
    return Value::Null();
  }

  Type AnyType() {
    static constexpr Type kTypes[] = {Type::kInteger, Type::kReal, Type::kText,
                                      Type::kBlob, Type::kBoolean};
    return kTypes[rng_() % 5];
  }

  bool Chance(int one_in) { return rng_() % one_in == 0; }

 private:
  int64_t Int() {
    static constexpr int64_t kEdges[] = {
        std::numeric_limits<int64_t>::min(),
        std::numeric_limits<int64_t>::min() + 1,
        -1,
        0,
        1,
        255,
        256,
        std::numeric_limits<int64_t>::max() - 1,
        std::numeric_limits<int64_t>::max()};
    if (Chance(3)) return kEdges[rng_() % std::size(kEdges)];
    if (Chance(2)) return static_cast<int64_t>(rng_() % 2001) - 1000;
    return static_cast<int64_t>(rng_());
  }
  double Real() {
    static const double kEdges[] = {-INFINITY,
                                    INFINITY,
                                    NAN,
                                    -NAN,
                                    0.0,
                                    -0.0,
                                    std::numeric_limits<double>::min(),
                                    -std::numeric_limits<double>::min(),
                                    std::numeric_limits<double>::denorm_min(),
                                    std::numeric_limits<double>::max(),
                                    std::numeric_limits<double>::lowest(),
                                    1.0,
                                    -1.0};
    if (Chance(3)) return kEdges[rng_() % std::size(kEdges)];
    if (Chance(2)) return (static_cast<double>(rng_() % 20001) - 10000) / 7.0;
    uint64_t bits = rng_();
    double d;
    std::memcpy(&d, &bits, sizeof d);
    return d;
  }
  std::string Bytes() {
    static constexpr char kAlphabet[] = {'\x00', '\x01', '\xfe', '\xff', 'a',
                                         'b'};
    size_t len = rng_() % 6;
    std::string s;
    for (size_t i = 0; i < len; ++i) {
      s.push_back(Chance(2) ? kAlphabet[rng_() % std::size(kAlphabet)]
                            : static_cast<char>(rng_() % 256));
    }
    return s;
  }

  std::mt19937_64 rng_;
};

// Values equal under Compare must round-trip to a value equal under Compare
// (NaN stays NaN, -0.0 may come back as +0.0).
void ExpectRoundTrip(const Value& v, SortOrder o) {
  std::string e = Enc(v, o);
  absl::string_view in = e;
  Value back;
  ASSERT_TRUE(DecodeKeyValue(&in, o, &back).ok()) << v.ToString();
  EXPECT_TRUE(in.empty());
  EXPECT_EQ(back.type(), v.type());
  EXPECT_EQ(Value::Compare(back, v), 0) << v.ToString();
}

class KeyEncodingPropertyTest
    : public ::testing::TestWithParam<std::tuple<Type, SortOrder>> {};

TEST_P(KeyEncodingPropertyTest, MemcmpOrderMatchesValueOrder) {
  auto [type, order] = GetParam();
  Gen gen(static_cast<uint64_t>(type) * 7919 + static_cast<uint64_t>(order));
  for (int i = 0; i < 20000; ++i) {
    Value a = gen.Of(type), b = gen.Of(type);
    int want = Sign(Value::Compare(a, b));
    if (order == SortOrder::kDescending) want = -want;
    int got = Sign(Enc(a, order).compare(Enc(b, order)));
    ASSERT_EQ(got, want) << a.ToString() << " vs " << b.ToString() << " ("
                         << absl::BytesToHexString(Enc(a, order)) << " / "
                         << absl::BytesToHexString(Enc(b, order)) << ")";
    ExpectRoundTrip(a, order);
  }
}

INSTANTIATE_TEST_SUITE_P(
    AllTypesBothOrders, KeyEncodingPropertyTest,
    ::testing::Combine(::testing::Values(Type::kInteger, Type::kReal,
                                         Type::kText, Type::kBlob,
                                         Type::kBoolean),
                       ::testing::Values(SortOrder::kAscending,
                                         SortOrder::kDescending)));

// Composite keys: random schemas of 1-4 columns with random orders; the
// lexicographic tuple order under the per-column orders must equal memcmp.
TEST(KeyEncodingTest, CompositeKeysSortColumnByColumn) {
  Gen gen(2024);
  std::mt19937_64 rng(7);
  for (int schema = 0; schema < 200; ++schema) {
    size_t ncols = 1 + rng() % 4;
    std::vector<Type> types;
    std::vector<SortOrder> orders;
    for (size_t c = 0; c < ncols; ++c) {
      types.push_back(gen.AnyType());
      orders.push_back(rng() % 2 ? SortOrder::kDescending
                                 : SortOrder::kAscending);
    }
    for (int i = 0; i < 200; ++i) {
      std::vector<Value> a, b;
      for (size_t c = 0; c < ncols; ++c) {
        a.push_back(gen.Of(types[c]));
        // Often share a prefix so later columns decide.
        b.push_back(gen.Chance(2) ? a.back() : gen.Of(types[c]));
      }
      int want = 0;
      for (size_t c = 0; c < ncols && want == 0; ++c) {
        want = Sign(Value::Compare(a[c], b[c]));
        if (orders[c] == SortOrder::kDescending) want = -want;
      }
      std::string ea, eb;
      EncodeKeyTuple(a, orders, &ea);
      EncodeKeyTuple(b, orders, &eb);
      ASSERT_EQ(Sign(ea.compare(eb)), want);
      absl::string_view in = ea;
      std::vector<Value> back;
      ASSERT_TRUE(DecodeKeyTuple(&in, orders, &back).ok());
      ASSERT_TRUE(in.empty());
      ASSERT_EQ(back.size(), a.size());
      for (size_t c = 0; c < ncols; ++c) {
        EXPECT_EQ(Value::Compare(back[c], a[c]), 0);
      }
    }
  }
}

TEST(KeyEncodingTest, NullsFirstAscendingLastDescending) {
  for (Type t : {Type::kInteger, Type::kReal, Type::kText, Type::kBlob,
                 Type::kBoolean}) {
    Gen gen(static_cast<uint64_t>(t));
    for (int i = 0; i < 100; ++i) {
      Value v = gen.Of(t);
      if (v.is_null()) continue;
      EXPECT_LT(Enc(Value(), SortOrder::kAscending),
                Enc(v, SortOrder::kAscending));
      EXPECT_GT(Enc(Value(), SortOrder::kDescending),
                Enc(v, SortOrder::kDescending));
    }
  }
}

TEST(KeyEncodingTest, EdgeCases) {
  auto asc = [](const Value& v) { return Enc(v, SortOrder::kAscending); };
  EXPECT_EQ(asc(Value::Real(-0.0)), asc(Value::Real(0.0)));
  EXPECT_EQ(asc(Value::Real(NAN)), asc(Value::Real(-NAN)));
  EXPECT_LT(asc(Value::Real(NAN)), asc(Value::Real(-INFINITY)));
  EXPECT_LT(asc(Value::Text("")), asc(Value::Text(std::string("\0", 1))));
  EXPECT_LT(asc(Value::Text(std::string("a\0", 2))), asc(Value::Text("a\x01")));
  EXPECT_LT(asc(Value::Text("a")), asc(Value::Text("a\xff")));
  EXPECT_LT(asc(Value::Integer(std::numeric_limits<int64_t>::min())),
            asc(Value::Integer(std::numeric_limits<int64_t>::max())));
  // A string is never a prefix of another string's encoding.
  std::string a = asc(Value::Text("ab")), b = asc(Value::Text("abc"));
  EXPECT_NE(b.compare(0, a.size(), a), 0);
}

TEST(KeyEncodingTest, MalformedInputIsAnErrorNotACrash) {
  Value out;
  for (std::string bad :
       {std::string(), std::string("\x20\x01", 2), std::string("\x30" "abc"),
        std::string("\x30" "a\x00", 3), std::string("\x30" "a\x00\x07", 4),
        std::string("\x10\x05", 2), std::string("\x99"),
        std::string("\x28\x01\x02", 3)}) {
    absl::string_view in = bad;
    EXPECT_EQ(DecodeKeyValue(&in, SortOrder::kAscending, &out).code(),
              absl::StatusCode::kDataLoss)
        << absl::BytesToHexString(bad);
  }
  // Random garbage never crashes.
  std::mt19937_64 rng(99);
  for (int i = 0; i < 20000; ++i) {
    std::string junk;
    for (size_t j = 0, n = rng() % 12; j < n; ++j) {
      junk.push_back(static_cast<char>(rng()));
    }
    absl::string_view in = junk;
    std::vector<Value> vals;
    (void)DecodeKeyTuple(&in, {SortOrder::kAscending, SortOrder::kDescending},
                         &vals);
  }
}

TEST(KeyEncodingTest, PrefixEnd) {
  EXPECT_EQ(PrefixEnd("ab"), "ac");
  EXPECT_EQ(PrefixEnd(std::string("a\xff", 2)), "b");
  EXPECT_EQ(PrefixEnd(std::string("\xff\xff", 2)), "");
  EXPECT_GT(PrefixEnd("ab"), std::string("ab\xff\xff\xff"));
}

}  // namespace
}  // namespace tessera
