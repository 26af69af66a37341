// The physical plan: how a logical plan runs across ranges.
//
// A table scan becomes a set of per-range fragments. Each fragment runs a
// pipeline (scan of its range's part of the key span, filter, project, and
// a partial aggregate, top-N or limit) next to the data; the gateway merges
// the fragments' outputs (merging partial aggregate states, re-selecting
// the top N, concatenating in key order). Which ranges a span touches is
// decided when the plan runs (bounds may be parameters and ranges split),
// so one physical plan serves every execution of a prepared statement.
//
// Inner joins keep their logical form (kMultiJoin: the executor orders them
// from the inputs' actual sizes); the planner marks which inputs can be
// read by key — a lookup join into the primary key or a secondary index —
// and the executor uses that access path when the rows probing it are few.
//
// Correlated IN / EXISTS subqueries whose correlation is a set of
// equalities are decorrelated: the subquery runs once into a hash table
// keyed by its correlated columns, probed by each outer row (a semi-join).
//
// PhysicalOp trees point into the logical plan they were made from; the
// root holds a reference that keeps it alive. Immutable once built;
// execution state lives in exec/.

#ifndef TESSERA_PLANNER_PHYSICAL_PLAN_H_
#define TESSERA_PLANNER_PHYSICAL_PLAN_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "planner/plan.h"

namespace tessera::planner {

enum class PhysicalKind {
  kRangeFragments,  // a scan pipeline run once per range, merged above
  kTopN,            // Sort + Limit at the gateway: keeps only N rows sorted
  kOperator,        // `logical` runs at the gateway over the children's rows
};

// The part of a query that runs inside every range fragment. Stages are
// applied in the order listed; absent ones are null.
struct ScanPipeline {
  const LogicalOp* scan = nullptr;       // kScan: whole table or a key span
  const BoundExpr* filter = nullptr;     // WHERE conjuncts over the table row
  const LogicalOp* project = nullptr;    // kProject over the filtered rows
  // kAggregate over the filtered rows, run as a partial aggregate per
  // fragment (only when every aggregate can merge partial states).
  const LogicalOp* aggregate = nullptr;
  // kSort + kLimit: each fragment keeps its first limit+offset rows in sort
  // order; the gateway sorts those and applies offset and limit.
  const LogicalOp* sort = nullptr;
  // kLimit: each fragment stops after limit+offset rows.
  const LogicalOp* limit = nullptr;
  // The table's columns, by position, that fragments must decode: those
  // the pipeline's own stages read and, when table rows leave the fragment
  // (no project or aggregate), those the operators above read. The others
  // may be left NULL. Empty: all.
  std::vector<bool> columns;
  // Fragments may run at once on several threads: no stage holds a
  // subquery (whose caches the statement shares) and no limit makes one
  // fragment's rows depend on another's.
  bool parallel = false;
};

// How a join input that is a table can be read by key: `columns[i]` are
// the positions (in the input's row) of the leading columns of the primary
// key (index_id 0) or of a secondary index.
struct KeyAccessPath {
  uint32_t index_id = 0;  // 0: primary key
  std::vector<int> columns;
};

// A join input that is a base table (optionally filtered) with every
// access path the executor may use for a lookup join into it.
struct LookupTarget {
  const LogicalOp* scan = nullptr;    // kScan of the whole table
  const BoundExpr* filter = nullptr;  // the input's own filter, may be null
  std::vector<KeyAccessPath> paths;
};

// A correlated IN / EXISTS subquery run once as a hash semi-join. The
// subquery reads `input` (uncorrelated), keeps rows passing every one of
// `local_filters` (its uncorrelated conjuncts) and keys them by `inner_keys`
// (over the input row); an outer row probes with `outer_keys` (evaluated
// with the outer row as the enclosing row, as inside the subquery). For
// IN, `in_value` (over the input row) gives the subquery's output column.
struct SemiJoinPlan {
  LogicalPtr input;
  // The subquery read its table by a key taken from the outer row (a
  // lookup per outer row, cheap while outer rows are few); `input` is then
  // the whole table instead.
  bool was_keyed = false;
  std::vector<const BoundExpr*> local_filters;
  std::vector<const BoundExpr*> inner_keys;
  std::vector<const BoundExpr*> outer_keys;
  const BoundExpr* in_value = nullptr;
};

struct PhysicalOp;
using PhysicalPtr = std::unique_ptr<const PhysicalOp>;

struct PhysicalOp {
  PhysicalKind kind = PhysicalKind::kOperator;
  // The topmost logical node this implements (for kRangeFragments the top
  // of the pushed-down pipeline; its column_names are this node's output).
  const LogicalOp* logical = nullptr;
  std::vector<PhysicalPtr> children;
  ScanPipeline pipeline;  // kRangeFragments
  // kTopN: the Sort below the Limit (`logical`).
  const LogicalOp* sort = nullptr;
  // kOperator over kMultiJoin or kJoin: per child, how it can be read by
  // key (null: it cannot; for kJoin only the right child is ever set).
  std::vector<std::optional<LookupTarget>> lookup_targets;
  // Keeps the logical plan alive (set on the root).
  LogicalPtr owner;

  size_t width() const { return logical->width(); }
};

// Plans `plan` for execution across ranges.
PhysicalPtr PlanPhysical(LogicalPtr plan);

// The hash semi-join for `e` (kExists or kInSubquery, correlated), or
// nullopt when its correlation is not a set of equalities over one input.
std::optional<SemiJoinPlan> PlanSemiJoin(const BoundExpr& e);

// Renders the physical plan as an indented tree (EXPLAIN). `annotate`, if
// set, adds lines under each node (ranges per fragment, actual row counts).
std::string ExplainPhysical(
    const PhysicalOp& op,
    const std::function<std::vector<std::string>(const PhysicalOp&)>& annotate = nullptr);

}  // namespace tessera::planner

#endif  // TESSERA_PLANNER_PHYSICAL_PLAN_H_
