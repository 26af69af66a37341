#include "kv/range_cache.h"

#include <vector>

namespace tessera::kv {

std::optional<RangeDescriptor> RangeCache::Lookup(absl::string_view key) const {
  std::shared_ptr<const RangeDescriptor> d = LookupShared(key);
  if (d == nullptr) return std::nullopt;
  return *d;
}

std::shared_ptr<const RangeDescriptor> RangeCache::LookupShared(absl::string_view key) const {
  absl::ReaderMutexLock l(&mu_);
  auto it = by_end_.upper_bound(key);
  if (it == by_end_.end() || !it->second->ContainsKey(key)) return nullptr;
  return it->second;
}

void RangeCache::Insert(const RangeDescriptor& desc) {
  absl::MutexLock l(&mu_);
  std::vector<std::string> overlapping;
  for (auto it = by_end_.upper_bound(desc.start_key); it != by_end_.end();
       ++it) {
    const RangeDescriptor& d = *it->second;
    if (d.start_key >= desc.end_key) break;
    if (d.generation > desc.generation) return;  // we hold newer knowledge
    overlapping.push_back(it->first);
  }
  for (const std::string& end : overlapping) by_end_.erase(end);
  by_end_.emplace(desc.end_key, std::make_shared<const RangeDescriptor>(desc));
}

void RangeCache::Evict(const RangeDescriptor& desc) {
  absl::MutexLock l(&mu_);
  auto it = by_end_.find(desc.end_key);
  if (it != by_end_.end() && *it->second == desc) by_end_.erase(it);
}

size_t RangeCache::size() const {
  absl::ReaderMutexLock l(&mu_);
  return by_end_.size();
}

}  // namespace tessera::kv
