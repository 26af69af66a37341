#include "kv/store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/keys.h"
#include "storage/test_util.h"

namespace tessera::kv {
namespace {

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::NewTempDir("store");
    Open();
  }
  void Open(bool durable = false) {
    store_.reset();
    engine_.reset();
    storage::EngineOptions o;
    o.durable = durable;
    auto e = storage::Engine::Open(dir_, o);
    ASSERT_TRUE(e.ok()) << e.status();
    engine_ = std::move(*e);
    auto s = Store::Open(1, engine_.get(), &clock_);
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = std::move(*s);
  }
  BatchRequest To(const RangeDescriptor& d, std::vector<KvRequest> reqs) {
    BatchRequest b;
    b.header.ts = clock_.Now();
    b.header.range_id = d.range_id;
    b.requests = std::move(reqs);
    return b;
  }

  std::string dir_;
  HybridClock clock_{SystemClock::Default(), absl::Milliseconds(500)};
  std::unique_ptr<storage::Engine> engine_;
  std::unique_ptr<Store> store_;
};

TEST_F(StoreTest, BootstrapsMetaAndDataRanges) {
  std::vector<RangeDescriptor> r = store_->Ranges();
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].start_key, keys::kKeyMin);
  EXPECT_EQ(r[0].end_key, keys::kTableDataStart);
  EXPECT_EQ(r[1].start_key, keys::kTableDataStart);
  EXPECT_EQ(r[1].end_key, keys::kKeyMax);
  EXPECT_EQ(store_->LookupRange("t/x")->range_id, r[1].range_id);
}

TEST_F(StoreTest, ExecutesReadsAndWritesInItsRange) {
  RangeDescriptor data = *store_->LookupRange("t/");
  auto w = store_->Execute(To(data, {KvRequest::Put("t/a", "1"),
                                     KvRequest::Put("t/b", "2")}));
  ASSERT_TRUE(w.ok()) << w.status();
  auto r = store_->Execute(To(data, {KvRequest::Get("t/a"),
                                     KvRequest::Get("t/zz"),
                                     KvRequest::Scan("t/", "t0")}));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->responses[0].found);
  EXPECT_EQ(r->responses[0].value, "1");
  EXPECT_FALSE(r->responses[1].found);
  EXPECT_EQ(r->responses[2].rows.size(), 2u);
}

TEST_F(StoreTest, WrongRangeGetsRangeMovedWithOwner) {
  RangeDescriptor meta = *store_->LookupRange("");
  auto r = store_->Execute(To(meta, {KvRequest::Get("t/a")}));
  ASSERT_FALSE(r.ok());
  std::optional<RangeDescriptor> owner = GetRangeMoved(r.status());
  ASSERT_TRUE(owner.has_value()) << r.status();
  EXPECT_TRUE(owner->ContainsKey("t/a"));
  // An unknown range id too.
  BatchRequest b = To(meta, {KvRequest::Get("t/a")});
  b.header.range_id = 999;
  EXPECT_TRUE(GetRangeMoved(store_->Execute(b).status()).has_value());
}

TEST_F(StoreTest, SplitIsAtomicMetadataAndSurvivesRestart) {
  RangeDescriptor data = *store_->LookupRange("t/");
  ASSERT_TRUE(store_->Execute(To(data, {KvRequest::Put("t/a", "1"),
                                        KvRequest::Put("t/q", "2")})).ok());
  auto split = store_->SplitRange("t/m");
  ASSERT_TRUE(split.ok()) << split.status();
  auto [left, right] = *split;
  EXPECT_EQ(left.range_id, data.range_id);
  EXPECT_EQ(left.end_key, "t/m");
  EXPECT_EQ(right.start_key, "t/m");
  EXPECT_EQ(right.end_key, data.end_key);
  EXPECT_NE(right.range_id, left.range_id);
  EXPECT_EQ(left.generation, data.generation + 1);
  // The old descriptor no longer covers t/q.
  auto r = store_->Execute(To(data, {KvRequest::Get("t/q")}));
  EXPECT_EQ(GetRangeMoved(r.status())->range_id, right.range_id);
  // Data is untouched by the split.
  auto got = store_->Execute(To(right, {KvRequest::Get("t/q")}));
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->responses[0].value, "2");
  Open();
  ASSERT_EQ(store_->Ranges().size(), 3u);
  EXPECT_EQ(store_->LookupRange("t/q")->range_id, right.range_id);
  EXPECT_EQ(store_->LookupRange("t/a")->range_id, left.range_id);
}

