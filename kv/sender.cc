#include "kv/sender.h"

namespace tessera::kv {

absl::Status Transport::StreamScan(uint32_t node_id, const BatchHeader& header,
                                   const KvRequest& scan, RowVisitor visit) {
  BatchRequest page;
  page.header = header;
  page.requests.push_back(
      KvRequest::Scan(scan.key, scan.end_key, kStreamPageRows, scan.reverse));
  while (true) {
    absl::StatusOr<BatchResponse> r = SendToNode(node_id, page);
    if (!r.ok()) return r.status();
    KvResponse& rows = r->responses.front();
    for (const auto& [key, value] : rows.rows) {
      if (!visit(key, value)) return absl::OkStatus();
    }
    if (!rows.more) return absl::OkStatus();
    KvRequest& next = page.requests.front();
    (scan.reverse ? next.end_key : next.key) = std::move(rows.resume_key);
  }
}

absl::Status Transport::Get(uint32_t node_id, const BatchHeader& header,
                            absl::string_view key, std::string* value, bool* found) {
  BatchRequest request;
  request.header = header;
  request.requests.push_back(KvRequest::Get(std::string(key)));
  absl::StatusOr<BatchResponse> r = SendToNode(node_id, request);
  if (!r.ok()) return r.status();
  KvResponse& response = r->responses.front();
  *found = response.found;
  if (response.found) *value = std::move(response.value);
  return absl::OkStatus();
}

}  // namespace tessera::kv
