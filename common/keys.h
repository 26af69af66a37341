// The layout of the key space.
//
//   ""            .. "\x01"        (unused)
//   "\x01m" + end_key              meta: range descriptors, keyed by the end
//                                  key of the range they describe, so the
//                                  first meta key > "\x01m" + k names the
//                                  range holding k
//   "\x02" ...                     system: transaction records, node records,
//                                  counters, catalog descriptors
//   "\x03" .. kKeyMax              table data: /<table_id>/<index_id>/...
//                                  (key-encoded integers start at 0x05+)
//
// Range 1 spans [kKeyMin, kTableDataStart) and holds meta + system keys; table
// data starts in range 2.

#ifndef TESSERA_COMMON_KEYS_H_
#define TESSERA_COMMON_KEYS_H_

#include <string>
#include "absl/strings/string_view.h"

namespace tessera::keys {

inline constexpr absl::string_view kKeyMin = "";
// Greater than every key a client can write.
inline constexpr absl::string_view kKeyMax = "\xff\xff";
inline constexpr absl::string_view kMetaPrefix = "\x01m";
inline constexpr absl::string_view kSystemPrefix = "\x02";
inline constexpr absl::string_view kTableDataStart = "\x03";

// Meta key of the descriptor of a range that ends (exclusive) at `end_key`.
std::string RangeMetaKey(absl::string_view end_key);
// True when `key` lies in the meta span.
bool IsMetaKey(absl::string_view key);
// The end key encoded in a meta key (its argument must satisfy IsMetaKey).
absl::string_view EndKeyFromMetaKey(absl::string_view meta_key);

// Key of a transaction record; `txn_id` is the 16-byte binary id.
std::string TxnRecordKey(absl::string_view txn_id);
// Counter from which range ids are allocated.
std::string RangeIdCounterKey();
// The highest timestamp this store has written (the clock starts past it
// after a restart).
std::string ClockWatermarkKey();

// Human-readable rendering of a key for errors and SHOW RANGES: printable
// ASCII as is, other bytes as \xNN, with the span name as a prefix
// ("/Meta/...", "/System/...", "/Table/...").
std::string PrettyKey(absl::string_view key);

}  // namespace tessera::keys

#endif  // TESSERA_COMMON_KEYS_H_