TEST_F(StoreTest, ManyRangesStayContiguous) {
  for (int i = 99; i >= 1; --i) {
    ASSERT_TRUE(store_->SplitRange(absl::StrCat("t/", 100 + i)).ok()) << i;
  }
  std::vector<RangeDescriptor> r = store_->Ranges();
  ASSERT_EQ(r.size(), 101u);
  for (size_t i = 1; i < r.size(); ++i) {
    EXPECT_EQ(r[i - 1].end_key, r[i].start_key);
  }
  std::set<uint64_t> ids;
  for (auto& d : r) ids.insert(d.range_id);
  EXPECT_EQ(ids.size(), r.size());
  Open();
  EXPECT_EQ(store_->Ranges(), r);
}

TEST_F(StoreTest, BadSplitsAreRejected) {
  EXPECT_EQ(store_->SplitRange(keys::kTableDataStart).status().code(),
            absl::StatusCode::kInvalidArgument);  // already a boundary
  EXPECT_EQ(store_->SplitRange("\x02sys").status().code(),
            absl::StatusCode::kInvalidArgument);  // system range
  EXPECT_EQ(store_->SplitRange(std::string(keys::kKeyMax)).status().code(),
            absl::StatusCode::kInvalidArgument);  // outside the key space
  ASSERT_TRUE(store_->SplitRange("t/m").ok());
  EXPECT_FALSE(store_->SplitRange("t/m").ok());
}

TEST_F(StoreTest, TransactionalWritesBecomeIntents) {
  RangeDescriptor data = *store_->LookupRange("t/");
  BatchRequest b = To(data, {KvRequest::Put("t/k", "v")});
  storage::TxnId txn = storage::TxnId::Random();
  b.header.txn = txn;
  ASSERT_TRUE(store_->Execute(b).ok());
  auto other = store_->Execute(To(data, {KvRequest::Get("t/k")}));
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(storage::GetIntentConflict(other.status())->txn_id, txn);
  BatchRequest own = To(data, {KvRequest::Get("t/k")});
  own.header.txn = txn;
  auto mine = store_->Execute(own);
  ASSERT_TRUE(mine.ok());
  EXPECT_EQ(mine->responses[0].value, "v");
}

TEST_F(StoreTest, OnePhaseCommitValidatesReadsAndAppliesAtomically) {
  Timestamp read_ts = store_->NewReadTimestamp();
  OnePhaseCommitRequest ok;
  ok.read_ts = read_ts;
  ok.read_spans.emplace_back("t/a", "t/z");
  ok.writes.push_back(Mutation::Put("t/b", "1"));
  ok.writes.push_back(Mutation::Put("\x02other-range", "2"));  // range 1 too
  absl::StatusOr<Timestamp> ts = store_->CommitOnePhase(ok);
  ASSERT_TRUE(ts.ok()) << ts.status();
  EXPECT_GT(*ts, read_ts);
  EXPECT_GT(store_->NewReadTimestamp(), *ts);
  // A transaction that read [t/a, t/z) before that commit must restart.
  OnePhaseCommitRequest stale;
  stale.read_ts = read_ts;
  stale.read_spans.emplace_back("t/a", "t/z");
  stale.writes.push_back(Mutation::Put("t/c", "3"));
  absl::StatusOr<Timestamp> r = store_->CommitOnePhase(stale);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kAborted);
  RangeDescriptor data = *store_->LookupRange("t/");
  auto got = store_->Execute(To(data, {KvRequest::Get("t/c"), KvRequest::Get("t/b")}));
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(got->responses[0].found);
  EXPECT_EQ(got->responses[1].value, "1");
  // A write to a key no range of this node holds is refused whole.
  OnePhaseCommitRequest stray;
  stray.read_ts = store_->NewReadTimestamp();
  stray.writes.push_back(Mutation::Put("t/d", "4"));
  stray.writes.push_back(Mutation::Put("\xff\xff\xff" "beyond", "5"));
  absl::StatusOr<Timestamp> refused = store_->CommitOnePhase(stray);
  EXPECT_FALSE(refused.ok());
  got = store_->Execute(To(data, {KvRequest::Get("t/d")}));
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(got->responses[0].found);
}

