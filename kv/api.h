// The KV request and response types every Sender speaks. Plain structs; the
// network layer (net/) translates them to and from protobuf.

#ifndef TESSERA_KV_API_H_
#define TESSERA_KV_API_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "common/hlc.h"
#include "storage/txn_record.h"
#include "storage/write_batch.h"

namespace tessera::kv {

struct KvRequest {
  enum class Type : uint8_t { kGet, kPut, kDelete, kScan };
  Type type = Type::kGet;
  std::string key;      // Get/Put/Delete key; Scan start (inclusive)
  std::string end_key;  // Scan end (exclusive)
  std::string value;    // Put
  size_t max_rows = 0;  // Scan: 0 = unlimited
  bool reverse = false;

  static KvRequest Get(std::string key);
  static KvRequest Put(std::string key, std::string value);
  static KvRequest Delete(std::string key);
  static KvRequest Scan(std::string start, std::string end, size_t max_rows = 0,
                        bool reverse = false);
  bool is_write() const { return type == Type::kPut || type == Type::kDelete; }
};

struct KvResponse {
  bool found = false;  // Get
  std::string value;   // Get
  std::vector<std::pair<std::string, std::string>> rows;  // Scan
  bool more = false;        // Scan stopped at max_rows
  std::string resume_key;   // Scan: where to continue when more
};

struct BatchHeader {
  // Reads happen and non-transactional writes commit at this timestamp.
  Timestamp ts;
  // Set for transactional requests: writes become intents of this txn and
  // its own intents are visible to its reads.
  std::optional<storage::TxnId> txn;
  // Filled by the DistSender when addressing one range.
  uint64_t range_id = 0;
  uint64_t generation = 0;
};

struct BatchRequest {
  BatchHeader header;
  std::vector<KvRequest> requests;
};

// A transaction whose writes all live on one node commits in one storage
// batch: its reads are validated (nothing written in them after read_ts) and
// its writes applied at a commit timestamp the node picks, atomically.
//
// The writes are views: the sender keeps their bytes alive until
// CommitOnePhase() returns (a network transport copies them into its
// message), so a large transaction's writes go to storage without being
// copied on the way.
using Mutation = storage::Mutation;

struct OnePhaseCommitRequest {
  Timestamp read_ts;
  // Read spans to validate: (start, end); end "" means the single key start.
  std::vector<std::pair<std::string, std::string>> read_spans;
  std::vector<Mutation> writes;
};

struct BatchResponse {
  std::vector<KvResponse> responses;  // one per request, same order
};

}  // namespace tessera::kv

#endif  // TESSERA_KV_API_H_
