#include "kv/local_transport.h"

#include "absl/strings/str_format.h"

namespace tessera::kv {

void LocalTransport::AddStore(Store* store) {
  absl::MutexLock l(&mu_);
  stores_[store->node_id()] = store;
}

void LocalTransport::RemoveStore(uint32_t node_id) {
  absl::MutexLock l(&mu_);
  stores_.erase(node_id);
}

absl::StatusOr<Store*> LocalTransport::Find(uint32_t node_id) {
  absl::ReaderMutexLock l(&mu_);
  auto it = stores_.find(node_id);
  if (it == stores_.end()) {
    return absl::UnavailableError(
        absl::StrFormat("node %d is not reachable", node_id));
  }
  return it->second;
}

absl::StatusOr<BatchResponse> LocalTransport::SendToNode(
    uint32_t node_id, const BatchRequest& request) {
  absl::StatusOr<Store*> store = Find(node_id);
  if (!store.ok()) return store.status();
  return (*store)->Execute(request);
}

absl::StatusOr<RangeDescriptor> LocalTransport::LookupRange(
    uint32_t node_id, absl::string_view key) {
  absl::StatusOr<Store*> store = Find(node_id);
  if (!store.ok()) return store.status();
  return (*store)->LookupRange(key);
}

absl::StatusOr<Timestamp> LocalTransport::NewReadTimestamp(uint32_t node_id) {
  absl::StatusOr<Store*> store = Find(node_id);
  if (!store.ok()) return store.status();
  return (*store)->NewReadTimestamp();
}

absl::StatusOr<Timestamp> LocalTransport::CommitOnePhase(
    uint32_t node_id, const OnePhaseCommitRequest& request) {
  absl::StatusOr<Store*> store = Find(node_id);
  if (!store.ok()) return store.status();
  return (*store)->CommitOnePhase(request);
}

absl::Status LocalTransport::Get(uint32_t node_id, const BatchHeader& header,
                                 absl::string_view key, std::string* value, bool* found) {
  absl::StatusOr<Store*> store = Find(node_id);
  if (!store.ok()) return store.status();
  return (*store)->Get(header, key, value, found);
}

absl::Status LocalTransport::StreamScan(uint32_t node_id, const BatchHeader& header,
                                       const KvRequest& scan, RowVisitor visit) {
  absl::StatusOr<Store*> store = Find(node_id);
  if (!store.ok()) return store.status();
  return (*store)->StreamScan(header, scan, visit);
}

}  // namespace tessera::kv