// Concurrent read-modify-write transactions on one counter: commits run
// at once (sharing syncs), yet each read timestamp sees every commit
// stamped below it and validation catches every overlap, so no increment
// is lost and every committed value is unique.
TEST_F(StoreTest, ConcurrentCommitsLoseNoUpdate) {
  Open(/*durable=*/true);  // syncs keep commits in flight for a while
  RangeDescriptor data = *store_->LookupRange("t/");
  constexpr int kThreads = 4, kPerThread = 100;
  std::atomic<int> aborted{0};
  absl::Mutex mu;
  std::set<int> committed_values;
  auto worker = [&] {
    for (int i = 0; i < kPerThread; ++i) {
      while (true) {
        Timestamp read_ts = store_->NewReadTimestamp();
        BatchRequest get;
        get.header.ts = read_ts;
        get.header.range_id = data.range_id;
        get.requests = {KvRequest::Get("t/counter")};
        auto got = store_->Execute(get);
        ASSERT_TRUE(got.ok()) << got.status();
        int value = got->responses[0].found ? std::stoi(got->responses[0].value) : 0;
        OnePhaseCommitRequest c;
        c.read_ts = read_ts;
        c.read_spans.emplace_back("t/counter", "");
        const std::string next = std::to_string(value + 1);
        c.writes.push_back(Mutation::Put("t/counter", next));
        absl::StatusOr<Timestamp> ts = store_->CommitOnePhase(c);
        if (ts.ok()) {
          absl::MutexLock l(&mu);
          EXPECT_TRUE(committed_values.insert(value + 1).second) << value + 1;
          break;
        }
        ASSERT_EQ(ts.status().code(), absl::StatusCode::kAborted) << ts.status();
        ++aborted;
      }
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  auto got = store_->Execute(To(data, {KvRequest::Get("t/counter")}));
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->responses[0].value, std::to_string(kThreads * kPerThread));
  EXPECT_EQ(committed_values.size(), size_t{kThreads * kPerThread});
}

TEST_F(StoreTest, CorruptMetaIsDataLossOnOpen) {
  storage::WriteBatch b;
  b.Put(keys::RangeMetaKey("t/zzz"), clock_.Now(), "garbage");
  ASSERT_TRUE(engine_->Write(b).ok());
  store_.reset();
  auto s = Store::Open(1, engine_.get(), &clock_);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace tessera::kv

namespace tessera::kv {
namespace {

// The clock watermark is written ahead of the commits it covers, so a
// restarted store never hands out timestamps below its own commits, even
// when its physical clock went backwards.
TEST(StoreClockTest, RestartedClockPassesEveryCommit) {
  std::string dir = testing::NewTempDir("store-clock");
  storage::EngineOptions o;
  o.durable = false;
  Timestamp last_commit;
  {
    ManualClock physical(1'000'000);
    HybridClock clock(&physical, absl::Milliseconds(500));
    auto engine = storage::Engine::Open(dir, o);
    ASSERT_TRUE(engine.ok());
    auto store = Store::Open(1, engine->get(), &clock);
    ASSERT_TRUE(store.ok());
    RangeDescriptor data = *(*store)->LookupRange("t/");
    for (int i = 0; i < 50; ++i) {
      physical.Advance(37);  // commits spread over ~2 s, past one lead
      BatchRequest b;
      b.header.ts = clock.Now();
      b.header.range_id = data.range_id;
      b.requests = {KvRequest::Put(absl::StrCat("t/", i), "v")};
      ASSERT_TRUE((*store)->Execute(b).ok());
      last_commit = b.header.ts;
    }
  }
  ManualClock physical(5);  // far behind
  HybridClock clock(&physical, absl::Milliseconds(500));
  auto engine = storage::Engine::Open(dir, o);
  ASSERT_TRUE(engine.ok());
  auto store = Store::Open(1, engine->get(), &clock);
  ASSERT_TRUE(store.ok());
  EXPECT_LT(last_commit, clock.Now());
}

}  // namespace
}  // namespace tessera::kv
