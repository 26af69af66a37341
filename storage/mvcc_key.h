// MVCC key and version layout inside LMDB.
//
// An LMDB key is the user key followed by a 12-byte inverted timestamp
// (~wall_ms, ~logical, big-endian), so all versions of one user key are
// adjacent and the newest comes first. Timestamp zero inverts to twelve 0xFF
// bytes and is used for unversioned ("inline") system values.
//
// An LMDB value starts with a one-byte VersionKind; intents then carry the
// 16-byte id of the transaction that wrote them; the rest is the payload.

#ifndef TESSERA_STORAGE_MVCC_KEY_H_
#define TESSERA_STORAGE_MVCC_KEY_H_

#include <lmdb.h>

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/hlc.h"

namespace tessera::storage {

inline constexpr size_t kTimestampSuffixSize = 12;
inline constexpr size_t kTxnIdSize = 16;

// Appends user_key + inverted(ts) to `*dst`.
void AppendMvccKey(std::string* dst, absl::string_view user_key, Timestamp ts);

// Splits an LMDB key into user key and timestamp. Returns false when `raw` is
// shorter than the suffix (a corrupt key).
bool SplitMvccKey(absl::string_view raw, absl::string_view* user_key,
                  Timestamp* ts);

// LMDB comparator: user keys bytewise (shorter first on a tie), then suffix.
int CompareMvccKeys(const MDB_val* a, const MDB_val* b);

enum class VersionKind : uint8_t {
  kValue = 1,
  kTombstone = 2,
  kIntentValue = 3,
  kIntentTombstone = 4,
  kInline = 5,
};

inline bool IsIntent(VersionKind k) {
  return k == VersionKind::kIntentValue || k == VersionKind::kIntentTombstone;
}
inline bool IsTombstone(VersionKind k) {
  return k == VersionKind::kTombstone || k == VersionKind::kIntentTombstone;
}

// A decoded LMDB value; the views alias the LMDB page (valid for the read
// transaction that produced them).
struct VersionView {
  VersionKind kind = VersionKind::kValue;
  absl::string_view txn_id;  // kTxnIdSize bytes for intents, else empty
  absl::string_view payload;
};

// Bytes an encoded version of this shape occupies.
size_t EncodedVersionSize(VersionKind kind, size_t payload_size);
// Writes the encoded version into `dst`, which has EncodedVersionSize() bytes.
// `txn_id` must have kTxnIdSize bytes for intents and is ignored otherwise.
void EncodeVersionInto(char* dst, VersionKind kind, absl::string_view txn_id,
                       absl::string_view payload);
// kDataLoss on a malformed value.
absl::Status DecodeVersion(absl::string_view raw, VersionView* out);

}  // namespace tessera::storage

#endif  // TESSERA_STORAGE_MVCC_KEY_H_
