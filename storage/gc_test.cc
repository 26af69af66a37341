// MVCC garbage collection.

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "storage/engine.h"
#include "storage/test_util.h"

namespace tessera::storage {
namespace {

Timestamp T(int64_t wall) { return Timestamp{wall, 0}; }

class GcTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::NewTempDir("gc");
    Open();
  }
  void Open() {
    engine_.reset();
    EngineOptions o;
    o.durable = false;
    auto e = Engine::Open(dir_, o);
    ASSERT_TRUE(e.ok()) << e.status();
    engine_ = std::move(*e);
  }
  void Put(absl::string_view k, int64_t ts, absl::string_view v) {
    WriteBatch b;
    b.Put(k, T(ts), v);
    ASSERT_TRUE(engine_->Write(b).ok());
  }
  void Del(absl::string_view k, int64_t ts) {
    WriteBatch b;
    b.Delete(k, T(ts));
    ASSERT_TRUE(engine_->Write(b).ok());
  }
  // Number of stored versions of `key` seen by reading at every timestamp.
  std::optional<std::string> Get(absl::string_view k, int64_t ts) {
    auto v = engine_->Get(k, ReadOptions{T(ts)});
    EXPECT_TRUE(v.ok()) << v.status();
    return v.ok() ? *v : std::nullopt;
  }

  std::string dir_;
  std::unique_ptr<Engine> engine_;
};

// A commit validates its reads by looking for versions written after its
// read timestamp. Below the GC threshold that look can miss one: here the
// tombstone written at 12, after a read at 10, is collected at 15, and the
// span looks untouched. Such a validation must fail (retry), not pass.
TEST_F(GcTest, ValidationBelowTheThresholdRestarts) {
  Put("k", 5, "v5");
  Del("k", 12);
  ASSERT_TRUE(engine_->GarbageCollect(T(15)).ok());
  WriteBatch stale;
  stale.CheckNoWritesAfter("k", "", T(10));
  stale.Put("other", T(16), "x");
  absl::Status s = engine_->Write(stale);
  EXPECT_TRUE(absl::IsAborted(s)) << s;
  EXPECT_EQ(Get("other", 20), std::nullopt);  // nothing of the batch applied
  // At or above the threshold the validation reads the versions as before.
  WriteBatch fresh;
  fresh.CheckNoWritesAfter("k", "", T(15));
  fresh.Put("other", T(17), "y");
  EXPECT_TRUE(engine_->Write(fresh).ok());
}

TEST_F(GcTest, RemovesVersionsNoReaderAtThresholdNeeds) {
  Put("k", 10, "v10");
  Put("k", 20, "v20");
  Put("k", 30, "v30");
  Put("k", 40, "v40");
  auto st = engine_->GarbageCollect(T(25));
  ASSERT_TRUE(st.ok()) << st.status();
  EXPECT_EQ(st->versions_removed, 1u);  // v10; v20 is what readers at 25 see
  EXPECT_EQ(Get("k", 25), "v20");
  EXPECT_EQ(Get("k", 35), "v30");
  EXPECT_EQ(Get("k", 45), "v40");
}

TEST_F(GcTest, ReadsBelowThresholdFailClearly) {
  Put("k", 10, "v10");
  Put("k", 20, "v20");
  ASSERT_TRUE(engine_->GarbageCollect(T(25)).ok());
  auto r = engine_->Get("k", ReadOptions{T(15)});
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(HasErrorKind(r.status(), ErrorKind::kReadBelowGc));
  EXPECT_NE(r.status().message().find("GC threshold"), std::string::npos);
}

TEST_F(GcTest, DeletedKeysDisappearEntirely) {
  Put("gone", 10, "v");
  Del("gone", 20);
  Put("kept", 10, "v");
  auto st = engine_->GarbageCollect(T(30));
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->versions_removed, 2u);  // the tombstone and the value under it
  EXPECT_EQ(Get("gone", 30), std::nullopt);
  EXPECT_EQ(Get("kept", 30), "v");
  // A tombstone above the threshold is kept, and so is what it hides.
  Put("late", 10, "v");
  Del("late", 50);
  st = engine_->GarbageCollect(T(40));
  EXPECT_EQ(st->versions_removed, 0u);
  EXPECT_EQ(Get("late", 45), "v");
  EXPECT_EQ(Get("late", 55), std::nullopt);
}

TEST_F(GcTest, IntentsAndInlineValuesAreNeverCollected) {
  TxnId a = TxnId::Random();
  Put("k", 10, "old");
  WriteBatch b;
  b.PutIntent("k", a, T(20), "pending");
  b.PutInline("\x02rec", "record");
  ASSERT_TRUE(engine_->Write(b).ok());
  ASSERT_TRUE(engine_->GarbageCollect(T(100)).ok());
  b.Clear();
  b.ResolveIntent("k", a, true, T(20));
  ASSERT_TRUE(engine_->Write(b).ok());
  EXPECT_EQ(Get("k", 150), "pending");
  EXPECT_EQ(**engine_->GetInline("\x02rec"), "record");
}

TEST_F(GcTest, PinnedReadersHoldTheThresholdBack) {
  Put("k", 10, "v10");
  Put("k", 20, "v20");
  Put("k", 30, "v30");
  {
    std::unique_ptr<ReadPin> pin = engine_->PinReads(T(15));
    auto st = engine_->GarbageCollect(T(35));
    ASSERT_TRUE(st.ok());
    EXPECT_EQ(st->threshold, T(15));
    EXPECT_EQ(Get("k", 15), "v10");
  }
  auto st = engine_->GarbageCollect(T(35));
  EXPECT_EQ(st->threshold, T(35));
  EXPECT_EQ(Get("k", 35), "v30");
}

TEST_F(GcTest, ThresholdNeverMovesBackAndSurvivesRestart) {
  Put("k", 10, "v");
  ASSERT_TRUE(engine_->GarbageCollect(T(50)).ok());
  auto st = engine_->GarbageCollect(T(20));
  EXPECT_EQ(st->threshold, T(50));
  Open();
  EXPECT_EQ(engine_->gc_threshold(), T(50));
  EXPECT_FALSE(engine_->Get("k", ReadOptions{T(40)}).ok());
}

TEST_F(GcTest, ManyKeysAcrossSeveralGcTransactions) {
  for (int round = 1; round <= 3; ++round) {
    WriteBatch b;
    for (int i = 0; i < 2500; ++i) {
      b.Put(absl::StrCat("key", i), T(round * 10), absl::StrCat(round));
    }
    ASSERT_TRUE(engine_->Write(b).ok());
  }
  auto st = engine_->GarbageCollect(T(35));
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->versions_removed, 5000u);
  EXPECT_GE(st->keys_examined, 2500u);
  for (int i = 0; i < 2500; i += 97) {
    EXPECT_EQ(Get(absl::StrCat("key", i), 40), "3");
  }
}

}  // namespace
}  // namespace tessera::storage
