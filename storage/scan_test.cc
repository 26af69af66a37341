// Scans (forward and reverse, limits, resume keys) checked against a model.

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "absl/strings/str_cat.h"
#include "storage/engine.h"
#include "storage/test_util.h"

namespace tessera::storage {
namespace {

Timestamp T(int64_t wall) { return Timestamp{wall, 0}; }

using Rows = std::vector<std::pair<std::string, std::string>>;

class ScanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EngineOptions o;
    o.durable = false;
    auto e = Engine::Open(testing::NewTempDir("scan"), o);
    ASSERT_TRUE(e.ok()) << e.status();
    engine_ = std::move(*e);
  }

  absl::StatusOr<Rows> Scan(absl::string_view start, absl::string_view end,
                            ScanOptions o, ScanResult* result = nullptr) {
    auto snap = engine_->NewSnapshot();
    if (!snap.ok()) return snap.status();
    Rows rows;
    auto r = (*snap)->Scan(start, end, o,
                           [&](absl::string_view k, absl::string_view v) {
                             rows.emplace_back(std::string(k), std::string(v));
                             return true;
                           });
    if (!r.ok()) return r.status();
    if (result != nullptr) *result = *r;
    return rows;
  }

  std::unique_ptr<Engine> engine_;
};

ScanOptions At(int64_t ts, size_t limit = 0, bool reverse = false) {
  ScanOptions o;
  o.read.ts = T(ts);
  o.max_rows = limit;
  o.reverse = reverse;
  return o;
}

TEST_F(ScanTest, ForwardAndReverseOverVersionsAndTombstones) {
  WriteBatch b;
  b.Put("a", T(1), "a1");
  b.Put("b", T(1), "b1");
  b.Put("b", T(3), "b3");
  b.Put("c", T(2), "c2");
  b.Delete("c", T(4));
  b.Put("d", T(5), "d5");
  ASSERT_TRUE(engine_->Write(b).ok());
  EXPECT_EQ(*Scan("", "", At(2)), (Rows{{"a", "a1"}, {"b", "b1"}, {"c", "c2"}}));
  EXPECT_EQ(*Scan("", "", At(10)), (Rows{{"a", "a1"}, {"b", "b3"}, {"d", "d5"}}));
  EXPECT_EQ(*Scan("", "", At(10, 0, true)),
            (Rows{{"d", "d5"}, {"b", "b3"}, {"a", "a1"}}));
  EXPECT_EQ(*Scan("b", "d", At(3)), (Rows{{"b", "b3"}, {"c", "c2"}}));
  EXPECT_EQ(*Scan("b", "d", At(3, 0, true)), (Rows{{"c", "c2"}, {"b", "b3"}}));
  EXPECT_TRUE(Scan("x", "z", At(10))->empty());
  EXPECT_TRUE(Scan("", "", At(0))->empty());
}

TEST_F(ScanTest, LimitAndResumeCoverEverythingOnce) {
  WriteBatch b;
  for (int i = 0; i < 25; ++i) b.Put(absl::StrCat("k", 100 + i), T(1), "v");
  ASSERT_TRUE(engine_->Write(b).ok());
  for (bool reverse : {false, true}) {
    std::string start = "", end = "";
    Rows all;
    int pages = 0;
    while (true) {
      ScanResult r;
      Rows page = *Scan(start, end, At(5, 7, reverse), &r);
      all.insert(all.end(), page.begin(), page.end());
      ++pages;
      if (!r.more) break;
      EXPECT_EQ(page.size(), 7u);
      if (reverse) {
        end = r.resume_key;
      } else {
        start = r.resume_key;
      }
    }
    ASSERT_EQ(all.size(), 25u) << reverse;
    for (int i = 0; i < 25; ++i) {
      EXPECT_EQ(all[i].first,
                absl::StrCat("k", reverse ? 124 - i : 100 + i));
    }
    EXPECT_LE(pages, 5);
  }
}

TEST_F(ScanTest, VisitorCanStopEarly) {
  WriteBatch b;
  for (int i = 0; i < 10; ++i) b.Put(absl::StrCat("k", i), T(1), "v");
  ASSERT_TRUE(engine_->Write(b).ok());
  auto snap = engine_->NewSnapshot();
  int seen = 0;
  auto r = (*snap)->Scan("", "", At(1), [&](absl::string_view, absl::string_view) {
    return ++seen < 3;
  });
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(seen, 3);
  EXPECT_TRUE(r->more);
}

