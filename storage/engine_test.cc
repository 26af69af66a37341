#include "storage/engine.h"

#include <gtest/gtest.h>
#include <lmdb.h>

#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "storage/mvcc_key.h"
#include "storage/test_util.h"

namespace tessera::storage {
namespace {

Timestamp T(int64_t wall) { return Timestamp{wall, 0}; }

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen(EngineOptions options = EngineOptions()) {
    engine_.reset();
    if (dir_.empty()) dir_ = testing::NewTempDir("engine");
    options.durable = false;
    absl::StatusOr<std::unique_ptr<Engine>> e = Engine::Open(dir_, options);
    ASSERT_TRUE(e.ok()) << e.status();
    engine_ = std::move(*e);
  }

  std::optional<std::string> Get(absl::string_view key, int64_t ts) {
    absl::StatusOr<std::optional<std::string>> v =
        engine_->Get(key, ReadOptions{T(ts)});
    EXPECT_TRUE(v.ok()) << v.status();
    return v.ok() ? *v : std::nullopt;
  }

  absl::Status Put(absl::string_view key, int64_t ts, absl::string_view v) {
    WriteBatch b;
    b.Put(key, T(ts), v);
    return engine_->Write(b);
  }

  std::string dir_;
  std::unique_ptr<Engine> engine_;
};

TEST_F(EngineTest, ReadsSeeNewestVersionAtOrBelowTimestamp) {
  ASSERT_TRUE(Put("k", 10, "v10").ok());
  ASSERT_TRUE(Put("k", 20, "v20").ok());
  ASSERT_TRUE(Put("k", 30, "v30").ok());
  EXPECT_EQ(Get("k", 5), std::nullopt);
  EXPECT_EQ(Get("k", 10), "v10");
  EXPECT_EQ(Get("k", 15), "v10");
  EXPECT_EQ(Get("k", 20), "v20");
  EXPECT_EQ(Get("k", 29), "v20");
  EXPECT_EQ(Get("k", 1000), "v30");
  EXPECT_EQ(Get("other", 1000), std::nullopt);
}

TEST_F(EngineTest, LogicalTimestampsOrderVersions) {
  WriteBatch b;
  b.Put("k", Timestamp{10, 1}, "a");
  ASSERT_TRUE(engine_->Write(b).ok());
  b.Clear();
  b.Put("k", Timestamp{10, 2}, "b");
  ASSERT_TRUE(engine_->Write(b).ok());
  auto v = engine_->Get("k", ReadOptions{Timestamp{10, 1}});
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(**v, "a");
  v = engine_->Get("k", ReadOptions{Timestamp{10, 2}});
  EXPECT_EQ(**v, "b");
}

TEST_F(EngineTest, TombstonesHideOlderVersions) {
  ASSERT_TRUE(Put("k", 10, "v").ok());
  WriteBatch b;
  b.Delete("k", T(20));
  ASSERT_TRUE(engine_->Write(b).ok());
  EXPECT_EQ(Get("k", 15), "v");
  EXPECT_EQ(Get("k", 20), std::nullopt);
  EXPECT_EQ(Get("k", 25), std::nullopt);
  ASSERT_TRUE(Put("k", 30, "again").ok());
  EXPECT_EQ(Get("k", 30), "again");
}

TEST_F(EngineTest, KeysThatArePrefixesOfEachOtherStayApart) {
  ASSERT_TRUE(Put("a", 10, "1").ok());
  ASSERT_TRUE(Put(std::string("a\0", 2), 10, "2").ok());
  ASSERT_TRUE(Put("ab", 10, "3").ok());
  EXPECT_EQ(Get("a", 10), "1");
  EXPECT_EQ(Get(std::string("a\0", 2), 10), "2");
  EXPECT_EQ(Get("ab", 10), "3");
  EXPECT_EQ(Get("", 10), std::nullopt);
}

TEST_F(EngineTest, WriteBelowNewerVersionIsWriteTooOld) {
  ASSERT_TRUE(Put("k", 20, "v20").ok());
  absl::Status s = Put("k", 20, "again");
  EXPECT_EQ(s.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(GetWriteTooOld(s), T(20));
  s = Put("k", 10, "older");
  EXPECT_EQ(GetWriteTooOld(s), T(20));
  EXPECT_EQ(Get("k", 100), "v20");
}

TEST_F(EngineTest, BatchIsAtomicWhenAnOpFails) {
  ASSERT_TRUE(Put("b", 50, "existing").ok());
  WriteBatch b;
  b.Put("a", T(10), "x");
  b.Put("b", T(10), "too old");  // fails
  b.Put("c", T(10), "y");
  EXPECT_FALSE(engine_->Write(b).ok());
  EXPECT_EQ(Get("a", 100), std::nullopt);
  EXPECT_EQ(Get("c", 100), std::nullopt);
  EXPECT_EQ(Get("b", 100), "existing");
  EngineStats st = engine_->stats();
  EXPECT_EQ(st.batches_failed, 1u);
}

// A transaction's writes handed over as one borrowed span apply like
// separate Puts and Deletes: the same checks, all or nothing.
TEST_F(EngineTest, BorrowedWritesApplyAsPutsAndDeletesAtomically) {
  ASSERT_TRUE(Put("gone", 5, "old").ok());
  const std::vector<Mutation> writes = {Mutation::Put("a", "1"), Mutation::Delete("gone"),
                                        Mutation::Put("z", "26")};
  WriteBatch b;
  b.WriteAllBorrowed(writes, T(10));
  ASSERT_TRUE(engine_->Write(b).ok());
  EXPECT_EQ(Get("a", 10), "1");
  EXPECT_EQ(Get("z", 10), "26");
  EXPECT_EQ(Get("gone", 10), std::nullopt);
  EXPECT_EQ(Get("gone", 9), "old");
  // One write under a newer version fails them all.
  ASSERT_TRUE(Put("m", 50, "newer").ok());
  const std::vector<Mutation> stale = {Mutation::Put("b", "2"), Mutation::Put("m", "late"),
                                       Mutation::Put("y", "25")};
  b.Clear();
  b.WriteAllBorrowed(stale, T(20));
  absl::Status s = engine_->Write(b);
  EXPECT_EQ(GetWriteTooOld(s), T(50));
  EXPECT_EQ(Get("b", 100), std::nullopt);
  EXPECT_EQ(Get("y", 100), std::nullopt);
  EXPECT_EQ(Get("m", 100), "newer");
  // Oversized keys are refused inside the span too.
  const std::string huge(engine_->max_key_size() + 1, 'x');
  const std::vector<Mutation> oversized = {Mutation::Put(huge, "v")};
  b.Clear();
  b.WriteAllBorrowed(oversized, T(60));
  EXPECT_EQ(engine_->Write(b).code(), absl::StatusCode::kInvalidArgument);
}

// An insert checks, where it writes, that the key holds no live value: a
// tombstone or nothing is fine; a value fails the whole batch.
TEST_F(EngineTest, InsertRequiresTheKeyToHoldNoLiveValue) {
  WriteBatch b;
  b.Insert("new", T(10), "first");
  ASSERT_TRUE(engine_->Write(b).ok());
  EXPECT_EQ(Get("new", 10), "first");

  b.Clear();
  b.Put("other", T(20), "x");
  b.Insert("new", T(20), "second");
  EXPECT_EQ(engine_->Write(b).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(Get("new", 100), "first");
  EXPECT_EQ(Get("other", 100), std::nullopt);  // all or nothing

  b.Clear();
  b.Delete("new", T(30));
  ASSERT_TRUE(engine_->Write(b).ok());
  b.Clear();
  b.Insert("new", T(40), "after the delete");
  ASSERT_TRUE(engine_->Write(b).ok());
  EXPECT_EQ(Get("new", 40), "after the delete");

  // Below a newer version it is WriteTooOld (retryable), as a Put is.
  b.Clear();
  b.Insert("new", T(35), "late");
  EXPECT_EQ(GetWriteTooOld(engine_->Write(b)), T(40));

  // The same through a borrowed span, on a deletion too.
  Mutation gone = Mutation::Delete("new");
  gone.must_be_absent = true;
  const std::vector<Mutation> writes = {Mutation::Insert("fresh", "1"), gone};
  b.Clear();
  b.WriteAllBorrowed(writes, T(50));
  EXPECT_EQ(engine_->Write(b).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(Get("fresh", 100), std::nullopt);
  EXPECT_EQ(Get("new", 100), "after the delete");
}

TEST_F(EngineTest, ZeroTimestampAndOversizedKeysAreRejected) {
  WriteBatch b;
  b.Put("k", Timestamp::Min(), "v");
  EXPECT_EQ(engine_->Write(b).code(), absl::StatusCode::kInvalidArgument);
  b.Clear();
  b.Put(std::string(engine_->max_key_size() + 1, 'x'), T(1), "v");
  absl::Status s = engine_->Write(b);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("exceeds"), std::string::npos);
  b.Clear();
  b.Put(std::string(engine_->max_key_size(), 'x'), T(1), "v");
  EXPECT_TRUE(engine_->Write(b).ok());
}

TEST_F(EngineTest, LargeValuesRoundTrip) {
  std::string big(3 << 20, 'z');
  big[12345] = '\0';
  ASSERT_TRUE(Put("big", 1, big).ok());
  EXPECT_EQ(Get("big", 1), big);
}

TEST_F(EngineTest, InlineValues) {
  WriteBatch b;
  b.PutInline("\x02sys", "one");
  ASSERT_TRUE(engine_->Write(b).ok());
  auto v = engine_->GetInline("\x02sys");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(**v, "one");
  // Visible to MVCC reads at any timestamp.
  EXPECT_EQ(Get("\x02sys", 1), "one");
  b.Clear();
  b.PutInline("\x02sys", "two");
  ASSERT_TRUE(engine_->Write(b).ok());
  EXPECT_EQ(**engine_->GetInline("\x02sys"), "two");
  // A versioned write to an inline key is refused.
  EXPECT_EQ(Put("\x02sys", 5, "x").code(), absl::StatusCode::kInvalidArgument);
  b.Clear();
  b.DeleteInline("\x02sys");
  b.DeleteInline("\x02never-written");
  ASSERT_TRUE(engine_->Write(b).ok());
  EXPECT_FALSE(engine_->GetInline("\x02sys")->has_value());
}

// Stores created before versions moved to LMDB's main database keep them
// in the named database "mvcc": such a store opens, reads and writes as
// before, and stays in its layout.
TEST_F(EngineTest, StoresWithTheNamedMvccDatabaseStillOpen) {
  ASSERT_TRUE(Put("a", 10, "one").ok());
  ASSERT_TRUE(Put("b", 20, "two").ok());
  WriteBatch b;
  b.PutInline("\x02sys", "inline");
  ASSERT_TRUE(engine_->Write(b).ok());
  engine_.reset();
  // Copy every LMDB record of that store into a named "mvcc" database of a
  // new environment: the old layout, byte for byte.
  std::vector<std::pair<std::string, std::string>> records;
  auto open_env = [](const std::string& dir, MDB_env** env) {
    ASSERT_EQ(mdb_env_create(env), MDB_SUCCESS);
    ASSERT_EQ(mdb_env_set_maxdbs(*env, 4), MDB_SUCCESS);
    ASSERT_EQ(mdb_env_set_mapsize(*env, size_t{64} << 20), MDB_SUCCESS);
    ASSERT_EQ(mdb_env_open(*env, dir.c_str(), MDB_NOTLS, 0644), MDB_SUCCESS);
  };
  {
    MDB_env* env;
    open_env(dir_, &env);
    MDB_txn* txn;
    ASSERT_EQ(mdb_txn_begin(env, nullptr, MDB_RDONLY, &txn), MDB_SUCCESS);
    MDB_dbi dbi;
    ASSERT_EQ(mdb_dbi_open(txn, nullptr, 0, &dbi), MDB_SUCCESS);
    MDB_cursor* c;
    ASSERT_EQ(mdb_cursor_open(txn, dbi, &c), MDB_SUCCESS);
    MDB_val k, v;
    for (int rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == MDB_SUCCESS;
         rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
      records.emplace_back(std::string(static_cast<char*>(k.mv_data), k.mv_size),
                           std::string(static_cast<char*>(v.mv_data), v.mv_size));
    }
    mdb_cursor_close(c);
    mdb_txn_abort(txn);
    mdb_env_close(env);
  }
  ASSERT_GE(records.size(), 3u);
  const std::string legacy = testing::NewTempDir("engine-legacy");
  {
    MDB_env* env;
    open_env(legacy, &env);
    MDB_txn* txn;
    ASSERT_EQ(mdb_txn_begin(env, nullptr, 0, &txn), MDB_SUCCESS);
    MDB_dbi dbi;
    ASSERT_EQ(mdb_dbi_open(txn, "mvcc", MDB_CREATE, &dbi), MDB_SUCCESS);
    ASSERT_EQ(mdb_set_compare(txn, dbi, &CompareMvccKeys), MDB_SUCCESS);
    for (auto& [key, value] : records) {
      MDB_val k{key.size(), key.data()}, v{value.size(), value.data()};
      ASSERT_EQ(mdb_put(txn, dbi, &k, &v, 0), MDB_SUCCESS);
    }
    ASSERT_EQ(mdb_txn_commit(txn), MDB_SUCCESS);
    mdb_env_close(env);
  }
  dir_ = legacy;
  Reopen();
  EXPECT_EQ(Get("a", 15), "one");
  EXPECT_EQ(Get("b", 15), std::nullopt);
  EXPECT_EQ(Get("b", 25), "two");
  EXPECT_EQ(**engine_->GetInline("\x02sys"), "inline");
  ASSERT_TRUE(Put("c", 30, "three").ok());
  Reopen();
  EXPECT_EQ(Get("c", 30), "three");
  engine_.reset();
  // Everything stayed in the named database: the main one holds only its
  // record.
  MDB_env* env;
  open_env(legacy, &env);
  MDB_txn* txn;
  ASSERT_EQ(mdb_txn_begin(env, nullptr, MDB_RDONLY, &txn), MDB_SUCCESS);
  MDB_stat stat;
  ASSERT_EQ(mdb_stat(txn, 1, &stat), MDB_SUCCESS);  // 1: the main database
  EXPECT_EQ(stat.ms_entries, 1u);
  mdb_txn_abort(txn);
  mdb_env_close(env);
}

TEST_F(EngineTest, DataSurvivesReopen) {
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(Put(absl::StrCat("key", i), 10 + i, absl::StrCat("v", i)).ok());
  }
  Reopen();
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(Get(absl::StrCat("key", i), 1000), absl::StrCat("v", i));
  }
}

TEST_F(EngineTest, MapGrowsInsteadOfFailing) {
  EngineOptions o;
  o.initial_map_size = 1 << 20;  // 1 MiB
  Reopen(o);
  size_t before = engine_->stats().map_size;
  std::string value(4000, 'v');
  for (int i = 0; i < 2000; ++i) {  // ~8 MB
    WriteBatch b;
    b.Put(absl::StrCat("k", i), T(1), value);
    ASSERT_TRUE(engine_->Write(b).ok()) << i;
  }
  EngineStats st = engine_->stats();
  EXPECT_GT(st.map_size, before);
  EXPECT_GT(st.map_grows, 0u);
  EXPECT_EQ(Get("k1999", 1), value);
  EXPECT_EQ(Get("k0", 1), value);
}

TEST_F(EngineTest, MapGrowsForOneHugeBatch) {
  EngineOptions o;
  o.initial_map_size = 1 << 20;
  Reopen(o);
  WriteBatch b;
  for (int i = 0; i < 3000; ++i) b.Put(absl::StrCat("k", i), T(1), std::string(2000, 'x'));
  ASSERT_TRUE(engine_->Write(b).ok());
  EXPECT_EQ(Get("k2999", 1)->size(), 2000u);
}

TEST_F(EngineTest, MapAtItsLimitIsAClearError) {
  EngineOptions o;
  o.initial_map_size = 1 << 20;
  o.max_map_size = 2 << 20;
  Reopen(o);
  absl::Status s;
  int written = 0;
  for (int i = 0; i < 2000 && s.ok(); ++i) {
    WriteBatch b;
    b.Put(absl::StrCat("k", i), T(1), std::string(4000, 'v'));
    s = engine_->Write(b);
    if (s.ok()) ++written;
  }
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(s.message().find("full"), std::string::npos) << s;
  // Everything acknowledged before is intact.
  for (int i = 0; i < written; ++i) {
    ASSERT_TRUE(Get(absl::StrCat("k", i), 1).has_value()) << i;
  }
}

TEST_F(EngineTest, SnapshotIsStableWhileWritersContinue) {
  ASSERT_TRUE(Put("k", 10, "old").ok());
  auto snap = engine_->NewSnapshot();
  ASSERT_TRUE(snap.ok());
  ASSERT_TRUE(Put("k", 20, "new").ok());
  ASSERT_TRUE(Put("k2", 20, "x").ok());
  std::string v;
  bool found = false;
  ASSERT_TRUE((*snap)->Get("k", ReadOptions{T(100)}, &v, &found).ok());
  EXPECT_TRUE(found);
  EXPECT_EQ(v, "old");  // LMDB snapshot predates the write
  ASSERT_TRUE((*snap)->Get("k2", ReadOptions{T(100)}, &v, &found).ok());
  EXPECT_FALSE(found);
  EXPECT_EQ(Get("k", 100), "new");
}

TEST_F(EngineTest, CheckNoWritesAfterValidatesReadSpans) {
  ASSERT_TRUE(Put("a", 5, "x").ok());
  ASSERT_TRUE(Put("c", 20, "y").ok());
  WriteBatch ok;
  ok.CheckNoWritesAfter("a", "", T(10));   // point: a last written at 5
  ok.CheckNoWritesAfter("a", "c", T(10));  // span [a, c) excludes c
  ok.Put("z", T(30), "w");
  EXPECT_TRUE(engine_->Write(ok).ok());
  WriteBatch stale;
  stale.CheckNoWritesAfter("b", "d", T(10));  // c was written at 20 > 10
  stale.Put("q", T(30), "never");
  absl::Status s = engine_->Write(stale);
  EXPECT_EQ(s.code(), absl::StatusCode::kAborted);
  EXPECT_NE(s.message().find("40001"), std::string::npos);
  EXPECT_EQ(Get("q", 100), std::nullopt);  // nothing of the batch applied
  // Intents count as writes too.
  WriteBatch intent;
  intent.PutIntent("m", TxnId::Random(), T(40), "i");
  ASSERT_TRUE(engine_->Write(intent).ok());
  WriteBatch check;
  check.CheckNoWritesAfter("m", "", T(35));
  EXPECT_FALSE(engine_->Write(check).ok());
}

// A watched span answers checks from the newest write it saw: never a pass
// the scan would refuse, whether the version was there before the watch,
// written after it, an intent, or a resolved intent.
TEST_F(EngineTest, WatchedSpanChecksAgreeWithTheScan) {
  ASSERT_TRUE(Put("s/a", 20, "before the watch").ok());
  ASSERT_TRUE(Put("t/outside", 90, "x").ok());
  ASSERT_TRUE(engine_->WatchWrites("s/", "s0").ok());
  ASSERT_TRUE(engine_->WatchWrites("s/", "s0").ok());  // twice is harmless
  auto check = [&](int64_t ts) {
    WriteBatch b;
    b.CheckNoWritesAfter("s/", "s0", T(ts));
    return engine_->Write(b).code();
  };
  EXPECT_EQ(check(10), absl::StatusCode::kAborted);  // found by the first scan
  EXPECT_EQ(check(20), absl::StatusCode::kOk);
  EXPECT_EQ(check(30), absl::StatusCode::kOk);  // t/outside is not in the span
  ASSERT_TRUE(Put("s/b", 40, "after").ok());
  EXPECT_EQ(check(30), absl::StatusCode::kAborted);
  EXPECT_EQ(check(40), absl::StatusCode::kOk);
  const TxnId txn = TxnId::Random();
  WriteBatch intent;
  intent.PutIntent("s/c", txn, T(50), "i");
  ASSERT_TRUE(engine_->Write(intent).ok());
  EXPECT_EQ(check(45), absl::StatusCode::kAborted);
  WriteBatch resolve;
  resolve.ResolveIntent("s/c", txn, /*commit=*/true, T(60));
  ASSERT_TRUE(engine_->Write(resolve).ok());
  EXPECT_EQ(check(55), absl::StatusCode::kAborted);
  EXPECT_EQ(check(60), absl::StatusCode::kOk);
  // Other spans, even inside the watched one, are scanned as before.
  WriteBatch inner;
  inner.CheckNoWritesAfter("s/a", "s/b", T(30));
  EXPECT_TRUE(engine_->Write(inner).ok());
  // A reopened engine starts from a scan again.
  Reopen();
  ASSERT_TRUE(engine_->WatchWrites("s/", "s0").ok());
  EXPECT_EQ(check(55), absl::StatusCode::kAborted);
  EXPECT_EQ(check(60), absl::StatusCode::kOk);
}

TEST_F(EngineTest, ConcurrentReadersAndWriters) {
  std::atomic<bool> stop{false};
  std::atomic<int> errors{0};
  std::thread writer([&] {
    for (int i = 1; i <= 500; ++i) {
      if (!Put("counter", i, absl::StrCat(i)).ok()) ++errors;
    }
    stop = true;
  });
  std::thread reader([&] {
    int last = 0;
    while (!stop) {
      auto v = engine_->Get("counter", ReadOptions{T(1000)});
      if (!v.ok()) {
        ++errors;
        continue;
      }
      if (v->has_value()) {
        int n = std::stoi(**v);
        if (n < last) ++errors;  // never goes backwards
        last = n;
      }
    }
  });
  writer.join();
  reader.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(Get("counter", 1000), "500");
}

}  // namespace
}  // namespace tessera::storage
