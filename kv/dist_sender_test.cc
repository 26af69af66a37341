#include "kv/dist_sender.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/keys.h"
#include "kv/local_transport.h"
#include "kv/paged_transport.h"
#include "kv/store.h"
#include "storage/test_util.h"

namespace tessera::kv {
namespace {

std::string Key(int i) { return absl::StrFormat("t/%05d", i); }

class DistSenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::EngineOptions o;
    o.durable = false;
    auto e = storage::Engine::Open(testing::NewTempDir("dist"), o);
    ASSERT_TRUE(e.ok()) << e.status();
    engine_ = std::move(*e);
    auto s = Store::Open(1, engine_.get(), &clock_);
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = std::move(*s);
    transport_.AddStore(store_.get());
    sender_ = std::make_unique<DistSender>(&transport_, 1);
  }

  absl::StatusOr<BatchResponse> Send(std::vector<KvRequest> reqs) {
    BatchRequest b;
    b.header.ts = clock_.Now();
    b.requests = std::move(reqs);
    return sender_->Send(b);
  }

  void PutAll(int n) {
    std::vector<KvRequest> reqs;
    for (int i = 0; i < n; ++i) reqs.push_back(KvRequest::Put(Key(i), absl::StrCat(i)));
    ASSERT_TRUE(Send(std::move(reqs)).ok());
  }

  HybridClock clock_{SystemClock::Default(), absl::Milliseconds(500)};
  std::unique_ptr<storage::Engine> engine_;
  std::unique_ptr<Store> store_;
  LocalTransport transport_;
  std::unique_ptr<DistSender> sender_;
};

TEST_F(DistSenderTest, RoutesPointRequests) {
  ASSERT_TRUE(Send({KvRequest::Put("t/a", "1")}).ok());
  auto r = Send({KvRequest::Get("t/a"), KvRequest::Get("t/b")});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->responses[0].value, "1");
  EXPECT_FALSE(r->responses[1].found);
  EXPECT_EQ(sender_->cache().size(), 1u);
}

TEST_F(DistSenderTest, StaleCacheIsRefreshedFromRangeMovedAndRetried) {
  PutAll(10);  // caches the single data range
  auto split = store_->SplitRange(Key(5));
  ASSERT_TRUE(split.ok());
  uint64_t before = sender_->range_moved_retries();
  // The cache still holds the unsplit range; the key is in the right half.
  auto r = Send({KvRequest::Get(Key(7))});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->responses[0].value, "7");
  EXPECT_EQ(sender_->range_moved_retries(), before + 1);
  EXPECT_EQ(sender_->cache().Lookup(Key(7))->range_id, split->second.range_id);
  // A second request routes correctly at once.
  ASSERT_TRUE(Send({KvRequest::Get(Key(8))}).ok());
  EXPECT_EQ(sender_->range_moved_retries(), before + 1);
}

TEST_F(DistSenderTest, BatchSpanningRangesIsSplitAndReassembled) {
  for (int i = 10; i < 100; i += 10) ASSERT_TRUE(store_->SplitRange(Key(i)).ok());
  std::vector<KvRequest> reqs;
  for (int i = 99; i >= 0; --i) reqs.push_back(KvRequest::Put(Key(i), absl::StrCat("v", i)));
  ASSERT_TRUE(Send(reqs).ok());
  std::vector<KvRequest> gets;
  for (int i = 0; i < 100; i += 3) gets.push_back(KvRequest::Get(Key(i)));
  auto r = Send(gets);
  ASSERT_TRUE(r.ok()) << r.status();
  for (size_t j = 0; j < gets.size(); ++j) {
    EXPECT_EQ(r->responses[j].value, absl::StrCat("v", j * 3));
  }
}

