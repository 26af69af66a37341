// kRecursiveUnion and kWorkingTable: a recursive CTE, run round by round.
// Round 0 runs the initial SELECTs; every later round runs the recursive
// SELECTs over the rows the previous round added (the working table), until
// a round adds none. With UNION a row seen before is not added again (so a
// cycle in the data ends); with UNION ALL every row is, and a recursion that
// never stops is ended by a LIMIT on the CTE, a LIMIT right above its
// reader, or the budget of rows an operator may hold (ExecOptions).

#include "absl/strings/str_cat.h"
#include "exec/internal.h"

namespace tessera::exec::internal {

absl::StatusOr<std::vector<Row>> RecursiveUnion(const planner::PhysicalOp& pop,
                                                ExecContext* ctx) {
  const planner::LogicalOp& op = *pop.logical;
  // How many rows to produce at most: the CTE's own LIMIT (+ OFFSET), or
  // what a LIMIT right above its reader will take.
  LimitOffset own;
  if (op.limit) {
    absl::StatusOr<LimitOffset> lo = EvalLimit(op, ctx);
    if (!lo.ok()) return lo.status();
    own = *lo;
  }
  int64_t budget = own.keep();
  if (auto it = ctx->row_budgets.find(&op); it != ctx->row_budgets.end() && it->second >= 0) {
    budget = budget < 0 ? it->second : std::min(budget, it->second);
  }
  const bool distinct = op.set_op == ast::SetOp::kUnion;
  absl::flat_hash_set<std::string> seen;
  std::vector<Row> out;
  // Moves the rows of `round` not seen before onto `out` (up to the
  // budget). The rows a round added, out[from, end), are the next round's
  // working table: they are read in place.
  auto add = [&](std::vector<Row> round) -> absl::Status {
    for (Row& r : round) {
      if (budget >= 0 && static_cast<int64_t>(out.size()) >= budget) break;
      if (distinct && !seen.insert(RowKey(r)).second) continue;
      // The rows are held in memory, as any operator's: the same budget.
      // SQLite's `UNION ALL ... FROM c` with nothing to stop it would
      // otherwise run until memory is gone.
      if (out.size() >= ctx->options.max_rows) {
        return absl::ResourceExhaustedError(absl::StrCat(
            "recursive query produced more than ", ctx->options.max_rows, " rows in ",
            op.cte_name, " (a WHERE condition or a LIMIT must end it)"));
      }
      out.push_back(std::move(r));
    }
    return absl::OkStatus();
  };
  absl::StatusOr<std::vector<Row>> first = ExecutePhysical(*pop.children[0], ctx);
  if (!first.ok()) return first.status();
  if (absl::Status s = add(*std::move(first)); !s.ok()) return s;
  size_t from = 0;
  while (from < out.size() && (budget < 0 || static_cast<int64_t>(out.size()) < budget)) {
    // `out` does not grow while the round runs, so the span stays valid.
    ctx->working_tables[&op] = absl::MakeConstSpan(out).subspan(from);
    from = out.size();
    std::vector<Row> round;
    for (size_t i = 1; i < pop.children.size(); ++i) {
      absl::StatusOr<std::vector<Row>> rows = ExecutePhysical(*pop.children[i], ctx);
      if (!rows.ok()) {
        ctx->working_tables.erase(&op);
        return rows.status();
      }
      for (Row& r : *rows) round.push_back(std::move(r));
    }
    ctx->working_tables.erase(&op);
    if (absl::Status s = add(std::move(round)); !s.ok()) return s;
  }
  return op.limit ? ApplyLimit(std::move(out), own) : out;
}

absl::StatusOr<std::vector<Row>> WorkingTable(const planner::LogicalOp& op, ExecContext* ctx) {
  auto it = ctx->working_tables.find(op.recursive_union);
  if (it == ctx->working_tables.end()) {
    return absl::InternalError(absl::StrCat("no working table for ", op.cte_name));
  }
  return std::vector<Row>(it->second.begin(), it->second.end());
}

// A LIMIT whose input is a recursive CTE (through projections only, which
// keep every row) tells it how many rows will be read.
const planner::LogicalOp* PassLimitDown(const planner::PhysicalOp& limit, ExecContext* ctx) {
  const planner::PhysicalOp* p = limit.children.empty() ? nullptr : limit.children[0].get();
  while (p != nullptr && p->kind == planner::PhysicalKind::kOperator &&
         p->logical->kind == planner::LogicalKind::kProject && p->children.size() == 1) {
    p = p->children[0].get();
  }
  if (p == nullptr || p->kind != planner::PhysicalKind::kOperator ||
      p->logical->kind != planner::LogicalKind::kRecursiveUnion) {
    return nullptr;
  }
  absl::StatusOr<LimitOffset> lo = EvalLimit(*limit.logical, ctx);
  if (!lo.ok()) return nullptr;
  ctx->row_budgets[p->logical] = lo->keep();
  return p->logical;
}

}  // namespace tessera::exec::internal
