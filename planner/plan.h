// The bound (resolved) expression and logical plan families the binder
// produces from the AST. Immutable once built; execution state lives in
// exec/. Column references are positions in the row their operator reads.

#ifndef TESSERA_PLANNER_PLAN_H_
#define TESSERA_PLANNER_PLAN_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "catalog/descriptors.h"
#include "common/collation.h"
#include "common/value.h"
#include "function/functions.h"
#include "parser/ast.h"

namespace tessera::planner {

struct LogicalOp;
using LogicalPtr = std::shared_ptr<const LogicalOp>;

struct BoundExpr;
using BoundPtr = std::unique_ptr<BoundExpr>;

inline constexpr uint8_t kNoCollation = 0;
inline constexpr uint8_t kColumnCollation = 1;
inline constexpr uint8_t kExplicitCollation = 2;

enum class BoundKind {
  kConstant,        // value
  kColumn,          // index (depth 0) or an enclosing query's row (depth > 0)
  kParameter,       // index: 1-based parameter number
  kUnary,           // op, children[0]
  kBinary,          // op, children[0..1]
  kIsNull,          // children[0], negated
  kBetween,         // children[0..2], negated
  kInList,          // children[0] IN children[1..], negated
  kInSubquery,      // children[0] IN subquery, negated
  kExists,          // subquery, negated
  kScalarSubquery,  // subquery (first column of first row, or NULL)
  kCase,            // children: [operand?] (when, then)* [else?]; see flags
  kCast,            // children[0], cast_type
  kFunction,        // function, children
  kLike,            // children[0..2] (escape may be a NULL constant), op
  // SQLite's comparison affinity `cast_type` applied to children[0]
  // (function::ApplyAffinity).
  kAffinity,
  // A value of the connection's state (index: a SessionValue), read when
  // the statement runs: last_insert_rowid(), changes(), total_changes().
  kSessionValue,
};

enum class SessionValue { kLastInsertRowid = 0, kChanges = 1, kTotalChanges = 2 };

struct BoundExpr {
  BoundKind kind = BoundKind::kConstant;
  Value value;
  int index = 0;
  int depth = 0;
  ast::Op op = ast::Op::kAdd;
  bool negated = false;
  bool has_operand = false;  // CASE x WHEN ...
  bool has_else = false;
  Type cast_type = Type::kNull;
  // The affinity a comparison gives this expression's value: the declared
  // type of the column it reads, or the type it is CAST to; kNull (none)
  // for everything else. Decides which side of a comparison converts.
  Type affinity = Type::kNull;
  // The collation this expression carries into a comparison, ORDER BY,
  // GROUP BY or DISTINCT (SQLite's rules), and how strongly:
  // kNoCollation (computed values), kColumnCollation (a column read: its
  // COLLATE, BINARY by default; CAST and unary + pass it on), or
  // kExplicitCollation (`COLLATE name`, which every operator over it passes
  // on). The binder applies it: comparisons compare folded operands.
  Collation collation = Collation::kBinary;
  uint8_t collation_strength = 0;
  const function::ScalarFunction* function = nullptr;
  std::vector<BoundPtr> children;
  LogicalPtr subquery;
  bool correlated = false;  // subquery reads an enclosing row

