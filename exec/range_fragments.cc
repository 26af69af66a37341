// Per-range fragments: a scan pipeline (filter, project, partial
// aggregate, top-N, limit) runs over each range's part of the key span as
// its rows are read, in batches; the gateway merges the fragments' outputs.
// On one node the fragments run in the gateway's process, on the worker
// pool when the plan allows it (ScanPipeline::parallel), and are merged in
// key order; the pipeline never needs more than its range's rows.

#include <algorithm>

#include "catalog/row_codec.h"
#include "exec/internal.h"
#include "exec/worker_pool.h"

namespace tessera::exec::internal {

namespace {

constexpr size_t kBatchRows = 1024;

// Execution state of one fragment.
class Fragment {
 public:
  Fragment(const planner::ScanPipeline& p, int64_t keep, ExecContext* ctx)
      : p_(p), keep_(keep), ctx_(ctx) {
    if (p.aggregate != nullptr) groups_.emplace(*p.aggregate, ctx);
  }

  // Reads [start, end) through the pipeline; stops early once a limit is
  // met. Returns the number of rows read. `shared`: the span is already
  // recorded as read and other fragments run at the same time
  // (Txn::ScanShared).
  absl::StatusOr<uint64_t> Run(absl::string_view start, absl::string_view end,
                               bool shared = false) {
    const catalog::TableDescriptor& t = *p_.scan->table;
    // Rows are decoded into the batch's slots, reused from batch to batch
    // (a slot whose row moved on is refilled from scratch).
    std::vector<Row> batch(kBatchRows);
    const catalog::RowDecoder decoder(t, p_.columns);
    size_t filled = 0;
    absl::Status status;
    uint64_t scanned = 0;
    // Without a filter or sort, `keep` rows are all a limit needs.
    size_t fetch = 0;
    if (p_.limit != nullptr && p_.sort == nullptr && p_.filter == nullptr && keep_ >= 0) {
      fetch = static_cast<size_t>(keep_);
    }
    auto visit = [&](absl::string_view k, absl::string_view v) {
          status = decoder.Decode(k, v, &batch[filled]);
          if (!status.ok()) return false;
          ++scanned;
          if (++filled < kBatchRows) return true;
          status = Consume(&batch, filled);
          filled = 0;
          return status.ok() && !done_;
    };
    absl::Status s = shared ? ctx_->txn->ScanShared(start, end, false, visit, fetch)
                            : ctx_->txn->Scan(start, end, false, visit, fetch);
    if (!s.ok()) return s;
    if (!status.ok()) return status;
    if (!done_) {
      if (absl::Status c = Consume(&batch, filled); !c.ok()) return c;
    }
    if (p_.sort != nullptr) TopN(p_.sort->sort_keys, keep_, &rows_);
    return scanned;
  }

  std::vector<Row>& rows() { return rows_; }
  GroupTable& groups() { return *groups_; }

 private:
  // Runs the first `n` rows of `batch` through the pipeline.
  absl::Status Consume(std::vector<Row>* batch, size_t n) {
    for (size_t r = 0; r < n && !done_; ++r) {
      Row& row = (*batch)[r];
      if (p_.filter != nullptr) {
        absl::StatusOr<bool> h = Holds(*p_.filter, row, ctx_);
        if (!h.ok()) return h.status();
        if (!*h) continue;
      }
      if (groups_.has_value()) {
        if (absl::Status s = groups_->Add(row); !s.ok()) return s;
        continue;
      }
      if (p_.project != nullptr) {
        Row projected;
        projected.reserve(p_.project->exprs.size());
        for (const planner::BoundPtr& e : p_.project->exprs) {
          absl::StatusOr<Value> v = Evaluate(*e, row, ctx_);
          if (!v.ok()) return v.status();
          projected.push_back(*std::move(v));
        }
        row = std::move(projected);
      }
      rows_.push_back(std::move(row));
      if (keep_ >= 0) {
        if (p_.sort != nullptr) {
          // Keep the batch bounded: only the best `keep` rows can survive.
          if (rows_.size() >= 2 * static_cast<size_t>(keep_) + kBatchRows) {
            TopN(p_.sort->sort_keys, keep_, &rows_);
          }
        } else if (p_.limit != nullptr && static_cast<int64_t>(rows_.size()) >= keep_) {
          done_ = true;
        }
      }
      if (rows_.size() > ctx_->options.max_rows) return TooManyRows(ctx_);
    }
    return absl::OkStatus();
  }

