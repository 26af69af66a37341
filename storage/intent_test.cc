// Intents: provisional versions naming their transaction.

#include <gtest/gtest.h>

#include "common/keys.h"
#include "storage/engine.h"
#include "storage/test_util.h"

namespace tessera::storage {
namespace {

Timestamp T(int64_t wall) { return Timestamp{wall, 0}; }

class IntentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EngineOptions o;
    o.durable = false;
    auto e = Engine::Open(testing::NewTempDir("intent"), o);
    ASSERT_TRUE(e.ok()) << e.status();
    engine_ = std::move(*e);
  }

  absl::Status Write(const WriteBatch& b) { return engine_->Write(b); }

  absl::StatusOr<std::optional<std::string>> Get(absl::string_view key,
                                                 int64_t ts,
                                                 const TxnId* txn = nullptr) {
    return engine_->Get(key, ReadOptions{T(ts), txn});
  }

  std::unique_ptr<Engine> engine_;
  TxnId a_ = TxnId::Random();
  TxnId b_ = TxnId::Random();
};

TEST_F(IntentTest, ReaderAtOrAboveIntentGetsTypedConflict) {
  WriteBatch w;
  w.Put("k", T(5), "committed");
  w.PutIntent("k", a_, T(10), "provisional");
  ASSERT_TRUE(Write(w).ok());
  auto r = Get("k", 10);
  ASSERT_FALSE(r.ok());
  std::optional<IntentConflict> c = GetIntentConflict(r.status());
  ASSERT_TRUE(c.has_value()) << r.status();
  EXPECT_EQ(c->key, "k");
  EXPECT_EQ(c->txn_id, a_);
  EXPECT_EQ(c->intent_ts, T(10));
  EXPECT_FALSE(Get("k", 50).ok());
}

TEST_F(IntentTest, ReaderBelowIntentSeesCommittedValue) {
  WriteBatch w;
  w.Put("k", T(5), "committed");
  w.PutIntent("k", a_, T(10), "provisional");
  ASSERT_TRUE(Write(w).ok());
  auto r = Get("k", 9);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(**r, "committed");
  EXPECT_FALSE((*Get("k", 4)).has_value());
}

TEST_F(IntentTest, OwnIntentIsVisibleToItsTransaction) {
  WriteBatch w;
  w.PutIntent("k", a_, T(10), "mine");
  ASSERT_TRUE(Write(w).ok());
  auto r = Get("k", 8, &a_);  // even below the intent's timestamp
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(**r, "mine");
  EXPECT_FALSE(Get("k", 10, &b_).ok());
  w.Clear();
  w.DeleteIntent("k", a_, T(11));
  ASSERT_TRUE(Write(w).ok());
  r = Get("k", 20, &a_);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->has_value());
}

TEST_F(IntentTest, WritersConflictOnAnotherTransactionsIntent) {
  WriteBatch w;
  w.PutIntent("k", a_, T(10), "a");
  ASSERT_TRUE(Write(w).ok());
  WriteBatch other;
  other.PutIntent("k", b_, T(20), "b");
  absl::Status s = Write(other);
  ASSERT_TRUE(GetIntentConflict(s).has_value()) << s;
  EXPECT_EQ(GetIntentConflict(s)->txn_id, a_);
  WriteBatch plain;
  plain.Put("k", T(30), "plain");
  EXPECT_TRUE(GetIntentConflict(Write(plain)).has_value());
}

TEST_F(IntentTest, IntentBelowCommittedVersionIsWriteTooOld) {
  WriteBatch w;
  w.Put("k", T(20), "committed");
  ASSERT_TRUE(Write(w).ok());
  WriteBatch i;
  i.PutIntent("k", a_, T(15), "late");
  absl::Status s = Write(i);
  EXPECT_EQ(GetWriteTooOld(s), T(20));
}

TEST_F(IntentTest, SameTransactionReplacesItsIntent) {
  WriteBatch w;
  w.PutIntent("k", a_, T(10), "first");
  ASSERT_TRUE(Write(w).ok());
  w.Clear();
  w.PutIntent("k", a_, T(12), "second");
  ASSERT_TRUE(Write(w).ok());
  w.Clear();
  w.PutIntent("k", a_, T(12), "third");  // same timestamp: overwrite
  ASSERT_TRUE(Write(w).ok());
  w.Clear();
  w.ResolveIntent("k", a_, true, T(12));
  ASSERT_TRUE(Write(w).ok());
  EXPECT_EQ(**Get("k", 12), "third");
  EXPECT_FALSE((*Get("k", 11)).has_value());  // the replaced intent is gone
}