  BoundPtr Clone() const;
};

struct AggregateCall {
  function::AggregateKind kind = function::AggregateKind::kCount;
  bool distinct = false;
  // min()/max() and DISTINCT compare TEXT inputs under the argument's
  // collation.
  Collation collation = Collation::kBinary;
  bool any_value = false;  // a bare column in an aggregate query
  BoundPtr arg;            // null for count(*)
  Value separator;         // group_concat
  BoundPtr filter;         // FILTER (WHERE ...): rows it does not hold for are skipped
};

struct SortKey {
  int column = 0;  // position in the input row
  bool descending = false;
  bool nulls_first = true;
  Collation collation = Collation::kBinary;  // for TEXT values
};

// The window functions (SQLite's), and aggregates used over a window.
enum class WindowFunctionKind {
  kRowNumber, kRank, kDenseRank, kPercentRank, kCumeDist, kNtile,
  kLag, kLead, kFirstValue, kLastValue, kNthValue, kAggregate,
};

// One bound end of a window frame; `offset` (kPreceding/kFollowing) reads
// no column and is evaluated once per statement.
struct BoundFrameBound {
  ast::FrameBoundKind kind = ast::FrameBoundKind::kCurrentRow;
  BoundPtr offset;
};

// One call of a window function: over the rows of its partition (equal
// `partition_by` values), ordered by `order_by`, within its frame. Every
// expression reads the kWindow node's input row.
struct WindowCall {
  WindowFunctionKind kind = WindowFunctionKind::kRowNumber;
  function::AggregateKind aggregate = function::AggregateKind::kCount;  // kAggregate
  Value separator;  // group_concat's, when constant (else NULL: ",")
  std::vector<BoundPtr> args;
  BoundPtr filter;  // kAggregate's FILTER (WHERE ...), may be null
  std::vector<BoundPtr> partition_by;
  std::vector<BoundPtr> order_by;
  std::vector<SortKey> order;  // per order_by: direction and NULLs (column unused)
  ast::FrameUnit unit = ast::FrameUnit::kRange;
  BoundFrameBound start, end;
  ast::FrameExclude exclude = ast::FrameExclude::kNoOthers;
};

enum class LogicalKind {
  kScan,       // table; output: the table's columns
  kSingleRow,  // one empty row (SELECT without FROM)
  kValues,     // rows of expressions
  kFilter,     // predicate over child
  kProject,    // exprs over child
  kJoin,       // left ++ right columns; join_type, condition (may be null)
  kMultiJoin,  // inner join of children (columns concatenated in order);
               // exprs: conjuncts over the concatenated row. The executor
               // picks the join order from the children's actual sizes.
  kAggregate,  // output: group keys ++ aggregate results
  kSort,       // sort keys over child
  kLimit,      // limit/offset expressions (constant after binding)
  kDistinct,
  kSetOp,      // set_op over children[0], children[1]
  // A recursive CTE: children[0] gives the first rows; children[1..] run
  // again over the rows the last round added (their kWorkingTable leaves)
  // until a round adds none. set_op kUnion drops rows seen before,
  // kUnionAll keeps them; limit/offset (may be null) end it early.
  kRecursiveUnion,
  kWorkingTable,  // the rows `recursive_union`'s last round added
  // Window functions: output is the child's row ++ one column per window
  // call; rows come out in the last call's partition and order.
  kWindow,
  // A table-valued function (json_each): `table_function` over the
  // arguments `exprs`. Without children it runs once and its rows are the
  // output. With one child it runs once per child row, its arguments read
  // over that row (SQLite's `FROM t, json_each(t.j)`), and the output is
  // the child's row ++ each of the function's rows that `predicate` (may
  // be null) holds for; join_type kLeft keeps a child row none matched,
  // with NULLs.
  kTableFunction,
};

struct LogicalOp {
  LogicalKind kind = LogicalKind::kSingleRow;
  std::vector<LogicalPtr> children;
  std::vector<std::string> column_names;  // output names
  // kScan
  std::shared_ptr<const catalog::TableDescriptor> table;
  // kScan: when set, one expression per primary key column (no column
  // references): the scan reads just that key (a point lookup).
  std::vector<BoundPtr> key_exprs;
  // kScan: bounds on the first column of the primary key (index_id 0) or
  // of secondary index `index_id` (either may be null): the scan reads
  // only the key span they allow (through the index: its entries, then
  // the rows).
  BoundPtr range_lo, range_hi;
  bool lo_inclusive = true, hi_inclusive = true;
  // kScan through a secondary index: its id and values for its leading
  // columns (equality); the scan reads the matching entries, then the rows.
  uint32_t index_id = 0;
  std::vector<BoundPtr> index_values;
  // kScan: values (no column references) the first column of the primary
  // key (index_id 0) or of index `index_id` takes (an IN list); the scan
  // reads each by key.
  std::vector<BoundPtr> in_list;
  // kValues
  std::vector<std::vector<BoundPtr>> rows;
  // kFilter / kJoin / kTableFunction
  BoundPtr predicate;
  ast::JoinType join_type = ast::JoinType::kInner;
  // kProject; kTableFunction: the arguments
  std::vector<BoundPtr> exprs;
  // kAggregate: per group key; kDistinct and kSetOp: per column. Which
  // values count as equal: TEXT compares under these collations (empty or
  // shorter: BINARY). A group's or a distinct row's values are those of
  // its first row.
  std::vector<Collation> key_collations;
  // kAggregate
  std::vector<BoundPtr> group_by;
  std::vector<AggregateCall> aggregates;
  // kWindow
  std::vector<WindowCall> windows;
  // kTableFunction (not owned: function descriptors live for the process)
  const function::TableFunction* table_function = nullptr;
  // kSort
  std::vector<SortKey> sort_keys;
  // kLimit
  BoundPtr limit, offset;
  // kSetOp, kRecursiveUnion
  ast::SetOp set_op = ast::SetOp::kUnion;
  // kRecursiveUnion and kWorkingTable: the CTE's name (EXPLAIN).
  std::string cte_name;
  // kWorkingTable: the node whose rounds it reads (that node owns this one
  // through its children, so a plain pointer).
  const LogicalOp* recursive_union = nullptr;

  size_t width() const { return column_names.size(); }
};

// One line naming `op` and its main parameters ("scan t", "sort (2 keys)").
std::string Describe(const LogicalOp& op);

// Renders a plan as an indented tree (EXPLAIN). `annotate`, if set, adds
// lines under each node (the session lists the ranges each scan reads).
std::string ExplainPlan(
    const LogicalOp& op,
    const std::function<std::vector<std::string>(const LogicalOp&)>& annotate = nullptr);

}  // namespace tessera::planner

#endif  // TESSERA_PLANNER_PLAN_H_
