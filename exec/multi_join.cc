// Inner join of many inputs (kMultiJoin). Rows are kept at full width
// (every input's columns at its offset) so conjuncts evaluate on their
// original positions.
//
// The order is chosen from the inputs' actual sizes: start with the
// smallest input read, then repeatedly add an input connected to the
// joined set by an equality. An input that is a table whose primary key or
// secondary index is reachable through such an equality is not read up
// front: while few joined rows probe it (ExecOptions::max_lookup_join_rows)
// it is read by key — a lookup join; otherwise it is read whole and
// hash-joined. Without a connecting equality the smallest input left is
// cross-joined.

#include <atomic>
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "catalog/row_codec.h"
#include "common/key_encoding.h"
#include "exec/internal.h"
#include "exec/worker_pool.h"
#include "function/value_ops.h"

namespace tessera::exec::internal {

namespace {

using planner::BoundExpr;
using planner::BoundKind;

absl::Status CheckJoinBudget(size_t rows, size_t width, const ExecContext* ctx) {
  if (rows * std::max<size_t>(width, 1) * sizeof(Value) > ctx->options.max_join_bytes ||
      rows > ctx->options.max_rows) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "join result of ", rows, " rows exceeds the memory budget of ",
        ctx->options.max_join_bytes, " bytes"));
  }
  return absl::OkStatus();
}

class MultiJoinRun {
 public:
  MultiJoinRun(const planner::PhysicalOp& op, ExecContext* ctx)
      : pop_(op), op_(*op.logical), ctx_(ctx), n_(op.children.size()), width_(op.width()) {}

  absl::StatusOr<std::vector<Row>> Run();

 private:
  struct Conjunct {
    const BoundExpr* expr;
    std::vector<bool> leaves;
    bool applied = false;
  };
  // An equality `joined column = leaf column` usable to add a leaf.
  struct Equality {
    int joined_col;  // position in the full-width row
    int leaf_col;    // position in the full-width row
    Collation collation;  // the values compare under (hash their folds)
  };
  // A lookup join into `leaf` along `path`: the leaf's key columns come
  // from `joined_cols` of the joined row.
  struct Lookup {
    size_t leaf;
    const planner::KeyAccessPath* path;
    std::vector<int> joined_cols;
  };

  size_t LeafOf(int col) const {
    size_t k = 0;
    while (k + 1 < n_ && col >= offset_[k + 1]) ++k;
    return k;
  }
  bool Covered(const Conjunct& c) const {
    for (size_t k = 0; k < n_; ++k) {
      if (c.leaves[k] && !joined_[k]) return false;
    }
    return true;
  }
  std::vector<Equality> Equalities(size_t leaf, bool any_side) const;
  std::optional<Lookup> LookupFor(size_t leaf) const;
  absl::Status Read(size_t leaf);
  absl::Status ApplyCovered();
  absl::Status HashJoin(size_t leaf, const Equality& eq);
  // Returns false (and leaves `current_` alone) when a probe value cannot
  // be looked up by key; then the caller reads the leaf and hash-joins.
  absl::StatusOr<bool> LookupJoin(const Lookup& lookup);
  absl::Status CrossJoin(size_t leaf);

  const planner::PhysicalOp& pop_;
  const planner::LogicalOp& op_;
  ExecContext* const ctx_;
  const size_t n_;
  const size_t width_;
  std::vector<int> offset_;
  std::vector<Conjunct> conjuncts_;
  std::vector<std::optional<std::vector<Row>>> inputs_;
  std::vector<bool> joined_;
  std::vector<Row> current_;
};

std::vector<MultiJoinRun::Equality> MultiJoinRun::Equalities(size_t leaf, bool any_side) const {
  std::vector<Equality> out;
  for (const Conjunct& c : conjuncts_) {
    if (c.applied) continue;
    const BoundExpr& e = *c.expr;
    if (e.kind != BoundKind::kBinary || e.op != ast::Op::kEq) continue;
    int a, b;
    Collation ca, cb;
    if (!JoinKeyOperand(*e.children[0], &a, &ca) || !JoinKeyOperand(*e.children[1], &b, &cb) ||
        ca != cb) {
      continue;
    }
    size_t la = LeafOf(a), lb = LeafOf(b);
    if (la == lb) continue;
    if (lb == leaf && (any_side || joined_[la])) out.push_back({a, b, ca});
    if (la == leaf && (any_side || joined_[lb])) out.push_back({b, a, ca});
  }
  return out;
}