TEST_F(IntentTest, ResolveCommittedAtHigherTimestamp) {
  WriteBatch w;
  w.Put("k", T(5), "old");
  w.PutIntent("k", a_, T(10), "new");
  ASSERT_TRUE(Write(w).ok());
  w.Clear();
  w.ResolveIntent("k", a_, true, T(15));
  ASSERT_TRUE(Write(w).ok());
  EXPECT_EQ(**Get("k", 14), "old");
  EXPECT_EQ(**Get("k", 15), "new");
  // Resolving twice is harmless.
  ASSERT_TRUE(Write(w).ok());
  EXPECT_EQ(**Get("k", 15), "new");
}

TEST_F(IntentTest, ResolveAbortedRemovesIntent) {
  WriteBatch w;
  w.Put("k", T(5), "old");
  w.PutIntent("k", a_, T(10), "doomed");
  ASSERT_TRUE(Write(w).ok());
  w.Clear();
  w.ResolveIntent("k", a_, false, T(0));
  ASSERT_TRUE(Write(w).ok());
  EXPECT_EQ(**Get("k", 100), "old");
  // Now another transaction may write.
  WriteBatch other;
  other.PutIntent("k", b_, T(20), "b");
  EXPECT_TRUE(Write(other).ok());
}

TEST_F(IntentTest, ResolveOfDeleteIntentWritesTombstone) {
  WriteBatch w;
  w.Put("k", T(5), "old");
  w.DeleteIntent("k", a_, T(10));
  ASSERT_TRUE(Write(w).ok());
  w.Clear();
  w.ResolveIntent("k", a_, true, T(10));
  ASSERT_TRUE(Write(w).ok());
  EXPECT_FALSE((*Get("k", 10)).has_value());
  EXPECT_EQ(**Get("k", 9), "old");
}

TEST_F(IntentTest, ResolveByWrongTransactionDoesNothing) {
  WriteBatch w;
  w.PutIntent("k", a_, T(10), "a");
  ASSERT_TRUE(Write(w).ok());
  w.Clear();
  w.ResolveIntent("k", b_, true, T(10));
  ASSERT_TRUE(Write(w).ok());
  EXPECT_FALSE(Get("k", 10).ok());  // still a's intent
}

TEST_F(IntentTest, CommitBelowIntentTimestampIsRejected) {
  WriteBatch w;
  w.PutIntent("k", a_, T(10), "a");
  ASSERT_TRUE(Write(w).ok());
  w.Clear();
  w.ResolveIntent("k", a_, true, T(9));
  EXPECT_EQ(Write(w).code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(IntentTest, TransactionRecordLifecycle) {
  EXPECT_FALSE(ReadTxnRecord(engine_.get(), a_)->has_value());
  TxnRecord rec;
  rec.id = a_;
  rec.status = TxnStatus::kPending;
  rec.write_ts = T(10);
  rec.last_heartbeat = T(10);
  rec.anchor_key = "k";
  WriteBatch w;
  PutTxnRecord(&w, rec);
  w.PutIntent("k", a_, T(10), "v");
  ASSERT_TRUE(Write(w).ok());
  EXPECT_EQ((*ReadTxnRecord(engine_.get(), a_))->status, TxnStatus::kPending);
  // Commit point: the record says COMMITTED, then intents are resolved.
  rec.status = TxnStatus::kCommitted;
  rec.write_ts = T(12);
  w.Clear();
  PutTxnRecord(&w, rec);
  ASSERT_TRUE(Write(w).ok());
  auto back = ReadTxnRecord(engine_.get(), a_);
  ASSERT_TRUE(back.ok() && back->has_value());
  EXPECT_EQ((*back)->status, TxnStatus::kCommitted);
  EXPECT_EQ((*back)->write_ts, T(12));
  EXPECT_EQ((*back)->anchor_key, "k");
  // Records live in the system span, away from table data.
  EXPECT_LT(keys::TxnRecordKey(a_.bytes()), std::string(keys::kTableDataStart));
}

TEST_F(IntentTest, CorruptTransactionRecordIsDataLoss) {
  WriteBatch w;
  w.PutInline(keys::TxnRecordKey(a_.bytes()), "not a record");
  ASSERT_TRUE(Write(w).ok());
  auto r = ReadTxnRecord(engine_.get(), a_);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss);
  // A record filed under the wrong id is caught too.
  TxnRecord other;
  other.id = b_;
  w.Clear();
  w.PutInline(keys::TxnRecordKey(a_.bytes()), EncodeTxnRecord(other));
  ASSERT_TRUE(Write(w).ok());
  EXPECT_EQ(ReadTxnRecord(engine_.get(), a_).status().code(),
            absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace tessera::storage
