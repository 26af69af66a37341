#include "txn/txn.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "kv/paged_transport.h"
#include "txn/test_cluster.h"

namespace tessera::txn {
namespace {

class TxnTest : public ::testing::Test {
 protected:
  std::unique_ptr<Txn> Begin() { return *cluster_.coordinator->Begin(); }
  std::optional<std::string> Read(absl::string_view key) {
    auto t = Begin();
    return *t->Get(key);
  }
  TestCluster cluster_{"txn"};
};

TEST_F(TxnTest, CommitMakesWritesVisibleAtomically) {
  auto t = Begin();
  t->Put("t/a", "1");
  t->Put("t/b", "2");
  EXPECT_EQ(Read("t/a"), std::nullopt);  // not before commit
  ASSERT_TRUE(t->Commit().ok());
  EXPECT_EQ(Read("t/a"), "1");
  EXPECT_EQ(Read("t/b"), "2");
  EXPECT_TRUE(t->commit_ts().has_value());
  EXPECT_FALSE(t->Commit().ok());  // finished
}

// A statement savepoint takes back exactly the writes made after it: new
// keys, overwrites (also in place, of a value that fit), deletions and
// Insert()'s requirement; writes before it stay.
TEST_F(TxnTest, RollbackToSavepointRestoresTheBufferAtTheMark) {
  ASSERT_TRUE([&] {
    auto seed = Begin();
    seed->Put("s/committed", "c");
    return seed->Commit();
  }().ok());
  auto t = Begin();
  t->Put("s/a", "before-a");
  t->Put("s/b", "bb");
  const size_t mark = t->Savepoint();
  EXPECT_EQ(mark, 1u);
  t->Put("s/a", "x");            // fits in place
  t->Put("s/a", "longer value");  // then grows
  t->Delete("s/b");
  t->Put("s/new", "n");
  t->Put("s/new", "n2");
  t->Delete("s/committed");
  ASSERT_TRUE(t->Insert("s/ins", "i").ok());
  EXPECT_EQ(*t->Get("s/a"), "longer value");
  t->RollbackTo(mark);
  t->Release(mark);
  EXPECT_EQ(*t->Get("s/a"), "before-a");
  EXPECT_EQ(*t->Get("s/b"), "bb");
  EXPECT_EQ(*t->Get("s/new"), std::nullopt);
  EXPECT_EQ(*t->Get("s/ins"), std::nullopt);
  EXPECT_EQ(*t->Get("s/committed"), "c");
  // A second statement that succeeds keeps its writes.
  const size_t again = t->Savepoint();
  t->Put("s/c", "3");
  t->Release(again);
  t->RollbackTo(again);  // no such mark any more: nothing to undo
  ASSERT_TRUE(t->Commit().ok());
  EXPECT_EQ(Read("s/a"), "before-a");
  EXPECT_EQ(Read("s/b"), "bb");
  EXPECT_EQ(Read("s/c"), "3");
  EXPECT_EQ(Read("s/new"), std::nullopt);
  EXPECT_EQ(Read("s/ins"), std::nullopt);
  EXPECT_EQ(Read("s/committed"), "c");
}

// Nested marks: rolling back an inner one keeps the outer one's writes and
// the inner mark itself; releasing an inner one hands its writes to the
// outer one, whose rollback then takes them back too.
TEST_F(TxnTest, NestedSavepoints) {
  auto t = Begin();
  t->Put("n/k", "0");
  const size_t outer = t->Savepoint();
  t->Put("n/k", "1");
  t->Put("n/x", "x");
  const size_t inner = t->Savepoint();
  EXPECT_EQ(inner, 2u);
  t->Put("n/k", "2");
  t->Delete("n/x");
  t->Put("n/y", "y");
  t->RollbackTo(inner);
  EXPECT_EQ(*t->Get("n/k"), "1");
  EXPECT_EQ(*t->Get("n/x"), "x");
  EXPECT_EQ(*t->Get("n/y"), std::nullopt);
  t->Put("n/k", "3");  // still under `inner`
  t->RollbackTo(inner);
  EXPECT_EQ(*t->Get("n/k"), "1");
  t->Put("n/z", "z");
  t->Put("n/k", "4");
  t->Release(inner);
  EXPECT_EQ(*t->Get("n/k"), "4");
  t->RollbackTo(outer);
  EXPECT_EQ(*t->Get("n/k"), "0");
  EXPECT_EQ(*t->Get("n/x"), std::nullopt);
  EXPECT_EQ(*t->Get("n/z"), std::nullopt);
  t->Release(outer);
  t->Put("n/after", "a");
  ASSERT_TRUE(t->Commit().ok());
  EXPECT_EQ(Read("n/k"), "0");
  EXPECT_EQ(Read("n/after"), "a");
  EXPECT_EQ(Read("n/z"), std::nullopt);
}

// Many nearby keys are prefetched by one span scan: values as key-by-key
// reads give them, and the span as a whole counts as read.
TEST_F(TxnTest, SpanPrefetchReadsManyKeysAndValidatesTheSpan) {
  auto key = [](int i) { return absl::StrFormat("q/%04d", i); };
  auto seed = Begin();
  for (int i = 0; i < 100; i += 3) seed->Put(key(i), absl::StrCat("v", i));
  ASSERT_TRUE(seed->Commit().ok());
  auto keys_from = [&](int from) {
    std::vector<std::string> keys;
    for (int i = from + 39; i >= from; --i) keys.push_back(key(i));  // any order
    return keys;
  };
  std::map<std::string, std::string> committed;
  for (int i = 0; i < 100; i += 3) committed[key(i)] = absl::StrCat("v", i);
  for (int write : {45, 46, 99}) {  // a requested key, a key between, one outside
    std::map<std::string, std::string> before = committed;
    auto t = Begin();
    ASSERT_TRUE(t->Prefetch(keys_from(20)).ok());
    auto other = Begin();
    other->Put(key(write) + (write == 46 ? "x" : ""), "other");
    ASSERT_TRUE(other->Commit().ok());
    committed[key(write) + (write == 46 ? "x" : "")] = "other";
    for (int i = 20; i < 60; ++i) {  // the snapshot's values
      auto it = before.find(key(i));
      EXPECT_EQ(*t->Get(key(i)),
                it == before.end() ? std::nullopt : std::optional<std::string>(it->second))
          << i;
    }
    t->Put("q/mine", "1");
    EXPECT_EQ(t->Commit().code(),
              write == 99 ? absl::StatusCode::kOk : absl::StatusCode::kAborted)
        << write;
  }
  // A span crowded with other rows is read key by key instead (and still
  // answers right).
  auto crowd = Begin();
  for (int i = 0; i < 400; ++i) crowd->Put(absl::StrFormat("c/%04d", i), "x");
  ASSERT_TRUE(crowd->Commit().ok());
  auto t = Begin();
  std::vector<std::string> sparse;
  for (int i = 0; i < 400; i += 20) sparse.push_back(absl::StrFormat("c/%04d", i + 1));
  sparse.push_back("c/zzzz");
  ASSERT_TRUE(t->Prefetch(sparse).ok());
  EXPECT_EQ(*t->Get("c/0021"), "x");
  EXPECT_EQ(*t->Get("c/zzzz"), std::nullopt);
}

TEST_F(TxnTest, ReadOnlyTransactionsReadButCannotCommitWrites) {
  auto seed = Begin();
  seed->Put("r/a", "1");
  ASSERT_TRUE(seed->Commit().ok());
  auto t = Begin();
  t->SetReadOnly();
  EXPECT_EQ(*t->Get("r/a"), "1");
  // A concurrent write to what it read does not abort it: it commits
  // nothing, and its snapshot stays consistent.
  auto other = Begin();
  other->Put("r/a", "2");
  ASSERT_TRUE(other->Commit().ok());
  EXPECT_TRUE(t->Commit().ok());
  auto w = Begin();
  w->SetReadOnly();
  w->Put("r/b", "x");
  EXPECT_EQ(w->Commit().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Read("r/b"), std::nullopt);
}

TEST_F(TxnTest, PrefetchedReadsAnswerGetsAndStillConflict) {
  auto seed = Begin();
  seed->Put("p/a", "1");
  ASSERT_TRUE(seed->Commit().ok());
  auto t = Begin();
  ASSERT_TRUE(t->Prefetch({"p/a", "p/b", "p/a"}).ok());
  // A write committed after the snapshot: the prefetched value is the
  // snapshot's, and the read is validated at commit.
  auto other = Begin();
  other->Put("p/b", "other");
  ASSERT_TRUE(other->Commit().ok());
  EXPECT_EQ(*t->Get("p/a"), "1");
  EXPECT_EQ(*t->Get("p/b"), std::nullopt);
  t->Put("p/a", "2");
  EXPECT_EQ(*t->Get("p/a"), "2");  // own writes win
  EXPECT_EQ(*t->Get("p/a"), "2");
  EXPECT_EQ(t->Commit().code(), absl::StatusCode::kAborted);  // p/b changed after the read
  EXPECT_EQ(Read("p/a"), "1");
  // Without the conflicting write the same transaction commits.
  auto u = Begin();
  ASSERT_TRUE(u->Prefetch({"p/a", "p/c"}).ok());
  EXPECT_EQ(*u->Get("p/c"), std::nullopt);
  u->Put("p/c", "3");
  ASSERT_TRUE(u->Commit().ok());
  EXPECT_EQ(Read("p/c"), "3");
}

TEST_F(TxnTest, ReadYourWritesInGetAndScan) {
  auto seed = Begin();
  seed->Put("t/a", "old-a");
  seed->Put("t/c", "old-c");
  seed->Put("t/d", "old-d");
  ASSERT_TRUE(seed->Commit().ok());
  auto t = Begin();
  t->Put("t/b", "new-b");
  t->Put("t/c", "new-c");
  t->Delete("t/d");
  EXPECT_EQ(*t->Get("t/c"), "new-c");
  EXPECT_EQ(*t->Get("t/d"), std::nullopt);
  std::vector<std::string> seen;
  ASSERT_TRUE(t->Scan("t/", "t0", false, [&](absl::string_view k, absl::string_view v) {
                 seen.push_back(absl::StrCat(k, "=", v));
                 return true;
               }).ok());
  EXPECT_EQ(seen, (std::vector<std::string>{"t/a=old-a", "t/b=new-b", "t/c=new-c"}));
  seen.clear();
  ASSERT_TRUE(t->Scan("t/", "t0", true, [&](absl::string_view k, absl::string_view v) {
                 seen.push_back(absl::StrCat(k, "=", v));
                 return true;
               }).ok());
  EXPECT_EQ(seen, (std::vector<std::string>{"t/c=new-c", "t/b=new-b", "t/a=old-a"}));
}

// Rewriting the same keys over and over (a long transaction updating a
// few rows) reuses their buffered bytes instead of growing the buffer;
// every read sees the latest value, whatever its size, and the commit
// writes the last one.
TEST_F(TxnTest, RewritingAKeyReusesItsBufferedBytes) {
  auto t = Begin();
  for (int i = 0; i < 10000; ++i) {
    t->Put("t/x", absl::StrCat("value-", i % 1000));
    t->Put("t/y", std::string(i % 37, 'y'));
  }
  EXPECT_LT(t->buffered_bytes(), 200u);
  EXPECT_EQ(*t->Get("t/x"), "value-999");
  EXPECT_EQ(*t->Get("t/y"), std::string(9999 % 37, 'y'));
  // Longer than the room it had, shorter again, deleted, written again.
  t->Put("t/x", std::string(500, 'L'));
  EXPECT_EQ(*t->Get("t/x"), std::string(500, 'L'));
  t->Put("t/x", "s");
  EXPECT_EQ(*t->Get("t/x"), "s");
  t->Delete("t/x");
  EXPECT_EQ(*t->Get("t/x"), std::nullopt);
  t->Put("t/x", "back");
  std::vector<std::string> seen;
  ASSERT_TRUE(t->Scan("t/", "t0", false, [&](absl::string_view k, absl::string_view v) {
                 seen.push_back(absl::StrCat(k, "=", v));
                 return true;
               }).ok());
  EXPECT_EQ(seen, (std::vector<std::string>{"t/x=back", "t/y=" + std::string(9999 % 37, 'y')}));
  ASSERT_TRUE(t->Commit().ok());
  auto r = Begin();
  EXPECT_EQ(*r->Get("t/x"), "back");
}

TEST_F(TxnTest, LimitedScansSkipOwnDeletionsAndStillFill) {
  auto seed = Begin();
  for (int i = 0; i < 10; ++i) seed->Put(absl::StrCat("t/", i), "v");
  ASSERT_TRUE(seed->Commit().ok());
  auto t = Begin();
  t->Delete("t/9");
  t->Delete("t/8");
  t->Put("t/85", "mine");
  std::vector<std::string> seen;
  ASSERT_TRUE(t->Scan("t/", "t0", true,
                      [&](absl::string_view k, absl::string_view) {
                        seen.emplace_back(k);
                        return true;
                      },
                      2)
                  .ok());
  EXPECT_EQ(seen, (std::vector<std::string>{"t/85", "t/7"}));
}

// Own writes must merge correctly into streamed rows, and at every page
// boundary of a paged transport, forwards and backwards, with and without
// a limit.
class ScanMergeTest : public TxnTest, public ::testing::WithParamInterface<bool> {};

TEST_P(ScanMergeTest, ScansMergeOwnWritesAcrossPages) {
  const bool paged = GetParam();
  kv::PagedTransport paged_transport(&cluster_.transport);
  kv::DistSender paged_sender(&paged_transport, 1);
  TxnCoordinator paged_coordinator(&paged_sender, &paged_transport, 1);
  auto Begin = [&] {
    return paged ? *paged_coordinator.Begin() : *cluster_.coordinator->Begin();
  };
  const int kPage = static_cast<int>(kv::Transport::kStreamPageRows);
  const int kStored = kPage * 3 + 17;
  auto key = [](int i, const char* suffix = "") {
    return absl::StrFormat("p/%06d%s", i, suffix);
  };
  auto seed = Begin();
  for (int i = 0; i < kStored; ++i) seed->Put(key(i), absl::StrCat("s", i));
  ASSERT_TRUE(seed->Commit().ok());

  auto t = Begin();
  std::map<std::string, std::string> expected;
  for (int i = 0; i < kStored; ++i) expected[key(i)] = absl::StrCat("s", i);
  for (int i = 0; i < kStored; ++i) {
    if (i % 7 == 0) {
      t->Delete(key(i));
      expected.erase(key(i));
    } else if (i % 11 == 0) {
      t->Put(key(i), "updated");
      expected[key(i)] = "updated";
    }
    if (i % 13 == 0) {  // a new key between two stored ones
      t->Put(key(i, "x"), "new");
      expected[key(i, "x")] = "new";
    }
  }
  // Around each page boundary, a run of deletions.
  for (int b = 1; b <= 3; ++b) {
    for (int i = b * kPage - 3; i < b * kPage + 3; ++i) {
      t->Delete(key(i));
      expected.erase(key(i));
    }
  }
  std::vector<std::pair<std::string, std::string>> want(expected.begin(), expected.end());
  for (bool reverse : {false, true}) {
    std::vector<std::pair<std::string, std::string>> want_dir = want;
    if (reverse) std::reverse(want_dir.begin(), want_dir.end());
    for (size_t limit : {size_t{0}, size_t{1}, size_t{1000}, size_t{1025}, size_t{2500}}) {
      std::vector<std::pair<std::string, std::string>> got;
      ASSERT_TRUE(t->Scan("p/", "p0", reverse,
                          [&](absl::string_view k, absl::string_view v) {
                            got.emplace_back(k, v);
                            return true;
                          },
                          limit)
                      .ok());
      std::vector<std::pair<std::string, std::string>> w = want_dir;
      if (limit != 0 && w.size() > limit) w.resize(limit);
      ASSERT_EQ(got, w) << "reverse=" << reverse << " limit=" << limit;
    }
  }
  // A sub-span that starts and ends mid-page.
  std::vector<std::string> got;
  ASSERT_TRUE(t->Scan(key(1000), key(2100), false,
                      [&](absl::string_view k, absl::string_view) {
                        got.emplace_back(k);
                        return true;
                      })
                  .ok());
  std::vector<std::string> w;
  for (const auto& [k, v] : expected) {
    if (k >= key(1000) && k < key(2100)) w.push_back(k);
  }
  EXPECT_EQ(got, w);
}

INSTANTIATE_TEST_SUITE_P(StreamedAndPaged, ScanMergeTest, ::testing::Bool());

// Insert() checks its key at commit, not by a read: a row committed by
// another transaction in between fails the commit with kAlreadyExists.
TEST_F(TxnTest, InsertChecksTheKeyAtCommit) {
  auto t = Begin();
  ASSERT_TRUE(t->Insert("i/1", "mine").ok());
  ASSERT_TRUE(t->Insert("i/2", "mine").ok());
  EXPECT_EQ(*t->Get("i/1"), "mine");  // reads its own insert
  auto other = Begin();
  other->Put("i/2", "theirs");
  ASSERT_TRUE(other->Commit().ok());
  EXPECT_EQ(t->Commit().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(Read("i/1"), std::nullopt);  // nothing of t's landed
  EXPECT_EQ(Read("i/2"), "theirs");

  // Its own buffered value: refused at once.
  auto u = Begin();
  u->Put("i/3", "x");
  EXPECT_EQ(u->Insert("i/3", "y").code(), absl::StatusCode::kAlreadyExists);
  // Its own deletion of a stored row: the insert replaces the row.
  u->Delete("i/2");
  ASSERT_TRUE(u->Insert("i/2", "replaced").ok());
  ASSERT_TRUE(u->Commit().ok());
  EXPECT_EQ(Read("i/2"), "replaced");

  // Overwriting or deleting an inserted key keeps the requirement.
  auto v = Begin();
  ASSERT_TRUE(v->Insert("i/4", "a").ok());
  v->Put("i/4", "b");
  ASSERT_TRUE(v->Insert("i/5", "a").ok());
  v->Delete("i/5");
  auto w = Begin();
  w->Put("i/5", "taken");
  ASSERT_TRUE(w->Commit().ok());
  EXPECT_EQ(v->Commit().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(Read("i/4"), std::nullopt);
  EXPECT_EQ(Read("i/5"), "taken");
}

TEST_F(TxnTest, RollbackDiscards) {
  auto t = Begin();
  t->Put("t/x", "1");
  t->Rollback();
  EXPECT_EQ(Read("t/x"), std::nullopt);
  EXPECT_FALSE(t->Get("t/x").ok());
}

TEST_F(TxnTest, SnapshotIsStable) {
  auto seed = Begin();
  seed->Put("t/k", "v1");
  ASSERT_TRUE(seed->Commit().ok());
  auto reader = Begin();
  auto writer = Begin();
  writer->Put("t/k", "v2");
  ASSERT_TRUE(writer->Commit().ok());
  EXPECT_EQ(*reader->Get("t/k"), "v1");
  EXPECT_TRUE(reader->Commit().ok());  // read-only: always valid
}

TEST_F(TxnTest, ConflictingReadWriteIsRetryable) {
  auto seed = Begin();
  seed->Put("t/counter", "0");
  ASSERT_TRUE(seed->Commit().ok());
  auto a = Begin();
  auto b = Begin();
  ASSERT_EQ(*a->Get("t/counter"), "0");
  ASSERT_EQ(*b->Get("t/counter"), "0");
  a->Put("t/counter", "1");
  b->Put("t/counter", "1");
  ASSERT_TRUE(a->Commit().ok());
  absl::Status s = b->Commit();
  EXPECT_EQ(s.code(), absl::StatusCode::kAborted);
  EXPECT_NE(s.message().find("40001"), std::string::npos);
}

TEST_F(TxnTest, RunTransactionRetriesUntilCountersAddUp) {
  auto seed = Begin();
  seed->Put("t/counter", "0");
  ASSERT_TRUE(seed->Commit().ok());
  constexpr int kThreads = 4, kPer = 25;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < kPer; ++j) {
        absl::Status s = RunTransaction(
            cluster_.coordinator.get(),
            [](Txn* t) -> absl::Status {
              auto v = t->Get("t/counter");
              if (!v.ok()) return v.status();
              t->Put("t/counter", std::to_string(std::stoi(**v) + 1));
              return absl::OkStatus();
            },
            1000);
        if (!s.ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(Read("t/counter"), std::to_string(kThreads * kPer));
}

}  // namespace
}  // namespace tessera::txn
