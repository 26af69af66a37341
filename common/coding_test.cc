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

}  // namespace
}  // namespace tessera
