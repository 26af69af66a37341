#include "kv/store.h"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "common/coding.h"
#include "common/keys.h"

namespace tessera::kv {

std::optional<Timestamp> Store::MaybeMarkClock(storage::WriteBatch* batch, Timestamp ts) {
  if (ts.wall_ms < watermark_wall_ms_.load()) return std::nullopt;
  Timestamp mark{ts.wall_ms + kWatermarkLeadMs, 0};
  std::string enc;
  EncodeTimestamp(mark, &enc);
  batch->PutInline(keys::ClockWatermarkKey(), enc);
  return mark;
}

void Store::WatermarkWritten(std::optional<Timestamp> mark) {
  if (!mark.has_value()) return;
  int64_t seen = watermark_wall_ms_.load();
  while (seen < mark->wall_ms && !watermark_wall_ms_.compare_exchange_weak(seen, mark->wall_ms)) {
  }
}

absl::StatusOr<std::unique_ptr<Store>> Store::Open(uint32_t node_id,
                                                   storage::Engine* engine,
                                                   HybridClock* clock) {
  std::unique_ptr<Store> store(new Store(node_id, engine, clock));
  if (absl::Status s = store->LoadOrBootstrap(); !s.ok()) return s;
  return store;
}

absl::Status Store::LoadOrBootstrap() {
  absl::StatusOr<std::optional<std::string>> mark =
      engine_->GetInline(keys::ClockWatermarkKey());
  if (!mark.ok()) return mark.status();
  if (mark->has_value()) {
    absl::string_view in = **mark;
    Timestamp ts;
    if (absl::Status s = DecodeTimestamp(&in, &ts); !s.ok()) return s;
    clock_->ForwardTo(ts);
    watermark_wall_ms_ = ts.wall_ms;
  }
  absl::StatusOr<std::unique_ptr<storage::Snapshot>> snap =
      engine_->NewSnapshot();
  if (!snap.ok()) return snap.status();
  storage::ScanOptions opts;
  opts.read.ts = clock_->Now();
  std::vector<RangeDescriptor> loaded;
  absl::Status decode_error;
  absl::StatusOr<storage::ScanResult> r = (*snap)->Scan(
      keys::RangeMetaKey(""), keys::RangeMetaKey(keys::kKeyMax).append("\xff"),
      opts, [&](absl::string_view key, absl::string_view value) {
        absl::StatusOr<RangeDescriptor> d = DecodeRangeDescriptor(value);
        if (!d.ok()) {
          decode_error = absl::DataLossError(absl::StrFormat(
              "meta entry %s: %s", keys::PrettyKey(key), d.status().message()));
          return false;
        }
        loaded.push_back(*std::move(d));
        return true;
      });
  snap->reset();
  if (!r.ok()) return r.status();
  if (!decode_error.ok()) return decode_error;

  if (loaded.empty()) {
    RangeDescriptor meta{1, std::string(keys::kKeyMin),
                         std::string(keys::kTableDataStart), {node_id_}, 1};
    RangeDescriptor data{2, std::string(keys::kTableDataStart),
                         std::string(keys::kKeyMax), {node_id_}, 1};
    storage::WriteBatch b;
    Timestamp ts = clock_->Now();
    b.Put(keys::RangeMetaKey(meta.end_key), ts, EncodeRangeDescriptor(meta));
    b.Put(keys::RangeMetaKey(data.end_key), ts, EncodeRangeDescriptor(data));
    std::string counter;
    PutFixed64BE(&counter, 2);
    b.PutInline(keys::RangeIdCounterKey(), counter);
    std::optional<Timestamp> mark = MaybeMarkClock(&b, ts);
    if (absl::Status s = engine_->Write(b); !s.ok()) return s;
    WatermarkWritten(mark);
    loaded = {meta, data};
  }
  absl::MutexLock l(&mu_);
  by_end_.clear();
  std::string expected_start(keys::kKeyMin);
  for (RangeDescriptor& d : loaded) {
    if (d.start_key != expected_start) {
      return absl::DataLossError(absl::StrFormat(
          "range descriptors leave a gap or overlap at %s",
          keys::PrettyKey(d.start_key)));
    }
    expected_start = d.end_key;
    std::string end = d.end_key;
    by_end_.emplace(std::move(end), std::move(d));
  }
  return absl::OkStatus();
}

absl::Status Store::NoRangeFor(absl::string_view key) const {
  return absl::UnavailableError(absl::StrFormat("node %d holds no range for key %s", node_id_,
                                                keys::PrettyKey(key)));
}

const RangeDescriptor* Store::FindByKey(absl::string_view key) const {
  auto it = by_end_.upper_bound(key);
  if (it == by_end_.end() || !it->second.ContainsKey(key)) return nullptr;
  return &it->second;
}

absl::StatusOr<RangeDescriptor> Store::LookupRange(
    absl::string_view key) const {
  absl::ReaderMutexLock l(&mu_);
  const RangeDescriptor* d = FindByKey(key);
  if (d == nullptr) {
    return absl::NotFoundError(absl::StrFormat(
        "node %d holds no range for key %s", node_id_, keys::PrettyKey(key)));
  }
  return *d;
}

std::vector<RangeDescriptor> Store::Ranges() const {
  absl::ReaderMutexLock l(&mu_);
  std::vector<RangeDescriptor> out;
  for (const auto& [end, d] : by_end_) out.push_back(d);
  return out;
}

absl::Status Store::CheckAddressing(const BatchRequest& request) const {
  const RangeDescriptor* target = nullptr;
  for (const auto& [end, d] : by_end_) {
    if (d.range_id == request.header.range_id) {
      target = &d;
      break;
    }
  }
  for (const KvRequest& r : request.requests) {
    bool inside;
    if (r.type == KvRequest::Type::kScan) {
      inside = target != nullptr && target->ContainsSpan(r.key, r.end_key);
    } else {
      inside = target != nullptr && target->ContainsKey(r.key);
    }
    if (inside) continue;
    // For a reverse scan the interesting key is the last one of the span.
    const RangeDescriptor* owner = FindByKey(r.key);
    if (owner == nullptr) {
      return NoRangeFor(r.key);
    }
    return MakeRangeMovedError(r.key, *owner);
  }
  return absl::OkStatus();
}

namespace {

// Reads at the header's timestamp, seeing the header's transaction's own
// intents (the header outlives the options).
storage::ReadOptions ReadOptionsFor(const BatchHeader& header) {
  return storage::ReadOptions{header.ts, header.txn.has_value() ? &*header.txn : nullptr};
}

}  // namespace

absl::StatusOr<BatchResponse> Store::Execute(const BatchRequest& request) {
  AwaitInFlightWrites(request);
  absl::ReaderMutexLock l(&mu_);
  if (absl::Status s = CheckAddressing(request); !s.ok()) return s;
  if (request.header.ts.IsZero()) {
    return absl::InvalidArgumentError("batch without a timestamp");
  }
  BatchResponse response;
  response.responses.resize(request.requests.size());
  storage::ReadOptions read = ReadOptionsFor(request.header);
  std::unique_ptr<storage::Snapshot> snap;
  storage::WriteBatch writes;
  for (size_t i = 0; i < request.requests.size(); ++i) {
    const KvRequest& r = request.requests[i];
    KvResponse& out = response.responses[i];
    if (r.is_write()) {
      const bool del = r.type == KvRequest::Type::kDelete;
      if (request.header.txn.has_value()) {
        if (del) {
          writes.DeleteIntent(r.key, *request.header.txn, request.header.ts);
        } else {
          writes.PutIntent(r.key, *request.header.txn, request.header.ts,
                           r.value);
        }
      } else if (del) {
        writes.Delete(r.key, request.header.ts);
      } else {
        writes.Put(r.key, request.header.ts, r.value);
      }
      continue;
    }
    if (snap == nullptr) {
      absl::StatusOr<std::unique_ptr<storage::Snapshot>> s =
          engine_->NewSnapshot();
      if (!s.ok()) return s.status();
      snap = *std::move(s);
    }
    if (r.type == KvRequest::Type::kGet) {
      if (absl::Status s = snap->Get(r.key, read, &out.value, &out.found);
          !s.ok()) {
        return s;
      }
      continue;
    }
    storage::ScanOptions opts;
    opts.read = read;
    opts.max_rows = r.max_rows;
    opts.reverse = r.reverse;
    absl::StatusOr<storage::ScanResult> sr = snap->Scan(
        r.key, r.end_key, opts, [&](absl::string_view k, absl::string_view v) {
          out.rows.emplace_back(std::string(k), std::string(v));
          return true;
        });
    if (!sr.ok()) return sr.status();
    out.more = sr->more;
    out.resume_key = std::move(sr->resume_key);
  }
  snap.reset();
  if (!writes.empty()) {
    std::optional<Timestamp> mark = MaybeMarkClock(&writes, request.header.ts);
    if (absl::Status s = engine_->Write(writes); !s.ok()) return s;
    WatermarkWritten(mark);
  }
  return response;
}

absl::Status Store::StreamScan(const BatchHeader& header, const KvRequest& scan,
                              RowVisitor visit) {
  if (scan.type != KvRequest::Type::kScan) {
    return absl::InvalidArgumentError("StreamScan takes a Scan request");
  }
  BatchRequest request;
  request.header = header;
  request.requests.push_back(scan);
  AwaitInFlightWrites(request);
  {
    // Not held while rows are visited: the visitor may read through this
    // store again (a subquery), and a split only moves descriptors, never
    // the rows this snapshot sees.
    absl::ReaderMutexLock l(&mu_);
    if (absl::Status s = CheckAddressing(request); !s.ok()) return s;
  }
  if (header.ts.IsZero()) return absl::InvalidArgumentError("scan without a timestamp");
  absl::StatusOr<std::unique_ptr<storage::Snapshot>> snap = engine_->NewSnapshot();
  if (!snap.ok()) return snap.status();
  storage::ScanOptions opts;
  opts.read = ReadOptionsFor(header);
  opts.reverse = scan.reverse;
  absl::StatusOr<storage::ScanResult> r = (*snap)->Scan(scan.key, scan.end_key, opts, visit);
  return r.status();
}

Timestamp Store::NewReadTimestamp() {
  // Under the lock that registers commits: every commit stamped below the
  // returned timestamp is registered in in_flight_ (or already applied).
  absl::MutexLock l(&in_flight_mu_);
  return clock_->Now();
}

namespace {

// Whether any of `sorted_keys` lies in [start, end) ("" end: unbounded).
bool AnyKeyIn(const std::vector<absl::string_view>& sorted_keys,
              absl::string_view start, absl::string_view end) {
  auto it = std::lower_bound(sorted_keys.begin(), sorted_keys.end(), start);
  return it != sorted_keys.end() && (end.empty() || *it < end);
}

}  // namespace

bool Store::WaitsForInFlight(const BatchRequest& request,
                             const InFlightCommit& commit) {
  for (const KvRequest& r : request.requests) {
    if (r.type == KvRequest::Type::kGet) {
      if (std::binary_search(commit.keys.begin(), commit.keys.end(),
                             absl::string_view(r.key))) {
        return true;
      }
    } else if (r.type == KvRequest::Type::kScan) {
      if (AnyKeyIn(commit.keys, r.key, r.end_key)) return true;
    }
  }
  return false;
}

void Store::AwaitInFlight(Timestamp ts,
                          absl::FunctionRef<bool(const InFlightCommit&)> reads_from) {
  if (in_flight_count_.load() == 0) return;
  absl::MutexLock l(&in_flight_mu_);
  auto clear = [&]() ABSL_SHARED_LOCKS_REQUIRED(in_flight_mu_) {
    for (const auto& [commit_ts, commit] : in_flight_) {
      if (!(commit_ts < ts)) break;
      if (reads_from(*commit)) return false;
    }
    return true;
  };
  in_flight_mu_.Await(absl::Condition(&clear));
}

void Store::AwaitInFlightWrites(const BatchRequest& request) {
  AwaitInFlight(request.header.ts,
                [&](const InFlightCommit& c) { return WaitsForInFlight(request, c); });
}

absl::Status Store::Get(const BatchHeader& header, absl::string_view key, std::string* value,
                        bool* found) {
  if (header.ts.IsZero()) return absl::InvalidArgumentError("read without a timestamp");
  AwaitInFlight(header.ts, [&](const InFlightCommit& c) {
    return std::binary_search(c.keys.begin(), c.keys.end(), key);
  });
  absl::ReaderMutexLock l(&mu_);
  const RangeDescriptor* owner = FindByKey(key);
  if (owner == nullptr) {
    return NoRangeFor(key);
  }
  if (owner->range_id != header.range_id) return MakeRangeMovedError(key, *owner);
  absl::StatusOr<std::unique_ptr<storage::Snapshot>> snap = engine_->NewSnapshot();
  if (!snap.ok()) return snap.status();
  storage::ReadOptions read = ReadOptionsFor(header);
  return (*snap)->Get(key, read, value, found);
}

absl::StatusOr<Timestamp> Store::CommitOnePhase(
    const OnePhaseCommitRequest& request) {
  {
    absl::ReaderMutexLock l(&mu_);
    // Writes usually come in key order: one range lookup per run of keys
    // in the same range.
    const RangeDescriptor* range = nullptr;
    for (const Mutation& w : request.writes) {
      if (range != nullptr && range->ContainsKey(w.key)) continue;
      range = FindByKey(w.key);
      if (range == nullptr) {
        return NoRangeFor(w.key);
      }
    }
  }
  // Readers at a later timestamp wait for this commit only if they read a
  // key it writes (AwaitInFlightWrites); they find those keys here.
  InFlightCommit commit;
  commit.keys.reserve(request.writes.size());
  for (const Mutation& w : request.writes) commit.keys.emplace_back(w.key);
  if (!std::is_sorted(commit.keys.begin(), commit.keys.end())) {
    std::sort(commit.keys.begin(), commit.keys.end());
  }
  storage::WriteBatch batch;
  std::optional<Timestamp> mark;
  // The timestamp is picked as the batch joins the engine's commit queue,
  // so batches apply in timestamp order: a commit's read-span validation
  // sees every commit stamped before it. Concurrent commits share one
  // LMDB transaction and one sync.
  batch.Reserve(request.read_spans.size() + 2);
  absl::Status s = engine_->Write(&batch, [&](storage::WriteBatch* b) {
    {
      absl::MutexLock l(&in_flight_mu_);
      commit.ts = clock_->Now();
      in_flight_.emplace(commit.ts, &commit);
      ++in_flight_count_;
    }
    for (const auto& [start, end] : request.read_spans) {
      b->CheckNoWritesAfter(start, end, request.read_ts);
    }
    // The request outlives the batch: its writes need no copies.
    b->WriteAllBorrowed(request.writes, commit.ts);
    mark = MaybeMarkClock(b, commit.ts);
  });
  if (s.ok()) WatermarkWritten(mark);
  {
    absl::MutexLock l(&in_flight_mu_);
    in_flight_.erase(commit.ts);
    --in_flight_count_;
  }
  if (!s.ok()) return s;
  return commit.ts;
}

absl::StatusOr<std::pair<RangeDescriptor, RangeDescriptor>> Store::SplitRange(
    absl::string_view split_key) {
  absl::MutexLock l(&mu_);
  const RangeDescriptor* found = FindByKey(split_key);
  if (found == nullptr) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "no range holds split key %s", keys::PrettyKey(split_key)));
  }
  if (found->start_key == split_key) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s is already a range boundary", keys::PrettyKey(split_key)));
  }
  if (split_key < keys::kTableDataStart) {
    return absl::InvalidArgumentError(
        "meta and system ranges cannot be split");
  }
  RangeDescriptor left = *found, right = *found;
  absl::StatusOr<std::optional<std::string>> counter =
      engine_->GetInline(keys::RangeIdCounterKey());
  if (!counter.ok()) return counter.status();
  uint64_t last_id = 0;
  if (counter->has_value()) {
    absl::string_view in = **counter;
    if (absl::Status s = GetFixed64BE(&in, &last_id); !s.ok()) return s;
  }
  left.end_key = std::string(split_key);
  left.generation = found->generation + 1;
  right.range_id = last_id + 1;
  right.start_key = std::string(split_key);
  right.generation = found->generation + 1;

  storage::WriteBatch b;
  Timestamp ts = clock_->Now();
  b.Put(keys::RangeMetaKey(left.end_key), ts, EncodeRangeDescriptor(left));
  b.Put(keys::RangeMetaKey(right.end_key), ts, EncodeRangeDescriptor(right));
  std::string next;
  PutFixed64BE(&next, right.range_id);
  b.PutInline(keys::RangeIdCounterKey(), next);
  std::optional<Timestamp> mark = MaybeMarkClock(&b, ts);
  if (absl::Status s = engine_->Write(b); !s.ok()) return s;
  WatermarkWritten(mark);

  by_end_.erase(right.end_key);
  by_end_.emplace(left.end_key, left);
  by_end_.emplace(right.end_key, right);
  return std::make_pair(left, right);
}

}  // namespace tessera::kv
