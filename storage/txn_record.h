// Transaction identity and the durable transaction record.
//
// The record lives in the system span under keys::TxnRecordKey(id) as an
// unversioned value. Its status is the commit point of a distributed
// transaction: an intent is committed exactly when its record says COMMITTED.

#ifndef TESSERA_STORAGE_TXN_RECORD_H_
#define TESSERA_STORAGE_TXN_RECORD_H_

#include <array>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/hlc.h"

namespace tessera::storage {

// A 128-bit random transaction id. Copyable value type.
class TxnId {
 public:
  TxnId() { bytes_.fill(0); }
  // A fresh random id (never all zeros).
  static TxnId Random();
  // From exactly 16 bytes; kDataLoss otherwise.
  static absl::StatusOr<TxnId> FromBytes(absl::string_view bytes);

  absl::string_view bytes() const {
    return absl::string_view(bytes_.data(), bytes_.size());
  }
  bool IsZero() const;
  // 32 lowercase hex digits.
  std::string ToString() const;
  // The first 8 hex digits, for messages.
  std::string Short() const { return ToString().substr(0, 8); }

  friend bool operator==(const TxnId& a, const TxnId& b) {
    return a.bytes_ == b.bytes_;
  }
  friend bool operator!=(const TxnId& a, const TxnId& b) { return !(a == b); }
  template <typename H>
  friend H AbslHashValue(H h, const TxnId& id) {
    return H::combine(std::move(h), id.bytes());
  }

 private:
  std::array<char, 16> bytes_;
};

enum class TxnStatus : uint8_t {
  kPending = 1,
  kCommitted = 2,
  kAborted = 3,
};

// "PENDING", "COMMITTED" or "ABORTED".
absl::string_view TxnStatusName(TxnStatus status);

struct TxnRecord {
  TxnId id;
  TxnStatus status = TxnStatus::kPending;
  // The timestamp the transaction writes (and, once COMMITTED, commits) at.
  Timestamp write_ts;
  // Last time the coordinator proved it is alive.
  Timestamp last_heartbeat;
  // The key whose range holds this record (the first written key).
  std::string anchor_key;
};

std::string EncodeTxnRecord(const TxnRecord& record);
// kDataLoss on malformed bytes.
absl::StatusOr<TxnRecord> DecodeTxnRecord(absl::string_view bytes);

// What a reader or writer met: another transaction's intent.
struct IntentConflict {
  std::string key;
  TxnId txn_id;
  Timestamp intent_ts;
};

// kFailedPrecondition carrying ErrorKind::kIntentConflict.
absl::Status MakeIntentConflictError(absl::string_view key, const TxnId& txn,
                                     Timestamp intent_ts);
// The conflict inside `status`, or nullopt when it is not an intent conflict.
std::optional<IntentConflict> GetIntentConflict(const absl::Status& status);

// kAborted carrying ErrorKind::kWriteTooOld: a write at `write_ts` met a
// committed version at `existing_ts` >= write_ts. Retry above existing_ts.
absl::Status MakeWriteTooOldError(absl::string_view key, Timestamp write_ts,
                                  Timestamp existing_ts);
// The existing timestamp inside `status`, or nullopt.
std::optional<Timestamp> GetWriteTooOld(const absl::Status& status);

}  // namespace tessera::storage

#endif  // TESSERA_STORAGE_TXN_RECORD_H_
