// RangeCache: a gateway's view of which range holds which keys. May be
// stale; a stale entry is corrected by the range-moved error it provokes.
// Thread-safe.

#ifndef TESSERA_KV_RANGE_CACHE_H_
#define TESSERA_KV_RANGE_CACHE_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/btree_map.h"
#include "absl/synchronization/mutex.h"
#include "kv/range_descriptor.h"

namespace tessera::kv {

class RangeCache {
 public:
  // The cached descriptor holding `key`, if any.
  std::optional<RangeDescriptor> Lookup(absl::string_view key) const;
  // The same without copying the descriptor (null when not cached).
  std::shared_ptr<const RangeDescriptor> LookupShared(absl::string_view key) const;
  // Inserts `desc`, dropping cached descriptors that overlap it and are not
  // newer (by generation).
  void Insert(const RangeDescriptor& desc);
  // Drops `desc` if it is still cached.
  void Evict(const RangeDescriptor& desc);
  size_t size() const;

 private:
  mutable absl::Mutex mu_;
  absl::btree_map<std::string, std::shared_ptr<const RangeDescriptor>> by_end_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace tessera::kv

#endif  // TESSERA_KV_RANGE_CACHE_H_
