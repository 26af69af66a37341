#include "storage/txn_record.h"

#include <cstring>

#include "absl/random/random.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_format.h"
#include "common/coding.h"
#include "common/errors.h"
#include "common/keys.h"

namespace tessera::storage {

TxnId TxnId::Random() {
  static absl::Mutex* mu = new absl::Mutex;
  static absl::BitGen* gen = new absl::BitGen;
  TxnId id;
  do {
    absl::MutexLock l(mu);
    uint64_t hi = absl::Uniform<uint64_t>(*gen);
    uint64_t lo = absl::Uniform<uint64_t>(*gen);
    std::memcpy(id.bytes_.data(), &hi, 8);
    std::memcpy(id.bytes_.data() + 8, &lo, 8);
  } while (id.IsZero());
  return id;
}

absl::StatusOr<TxnId> TxnId::FromBytes(absl::string_view bytes) {
  if (bytes.size() != 16) {
    return absl::DataLossError(
        absl::StrFormat("transaction id must be 16 bytes, got %d",
                        bytes.size()));
  }
  TxnId id;
  std::memcpy(id.bytes_.data(), bytes.data(), 16);
  return id;
}

bool TxnId::IsZero() const {
  for (char c : bytes_) {
    if (c != 0) return false;
  }
  return true;
}

std::string TxnId::ToString() const {
  return absl::BytesToHexString(bytes());
}

absl::string_view TxnStatusName(TxnStatus status) {
  switch (status) {
    case TxnStatus::kPending:
      return "PENDING";
    case TxnStatus::kCommitted:
      return "COMMITTED";
    case TxnStatus::kAborted:
      return "ABORTED";
  }
  return "UNKNOWN";
}

namespace {
constexpr uint8_t kRecordVersion = 1;
}  // namespace

std::string EncodeTxnRecord(const TxnRecord& record) {
  std::string out;
  out.push_back(static_cast<char>(kRecordVersion));
  out.append(record.id.bytes().data(), 16);
  out.push_back(static_cast<char>(record.status));
  EncodeTimestamp(record.write_ts, &out);
  EncodeTimestamp(record.last_heartbeat, &out);
  PutLengthPrefixed(&out, record.anchor_key);
  return out;
}

absl::StatusOr<TxnRecord> DecodeTxnRecord(absl::string_view in) {
  uint8_t version = 0, status = 0;
  if (absl::Status s = GetByte(&in, &version); !s.ok()) return s;
  if (version != kRecordVersion) {
    return absl::DataLossError(
        absl::StrFormat("transaction record has unknown version %d", version));
  }
  if (in.size() < 16) return absl::DataLossError("truncated transaction id");
  TxnRecord r;
  absl::StatusOr<TxnId> id = TxnId::FromBytes(in.substr(0, 16));
  if (!id.ok()) return id.status();
  r.id = *id;
  in.remove_prefix(16);
  if (absl::Status s = GetByte(&in, &status); !s.ok()) return s;
  if (status < 1 || status > 3) {
    return absl::DataLossError("transaction record has an unknown status");
  }
  r.status = static_cast<TxnStatus>(status);
  if (absl::Status s = DecodeTimestamp(&in, &r.write_ts); !s.ok()) return s;
  if (absl::Status s = DecodeTimestamp(&in, &r.last_heartbeat); !s.ok()) {
    return s;
  }
  absl::string_view anchor;
  if (absl::Status s = GetLengthPrefixed(&in, &anchor); !s.ok()) return s;
  r.anchor_key = std::string(anchor);
  if (!in.empty()) {
    return absl::DataLossError("trailing bytes after transaction record");
  }
  return r;
}

absl::Status MakeIntentConflictError(absl::string_view key, const TxnId& txn,
                                     Timestamp intent_ts) {
  std::string detail;
  PutLengthPrefixed(&detail, key);
  detail.append(txn.bytes().data(), 16);
  EncodeTimestamp(intent_ts, &detail);
  return MakeTypedError(
      absl::StatusCode::kFailedPrecondition,
      absl::StrFormat("conflicting intent on key %s of transaction %s at %s",
                      keys::PrettyKey(key), txn.Short(), intent_ts.ToString()),
      ErrorKind::kIntentConflict, detail);
}

std::optional<IntentConflict> GetIntentConflict(const absl::Status& status) {
  std::optional<ErrorDetail> d = GetErrorDetail(status);
  if (!d.has_value() || d->kind != ErrorKind::kIntentConflict) {
    return std::nullopt;
  }
  absl::string_view in = d->bytes;
  absl::string_view key;
  if (!GetLengthPrefixed(&in, &key).ok() || in.size() < 16) return std::nullopt;
  IntentConflict c;
  c.key = std::string(key);
  c.txn_id = *TxnId::FromBytes(in.substr(0, 16));
  in.remove_prefix(16);
  if (!DecodeTimestamp(&in, &c.intent_ts).ok()) return std::nullopt;
  return c;
}

absl::Status MakeWriteTooOldError(absl::string_view key, Timestamp write_ts,
                                  Timestamp existing_ts) {
  std::string detail;
  EncodeTimestamp(existing_ts, &detail);
  return MakeTypedError(
      absl::StatusCode::kAborted,
      absl::StrFormat("write at %s to key %s is below its committed version "
                      "at %s; retry at a higher timestamp",
                      write_ts.ToString(), keys::PrettyKey(key),
                      existing_ts.ToString()),
      ErrorKind::kWriteTooOld, detail);
}

std::optional<Timestamp> GetWriteTooOld(const absl::Status& status) {
  std::optional<ErrorDetail> d = GetErrorDetail(status);
  if (!d.has_value() || d->kind != ErrorKind::kWriteTooOld) return std::nullopt;
  absl::string_view in = d->bytes;
  Timestamp ts;
  if (!DecodeTimestamp(&in, &ts).ok()) return std::nullopt;
  return ts;
}

}  // namespace tessera::storage