TEST_F(ScanTest, ScanMeetingIntentConflicts) {
  TxnId a = TxnId::Random();
  WriteBatch b;
  b.Put("a", T(1), "a");
  b.PutIntent("b", a, T(5), "b");
  b.Put("c", T(1), "c");
  ASSERT_TRUE(engine_->Write(b).ok());
  for (bool reverse : {false, true}) {
    auto r = Scan("", "", At(10, 0, reverse));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(GetIntentConflict(r.status())->key, "b");
    // Below the intent: invisible, no conflict.
    auto below = Scan("", "", At(4, 0, reverse));
    ASSERT_TRUE(below.ok()) << below.status();
    EXPECT_EQ(below->size(), 2u);
    // The owner sees its intent.
    ScanOptions own = At(4, 0, reverse);
    own.read.txn = &a;
    EXPECT_EQ(Scan("", "", own)->size(), 3u);
  }
}

// Random puts, deletes and intents at increasing timestamps, compared with a
// simple in-memory model at random read timestamps.
TEST_F(ScanTest, MatchesModelUnderRandomHistories) {
  std::mt19937_64 rng(1234);
  // model[key][ts] = value (nullopt = tombstone)
  std::map<std::string, std::map<int64_t, std::optional<std::string>>> model;
  int64_t now = 1;
  for (int round = 0; round < 300; ++round) {
    WriteBatch b;
    std::map<std::string, std::optional<std::string>> writes;
    for (int i = 0, n = 1 + rng() % 5; i < n; ++i) {
      std::string key = absl::StrCat("k", rng() % 40);
      if (writes.count(key)) continue;
      if (rng() % 4 == 0) {
        b.Delete(key, T(now));
        writes[key] = std::nullopt;
      } else {
        std::string v = absl::StrCat("v", round, "-", i);
        b.Put(key, T(now), v);
        writes[key] = v;
      }
    }
    ASSERT_TRUE(engine_->Write(b).ok());
    for (auto& [k, v] : writes) model[k][now] = v;
    ++now;
  }
  auto visible = [&](int64_t ts) {
    Rows rows;
    for (auto& [k, versions] : model) {
      auto it = versions.upper_bound(ts);
      if (it == versions.begin()) continue;
      --it;
      if (it->second.has_value()) rows.emplace_back(k, *it->second);
    }
    return rows;
  };
  for (int q = 0; q < 200; ++q) {
    int64_t ts = rng() % (now + 2);
    Rows want = visible(ts);
    std::string lo = absl::StrCat("k", rng() % 40), hi = absl::StrCat("k", rng() % 40);
    if (hi < lo) std::swap(lo, hi);
    Rows want_span;
    for (auto& r : want) {
      if (r.first >= lo && r.first < hi) want_span.push_back(r);
    }
    EXPECT_EQ(*Scan("", "", At(ts)), want) << ts;
    EXPECT_EQ(*Scan(lo, hi, At(ts)), want_span);
    Rows rev = *Scan(lo, hi, At(ts, 0, true));
    std::reverse(rev.begin(), rev.end());
    EXPECT_EQ(rev, want_span);
    // Point reads agree too.
    for (auto& [k, v] : model) {
      auto got = engine_->Get(k, ReadOptions{T(ts)});
      ASSERT_TRUE(got.ok());
      auto it = std::find_if(want.begin(), want.end(),
                             [&](auto& r) { return r.first == k; });
      if (it == want.end()) {
        EXPECT_FALSE(got->has_value()) << k << "@" << ts;
      } else {
        EXPECT_EQ(**got, it->second);
      }
    }
  }
}

TEST_F(ScanTest, KeyWithManyVersionsIsSkippedQuickly) {
  for (int ts = 1; ts <= 100; ++ts) {
    WriteBatch b;
    b.Put("hot", T(ts), absl::StrCat(ts));
    b.Put(absl::StrCat("z", ts), T(ts), "z");
    ASSERT_TRUE(engine_->Write(b).ok());
  }
  WriteBatch b;
  b.Put("a", T(1), "a");
  ASSERT_TRUE(engine_->Write(b).ok());
  Rows rows = *Scan("", "", At(50));
  ASSERT_EQ(rows.size(), 52u);  // a, hot, z1..z50
  EXPECT_EQ(rows[1], (std::pair<std::string, std::string>{"hot", "50"}));
  Rows rev = *Scan("", "", At(50, 0, true));
  ASSERT_EQ(rev.size(), 52u);
  EXPECT_EQ(rev[50], (std::pair<std::string, std::string>{"hot", "50"}));
}

}  // namespace
}  // namespace tessera::storage
