// A Transport for tests that forwards to another one but keeps
// Transport's default StreamScan and Get, which go through SendToNode in
// batches and pages as a network transport does. Tests use it to run the
// paged paths against an in-process store.

#ifndef TESSERA_KV_PAGED_TRANSPORT_H_
#define TESSERA_KV_PAGED_TRANSPORT_H_

#include "kv/sender.h"

namespace tessera::kv {

class PagedTransport : public Transport {
 public:
  // `inner` is not owned and must outlive this.
  explicit PagedTransport(Transport* inner) : inner_(inner) {}

  absl::StatusOr<BatchResponse> SendToNode(uint32_t node, const BatchRequest& r) override {
    return inner_->SendToNode(node, r);
  }
  absl::StatusOr<Timestamp> NewReadTimestamp(uint32_t node) override {
    return inner_->NewReadTimestamp(node);
  }
  absl::StatusOr<Timestamp> CommitOnePhase(uint32_t node,
                                           const OnePhaseCommitRequest& r) override {
    return inner_->CommitOnePhase(node, r);
  }
  absl::StatusOr<RangeDescriptor> LookupRange(uint32_t node, absl::string_view key) override {
    return inner_->LookupRange(node, key);
  }

 private:
  Transport* const inner_;
};

}  // namespace tessera::kv

#endif  // TESSERA_KV_PAGED_TRANSPORT_H_