TEST_F(DistSenderTest, ScansCrossRangesForwardAndReverseWithLimits) {
  PutAll(200);
  for (int i = 7; i < 200; i += 13) ASSERT_TRUE(store_->SplitRange(Key(i)).ok());
  auto all = Send({KvRequest::Scan(Key(0), Key(200))});
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->responses[0].rows.size(), 200u);
  for (int i = 0; i < 200; ++i) EXPECT_EQ(all->responses[0].rows[i].first, Key(i));
  auto rev = Send({KvRequest::Scan(Key(3), Key(150), 0, true)});
  ASSERT_TRUE(rev.ok());
  ASSERT_EQ(rev->responses[0].rows.size(), 147u);
  EXPECT_EQ(rev->responses[0].rows.front().first, Key(149));
  EXPECT_EQ(rev->responses[0].rows.back().first, Key(3));
  // Paginate with a limit that does not divide range sizes.
  for (bool reverse : {false, true}) {
    std::string start = Key(0), end = Key(200);
    std::vector<std::string> seen;
    while (true) {
      auto page = Send({KvRequest::Scan(start, end, 17, reverse)});
      ASSERT_TRUE(page.ok());
      for (auto& row : page->responses[0].rows) seen.push_back(row.first);
      if (!page->responses[0].more) break;
      (reverse ? end : start) = page->responses[0].resume_key;
    }
    ASSERT_EQ(seen.size(), 200u) << reverse;
    for (int i = 0; i < 200; ++i) {
      EXPECT_EQ(seen[i], Key(reverse ? 199 - i : i));
    }
  }
}

// Streams the rows of [Key(from), Key(to)) and returns their keys.
std::vector<std::string> StreamKeys(DistSender* sender, Timestamp ts, int from, int to,
                                    bool reverse, int stop_after = -1,
                                    const std::function<void(int)>& on_row = nullptr) {
  std::vector<std::string> seen;
  BatchHeader h;
  h.ts = ts;
  absl::Status s = sender->StreamScan(h, Key(from), Key(to), reverse,
                                      [&](absl::string_view k, absl::string_view) {
                                        seen.emplace_back(k);
                                        if (on_row) on_row(static_cast<int>(seen.size()));
                                        return static_cast<int>(seen.size()) != stop_after;
                                      });
  EXPECT_TRUE(s.ok()) << s;
  return seen;
}

std::vector<std::string> Keys(int from, int to, bool reverse) {
  std::vector<std::string> out;
  for (int i = from; i < to; ++i) out.push_back(Key(i));
  if (reverse) std::reverse(out.begin(), out.end());
  return out;
}

TEST_F(DistSenderTest, StreamScansCrossRangesAndStopWhenAsked) {
  PutAll(200);
  for (int i = 7; i < 200; i += 13) ASSERT_TRUE(store_->SplitRange(Key(i)).ok());
  Timestamp ts = clock_.Now();
  EXPECT_EQ(StreamKeys(sender_.get(), ts, 0, 200, false), Keys(0, 200, false));
  EXPECT_EQ(StreamKeys(sender_.get(), ts, 3, 150, true), Keys(3, 150, true));
  EXPECT_EQ(StreamKeys(sender_.get(), ts, 0, 200, false, 30), Keys(0, 30, false));
  EXPECT_EQ(StreamKeys(sender_.get(), ts, 0, 200, true, 30), Keys(170, 200, true));
}

// Ranges split while a stream is under way: the stream re-routes and
// still visits every row exactly once, in order.
TEST_F(DistSenderTest, StreamScanSurvivesSplitsMidStream) {
  PutAll(200);
  Timestamp ts = clock_.Now();
  for (bool reverse : {false, true}) {
    int next_split = reverse ? 150 : 50;
    auto split_ahead = [&](int visited) {
      if (visited % 40 != 0) return;
      ASSERT_TRUE(store_->SplitRange(Key(next_split)).ok());
      next_split += reverse ? -7 : 7;
    };
    EXPECT_EQ(StreamKeys(sender_.get(), ts, 0, 200, reverse, -1, split_ahead),
              Keys(0, 200, reverse));
  }
}

// Single-key reads take their own path (no batch); they re-route after
// splits the cache has not seen, through the in-process transport and
// through the default (batch) one.
TEST_F(DistSenderTest, PointGetsReRouteAfterSplits) {
  PutAll(100);
  PagedTransport paged(&transport_);
  DistSender batch_sender(&paged, 1);
  for (DistSender* sender : {sender_.get(), &batch_sender}) {
    BatchHeader h;
    h.ts = clock_.Now();
    std::string value;
    bool found = false;
    ASSERT_TRUE(sender->Get(h, Key(5), &value, &found).ok());  // fills the cache
    EXPECT_TRUE(found);
  }
  for (int i = 10; i < 100; i += 10) ASSERT_TRUE(store_->SplitRange(Key(i)).ok());
  for (DistSender* sender : {sender_.get(), &batch_sender}) {
    uint64_t before = sender->range_moved_retries();
    BatchHeader h;
    h.ts = clock_.Now();
    for (int i = 0; i < 100; i += 7) {
      std::string value;
      bool found = false;
      ASSERT_TRUE(sender->Get(h, Key(i), &value, &found).ok()) << i;
      ASSERT_TRUE(found) << i;
      EXPECT_EQ(value, absl::StrCat(i));
    }
    std::string value = "stale";
    bool found = true;
    ASSERT_TRUE(sender->Get(h, "t/missing", &value, &found).ok());
    EXPECT_FALSE(found);
    EXPECT_GT(sender->range_moved_retries(), before);
    EXPECT_EQ(sender->Get(h, std::string(keys::kKeyMax), &value, &found).code(),
              absl::StatusCode::kInvalidArgument);
  }
}