std::optional<MultiJoinRun::Lookup> MultiJoinRun::LookupFor(size_t leaf) const {
  const std::optional<planner::LookupTarget>& target = pop_.lookup_targets[leaf];
  if (!target.has_value()) return std::nullopt;
  std::vector<Equality> eqs = Equalities(leaf, /*any_side=*/false);
  std::optional<Lookup> best;
  for (const planner::KeyAccessPath& path : target->paths) {
    Lookup l{leaf, &path, {}};
    for (int col : path.columns) {
      int found = -1;
      for (const Equality& eq : eqs) {
        // Lookup targets have no collated index: BINARY equalities only.
        if (eq.leaf_col - offset_[leaf] == col && eq.collation == Collation::kBinary) {
          found = eq.joined_col;
        }
      }
      if (found < 0) break;
      l.joined_cols.push_back(found);
    }
    if (l.joined_cols.empty()) continue;
    // Prefer the path that fixes the most columns; the primary key on ties.
    if (!best || l.joined_cols.size() > best->joined_cols.size()) best = std::move(l);
  }
  return best;
}

absl::Status MultiJoinRun::Read(size_t leaf) {
  absl::StatusOr<std::vector<Row>> rows = ExecutePhysical(*pop_.children[leaf], ctx_);
  if (!rows.ok()) return rows.status();
  inputs_[leaf] = *std::move(rows);
  return absl::OkStatus();
}

absl::Status MultiJoinRun::ApplyCovered() {
  for (Conjunct& c : conjuncts_) {
    if (c.applied || !Covered(c)) continue;
    c.applied = true;
    std::vector<Row> kept;
    for (Row& r : current_) {
      absl::StatusOr<bool> h = Holds(*c.expr, r, ctx_);
      if (!h.ok()) return h.status();
      if (*h) kept.push_back(std::move(r));
    }
    current_ = std::move(kept);
  }
  return absl::OkStatus();
}

absl::Status MultiJoinRun::HashJoin(size_t leaf, const Equality& eq) {
  std::vector<Row>& rows = *inputs_[leaf];
  const int local = eq.leaf_col - offset_[leaf];
  // A big build side is indexed in partitions by key hash, one per core,
  // built at once; each key's rows land in one partition in row order.
  const size_t parts = rows.size() >= 32768 ? WorkerPool::Default().workers() + 1 : 1;
  std::vector<JoinHashIndex> indexes(parts);
  WorkerPool::Default().ParallelFor(parts, [&](size_t part) {
    JoinHashIndex& index = indexes[part];
    index.Reserve(rows.size() / parts + 1);
    JoinHashIndex::Key key;
    Value folded;
    for (size_t i = 0; i < rows.size(); ++i) {
      const Value* v = &rows[i][local];
      if (eq.collation != Collation::kBinary) {
        folded = Collate(eq.collation, *v);
        v = &folded;
      }
      if (JoinHashIndex::Make({v}, &key) &&
          JoinHashIndex::PartitionOf(key, parts) == part) {
        index.Insert(key, static_cast<uint32_t>(i));
      }
    }
  });
  // Probe rows in chunks, on all cores when there are many; the chunks'
  // outputs are concatenated in order, as one pass would produce them.
  constexpr size_t kChunkRows = 8192;
  const size_t chunks = (current_.size() + kChunkRows - 1) / kChunkRows;
  std::vector<std::vector<Row>> outputs(chunks);
  std::vector<absl::Status> statuses(chunks);
  std::atomic<size_t> produced{0};
  const size_t at = static_cast<size_t>(offset_[leaf]);
  WorkerPool::Default().ParallelFor(chunks, [&](size_t c) {
    std::vector<Row>& out = outputs[c];
    JoinHashIndex::Key probe;
    const size_t end = std::min(current_.size(), (c + 1) * kChunkRows);
    out.reserve(end - c * kChunkRows);
    // Rows produced since the last report to the shared count (kept local:
    // a shared counter per row would bounce between cores).
    size_t unreported = 0;
    // Matches are looked up a batch ahead of building the joined rows, and
    // the matched rows prefetched meanwhile: the build side is too big for
    // the caches, so this hides most of the memory latency.
    constexpr size_t kAhead = 64;
    uint32_t first[kAhead];
    const JoinHashIndex* index_of[kAhead];
    for (size_t p = c * kChunkRows; p < end; ++p) {
      const size_t slot = (p - c * kChunkRows) % kAhead;
      if (slot == 0) {
        for (size_t q = p; q < std::min(end, p + kAhead); ++q) {
          uint32_t& f = first[q - p];
          f = JoinHashIndex::kEnd;
          const Value* v = &current_[q][eq.joined_col];
          Value folded;
          if (eq.collation != Collation::kBinary) {
            folded = Collate(eq.collation, *v);
            v = &folded;
          }
          if (JoinHashIndex::Make({v}, &probe)) {
            index_of[q - p] = &indexes[JoinHashIndex::PartitionOf(probe, parts)];
            f = index_of[q - p]->First(probe);
          }
          if (f != JoinHashIndex::kEnd) __builtin_prefetch(rows[f].data());
        }
      }
      Row& r = current_[p];
      size_t matched = 0;
      for (uint32_t i = first[slot]; i != JoinHashIndex::kEnd;) {
        uint32_t after = index_of[slot]->Next(i);
        // The last match takes the probe row itself instead of a copy.
        Row full = after == JoinHashIndex::kEnd ? std::move(r) : r;
        std::copy(rows[i].begin(), rows[i].end(), full.begin() + at);
        out.push_back(std::move(full));
        ++matched;
        i = after;
      }
      unreported += matched;
      if (unreported < 1024 && p + 1 < end) continue;
      size_t total = produced.fetch_add(unreported) + unreported;
      unreported = 0;
      if (absl::Status s = CheckJoinBudget(total, width_, ctx_); !s.ok()) {
        statuses[c] = s;
        return;
      }
    }
  });
  for (const absl::Status& s : statuses) {
    if (!s.ok()) return s;
  }
  std::vector<Row> next;
  next.reserve(produced.load());
  for (std::vector<Row>& out : outputs) {
    for (Row& r : out) next.push_back(std::move(r));
  }
  current_ = std::move(next);
  return absl::OkStatus();
}

