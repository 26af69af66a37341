// Runs physical plans: dispatches each node to its operator (one file per
// operator family) and records what it did when EXPLAIN ANALYZE asks.

#include "exec/executor.h"

#include "absl/time/clock.h"
#include "exec/internal.h"

namespace tessera::exec {

namespace {

using planner::LogicalKind;
using planner::LogicalOp;
using planner::PhysicalKind;
using planner::PhysicalOp;

absl::StatusOr<std::vector<Row>> RunOperator(const PhysicalOp& pop, ExecContext* ctx) {
  const LogicalOp& op = *pop.logical;
  if (op.kind == LogicalKind::kMultiJoin) return internal::MultiJoin(pop, ctx);
  if (op.kind == LogicalKind::kJoin) return internal::Join(pop, ctx);
  if (op.kind == LogicalKind::kScan) return internal::ExecScan(op, ctx);
  if (op.kind == LogicalKind::kRecursiveUnion) return internal::RecursiveUnion(pop, ctx);
  if (op.kind == LogicalKind::kWorkingTable) return internal::WorkingTable(op, ctx);
  struct Budget {
    ExecContext* ctx;
    const LogicalOp* cte;
    ~Budget() {
      if (cte != nullptr) ctx->row_budgets.erase(cte);
    }
  } budget{ctx, op.kind == LogicalKind::kLimit ? internal::PassLimitDown(pop, ctx) : nullptr};
  std::vector<std::vector<Row>> inputs;
  for (const planner::PhysicalPtr& c : pop.children) {
    absl::StatusOr<std::vector<Row>> rows = ExecutePhysical(*c, ctx);
    if (!rows.ok()) return rows.status();
    inputs.push_back(*std::move(rows));
  }
  Row empty;
  switch (op.kind) {
    case LogicalKind::kScan:
    case LogicalKind::kMultiJoin:
    case LogicalKind::kJoin:
    case LogicalKind::kRecursiveUnion:
    case LogicalKind::kWorkingTable:
      break;  // handled above
    case LogicalKind::kSingleRow:
      return std::vector<Row>{Row{}};
    case LogicalKind::kValues: {
      std::vector<Row> out;
      for (const auto& exprs : op.rows) {
        Row r;
        for (const planner::BoundPtr& e : exprs) {
          absl::StatusOr<Value> v = Evaluate(*e, empty, ctx);
          if (!v.ok()) return v.status();
          r.push_back(*std::move(v));
        }
        out.push_back(std::move(r));
      }
      return out;
    }
    case LogicalKind::kFilter: {
      std::vector<Row> out;
      for (Row& r : inputs[0]) {
        absl::StatusOr<bool> h = internal::Holds(*op.predicate, r, ctx);
        if (!h.ok()) return h.status();
        if (*h) out.push_back(std::move(r));
      }
      return out;
    }
    case LogicalKind::kProject: {
      std::vector<Row> out;
      out.reserve(inputs[0].size());
      for (const Row& r : inputs[0]) {
        Row p;
        p.reserve(op.exprs.size());
        for (const planner::BoundPtr& e : op.exprs) {
          absl::StatusOr<Value> v = Evaluate(*e, r, ctx);
          if (!v.ok()) return v.status();
          p.push_back(*std::move(v));
        }
        out.push_back(std::move(p));
      }
      return out;
    }
    case LogicalKind::kAggregate: {
      internal::GroupTable groups(op, ctx);
      for (const Row& r : inputs[0]) {
        if (absl::Status s = groups.Add(r); !s.ok()) return s;
      }
      return groups.Finish();
    }
    case LogicalKind::kSort:
      internal::SortRows(op.sort_keys, &inputs[0]);
      return std::move(inputs[0]);
    case LogicalKind::kLimit: {
      absl::StatusOr<internal::LimitOffset> lo = internal::EvalLimit(op, ctx);
      if (!lo.ok()) return lo.status();
      return internal::ApplyLimit(std::move(inputs[0]), *lo);
    }
    case LogicalKind::kDistinct:
      return internal::Distinct(std::move(inputs[0]), op.key_collations);
    case LogicalKind::kSetOp:
      return internal::SetOperation(op.set_op, std::move(inputs[0]), std::move(inputs[1]),
                                    op.key_collations);
    case LogicalKind::kWindow:
      return internal::Window(op, std::move(inputs[0]), ctx);
    case LogicalKind::kTableFunction:
      return internal::TableFunction(op, inputs.empty() ? nullptr : &inputs[0], ctx);
  }
  return absl::InternalError("unknown plan node");
}

absl::StatusOr<std::vector<Row>> Run(const PhysicalOp& op, ExecContext* ctx) {
  switch (op.kind) {
    case PhysicalKind::kRangeFragments:
      return internal::RunRangeFragments(op, ctx);
    case PhysicalKind::kTopN: {
      absl::StatusOr<internal::LimitOffset> lo = internal::EvalLimit(*op.logical, ctx);
      if (!lo.ok()) return lo.status();
      absl::StatusOr<std::vector<Row>> rows = ExecutePhysical(*op.children[0], ctx);
      if (!rows.ok()) return rows.status();
      internal::TopN(op.sort->sort_keys, lo->keep(), &*rows);
      return internal::ApplyLimit(*std::move(rows), *lo);
    }
    case PhysicalKind::kOperator:
      return RunOperator(op, ctx);
  }
  return absl::InternalError("unknown physical plan node");
}

}  // namespace

absl::StatusOr<std::vector<Row>> ExecutePhysical(const PhysicalOp& op, ExecContext* ctx) {
  if (ctx->stats == nullptr) return Run(op, ctx);
  absl::Time start = absl::Now();
  absl::StatusOr<std::vector<Row>> rows = Run(op, ctx);
  OperatorStats& s = (*ctx->stats)[&op];
  s.nanos += absl::ToInt64Nanoseconds(absl::Now() - start);
  ++s.executions;
  if (rows.ok()) s.rows += rows->size();
  return rows;
}

absl::StatusOr<std::vector<Row>> Execute(const LogicalOp& plan, ExecContext* ctx) {
  auto it = ctx->physical_plans.find(&plan);
  if (it == ctx->physical_plans.end()) {
    // The caller keeps `plan` alive: a non-owning pointer suffices.
    it = ctx->physical_plans
             .emplace(&plan, planner::PlanPhysical(planner::LogicalPtr(planner::LogicalPtr(), &plan)))
             .first;
  }
  return ExecutePhysical(*it->second, ctx);
}

}  // namespace tessera::exec