TEST_F(DistSenderTest, PagedStreamResumesAfterTheLastVisitedRowWhenARangeMoves) {
  const int n = static_cast<int>(Transport::kStreamPageRows) * 3;
  PutAll(n);
  PagedTransport paged(&transport_);
  DistSender sender(&paged, 1);
  Timestamp ts = clock_.Now();
  for (bool reverse : {false, true}) {
    // Splits land beyond the first page, so the next page request is
    // refused with a range-moved error after a page of rows was visited.
    int split = reverse ? n / 2 - 11 : n / 2 + 11;
    auto split_once = [&](int visited) {
      if (visited == 10) {
        ASSERT_TRUE(store_->SplitRange(Key(split)).ok());
      }
    };
    uint64_t before = sender.range_moved_retries();
    EXPECT_EQ(StreamKeys(&sender, ts, 0, n, reverse, -1, split_once), Keys(0, n, reverse));
    EXPECT_GT(sender.range_moved_retries(), before);
  }
}

TEST_F(DistSenderTest, RandomWorkloadAcrossManyRangesMatchesModel) {
  std::mt19937_64 rng(77);
  std::map<std::string, std::string> model;
  std::set<int> split_points;
  for (int round = 0; round < 150; ++round) {
    if (round % 5 == 0) {
      int at = 1 + rng() % 999;
      if (split_points.insert(at).second) {
        ASSERT_TRUE(store_->SplitRange(Key(at)).ok());  // behind the cache's back
      }
    }
    std::vector<KvRequest> reqs;
    std::map<std::string, std::optional<std::string>> batch;
    for (int i = 0; i < 8; ++i) {
      std::string k = Key(rng() % 1000);
      if (batch.count(k)) continue;
      if (rng() % 4 == 0) {
        reqs.push_back(KvRequest::Delete(k));
        batch[k] = std::nullopt;
      } else {
        std::string v = absl::StrCat(round, "/", i);
        reqs.push_back(KvRequest::Put(k, v));
        batch[k] = v;
      }
    }
    ASSERT_TRUE(Send(reqs).ok());
    for (auto& [k, v] : batch) {
      if (v) {
        model[k] = *v;
      } else {
        model.erase(k);
      }
    }
    int a = rng() % 1000, b = rng() % 1000;
    if (a > b) std::swap(a, b);
    const bool reverse = rng() % 2 == 0;
    auto r = Send({KvRequest::Scan(Key(a), Key(b), 0, reverse)});
    ASSERT_TRUE(r.ok()) << r.status();
    std::vector<std::pair<std::string, std::string>> want(
        model.lower_bound(Key(a)), model.lower_bound(Key(b)));
    auto got = r->responses[0].rows;
    if (reverse) std::reverse(got.begin(), got.end());
    ASSERT_EQ(got, want) << "round " << round;
  }
  EXPECT_GT(store_->Ranges().size(), 20u);
  EXPECT_GT(sender_->range_moved_retries(), 0u);
}

TEST_F(DistSenderTest, BadRequestsAreClearErrors) {
  EXPECT_EQ(Send({KvRequest::Scan("t/b", "t/a")}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Send({KvRequest::Put(std::string(keys::kKeyMax), "x")}).status().code(),
            absl::StatusCode::kInvalidArgument);
  transport_.RemoveStore(1);
  DistSender cold(&transport_, 1);
  BatchRequest b;
  b.header.ts = clock_.Now();
  b.requests.push_back(KvRequest::Get("t/a"));
  EXPECT_EQ(cold.Send(b).status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace tessera::kv