absl::StatusOr<bool> MultiJoinRun::LookupJoin(const Lookup& lookup) {
  const planner::LookupTarget& target = *pop_.lookup_targets[lookup.leaf];
  OperatorStats* stats = ctx_->stats != nullptr ? &(*ctx_->stats)[&pop_] : nullptr;
  // Probe values per row first: if one needs a full comparison, nothing is
  // read and the caller hash-joins instead.
  std::vector<LookupProbe> probes;
  probes.reserve(current_.size());
  for (const Row& r : current_) {
    probes.push_back(MakeLookupProbe(target, *lookup.path, r, lookup.joined_cols));
    if (!probes.back().by_key) return false;
  }
  absl::flat_hash_map<std::string, std::vector<Row>> cache;  // probe key -> leaf rows
  std::vector<Row> next;
  for (size_t p = 0; p < current_.size(); ++p) {
    if (probes[p].matches_nothing) continue;
    std::string key;
    for (const Value& v : probes[p].values) AppendCanonical(v, &key);
    auto it = cache.find(key);
    if (it == cache.end()) {
      absl::StatusOr<std::vector<Row>> found = ReadLookupRows(target, *lookup.path, probes[p], ctx_);
      if (!found.ok()) return found.status();
      if (stats != nullptr) ++stats->lookups;
      it = cache.emplace(std::move(key), *std::move(found)).first;
    }
    for (const Row& leaf_row : it->second) {
      Row full = current_[p];
      std::copy(leaf_row.begin(), leaf_row.end(), full.begin() + offset_[lookup.leaf]);
      next.push_back(std::move(full));
    }
    if (absl::Status s = CheckJoinBudget(next.size(), width_, ctx_); !s.ok()) return s;
  }
  current_ = std::move(next);
  return true;
}

