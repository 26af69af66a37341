// Two-input joins (kJoin: inner or LEFT): a hash join on the equality
// conjuncts of the condition, a nested loop when there are none.

#include "exec/internal.h"
#include "function/value_ops.h"

namespace tessera::exec::internal {

namespace {

using planner::BoundExpr;
using planner::BoundKind;
using planner::LogicalOp;

// Finds conjuncts `left_col = right_col` in a join predicate: hash-join keys.
void EquiKeys(const BoundExpr& e, int left_width, std::vector<std::pair<int, int>>* keys) {
  if (e.kind == BoundKind::kBinary && e.op == ast::Op::kAnd) {
    EquiKeys(*e.children[0], left_width, keys);
    EquiKeys(*e.children[1], left_width, keys);
    return;
  }
  if (e.kind != BoundKind::kBinary || e.op != ast::Op::kEq) return;
  const BoundExpr& a = *e.children[0];
  const BoundExpr& b = *e.children[1];
  if (a.kind != BoundKind::kColumn || b.kind != BoundKind::kColumn || a.depth != 0 ||
      b.depth != 0) {
    return;
  }
  if (a.index < left_width && b.index >= left_width) {
    keys->emplace_back(a.index, b.index - left_width);
  } else if (b.index < left_width && a.index >= left_width) {
    keys->emplace_back(b.index, a.index - left_width);
  }
}

}  // namespace

absl::StatusOr<std::vector<Row>> HashJoin(const LogicalOp& op, std::vector<Row> left,
                                          std::vector<Row> right, ExecContext* ctx) {
  std::vector<Row> out;
  const int left_width = static_cast<int>(op.children[0]->width());
  const size_t right_width = op.children[1]->width();
  std::vector<std::pair<int, int>> keys;
  if (op.predicate) EquiKeys(*op.predicate, left_width, &keys);
  // Hash join on the equality keys (NULL keys never match); the whole
  // predicate is still evaluated on each candidate pair.
  absl::flat_hash_map<std::string, std::vector<size_t>> table;
  auto key_of = [&](const Row& r, bool right_side, std::string* k) {
    k->clear();
    for (auto [l, rr] : keys) {
      const Value& v = right_side ? r[rr] : r[l];
      if (v.is_null()) return false;
      AppendCanonical(v, k);
    }
    return true;
  };
  if (!keys.empty()) {
    std::string k;
    for (size_t i = 0; i < right.size(); ++i) {
      if (key_of(right[i], true, &k)) table[k].push_back(i);
    }
  }
  std::vector<size_t> all(right.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  static const std::vector<size_t> kNone;
  std::string k;
  for (const Row& l : left) {
    const std::vector<size_t>* candidates = &all;
    if (!keys.empty()) {
      if (!key_of(l, false, &k)) {
        candidates = &kNone;
      } else {
        auto it = table.find(k);
        candidates = it == table.end() ? &kNone : &it->second;
      }
    }
    bool matched = false;
    for (size_t i : *candidates) {
      const Row& r = right[i];
      Row joined = l;
      joined.insert(joined.end(), r.begin(), r.end());
      if (op.predicate) {
        absl::StatusOr<Value> c = Evaluate(*op.predicate, joined, ctx);
        if (!c.ok()) return c.status();
        if (!function::Truth(*c).value_or(false)) continue;
      }
      matched = true;
      if (out.size() >= ctx->options.max_rows) return TooManyRows(ctx);
      out.push_back(std::move(joined));
    }
    if (!matched && op.join_type == ast::JoinType::kLeft) {
      Row joined = l;
      joined.resize(joined.size() + right_width);
      out.push_back(std::move(joined));
    }
  }
  return out;
}

}  // namespace tessera::exec::internal
