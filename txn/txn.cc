#include "txn/txn.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/keys.h"

namespace tessera::txn {

Txn::Txn(kv::DistSender* sender, kv::Transport* transport, Timestamp read_ts)
    : sender_(sender), transport_(transport), read_ts_(read_ts) {}

absl::Status Txn::CheckOpen() const {
  if (finished_) {
    return absl::FailedPreconditionError(
        "transaction already committed or rolled back");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<std::string>> Txn::Get(absl::string_view key) {
  if (absl::Status s = CheckOpen(); !s.ok()) return s;
  if (const BufferedWrite* w = FindBuffered(key)) {
    if (w->deletion) return std::optional<std::string>();
    return std::optional<std::string>(w->value);
  }
  if (auto p = prefetched_.find(key); p != prefetched_.end()) {
    // Used once (the caller usually writes the key next): keeps the map
    // as small as one statement's keys.
    std::optional<std::string> v = std::move(p->second);
    prefetched_.erase(p);
    return v;
  }
  if (!span_hi_.empty() && key >= span_lo_ && key < span_hi_) {
    auto r = span_rows_.find(key);
    if (r == span_rows_.end()) return std::optional<std::string>();
    return std::optional<std::string>(r->second);
  }
  kv::BatchHeader header;
  header.ts = read_ts_;
  std::optional<std::string> value(std::in_place);
  bool found = false;
  if (absl::Status s = sender_->Get(header, key, &*value, &found); !s.ok()) return s;
  if (!read_only_) read_spans_.emplace_back(std::string(key), "");
  if (!found) value.reset();
  return value;
}

absl::Status Txn::Prefetch(const std::vector<std::string>& keys) {
  if (absl::Status s = CheckOpen(); !s.ok()) return s;
  if (keys.size() >= kMinSpanPrefetch) {
    absl::StatusOr<bool> done = PrefetchSpan(keys);
    if (!done.ok()) return done.status();
    if (*done) return absl::OkStatus();
  }
  kv::BatchRequest b;
  b.header.ts = read_ts_;
  for (const std::string& key : keys) {
    if (prefetched_.contains(key)) continue;
    b.requests.push_back(kv::KvRequest::Get(key));
  }
  if (b.requests.empty()) return absl::OkStatus();
  absl::StatusOr<kv::BatchResponse> r = sender_->Send(b);
  if (!r.ok()) return r.status();
  for (size_t i = 0; i < b.requests.size(); ++i) {
    const std::string& key = b.requests[i].key;
    if (!read_only_) read_spans_.emplace_back(key, "");
    kv::KvResponse& resp = r->responses[i];
    prefetched_[key] =
        resp.found ? std::optional<std::string>(std::move(resp.value)) : std::nullopt;
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> Txn::PrefetchSpan(const std::vector<std::string>& keys) {
  std::vector<absl::string_view> sorted(keys.begin(), keys.end());
  if (!std::is_sorted(sorted.begin(), sorted.end())) std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  std::string lo(sorted.front());
  std::string hi(sorted.back());
  hi.push_back('\0');  // just past the last key
  // Stop (and read key by key instead) once the span turns out to hold
  // many rows besides the keys.
  const size_t budget = 2 * sorted.size();
  absl::flat_hash_map<std::string, std::string> found;
  bool too_many = false;
  kv::BatchHeader header;
  header.ts = read_ts_;
  absl::Status s = sender_->StreamScan(
      header, lo, hi, false, [&](absl::string_view k, absl::string_view v) {
        if (found.size() >= budget) {
          too_many = true;
          return false;
        }
        found.try_emplace(k, v);
        return true;
      });
  if (!s.ok()) return s;
  if (too_many) return false;
  // Both this and prefetched_ hold reads at read_ts_, so they agree
  // wherever they overlap.
  NoteRead(lo, hi);
  span_lo_ = std::move(lo);
  span_hi_ = std::move(hi);
  span_rows_ = std::move(found);
  return true;
}

absl::Status Txn::Scan(
    absl::string_view start, absl::string_view end, bool reverse,
    absl::FunctionRef<bool(absl::string_view, absl::string_view)> visit,
    size_t limit) {
  if (absl::Status s = CheckOpen(); !s.ok()) return s;
  // The whole span counts as read, however much of it is visited.
  NoteRead(start, end.empty() ? keys::kKeyMax : end);
  return ScanShared(start, end, reverse, visit, limit);
}

absl::Status Txn::ScanShared(
    absl::string_view start, absl::string_view end, bool reverse,
    absl::FunctionRef<bool(absl::string_view, absl::string_view)> visit,
    size_t limit) const {
  if (absl::Status s = CheckOpen(); !s.ok()) return s;
  std::string lo(start);
  std::string hi = end.empty() ? std::string(keys::kKeyMax) : std::string(end);
  auto before = [&](absl::string_view a, absl::string_view b) {
    return reverse ? a > b : a < b;
  };
  // This transaction's writes in the span, merged into the stored rows as
  // they stream past (a write shadows the stored row of its key).
  std::vector<std::pair<absl::string_view, const BufferedWrite*>> mine;
  for (auto it = writes_.lower_bound(lo), last = writes_.lower_bound(hi); it != last; ++it) {
    mine.emplace_back(it->first, &it->second);
  }
  if (reverse) std::reverse(mine.begin(), mine.end());
  size_t j = 0, emitted = 0;
  bool stop = false;
  // Emits one row; false once the scan must stop.
  auto emit = [&](absl::string_view k, absl::string_view v) {
    ++emitted;
    if (!visit(k, v) || (limit != 0 && emitted >= limit)) stop = true;
    return !stop;
  };
  // Emits own writes that come before `k` (all of them when k is null).
  auto emit_mine_before = [&](const absl::string_view* k) {
    while (j < mine.size() && (k == nullptr || before(mine[j].first, *k))) {
      const BufferedWrite* w = mine[j].second;
      absl::string_view key = mine[j].first;
      ++j;
      if (!w->deletion && !emit(key, w->value)) return false;
    }
    return true;
  };
  kv::BatchHeader header;
  header.ts = read_ts_;
  // Nothing of ours to merge and no limit to count: rows go straight
  // through.
  if (mine.empty() && limit == 0) return sender_->StreamScan(header, lo, hi, reverse, visit);
  absl::Status s = sender_->StreamScan(
      header, lo, hi, reverse, [&](absl::string_view k, absl::string_view v) {
        if (!emit_mine_before(&k)) return false;
        if (j < mine.size() && mine[j].first == k) {
          const BufferedWrite* own = mine[j].second;
          ++j;
          return own->deletion ? true : emit(k, own->value);
        }
        return emit(k, v);
      });
  if (!s.ok()) return s;
  if (!stop) emit_mine_before(nullptr);
  return absl::OkStatus();
}

const Txn::BufferedWrite* Txn::FindBuffered(absl::string_view key) const {
  // Keys past the last buffered one (a bulk insert's, in order) skip the
  // search.
  if (writes_.empty() || key > writes_.rbegin()->first) return nullptr;
  auto it = writes_.find(key);
  return it == writes_.end() ? nullptr : &it->second;
}

void Txn::Buffer(absl::string_view key, const absl::string_view* value,
                 bool must_be_absent) {
  // Keys in ascending order (a bulk insert's) go to the end without a
  // search.
  auto it = !writes_.empty() && key > writes_.rbegin()->first ? writes_.end()
                                                             : writes_.lower_bound(key);
  const bool found = it != writes_.end() && it->first == key;
  // Under a savepoint, the first write of a key since the mark records what
  // to restore; its old value bytes must then stay as they are.
  bool keep_old_bytes = false;
  if (!marks_.empty() && found && marks_.back().logged.insert(it->first).second) {
    undo_.emplace_back(it->first, it->second);
    keep_old_bytes = true;
  }
  BufferedWrite w;
  w.must_be_absent = must_be_absent || (found && it->second.must_be_absent);
  if (value == nullptr) {
    w.deletion = true;
  } else if (found && !keep_old_bytes && it->second.room >= value->size()) {
    // The bytes are the arena's (writable): overwrite in place.
    char* at = const_cast<char*>(it->second.value.data());
    if (!value->empty()) std::memmove(at, value->data(), value->size());
    w.value = absl::string_view(at, value->size());
    w.room = it->second.room;
  } else {
    // A key whose value outgrew its room gets twice the room, so a value
    // growing a little at a time costs linear, not quadratic, space.
    const size_t room =
        found ? std::max(value->size(), 2 * it->second.room) : value->size();
    char* at = arena_.Allocate(room);
    if (!value->empty()) std::memcpy(at, value->data(), value->size());
    w.value = absl::string_view(at, value->size());
    w.room = room;
  }
  if (found) {
    it->second = w;
  } else {
    auto added = writes_.emplace_hint(it, arena_.Copy(key), w);
    if (!marks_.empty()) undo_.emplace_back(added->first, std::nullopt);
  }
}

size_t Txn::Savepoint() {
  marks_.push_back(Mark{undo_.size(), {}});
  return marks_.size();
}

void Txn::Release(size_t depth) {
  if (depth == 0 || depth > marks_.size()) return;
  marks_.resize(depth - 1);
  // The entries stay for an outer mark (writing a key twice under it is
  // harmless); without one there is nothing to keep.
  if (marks_.empty()) undo_.clear();
}

void Txn::RollbackTo(size_t depth) {
  if (depth == 0 || depth > marks_.size()) return;
  Mark& mark = marks_[depth - 1];
  for (size_t i = undo_.size(); i > mark.undo_start; --i) {
    auto& [key, before] = undo_[i - 1];
    if (before.has_value()) {
      writes_[key] = *before;
    } else {
      writes_.erase(key);
    }
  }
  undo_.resize(mark.undo_start);
  mark.logged.clear();
  marks_.resize(depth);
}

void Txn::Put(absl::string_view key, absl::string_view value) { Buffer(key, &value); }

void Txn::Delete(absl::string_view key) { Buffer(key, nullptr); }

absl::Status Txn::Insert(absl::string_view key, absl::string_view value) {
  if (absl::Status s = CheckOpen(); !s.ok()) return s;
  if (const BufferedWrite* w = FindBuffered(key)) {
    if (!w->deletion) {
      return absl::AlreadyExistsError(
          absl::StrCat("key ", keys::PrettyKey(key), " already exists"));
    }
    // Our own deletion of a committed row: the insert replaces it.
    Buffer(key, &value);
    return absl::OkStatus();
  }
  Buffer(key, &value, /*must_be_absent=*/true);
  return absl::OkStatus();
}

absl::Status Txn::Commit() {
  if (absl::Status s = CheckOpen(); !s.ok()) return s;
  finished_ = true;
  if (writes_.empty()) return absl::OkStatus();  // snapshot reads: valid
  if (read_only_) {
    return absl::FailedPreconditionError("a read-only transaction cannot write");
  }
  kv::OnePhaseCommitRequest req;
  req.read_ts = read_ts_;
  req.read_spans = std::move(read_spans_);
  std::optional<uint32_t> node;
  req.writes.reserve(writes_.size());
  // Writes come in key order: one range lookup per range, not per key.
  std::shared_ptr<const kv::RangeDescriptor> range;
  for (auto& [key, value] : writes_) {
    if (range == nullptr || !range->ContainsKey(key)) {
      absl::StatusOr<std::shared_ptr<const kv::RangeDescriptor>> d = sender_->RouteFor(key);
      if (!d.ok()) return d.status();
      range = *std::move(d);
      if (range->node_ids.empty()) return absl::InternalError("range without nodes");
      if (node.has_value() && *node != range->node_ids.front()) {
        return absl::UnimplementedError(
            "transactions writing to several nodes need two-phase commit, "
            "which arrives with the cluster");
      }
      node = range->node_ids.front();
    }
    // Views into the buffer, which outlives the call.
    kv::Mutation& m = req.writes.emplace_back(value.deletion ? kv::Mutation::Delete(key)
                                                             : kv::Mutation::Put(key, value.value));
    m.must_be_absent = value.must_be_absent;
  }
  absl::StatusOr<Timestamp> ts = transport_->CommitOnePhase(*node, req);
  req.writes.clear();
  writes_.clear();
  arena_.Clear();
  if (!ts.ok()) return ts.status();
  commit_ts_ = *ts;
  return absl::OkStatus();
}

void Txn::Rollback() {
  finished_ = true;
  writes_.clear();
  arena_.Clear();
}

absl::StatusOr<std::unique_ptr<Txn>> TxnCoordinator::Begin() {
  absl::StatusOr<Timestamp> ts = transport_->NewReadTimestamp(gateway_node_);
  if (!ts.ok()) return ts.status();
  return std::make_unique<Txn>(sender_, transport_, *ts);
}

absl::Status RunTransaction(TxnCoordinator* coordinator,
                            absl::FunctionRef<absl::Status(Txn*)> fn,
                            int max_attempts) {
  absl::Status last;
  for (int attempt = 0; attempt < max_attempts; ++attempt) {
    absl::StatusOr<std::unique_ptr<Txn>> txn = coordinator->Begin();
    if (!txn.ok()) return txn.status();
    last = fn(txn->get());
    if (last.ok()) last = (*txn)->Commit();
    if (!last.ok()) (*txn)->Rollback();
    if (last.code() != absl::StatusCode::kAborted) return last;
  }
  return last;
}

}  // namespace tessera::txn