absl::Status MultiJoinRun::CrossJoin(size_t leaf) {
  const std::vector<Row>& rows = *inputs_[leaf];
  if (absl::Status s = CheckJoinBudget(current_.size() * rows.size(), width_, ctx_); !s.ok()) {
    return s;
  }
  std::vector<Row> next;
  for (const Row& r : current_) {
    for (const Row& l : rows) {
      Row full = r;
      std::copy(l.begin(), l.end(), full.begin() + offset_[leaf]);
      next.push_back(std::move(full));
    }
  }
  current_ = std::move(next);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Row>> MultiJoinRun::Run() {
  offset_.assign(n_ + 1, 0);
  for (size_t k = 0; k < n_; ++k) {
    offset_[k + 1] = offset_[k] + static_cast<int>(pop_.children[k]->width());
  }
  for (const planner::BoundPtr& e : op_.exprs) {
    Conjunct c{e.get(), std::vector<bool>(n_, false)};
    std::vector<const BoundExpr*> stack = {e.get()};
    while (!stack.empty()) {
      const BoundExpr* x = stack.back();
      stack.pop_back();
      if (x->kind == BoundKind::kColumn && x->depth == 0) c.leaves[LeafOf(x->index)] = true;
      for (const planner::BoundPtr& ch : x->children) stack.push_back(ch.get());
    }
    conjuncts_.push_back(std::move(c));
  }
  joined_.assign(n_, false);
  inputs_.assign(n_, std::nullopt);
  // Read every input that cannot be looked up by key through an equality.
  bool any_read = false;
  for (size_t k = 0; k < n_; ++k) {
    bool lookupable = false;
    if (pop_.lookup_targets[k].has_value()) {
      for (const Equality& eq : Equalities(k, /*any_side=*/true)) {
        for (const planner::KeyAccessPath& path : pop_.lookup_targets[k]->paths) {
          if (path.columns[0] == eq.leaf_col - offset_[k] && eq.collation == Collation::kBinary) {
            lookupable = true;
          }
        }
      }
    }
    if (lookupable) continue;
    if (absl::Status s = Read(k); !s.ok()) return s;
    any_read = true;
  }
  if (!any_read) {
    // Every input could be looked up: read them, tables spanning fewer
    // ranges (likely smaller) first, until one is small enough to drive
    // lookup joins into the others.
    std::vector<std::pair<size_t, size_t>> order;  // (ranges, input)
    for (size_t k = 0; k < n_; ++k) {
      const catalog::TableDescriptor& t = *pop_.lookup_targets[k]->scan->table;
      std::string lo = catalog::IndexPrefix(t.id, t.primary.id);
      absl::StatusOr<std::vector<kv::RangeDescriptor>> ranges =
          ctx_->txn->RangesIn(lo, PrefixEnd(lo));
      if (!ranges.ok()) return ranges.status();
      order.emplace_back(ranges->size(), k);
    }
    std::sort(order.begin(), order.end());
    for (const auto& [ranges, k] : order) {
      if (absl::Status s = Read(k); !s.ok()) return s;
      if (inputs_[k]->size() <= ctx_->options.max_lookup_join_rows) break;
    }
  }
  // Start with the smallest input read.
  size_t first = n_;
  for (size_t k = 0; k < n_; ++k) {
    if (inputs_[k].has_value() && (first == n_ || inputs_[k]->size() < inputs_[first]->size())) {
      first = k;
    }
  }
  for (Row& r : *inputs_[first]) {
    Row full(width_);
    std::move(r.begin(), r.end(), full.begin() + offset_[first]);
    current_.push_back(std::move(full));
  }
  joined_[first] = true;
  if (absl::Status s = ApplyCovered(); !s.ok()) return s;
  for (size_t step = 1; step < n_; ++step) {
    size_t pick = n_;
    // A lookup join while few rows probe.
    if (current_.size() <= ctx_->options.max_lookup_join_rows) {
      std::optional<Lookup> best;
      for (size_t k = 0; k < n_; ++k) {
        if (joined_[k] || inputs_[k].has_value()) continue;
        std::optional<Lookup> l = LookupFor(k);
        if (l && (!best || l->joined_cols.size() > best->joined_cols.size())) best = std::move(l);
      }
      if (best) {
        absl::StatusOr<bool> done = LookupJoin(*best);
        if (!done.ok()) return done.status();
        if (*done) pick = best->leaf;
      }
    }
    if (pick == n_) {
      // A hash join with the smallest connected input (unread ones are
      // read now).
      std::optional<Equality> eq;
      for (size_t k = 0; k < n_; ++k) {
        if (joined_[k]) continue;
        std::vector<Equality> eqs = Equalities(k, /*any_side=*/false);
        if (eqs.empty()) continue;
        bool better = pick == n_ || !inputs_[pick].has_value() ||
                      (inputs_[k].has_value() && inputs_[k]->size() < inputs_[pick]->size());
        if (better) {
          pick = k;
          eq = eqs[0];
        }
      }
      if (pick != n_) {
        if (!inputs_[pick].has_value()) {
          if (absl::Status s = Read(pick); !s.ok()) return s;
        }
        if (absl::Status s = HashJoin(pick, *eq); !s.ok()) return s;
      }
    }
    if (pick == n_) {
      for (size_t k = 0; k < n_; ++k) {
        if (joined_[k]) continue;
        bool better = pick == n_ || !inputs_[pick].has_value() ||
                      (inputs_[k].has_value() && inputs_[k]->size() < inputs_[pick]->size());
        if (better) pick = k;
      }
      if (!inputs_[pick].has_value()) {
        if (absl::Status s = Read(pick); !s.ok()) return s;
      }
      if (absl::Status s = CrossJoin(pick); !s.ok()) return s;
    }
    joined_[pick] = true;
    inputs_[pick].reset();
    if (absl::Status s = ApplyCovered(); !s.ok()) return s;
  }
  return std::move(current_);
}

}  // namespace

absl::StatusOr<std::vector<Row>> MultiJoin(const planner::PhysicalOp& op, ExecContext* ctx) {
  MultiJoinRun run(op, ctx);
  return run.Run();
}

}  // namespace tessera::exec::internal
