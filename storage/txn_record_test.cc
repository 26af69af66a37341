#include "storage/txn_record.h"

#include <gtest/gtest.h>

#include "absl/container/flat_hash_set.h"
#include "common/errors.h"

namespace tessera::storage {
namespace {

TEST(TxnIdTest, RandomIdsAreDistinctAndNonZero) {
  absl::flat_hash_set<TxnId> seen;
  for (int i = 0; i < 10000; ++i) {
    TxnId id = TxnId::Random();
    EXPECT_FALSE(id.IsZero());
    EXPECT_TRUE(seen.insert(id).second);
  }
  EXPECT_TRUE(TxnId().IsZero());
  EXPECT_EQ(TxnId().ToString(), std::string(32, '0'));
  EXPECT_FALSE(TxnId::FromBytes("short").ok());
}

TEST(TxnRecordTest, RoundTrip) {
  TxnRecord r;
  r.id = TxnId::Random();
  r.status = TxnStatus::kCommitted;
  r.write_ts = Timestamp{1000, 3};
  r.last_heartbeat = Timestamp{999, 1};
  r.anchor_key = std::string("\x05k\x00y", 4);
  absl::StatusOr<TxnRecord> back = DecodeTxnRecord(EncodeTxnRecord(r));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->id, r.id);
  EXPECT_EQ(back->status, TxnStatus::kCommitted);
  EXPECT_EQ(back->write_ts, r.write_ts);
  EXPECT_EQ(back->last_heartbeat, r.last_heartbeat);
  EXPECT_EQ(back->anchor_key, r.anchor_key);
  EXPECT_EQ(TxnStatusName(back->status), "COMMITTED");
}

TEST(TxnRecordTest, EveryTruncationIsAnError) {
  TxnRecord r;
  r.id = TxnId::Random();
  r.anchor_key = "anchor";
  std::string enc = EncodeTxnRecord(r);
  for (size_t n = 0; n < enc.size(); ++n) {
    EXPECT_FALSE(DecodeTxnRecord(enc.substr(0, n)).ok()) << n;
  }
  EXPECT_FALSE(DecodeTxnRecord(enc + "x").ok());
  std::string bad_status = enc;
  bad_status[17] = 9;
  EXPECT_FALSE(DecodeTxnRecord(bad_status).ok());
  std::string bad_version = enc;
  bad_version[0] = 7;
  EXPECT_FALSE(DecodeTxnRecord(bad_version).ok());
}

TEST(TxnErrorsTest, IntentConflictCarriesItsDetails) {
  TxnId id = TxnId::Random();
  absl::Status s = MakeIntentConflictError("k1", id, Timestamp{5, 1});
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  std::optional<IntentConflict> c = GetIntentConflict(s);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->key, "k1");
  EXPECT_EQ(c->txn_id, id);
  EXPECT_EQ(c->intent_ts, (Timestamp{5, 1}));
  EXPECT_FALSE(GetWriteTooOld(s).has_value());
}

TEST(TxnErrorsTest, WriteTooOldCarriesExistingTimestamp) {
  absl::Status s = MakeWriteTooOldError("k", Timestamp{3, 0}, Timestamp{7, 2});
  EXPECT_EQ(s.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(GetWriteTooOld(s), (Timestamp{7, 2}));
  EXPECT_FALSE(GetIntentConflict(s).has_value());
  EXPECT_FALSE(GetIntentConflict(absl::InternalError("x")).has_value());
}

}  // namespace
}  // namespace tessera::storage
