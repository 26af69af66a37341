#include "kv/range_cache.h"

#include <gtest/gtest.h>

namespace tessera::kv {
namespace {

TEST(RangeCacheTest, LookupFindsHoldingRange) {
  RangeCache c;
  c.Insert({1, "a", "m", {1}, 1});
  c.Insert({2, "m", "z", {1}, 1});
  EXPECT_EQ(c.Lookup("a")->range_id, 1u);
  EXPECT_EQ(c.Lookup("l")->range_id, 1u);
  EXPECT_EQ(c.Lookup("m")->range_id, 2u);
  EXPECT_FALSE(c.Lookup("z").has_value());
  EXPECT_FALSE(c.Lookup("0").has_value());
}

TEST(RangeCacheTest, NewerDescriptorsReplaceOverlappingOnes) {
  RangeCache c;
  c.Insert({1, "a", "z", {1}, 1});
  // The range split: the right half arrives first.
  c.Insert({2, "m", "z", {1}, 2});
  EXPECT_FALSE(c.Lookup("b").has_value());  // the stale whole range is gone
  EXPECT_EQ(c.Lookup("n")->range_id, 2u);
  c.Insert({1, "a", "m", {1}, 2});
  EXPECT_EQ(c.Lookup("b")->range_id, 1u);
  EXPECT_EQ(c.size(), 2u);
}

TEST(RangeCacheTest, OlderDescriptorDoesNotOverwriteNewer) {
  RangeCache c;
  c.Insert({1, "a", "m", {1}, 3});
  c.Insert({1, "a", "z", {1}, 1});  // stale
  EXPECT_EQ(c.Lookup("b")->end_key, "m");
  EXPECT_FALSE(c.Lookup("n").has_value());
}

TEST(RangeCacheTest, EvictOnlyTheGivenDescriptor) {
  RangeCache c;
  RangeDescriptor d{1, "a", "m", {1}, 1};
  c.Insert(d);
  RangeDescriptor other{1, "a", "m", {1}, 2};
  c.Evict(other);
  EXPECT_TRUE(c.Lookup("b").has_value());
  c.Evict(d);
  EXPECT_FALSE(c.Lookup("b").has_value());
}

}  // namespace
}  // namespace tessera::kv
