#include "kv/dist_sender.h"

#include "absl/container/btree_map.h"
#include "absl/strings/str_format.h"
#include "common/keys.h"

namespace tessera::kv {

absl::StatusOr<RangeDescriptor> DistSender::RangeFor(absl::string_view key) {
  absl::StatusOr<std::shared_ptr<const RangeDescriptor>> d = RouteFor(key);
  if (!d.ok()) return d.status();
  return **d;
}

absl::StatusOr<std::shared_ptr<const RangeDescriptor>> DistSender::RouteFor(
    absl::string_view key) {
  if (std::shared_ptr<const RangeDescriptor> d = cache_.LookupShared(key)) return d;
  absl::StatusOr<RangeDescriptor> d = transport_->LookupRange(seed_node_, key);
  if (!d.ok()) return d.status();
  cache_.Insert(*d);
  return std::make_shared<const RangeDescriptor>(*std::move(d));
}

absl::StatusOr<std::vector<RangeDescriptor>> DistSender::RangesIn(
    absl::string_view start, absl::string_view end) {
  std::vector<RangeDescriptor> out;
  std::string key(start);
  while (key < end) {
    absl::StatusOr<RangeDescriptor> d = RangeFor(key);
    if (!d.ok()) return d.status();
    if (d->end_key <= key) {
      return absl::InternalError(
          absl::StrFormat("range %s does not advance past its start", d->ToString()));
    }
    key = d->end_key;
    out.push_back(*std::move(d));
  }
  return out;
}

absl::StatusOr<uint32_t> DistSender::Address(const RangeDescriptor& desc,
                                             BatchHeader* header) const {
  if (desc.node_ids.empty()) {
    return absl::InternalError(absl::StrFormat("range %s has no nodes", desc.ToString()));
  }
  header->range_id = desc.range_id;
  header->generation = desc.generation;
  return desc.node_ids.front();
}

bool DistSender::RefreshIfMoved(const RangeDescriptor& desc, const absl::Status& s) {
  std::optional<RangeDescriptor> moved = GetRangeMoved(s);
  if (!moved.has_value()) return false;
  cache_.Evict(desc);
  cache_.Insert(*moved);
  retries_.fetch_add(1);
  return true;
}

absl::StatusOr<BatchResponse> DistSender::SendToRange(
    const RangeDescriptor& desc, BatchRequest batch) {
  absl::StatusOr<uint32_t> node = Address(desc, &batch.header);
  if (!node.ok()) return node.status();
  absl::StatusOr<BatchResponse> r = transport_->SendToNode(*node, batch);
  if (!r.ok()) RefreshIfMoved(desc, r.status());
  return r;
}

absl::Status DistSender::SendPoints(const BatchRequest& request,
                                    const std::vector<size_t>& indices,
                                    BatchResponse* response) {
  if (indices.size() == 1) {
    // One key (a point read): no grouping by range needed.
    const KvRequest& req = request.requests[indices[0]];
    absl::Status last_moved;
    for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
      absl::StatusOr<std::shared_ptr<const RangeDescriptor>> d = RouteFor(req.key);
      if (!d.ok()) return d.status();
      BatchRequest sub;
      sub.header = request.header;
      sub.requests.push_back(req);
      absl::StatusOr<BatchResponse> r = SendToRange(**d, std::move(sub));
      if (r.ok()) {
        response->responses[indices[0]] = std::move(r->responses.front());
        return absl::OkStatus();
      }
      if (!GetRangeMoved(r.status()).has_value()) return r.status();
      last_moved = r.status();
    }
    return last_moved;
  }
  std::vector<size_t> pending = indices;
  for (int attempt = 0; !pending.empty(); ++attempt) {
    // Group by range in key order, so a multi-range write touches ranges in a
    // stable order.
    absl::btree_map<std::string, std::pair<RangeDescriptor, std::vector<size_t>>>
        groups;
    for (size_t i : pending) {
      absl::StatusOr<RangeDescriptor> d = RangeFor(request.requests[i].key);
      if (!d.ok()) return d.status();
      auto& g = groups[d->start_key];
      g.first = *d;
      g.second.push_back(i);
    }
    std::vector<size_t> retry;
    absl::Status last_moved;
    for (auto& [start, group] : groups) {
      BatchRequest sub;
      sub.header = request.header;
      for (size_t i : group.second) sub.requests.push_back(request.requests[i]);
      absl::StatusOr<BatchResponse> r = SendToRange(group.first, std::move(sub));
      if (!r.ok()) {
        if (GetRangeMoved(r.status()).has_value()) {
          last_moved = r.status();
          retry.insert(retry.end(), group.second.begin(), group.second.end());
          continue;
        }
        return r.status();
      }
      for (size_t j = 0; j < group.second.size(); ++j) {
        response->responses[group.second[j]] = std::move(r->responses[j]);
      }
    }
    if (!retry.empty() && attempt + 1 >= kMaxAttempts) return last_moved;
    pending = std::move(retry);
  }
  return absl::OkStatus();
}

