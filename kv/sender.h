// The seams between the SQL/transaction layers and the network.
//
// Sender: what code above kv/ calls. It takes key-addressed requests and
//   hides which ranges and nodes serve them.
// Transport: how a Sender reaches one node. Today LocalTransport (an
//   in-process call); later a gRPC client in net/. Nothing above kv/ knows
//   which.

#ifndef TESSERA_KV_SENDER_H_
#define TESSERA_KV_SENDER_H_

#include <cstdint>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "kv/api.h"
#include "kv/range_descriptor.h"

namespace tessera::kv {

// Receives scanned rows one at a time; returns false to stop the scan. The
// views are valid only during the call.
using RowVisitor =
    absl::FunctionRef<bool(absl::string_view key, absl::string_view value)>;

class Sender {
 public:
  virtual ~Sender() = default;
  // Executes `request` (header.range_id is ignored: requests are routed by
  // key). Implementations are thread-safe.
  virtual absl::StatusOr<BatchResponse> Send(const BatchRequest& request) = 0;
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Sends a batch addressed to one range on `node_id`. kUnavailable when the
  // node cannot be reached (the caller may retry).
  virtual absl::StatusOr<BatchResponse> SendToNode(
      uint32_t node_id, const BatchRequest& request) = 0;
  // A read timestamp from `node_id` (see Store::NewReadTimestamp).
  virtual absl::StatusOr<Timestamp> NewReadTimestamp(uint32_t node_id) = 0;
  // Commits a single-node transaction on `node_id` (Store::CommitOnePhase).
  virtual absl::StatusOr<Timestamp> CommitOnePhase(
      uint32_t node_id, const OnePhaseCommitRequest& request) = 0;
  // Asks `node_id` which range holds `key` (meta lookup).
  virtual absl::StatusOr<RangeDescriptor> LookupRange(
      uint32_t node_id, absl::string_view key) = 0;

  // Visits, in scan order, the rows of `scan` (a Scan request, its max_rows
  // ignored) addressed by header.range_id to one range on `node_id`, until
  // the span ends or `visit` returns false. On an error some rows may have
  // been visited already; a routing error (range moved) may arrive after
  // them. This default fetches pages of kStreamPageRows through
  // SendToNode; an in-process transport visits the stored rows without
  // copying them.
  virtual absl::Status StreamScan(uint32_t node_id, const BatchHeader& header,
                                  const KvRequest& scan, RowVisitor visit);

  static constexpr size_t kStreamPageRows = 1024;

  // Reads one key at header.ts from the range header.range_id on `node_id`:
  // sets *found and, when found, *value. The default sends a one-request
  // batch through SendToNode; an in-process transport reads directly.
  virtual absl::Status Get(uint32_t node_id, const BatchHeader& header,
                           absl::string_view key, std::string* value, bool* found);
};

}  // namespace tessera::kv

#endif  // TESSERA_KV_SENDER_H_
