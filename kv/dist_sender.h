// DistSender: the gateway's Sender. Routes each request by key through a
// RangeCache, splits scans at range boundaries, and on a range-moved answer
// refreshes the cache from the error and retries.
//
// Requests that touch several ranges are not atomic across them; atomicity
// across ranges is the transaction layer's job. Thread-safe.

#ifndef TESSERA_KV_DIST_SENDER_H_
#define TESSERA_KV_DIST_SENDER_H_

#include <atomic>
#include <cstdint>
#include <memory>

#include "kv/range_cache.h"
#include "kv/sender.h"

namespace tessera::kv {

class DistSender : public Sender {
 public:
  // `transport` is not owned. Cache misses are looked up on `seed_node`.
  DistSender(Transport* transport, uint32_t seed_node)
      : transport_(transport), seed_node_(seed_node) {}

  absl::StatusOr<BatchResponse> Send(const BatchRequest& request) override;

  // Visits the rows of [start, end) ("" end: to the end of the key space)
  // at header.ts in key order (descending if `reverse`), range by range,
  // without building pages where the transport can avoid it. `visit`
  // returns false to stop. Re-routes after range moves without visiting a
  // row twice.
  absl::Status StreamScan(const BatchHeader& header, absl::string_view start,
                          absl::string_view end, bool reverse, RowVisitor visit);

  // Reads one key at header.ts (header.range_id is ignored): sets *found
  // and, when found, *value. Re-routes after range moves.
  absl::Status Get(const BatchHeader& header, absl::string_view key, std::string* value,
                   bool* found);

  // The range holding `key`, from the cache or a meta lookup.
  absl::StatusOr<RangeDescriptor> RangeFor(absl::string_view key);
  // The same, sharing the cached descriptor instead of copying it.
  absl::StatusOr<std::shared_ptr<const RangeDescriptor>> RouteFor(absl::string_view key);

  // The ranges holding any key of [start, end), in key order, as the range
  // cache knows them (a cached range may since have split; requests sent to
  // it are re-routed, so callers get correct answers either way).
  absl::StatusOr<std::vector<RangeDescriptor>> RangesIn(absl::string_view start,
                                                        absl::string_view end);

  RangeCache& cache() { return cache_; }
  // How often a request was re-routed after a range-moved error.
  uint64_t range_moved_retries() const { return retries_.load(); }

  // Attempts per request before a persistent routing error is returned.
  static constexpr int kMaxAttempts = 16;

 private:
  // Addresses `header` to the range `desc` and returns the node to send to.
  absl::StatusOr<uint32_t> Address(const RangeDescriptor& desc, BatchHeader* header) const;
  // True if `s` says the range `desc` moved; the cache then holds the
  // range's new descriptor instead.
  bool RefreshIfMoved(const RangeDescriptor& desc, const absl::Status& s);
  // Sends `batch` (all of whose requests lie in `desc`) and returns its
  // responses; on a range-moved error updates the cache and returns it.
  absl::StatusOr<BatchResponse> SendToRange(const RangeDescriptor& desc,
                                            BatchRequest batch);
  absl::Status SendPoints(const BatchRequest& request,
                          const std::vector<size_t>& indices,
                          BatchResponse* response);
  absl::Status SendScan(const BatchHeader& header, const KvRequest& scan,
                        KvResponse* out);

  Transport* const transport_;
  const uint32_t seed_node_;
  RangeCache cache_;
  std::atomic<uint64_t> retries_{0};
};

}  // namespace tessera::kv

#endif  // TESSERA_KV_DIST_SENDER_H_
