#include "kv/range_descriptor.h"

#include <gtest/gtest.h>

#include <random>

#include "common/keys.h"

namespace tessera::kv {
namespace {

RangeDescriptor Sample() {
  return RangeDescriptor{7, "t/a", "t/m", {1, 3}, 4};
}

TEST(RangeDescriptorTest, RoundTrip) {
  RangeDescriptor d = Sample();
  absl::StatusOr<RangeDescriptor> back =
      DecodeRangeDescriptor(EncodeRangeDescriptor(d));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, d);
}

TEST(RangeDescriptorTest, Contains) {
  RangeDescriptor d = Sample();
  EXPECT_TRUE(d.ContainsKey("t/a"));
  EXPECT_TRUE(d.ContainsKey("t/lzzz"));
  EXPECT_FALSE(d.ContainsKey("t/m"));
  EXPECT_FALSE(d.ContainsKey("t/"));
  EXPECT_TRUE(d.ContainsSpan("t/b", "t/m"));
  EXPECT_FALSE(d.ContainsSpan("t/b", "t/n"));
  EXPECT_FALSE(d.ContainsSpan("t/c", "t/b"));
  EXPECT_NE(d.ToString().find("r7"), std::string::npos);
}

TEST(RangeDescriptorTest, MalformedBytesNeverDecode) {
  std::string enc = EncodeRangeDescriptor(Sample());
  for (size_t n = 0; n < enc.size(); ++n) {
    EXPECT_FALSE(DecodeRangeDescriptor(enc.substr(0, n)).ok()) << n;
  }
  EXPECT_FALSE(DecodeRangeDescriptor(enc + "z").ok());
  RangeDescriptor inverted{1, "b", "a", {1}, 1};
  EXPECT_FALSE(DecodeRangeDescriptor(EncodeRangeDescriptor(inverted)).ok());
  std::mt19937_64 rng(3);
  for (int i = 0; i < 20000; ++i) {
    std::string junk = enc;
    junk[rng() % junk.size()] = static_cast<char>(rng());
    (void)DecodeRangeDescriptor(junk);  // must not crash
  }
}

TEST(RangeDescriptorTest, RangeMovedErrorCarriesDescriptor) {
  absl::Status s = MakeRangeMovedError("t/c", Sample());
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("range moved"), std::string::npos);
  std::optional<RangeDescriptor> d = GetRangeMoved(s);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(*d, Sample());
  EXPECT_FALSE(GetRangeMoved(absl::UnavailableError("x")).has_value());
}

}  // namespace
}  // namespace tessera::kv
