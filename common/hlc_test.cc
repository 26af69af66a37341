#include "common/hlc.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace tessera {
namespace {

TEST(TimestampTest, OrderingAndNeighbours) {
  Timestamp a{10, 0}, b{10, 1}, c{11, 0};
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
  EXPECT_EQ(a.Next(), b);
  EXPECT_EQ(b.Prev(), a);
  EXPECT_EQ(c.Prev(), (Timestamp{10, UINT32_MAX}));
  EXPECT_EQ((Timestamp{10, UINT32_MAX}).Next(), c);
  EXPECT_EQ(Timestamp::Min().Prev(), Timestamp::Min());
  EXPECT_EQ(b.ToString(), "10.1");
}

TEST(TimestampTest, EncodingRoundTripsAndPreservesOrder) {
  Timestamp ts[] = {{0, 0}, {0, 5}, {1, 0}, {1700000000000, 3}, {INT64_MAX, 0}};
  for (size_t i = 0; i < std::size(ts); ++i) {
    std::string e;
    EncodeTimestamp(ts[i], &e);
    ASSERT_EQ(e.size(), 12u);
    absl::string_view in = e;
    Timestamp back;
    ASSERT_TRUE(DecodeTimestamp(&in, &back).ok());
    EXPECT_EQ(back, ts[i]);
    if (i > 0) {
      std::string prev;
      EncodeTimestamp(ts[i - 1], &prev);
      EXPECT_LT(prev, e);
    }
  }
  absl::string_view short_in("0123");
  Timestamp t;
  EXPECT_FALSE(DecodeTimestamp(&short_in, &t).ok());
  std::string negative(12, '\xff');
  absl::string_view neg_in = negative;
  EXPECT_FALSE(DecodeTimestamp(&neg_in, &t).ok());
}

TEST(HybridClockTest, FollowsPhysicalTime) {
  ManualClock physical(1000);
  HybridClock clock(&physical, absl::Milliseconds(500));
  EXPECT_EQ(clock.Now(), (Timestamp{1000, 0}));
  EXPECT_EQ(clock.Now(), (Timestamp{1000, 1}));
  physical.Advance(5);
  EXPECT_EQ(clock.Now(), (Timestamp{1005, 0}));
}

TEST(HybridClockTest, MonotonicWhenPhysicalClockGoesBackwards) {
  ManualClock physical(1000);
  HybridClock clock(&physical, absl::Milliseconds(500));
  Timestamp a = clock.Now();
  physical.Set(900);
  Timestamp b = clock.Now();
  EXPECT_GT(b, a);
  EXPECT_EQ(b.wall_ms, 1000);
}

TEST(HybridClockTest, UpdateFromRemoteAheadMovesClockPastIt) {
  ManualClock physical(1000);
  HybridClock clock(&physical, absl::Milliseconds(500));
  absl::StatusOr<Timestamp> t = clock.Update(Timestamp{1200, 7});
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, (Timestamp{1200, 8}));
  EXPECT_GT(clock.Now(), (Timestamp{1200, 8}));
}

TEST(HybridClockTest, UpdateFromRemoteBehindKeepsLocal) {
  ManualClock physical(1000);
  HybridClock clock(&physical, absl::Milliseconds(500));
  clock.Now();
  physical.Advance(10);
  absl::StatusOr<Timestamp> t = clock.Update(Timestamp{500, 3});
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, (Timestamp{1010, 0}));
}

TEST(HybridClockTest, RejectsRemoteBeyondMaxOffset) {
  ManualClock physical(1000);
  HybridClock clock(&physical, absl::Milliseconds(500));
  Timestamp before = clock.Now();
  absl::StatusOr<Timestamp> t = clock.Update(Timestamp{1501, 0});
  EXPECT_EQ(t.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(t.status().message().find("ahead"), absl::string_view::npos);
  EXPECT_EQ(clock.Now(), before.Next());
}

TEST(HybridClockTest, ForwardToSurvivesASlowPhysicalClock) {
  ManualClock physical(1000);
  HybridClock clock(&physical, absl::Milliseconds(500));
  clock.ForwardTo(Timestamp{5000, 3});  // far beyond max_offset: still taken
  EXPECT_GT(clock.Now(), (Timestamp{5000, 3}));
  clock.ForwardTo(Timestamp{10, 0});  // never moves back
  EXPECT_GT(clock.Now(), (Timestamp{5000, 4}));
}

TEST(HybridClockTest, StrictlyMonotonicAcrossThreads) {
  ManualClock physical(1000);
  HybridClock clock(&physical, absl::Milliseconds(500));
  constexpr int kThreads = 4, kPer = 5000;
  std::vector<std::vector<Timestamp>> seen(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPer; ++i) {
        if (i % 1000 == 0) physical.Advance(1);
        seen[t].push_back(clock.Now());
      }
    });
  }
  for (auto& th : threads) th.join();
  std::vector<Timestamp> all;
  for (auto& v : seen) {
    for (size_t i = 1; i < v.size(); ++i) ASSERT_LT(v[i - 1], v[i]);
    all.insert(all.end(), v.begin(), v.end());
  }
  std::sort(all.begin(), all.end());
  EXPECT_EQ(std::adjacent_find(all.begin(), all.end()), all.end());
}

}  // namespace
}  // namespace tessera
