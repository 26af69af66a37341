#include "common/coding.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>

namespace tessera {
namespace {

TEST(CodingTest, Fixed64RoundTripAndOrder) {
  std::mt19937_64 rng(42);
  for (int i = 0; i < 1000; ++i) {
    uint64_t a = rng(), b = rng();
    std::string ea, eb;
    PutFixed64BE(&ea, a);
    PutFixed64BE(&eb, b);
    absl::string_view in = ea;
    uint64_t out = 0;
    ASSERT_TRUE(GetFixed64BE(&in, &out).ok());
    EXPECT_EQ(out, a);
    EXPECT_TRUE(in.empty());
    EXPECT_EQ(a < b, ea < eb);
  }
}

TEST(CodingTest, Fixed32RoundTrip) {
  std::string e;
  PutFixed32BE(&e, 0xdeadbeef);
  absl::string_view in = e;
  uint32_t v = 0;
  ASSERT_TRUE(GetFixed32BE(&in, &v).ok());
  EXPECT_EQ(v, 0xdeadbeefu);
}

TEST(CodingTest, VarintRoundTripEdges) {
  for (uint64_t v : {uint64_t{0}, uint64_t{1}, uint64_t{127}, uint64_t{128},
                     uint64_t{300}, std::numeric_limits<uint64_t>::max()}) {
    std::string e;
    PutVarint64(&e, v);
    absl::string_view in = e;
    uint64_t out = 1;
    ASSERT_TRUE(GetVarint64(&in, &out).ok()) << v;
    EXPECT_EQ(out, v);
    EXPECT_TRUE(in.empty());
  }
}

TEST(CodingTest, TruncatedInputsAreErrorsNotCrashes) {
  std::string e;
  PutVarint64(&e, 1u << 30);
  absl::string_view in(e.data(), e.size() - 1);
  uint64_t v;
  EXPECT_EQ(GetVarint64(&in, &v).code(), absl::StatusCode::kDataLoss);
  absl::string_view short_in("abc");
  EXPECT_FALSE(GetFixed64BE(&short_in, &v).ok());
  absl::string_view empty;
  uint8_t b;
  EXPECT_FALSE(GetByte(&empty, &b).ok());
}

TEST(CodingTest, VarintOverflowRejected) {
  std::string e(10, '\xff');
  e.push_back(0x01);
  absl::string_view in = e;
  uint64_t v;
  EXPECT_FALSE(GetVarint64(&in, &v).ok());
}

TEST(CodingTest, LengthPrefixedRejectsLengthPastEnd) {
  std::string e;
  PutLengthPrefixed(&e, "hello");
  absl::string_view in = e;
  absl::string_view out;
  ASSERT_TRUE(GetLengthPrefixed(&in, &out).ok());
  EXPECT_EQ(out, "hello");
  std::string bad;
  PutVarint64(&bad, 1000);
  bad += "xy";
  absl::string_view bad_in = bad;
  EXPECT_FALSE(GetLengthPrefixed(&bad_in, &out).ok());
}

// The inline readers used by row decoding agree with the out-of-line ones
// on every input: valid, truncated, overlong and random bytes.
TEST(CodingTest, InlineReadersAgreeWithTheGeneralOnes) {
  std::mt19937_64 rng(9);
  for (int i = 0; i < 200000; ++i) {
    std::string buf;
    switch (i % 4) {
      case 0:  // a valid varint of a random magnitude, maybe followed by more
        PutVarint64(&buf, rng() >> (rng() % 64));
        break;
      case 1:  // a length-prefixed string, maybe cut short below
        PutVarint64(&buf, rng() % 40);
        buf.append(rng() % 45, 'x');
        break;
      default:  // random bytes, often with continuation bits set
        for (size_t n = rng() % 12; n > 0; --n) buf.push_back(static_cast<char>(rng() | 0x80 * (rng() % 2)));
    }
    if (!buf.empty() && rng() % 3 == 0) buf.resize(rng() % buf.size());
    absl::string_view a = buf, b = buf;
    uint64_t va = 0, vb = 0;
    absl::Status sa = GetVarint64(&a, &va), sb = GetVarint64Inline(&b, &vb);
    ASSERT_EQ(sa.ok(), sb.ok()) << i;
    if (sa.ok()) {
      ASSERT_EQ(va, vb) << i;
      ASSERT_EQ(a.size(), b.size()) << i;
    }
    absl::string_view c = buf, d = buf, oc, od;
    absl::Status sc = GetLengthPrefixed(&c, &oc), sd = GetLengthPrefixedInline(&d, &od);
    ASSERT_EQ(sc.ok(), sd.ok()) << i;
    if (sc.ok()) {
      ASSERT_EQ(oc, od) << i;
      ASSERT_EQ(c.size(), d.size()) << i;
    }
    absl::string_view e = buf, f = buf;
    uint8_t ye = 0, yf = 0;
    ASSERT_EQ(GetByte(&e, &ye).ok(), GetByteInline(&f, &yf).ok());
    ASSERT_EQ(ye, yf);
  }
}

}  // namespace
}  // namespace tessera
