// Executes bound logical plans inside a transaction.
//
// Each operator produces its whole result as one batch of rows (vector of
// rows) before its parent consumes it: simple and correct, with per-batch
// (not per-row virtual) processing. Streaming batches and per-range
// fragments come with the physical planner. Memory is bounded by
// ExecOptions::max_rows: an operator that would hold more rows fails with
// kResourceExhausted instead of exhausting memory.
//
// Thread-safety: an ExecContext belongs to one statement on one thread.

#ifndef TESSERA_EXEC_EXECUTOR_H_
#define TESSERA_EXEC_EXECUTOR_H_

#include <map>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "common/value.h"
#include "planner/plan.h"
#include "txn/txn.h"

namespace tessera::exec {

using Row = std::vector<Value>;

struct ExecOptions {
  // Rows one operator may hold at once (sort, hash table, materialized
  // result).
  size_t max_rows = 20'000'000;
  // Bytes of values one join may hold at once (estimated as rows x width x
  // sizeof(Value)).
  size_t max_join_bytes = size_t{1} << 30;
};

struct ExecContext {
  txn::Txn* txn = nullptr;                  // not owned
  const std::vector<Value>* params = nullptr;  // 1-based parameters; may be null
  ExecOptions options;
  // Rows of enclosing queries, innermost last (correlated subqueries).
  std::vector<const Row*> outer;
  // Results of uncorrelated subqueries, computed once per statement.
  std::map<const planner::LogicalOp*, std::vector<Row>> subquery_cache;
};

// Runs `plan` and returns its rows.
absl::StatusOr<std::vector<Row>> Execute(const planner::LogicalOp& plan,
                                         ExecContext* ctx);

// Evaluates `expr` over `row`.
absl::StatusOr<Value> Evaluate(const planner::BoundExpr& expr, const Row& row,
                               ExecContext* ctx);

}  // namespace tessera::exec

#endif  // TESSERA_EXEC_EXECUTOR_H_