absl::Status DistSender::SendScan(const BatchHeader& header,
                                  const KvRequest& scan, KvResponse* out) {
  std::string start = scan.key;
  std::string end = scan.end_key.empty() ? std::string(keys::kKeyMax)
                                         : scan.end_key;
  int attempts = 0;
  while (start < end) {
    size_t remaining = 0;
    if (scan.max_rows != 0) {
      remaining = scan.max_rows - out->rows.size();
      if (remaining == 0) {
        out->more = true;
        out->resume_key = scan.reverse ? end : start;
        return absl::OkStatus();
      }
    }
    // Forward: the range holding start; reverse: the range holding the last
    // key before end.
    absl::StatusOr<RangeDescriptor> d;
    if (scan.reverse) {
      // The range holding the last key before `end`: the first range, walking
      // right from `start`, whose end is at or past `end`.
      d = RangeFor(start);
      while (d.ok() && d->end_key < end) d = RangeFor(d->end_key);
    } else {
      d = RangeFor(start);
    }
    if (!d.ok()) return d.status();
    BatchRequest sub;
    sub.header = header;
    std::string sub_start = std::max(start, d->start_key);
    std::string sub_end = std::min(end, d->end_key);
    sub.requests.push_back(
        KvRequest::Scan(sub_start, sub_end, remaining, scan.reverse));
    absl::StatusOr<BatchResponse> r = SendToRange(*d, std::move(sub));
    if (!r.ok()) {
      if (GetRangeMoved(r.status()).has_value() &&
          ++attempts < kMaxAttempts) {
        continue;
      }
      return r.status();
    }
    KvResponse& part = r->responses.front();
    for (auto& row : part.rows) out->rows.push_back(std::move(row));
    if (part.more) {
      out->more = true;
      out->resume_key = std::move(part.resume_key);
      return absl::OkStatus();
    }
    if (scan.reverse) {
      end = sub_start;
    } else {
      start = sub_end;
    }
  }
  return absl::OkStatus();
}

absl::Status DistSender::Get(const BatchHeader& header, absl::string_view key,
                             std::string* value, bool* found) {
  if (key >= keys::kKeyMax) {
    return absl::InvalidArgumentError(
        absl::StrFormat("key %s is outside the key space", keys::PrettyKey(key)));
  }
  absl::Status last_moved;
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    absl::StatusOr<std::shared_ptr<const RangeDescriptor>> d = RouteFor(key);
    if (!d.ok()) return d.status();
    BatchHeader h = header;
    absl::StatusOr<uint32_t> node = Address(**d, &h);
    if (!node.ok()) return node.status();
    absl::Status s = transport_->Get(*node, h, key, value, found);
    if (!RefreshIfMoved(**d, s)) return s;
    last_moved = s;
  }
  return last_moved;
}

absl::Status DistSender::StreamScan(const BatchHeader& header, absl::string_view start_key,
                                    absl::string_view end_key, bool reverse,
                                    RowVisitor visit) {
  std::string start(start_key);
  std::string end = end_key.empty() ? std::string(keys::kKeyMax) : std::string(end_key);
  if (end < start) return absl::InvalidArgumentError("scan end is before its start");
  int attempts = 0;
  // The last key visited (reused buffer): after a range moved mid-span the
  // scan resumes past it.
  std::string last;
  bool visited = false, stopped = false;
  while (start < end) {
    absl::StatusOr<RangeDescriptor> d = RangeFor(start);
    // Reverse: the range holding the last key before `end`.
    while (reverse && d.ok() && d->end_key < end) d = RangeFor(d->end_key);
    if (!d.ok()) return d.status();
    BatchHeader h = header;
    absl::StatusOr<uint32_t> node = Address(*d, &h);
    if (!node.ok()) return node.status();
    std::string sub_start = std::max(start, d->start_key);
    std::string sub_end = std::min(end, d->end_key);
    KvRequest scan = KvRequest::Scan(sub_start, sub_end, 0, reverse);
    visited = false;
    absl::Status s = transport_->StreamScan(
        *node, h, scan, [&](absl::string_view k, absl::string_view v) {
          last.assign(k.data(), k.size());
          visited = true;
          if (visit(k, v)) return true;
          stopped = true;
          return false;
        });
    if (stopped) return s;
    if (!s.ok()) {
      if (!RefreshIfMoved(*d, s) || ++attempts >= kMaxAttempts) return s;
      if (visited) {
        if (reverse) {
          end = last;
        } else {
          start = last;
          start.push_back('\0');  // the next key after `last`
        }
      }
      continue;
    }
    if (reverse) {
      end = sub_start;
    } else {
      start = sub_end;
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<BatchResponse> DistSender::Send(const BatchRequest& request) {
  BatchResponse response;
  response.responses.resize(request.requests.size());
  std::vector<size_t> points;
  for (size_t i = 0; i < request.requests.size(); ++i) {
    const KvRequest& r = request.requests[i];
    if (r.type == KvRequest::Type::kScan) {
      if (!r.end_key.empty() && r.end_key < r.key) {
        return absl::InvalidArgumentError("scan end is before its start");
      }
      continue;
    }
    if (r.key >= keys::kKeyMax) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "key %s is outside the key space", keys::PrettyKey(r.key)));
    }
    points.push_back(i);
  }
  if (!points.empty()) {
    if (absl::Status s = SendPoints(request, points, &response); !s.ok()) {
      return s;
    }
  }
  for (size_t i = 0; i < request.requests.size(); ++i) {
    if (request.requests[i].type != KvRequest::Type::kScan) continue;
    if (absl::Status s = SendScan(request.header, request.requests[i],
                                  &response.responses[i]);
        !s.ok()) {
      return s;
    }
  }
  return response;
}

}  // namespace tessera::kv
