// Executes plans inside a transaction.
//
// Execute() plans a bound logical plan for execution across ranges
// (planner/physical_plan.h) and runs it. Scans run as per-range fragments
// whose pipelines (filter, project, partial aggregate, top-N, limit)
// consume the range's rows in batches as they are read; operators above
// the fragments work on whole batches of rows (no virtual call per row).
// Memory is bounded by ExecOptions: an operator that would hold more rows
// fails with kResourceExhausted (SQLSTATE 53200) instead of exhausting
// memory (spilling to disk is not implemented).
//
// Thread-safety: an ExecContext belongs to one statement on one thread.

#ifndef TESSERA_EXEC_EXECUTOR_H_
#define TESSERA_EXEC_EXECUTOR_H_

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/node_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "common/value.h"
#include "planner/physical_plan.h"
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
  // A lookup join reads the inner table by key when at most this many rows
  // probe it; with more it reads the table once and hash-joins.
  size_t max_lookup_join_rows = 2000;
  // A scan over several ranges runs its fragments on all cores at once
  // (when nothing in them needs the statement's shared state).
  bool parallel_fragments = true;
};

// What one physical operator did (EXPLAIN ANALYZE).
struct OperatorStats {
  uint64_t rows = 0;          // rows produced
  uint64_t nanos = 0;         // wall time including children
  uint64_t fragments = 0;     // kRangeFragments: ranges read
  uint64_t rows_scanned = 0;  // kRangeFragments: rows read from storage
  uint64_t lookups = 0;       // lookup joins: keys read
  uint64_t executions = 0;    // times run (subqueries run per outer row)
};

struct SemiJoinTable;  // exec-internal: a decorrelated subquery's hash table

// What last_insert_rowid(), changes() and total_changes() read: the
// connection's counters as of the statement's start.
struct SessionValues {
  int64_t last_insert_rowid = 0;
  int64_t changes = 0;
  int64_t total_changes = 0;
};

struct ExecContext {
  ExecContext();
  ~ExecContext();
  ExecContext(const ExecContext&) = delete;
  ExecContext& operator=(const ExecContext&) = delete;

  txn::Txn* txn = nullptr;                     // not owned
  const std::vector<Value>* params = nullptr;  // 1-based parameters; may be null
  const SessionValues* session = nullptr;      // not owned; null reads as zeros
  ExecOptions options;
  // Rows of enclosing queries, innermost last (correlated subqueries).
  std::vector<const Row*> outer;
  // Results of uncorrelated subqueries, computed once per statement.
  std::map<const planner::LogicalOp*, std::vector<Row>> subquery_cache;
  // Physical plans of the logical plans (and subqueries) run so far.
  absl::flat_hash_map<const planner::LogicalOp*, planner::PhysicalPtr> physical_plans;
  // Decorrelated subqueries, built on first use.
  absl::flat_hash_map<const planner::BoundExpr*, std::unique_ptr<SemiJoinTable>> semi_joins;
  // Recursive CTEs (kRecursiveUnion) being run -> the rows their last
  // round added, which their kWorkingTable leaves read.
  absl::flat_hash_map<const planner::LogicalOp*, absl::Span<const Row>> working_tables;
  // Recursive CTEs -> how many rows the LIMIT above them will read.
  absl::flat_hash_map<const planner::LogicalOp*, int64_t> row_budgets;
  // The rows of SQLite's schema pragma `name` (table_info, index_list,
  // ...) with argument `arg`, read in `txn`: what a pragma_* table-valued
  // function gives, before its hidden columns. Set by the session, which
  // renders schema text; null: those functions fail.
  using PragmaRows = absl::StatusOr<std::vector<Row>> (*)(txn::Txn* txn, absl::string_view name,
                                                          const Value& arg);
  PragmaRows pragma_rows = nullptr;
  // When set, every operator adds what it did (not owned). Node-based so
  // an operator may hold its entry while subqueries add theirs.
  absl::node_hash_map<const planner::PhysicalOp*, OperatorStats>* stats = nullptr;
};

// Plans `plan` across ranges (once per context) and returns its rows. The
// plan must outlive `ctx`.
absl::StatusOr<std::vector<Row>> Execute(const planner::LogicalOp& plan,
                                         ExecContext* ctx);

// Runs a physical plan and returns its rows.
absl::StatusOr<std::vector<Row>> ExecutePhysical(const planner::PhysicalOp& plan,
                                                 ExecContext* ctx);

// The ranges the fragments of `op` (kRangeFragments) read, in key order
// (none when its key bounds admit no row).
absl::StatusOr<std::vector<kv::RangeDescriptor>> FragmentRanges(const planner::PhysicalOp& op,
                                                                ExecContext* ctx);

// Subquery work of a statement run with stats (EXPLAIN ANALYZE): how many
// correlated subqueries ran once as hash semi-joins, and how many times
// subquery plans ran in all.
struct SubqueryStats {
  uint64_t decorrelated = 0;
  uint64_t executions = 0;
};
SubqueryStats SummarizeSubqueries(const ExecContext& ctx);

// Evaluates `expr` over `row`.
absl::StatusOr<Value> Evaluate(const planner::BoundExpr& expr, const Row& row,
                               ExecContext* ctx);

}  // namespace tessera::exec

#endif  // TESSERA_EXEC_EXECUTOR_H_
