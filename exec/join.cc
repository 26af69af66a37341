// Two-input joins (kJoin: inner, LEFT, RIGHT or FULL): a lookup join into
// the right input's primary key or index when few left rows probe it (inner
// and LEFT only), else a hash join on the equality conjuncts of the
// condition, a nested loop when there are none. RIGHT and FULL note which
// right rows matched and add the others, NULLs on the left.

#include "exec/internal.h"

namespace tessera::exec::internal {

namespace {

using planner::BoundExpr;
using planner::BoundKind;
using planner::LogicalOp;

// A hash-join key: equal values of `left` and `right` (under `collation`).
struct EquiKey {
  int left, right;
  Collation collation;
};

// Finds conjuncts `left_col = right_col` in a join predicate (both under
// one collation): hash-join keys.
void EquiKeys(const BoundExpr& e, int left_width, std::vector<EquiKey>* keys) {
  if (e.kind == BoundKind::kBinary && e.op == ast::Op::kAnd) {
    EquiKeys(*e.children[0], left_width, keys);
    EquiKeys(*e.children[1], left_width, keys);
    return;
  }
  if (e.kind != BoundKind::kBinary || e.op != ast::Op::kEq) return;
  int a, b;
  Collation ca, cb;
  if (!JoinKeyOperand(*e.children[0], &a, &ca) || !JoinKeyOperand(*e.children[1], &b, &cb) ||
      ca != cb) {
    return;
  }
  if (a < left_width && b >= left_width) {
    keys->push_back({a, b - left_width, ca});
  } else if (b < left_width && a >= left_width) {
    keys->push_back({b, a - left_width, ca});
  }
}

// Appends `l` ++ r for every right row r that `for_each_right` visits and
// the join condition accepts (the emit callback it is given says whether
// r was joined); for a LEFT or FULL join with no such r, `l` padded with
// NULLs.
template <typename ForEachRight>
absl::Status JoinLeftRow(const LogicalOp& op, const Row& l, ForEachRight for_each_right,
                         ExecContext* ctx, std::vector<Row>* out) {
  bool matched = false;
  absl::Status status = for_each_right([&](const Row& r) -> absl::StatusOr<bool> {
    Row joined = l;
    joined.insert(joined.end(), r.begin(), r.end());
    if (op.predicate) {
      absl::StatusOr<bool> h = Holds(*op.predicate, joined, ctx);
      if (!h.ok()) return h.status();
      if (!*h) return false;
    }
    matched = true;
    if (out->size() >= ctx->options.max_rows) return TooManyRows(ctx);
    out->push_back(std::move(joined));
    return true;
  });
  if (!status.ok()) return status;
  if (!matched &&
      (op.join_type == ast::JoinType::kLeft || op.join_type == ast::JoinType::kFull)) {
    Row joined = l;
    joined.resize(joined.size() + op.children[1]->width());
    out->push_back(std::move(joined));
  }
  return absl::OkStatus();
}

// Reads, for each left row, the right rows whose key columns equal the
// row's `left_columns` along `path`; applies the right input's own filter
// and the join condition; pads unmatched rows for LEFT joins. nullopt when
// some probe value's type differs from its key column's (then only a full
// comparison can judge it).
absl::StatusOr<std::optional<std::vector<Row>>> LookupJoin(
    const planner::PhysicalOp& pop, const planner::LookupTarget& target,
    const planner::KeyAccessPath& path, const std::vector<int>& left_columns,
    const std::vector<Row>& left, ExecContext* ctx) {
  const LogicalOp& op = *pop.logical;
  std::vector<Row> out;
  OperatorStats* stats = ctx->stats != nullptr ? &(*ctx->stats)[&pop] : nullptr;
  for (const Row& l : left) {
    LookupProbe probe = MakeLookupProbe(target, path, l, left_columns);
    if (!probe.by_key) return std::optional<std::vector<Row>>();
    absl::StatusOr<std::vector<Row>> found = ReadLookupRows(target, path, probe, ctx);
    if (!found.ok()) return found.status();
    if (stats != nullptr && !probe.matches_nothing) ++stats->lookups;
    absl::Status joined = JoinLeftRow(
        op, l,
        [&](auto&& emit) -> absl::Status {
          for (const Row& r : *found) {
            if (absl::StatusOr<bool> e = emit(r); !e.ok()) return e.status();
          }
          return absl::OkStatus();
        },
        ctx, &out);
    if (!joined.ok()) return joined;
  }
  return std::optional<std::vector<Row>>(std::move(out));
}

}  // namespace

absl::StatusOr<std::vector<Row>> HashJoin(const LogicalOp& op, std::vector<Row> left,
                                          std::vector<Row> right, ExecContext* ctx) {
  std::vector<Row> out;
  const int left_width = static_cast<int>(op.children[0]->width());
  std::vector<EquiKey> keys;
  if (op.predicate) EquiKeys(*op.predicate, left_width, &keys);
  // Hash join on the equality keys (NULL keys never match; a key under a
  // collation hashes its folded value); the whole predicate is still
  // evaluated on each candidate pair.
  JoinHashIndex table;
  std::vector<const Value*> parts(keys.size());
  std::vector<Value> folded(keys.size());
  auto key_of = [&](const Row& r, bool right_side, JoinHashIndex::Key* k) {
    for (size_t j = 0; j < keys.size(); ++j) {
      parts[j] = right_side ? &r[keys[j].right] : &r[keys[j].left];
      if (keys[j].collation != Collation::kBinary) {
        folded[j] = Collate(keys[j].collation, *parts[j]);
        parts[j] = &folded[j];
      }
    }
    return JoinHashIndex::Make(parts, k);
  };
  JoinHashIndex::Key k;
  if (!keys.empty()) {
    for (size_t i = 0; i < right.size(); ++i) {
      if (key_of(right[i], true, &k)) table.Insert(k, static_cast<uint32_t>(i));
    }
  }
  // RIGHT and FULL: which right rows found a partner.
  const bool keep_right =
      op.join_type == ast::JoinType::kRight || op.join_type == ast::JoinType::kFull;
  std::vector<bool> right_matched(keep_right ? right.size() : 0, false);
  auto visit = [&](auto&& emit, uint32_t i) -> absl::Status {
    absl::StatusOr<bool> joined = emit(right[i]);
    if (!joined.ok()) return joined.status();
    if (keep_right && *joined) right_matched[i] = true;
    return absl::OkStatus();
  };
  for (const Row& l : left) {
    // Candidates: the rows with l's key, or every row without equi-keys.
    uint32_t first = 0;
    bool all = keys.empty();
    if (!all) first = key_of(l, false, &k) ? table.First(k) : JoinHashIndex::kEnd;
    absl::Status joined = JoinLeftRow(
        op, l,
        [&](auto&& emit) -> absl::Status {
          if (all) {
            for (uint32_t i = 0; i < right.size(); ++i) {
              if (absl::Status e = visit(emit, i); !e.ok()) return e;
            }
            return absl::OkStatus();
          }
          for (uint32_t i = first; i != JoinHashIndex::kEnd; i = table.Next(i)) {
            if (absl::Status e = visit(emit, i); !e.ok()) return e;
          }
          return absl::OkStatus();
        },
        ctx, &out);
    if (!joined.ok()) return joined;
  }
  for (size_t i = 0; i < right_matched.size(); ++i) {
    if (right_matched[i]) continue;
    if (out.size() >= ctx->options.max_rows) return TooManyRows(ctx);
    Row padded(op.children[0]->width());
    padded.insert(padded.end(), std::make_move_iterator(right[i].begin()),
                  std::make_move_iterator(right[i].end()));
    out.push_back(std::move(padded));
  }
  return out;
}

absl::StatusOr<std::vector<Row>> Join(const planner::PhysicalOp& pop, ExecContext* ctx) {
  const LogicalOp& op = *pop.logical;
  absl::StatusOr<std::vector<Row>> left = ExecutePhysical(*pop.children[0], ctx);
  if (!left.ok()) return left.status();
  const std::optional<planner::LookupTarget>* target =
      pop.lookup_targets.size() == 2 ? &pop.lookup_targets[1] : nullptr;
  // A lookup join reads only the right rows some left row matches: RIGHT
  // and FULL need them all.
  const bool keeps_right =
      op.join_type == ast::JoinType::kRight || op.join_type == ast::JoinType::kFull;
  if (target != nullptr && target->has_value() && op.predicate && !keeps_right &&
      left->size() <= ctx->options.max_lookup_join_rows) {
    const int left_width = static_cast<int>(op.children[0]->width());
    std::vector<EquiKey> keys;
    EquiKeys(*op.predicate, left_width, &keys);
    // The access path whose leading columns the equalities fix the most.
    const planner::KeyAccessPath* best = nullptr;
    std::vector<int> best_left;
    for (const planner::KeyAccessPath& path : (**target).paths) {
      std::vector<int> cols;
      for (int col : path.columns) {
        int found = -1;
        for (const EquiKey& key : keys) {
          // Keys are BINARY (lookup targets have no collated index).
          if (key.right == col && key.collation == Collation::kBinary) found = key.left;
        }
        if (found < 0) break;
        cols.push_back(found);
      }
      if (!cols.empty() && cols.size() > best_left.size()) {
        best = &path;
        best_left = std::move(cols);
      }
    }
    if (best != nullptr) {
      absl::StatusOr<std::optional<std::vector<Row>>> joined =
          LookupJoin(pop, **target, *best, best_left, *left, ctx);
      if (!joined.ok()) return joined.status();
      if (joined->has_value()) return **std::move(joined);
      // A probe value needs a full comparison: hash-join instead.
    }
  }
  absl::StatusOr<std::vector<Row>> right = ExecutePhysical(*pop.children[1], ctx);
  if (!right.ok()) return right.status();
  return HashJoin(op, *std::move(left), *std::move(right), ctx);
}

}  // namespace tessera::exec::internal
