// RangeDescriptor: which span of the key space a range covers and where it
// lives. Descriptors are stored in the meta span under
// keys::RangeMetaKey(end_key) and change only through MVCC batches.

#ifndef TESSERA_KV_RANGE_DESCRIPTOR_H_
#define TESSERA_KV_RANGE_DESCRIPTOR_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace tessera::kv {

struct RangeDescriptor {
  uint64_t range_id = 0;
  std::string start_key;  // inclusive
  std::string end_key;    // exclusive
  std::vector<uint32_t> node_ids;
  // Bumped by every split or move; a newer descriptor supersedes older ones.
  uint64_t generation = 0;

  bool ContainsKey(absl::string_view key) const {
    return key >= start_key && key < end_key;
  }
  // True when [start, end) lies inside this range.
  bool ContainsSpan(absl::string_view start, absl::string_view end) const {
    return start >= start_key && end <= end_key && start <= end;
  }
  // "r7 [/Table/..., /Max) gen 3 on n1".
  std::string ToString() const;

  friend bool operator==(const RangeDescriptor& a, const RangeDescriptor& b) {
    return a.range_id == b.range_id && a.start_key == b.start_key &&
           a.end_key == b.end_key && a.node_ids == b.node_ids &&
           a.generation == b.generation;
  }
};

std::string EncodeRangeDescriptor(const RangeDescriptor& desc);
// kDataLoss on malformed bytes (including start >= end).
absl::StatusOr<RangeDescriptor> DecodeRangeDescriptor(absl::string_view bytes);

// The typed "range moved" error: kFailedPrecondition carrying the descriptor
// that now owns `key`. Senders refresh their cache from it and retry.
absl::Status MakeRangeMovedError(absl::string_view key,
                                 const RangeDescriptor& owner);
// The descriptor carried by a range-moved error, or nullopt.
std::optional<RangeDescriptor> GetRangeMoved(const absl::Status& status);

}  // namespace tessera::kv

#endif  // TESSERA_KV_RANGE_DESCRIPTOR_H_