  const planner::ScanPipeline& p_;
  const int64_t keep_;
  ExecContext* const ctx_;
  std::optional<GroupTable> groups_;
  std::vector<Row> rows_;
  bool done_ = false;
};

}  // namespace

absl::StatusOr<std::vector<Row>> RunRangeFragments(const planner::PhysicalOp& op,
                                                   ExecContext* ctx) {
  const planner::ScanPipeline& p = op.pipeline;
  OperatorStats* stats = ctx->stats != nullptr ? &(*ctx->stats)[&op] : nullptr;
  LimitOffset lo;
  if (p.limit != nullptr) {
    absl::StatusOr<LimitOffset> l = EvalLimit(*p.limit, ctx);
    if (!l.ok()) return l.status();
    lo = *l;
  }
  const int64_t keep = p.limit != nullptr ? lo.keep() : -1;
  std::optional<GroupTable> total;
  if (p.aggregate != nullptr) total.emplace(*p.aggregate, ctx);
  std::vector<Row> out;
  absl::StatusOr<std::optional<Span>> span = ScanSpan(*p.scan, ctx);
  if (!span.ok()) return span.status();
  if (span->has_value() && keep != 0) {
    absl::StatusOr<std::vector<kv::RangeDescriptor>> ranges =
        ctx->txn->RangesIn((*span)->start, (*span)->end);
    if (!ranges.ok()) return ranges.status();
    if (ranges->size() > 1 && ctx->options.parallel_fragments && p.parallel) {
      // The fragments run at once on the worker pool; their outputs are
      // merged in range order afterwards, as a sequential run would.
      const size_t n = ranges->size();
      ctx->txn->NoteRead((*span)->start, (*span)->end);
      std::vector<std::optional<Fragment>> fragments(n);
      std::vector<absl::StatusOr<uint64_t>> scanned(n);
      WorkerPool::Default().ParallelFor(n, [&](size_t i) {
        const kv::RangeDescriptor& r = (*ranges)[i];
        fragments[i].emplace(p, keep, ctx);
        scanned[i] = fragments[i]->Run(std::max((*span)->start, r.start_key),
                                       std::min((*span)->end, r.end_key), /*shared=*/true);
      });
      for (size_t i = 0; i < n; ++i) {
        if (!scanned[i].ok()) return scanned[i].status();
        if (stats != nullptr) {
          ++stats->fragments;
          stats->rows_scanned += *scanned[i];
        }
        if (total.has_value()) {
          if (absl::Status s = total->Merge(std::move(fragments[i]->groups())); !s.ok()) return s;
          continue;
        }
        for (Row& row : fragments[i]->rows()) out.push_back(std::move(row));
        if (out.size() > ctx->options.max_rows) return TooManyRows(ctx);
      }
      ranges->clear();
    }
    for (const kv::RangeDescriptor& r : *ranges) {
      // A plain limit is met once earlier ranges gave enough rows.
      if (keep >= 0 && p.sort == nullptr && static_cast<int64_t>(out.size()) >= keep) break;
      int64_t fragment_keep = keep;
      if (keep >= 0 && p.sort == nullptr) fragment_keep = keep - static_cast<int64_t>(out.size());
      Fragment f(p, fragment_keep, ctx);
      absl::StatusOr<uint64_t> scanned = f.Run(std::max((*span)->start, r.start_key),
                                               std::min((*span)->end, r.end_key));
      if (!scanned.ok()) return scanned.status();
      if (stats != nullptr) {
        ++stats->fragments;
        stats->rows_scanned += *scanned;
      }
      if (total.has_value()) {
        if (absl::Status s = total->Merge(std::move(f.groups())); !s.ok()) return s;
        continue;
      }
      for (Row& row : f.rows()) out.push_back(std::move(row));
      if (out.size() > ctx->options.max_rows) return TooManyRows(ctx);
    }
  }
  if (total.has_value()) return total->Finish();
  if (p.sort != nullptr) TopN(p.sort->sort_keys, keep, &out);
  if (p.limit != nullptr) return ApplyLimit(std::move(out), lo);
  return out;
}

}  // namespace tessera::exec::internal

namespace tessera::exec {

absl::StatusOr<std::vector<kv::RangeDescriptor>> FragmentRanges(const planner::PhysicalOp& op,
                                                                ExecContext* ctx) {
  if (op.kind != planner::PhysicalKind::kRangeFragments) {
    return absl::InvalidArgumentError("not a range-fragment node");
  }
  absl::StatusOr<std::optional<internal::Span>> span = internal::ScanSpan(*op.pipeline.scan, ctx);
  if (!span.ok()) return span.status();
  if (!span->has_value()) return std::vector<kv::RangeDescriptor>();
  return ctx->txn->RangesIn((*span)->start, (*span)->end);
}

}  // namespace tessera::exec
