// LocalTransport: delivers batches to Stores in this process. It is the
// embedded-mode transport: a cluster of one (or, in tests, several) nodes
// without a network. Thread-safe.

#ifndef TESSERA_KV_LOCAL_TRANSPORT_H_
#define TESSERA_KV_LOCAL_TRANSPORT_H_

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "kv/sender.h"
#include "kv/store.h"

namespace tessera::kv {

class LocalTransport : public Transport {
 public:
  // Makes `store` reachable as its node id. Not owned; must outlive every
  // call that may reach it (or be removed first).
  void AddStore(Store* store);
  void RemoveStore(uint32_t node_id);

  absl::StatusOr<BatchResponse> SendToNode(
      uint32_t node_id, const BatchRequest& request) override;
  absl::StatusOr<RangeDescriptor> LookupRange(uint32_t node_id,
                                              absl::string_view key) override;
  absl::StatusOr<Timestamp> NewReadTimestamp(uint32_t node_id) override;
  absl::StatusOr<Timestamp> CommitOnePhase(
      uint32_t node_id, const OnePhaseCommitRequest& request) override;
  // Reads through Store::Get, without a batch.
  absl::Status Get(uint32_t node_id, const BatchHeader& header, absl::string_view key,
                   std::string* value, bool* found) override;
  // Visits the store's rows in place (Store::StreamScan).
  absl::Status StreamScan(uint32_t node_id, const BatchHeader& header,
                          const KvRequest& scan, RowVisitor visit) override;

 private:
  absl::StatusOr<Store*> Find(uint32_t node_id);

  absl::Mutex mu_;
  absl::flat_hash_map<uint32_t, Store*> stores_ ABSL_GUARDED_BY(mu_);
};

}  // namespace tessera::kv

#endif  // TESSERA_KV_LOCAL_TRANSPORT_H_
