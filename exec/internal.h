// Shared by the operator implementations of exec/ (one file per operator
// family); not part of the package's interface.

#ifndef TESSERA_EXEC_INTERNAL_H_
#define TESSERA_EXEC_INTERNAL_H_

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "exec/executor.h"
#include "function/functions.h"

namespace tessera::exec::internal {

// --- rows and values (rows.cc) ---

// A canonical byte string for grouping, DISTINCT and hash joins: values
// that compare equal (1 and 1.0) get the same bytes.
void AppendCanonical(const Value& v, std::string* out);
// AppendCanonical() of `v` with its TEXT folded under `c`: values equal
// under the collation get the same bytes.
void AppendCanonical(const Value& v, Collation c, std::string* out);
// The canonical bytes of `row`, column i's TEXT under collations[i]
// (BINARY past its end).
std::string RowKey(const Row& row, const std::vector<Collation>& collations = {});
// collations[i], BINARY past the end.
inline Collation CollationAt(const std::vector<Collation>& collations, size_t i) {
  return i < collations.size() ? collations[i] : Collation::kBinary;
}
// The integer AppendCanonical encodes `v` as (INTEGER, BOOLEAN, a REAL
// with an integral value), or nullopt: values with the same canonical
// integer are equal for grouping and joins.
inline std::optional<int64_t> CanonicalInteger(const Value& v) {
  switch (v.type()) {
    case Type::kInteger:
      return v.integer();
    case Type::kBoolean:
      return v.boolean() ? 1 : 0;
    case Type::kReal: {
      double d = v.real();
      if (std::trunc(d) == d && d >= -9.2e18 && d <= 9.2e18) return static_cast<int64_t>(d);
      return std::nullopt;
    }
    default:
      return std::nullopt;
  }
}

// An operand of a join equality that a hash join can key on: a plain
// column (BINARY), or that column's key under a collation, which is how
// the binder writes both operands of a comparison under NOCASE or RTRIM.
// Sets *column (a depth-0 position) and *collation.
bool JoinKeyOperand(const planner::BoundExpr& e, int* column, Collation* collation);

// A hash index over the rows of a join's build side, by a key of one or
// more values under canonical equality (1 = 1.0 = TRUE). A key with one
// integral value hashes as an int64; other keys as canonical bytes. Rows
// with a NULL key part are never indexed and NULL probes match nothing.
// Matches come back in insertion order.
class JoinHashIndex {
 public:
  static constexpr uint32_t kEnd = UINT32_MAX;
  // A key, built in place with Make() (reuse one to keep its buffer).
  struct Key {
    bool integral = false;
    int64_t integer = 0;
    std::string bytes;
  };
  // Sets *key to the key of `parts`; false if a part is NULL.
  static bool Make(std::initializer_list<const Value*> parts, Key* key);
  static bool Make(const std::vector<const Value*>& parts, Key* key);

  // Room for `rows` rows without rehashing (assuming integral keys).
  void Reserve(size_t rows);
  // Which of `parts` partitions `key` belongs to (a partitioned build puts
  // each key's rows in one index).
  static size_t PartitionOf(const Key& key, size_t parts);
  // Indexes row number `row` (rows are numbered from 0 by the caller).
  void Insert(const Key& key, uint32_t row);
  // The first row with `key`, then each next one; kEnd after the last.
  uint32_t First(const Key& key) const;
  uint32_t Next(uint32_t row) const { return next_[row]; }

 private:
  struct Chain {
    uint32_t head, tail;
  };
  void Append(Chain* chain, bool inserted, uint32_t row);
  absl::flat_hash_map<int64_t, Chain> integers_;
  absl::flat_hash_map<std::string, Chain> bytes_;
  std::vector<uint32_t> next_;  // row -> next row with the same key
};
// ORDER BY / compound order: NULL first, then SQL comparison order.
int CompareRows(const Row& a, const Row& b);
// -1, 0 or 1 as `x` sorts before, with or after `y` under `key` (its
// direction and NULL placement; its column is not read).
// TEXT compares under key.collation.
int CompareUnder(const Value& x, const Value& y, const planner::SortKey& key);
// Whether `a` sorts before `b` under ORDER BY `keys`.
bool SortsBefore(const std::vector<planner::SortKey>& keys, const Row& a, const Row& b);
absl::Status TooManyRows(const ExecContext* ctx);
inline Value Bool(bool b) { return Value::Integer(b ? 1 : 0); }
// `e` over `row` when it is an INTEGER computed from INTEGER columns and
// constants with arithmetic and comparisons (the common case in filters,
// grouping keys and aggregate arguments): true and *out set, with exactly
// Evaluate()'s result. False means "use Evaluate()" (another type, NULL,
// overflow, another kind of expression); nothing is reported as an error.
bool EvaluateInteger(const planner::BoundExpr& e, const Row& row, int64_t* out);
// Whether `predicate` holds (is TRUE) for `row`.
absl::StatusOr<bool> Holds(const planner::BoundExpr& predicate, const Row& row,
                           ExecContext* ctx);

// LIMIT and OFFSET of a kLimit node; limit < 0 means none.
struct LimitOffset {
  int64_t limit = -1;
  int64_t offset = 0;
  // Rows a producer must keep so that offset+limit can be applied later
  // (-1: all).
  int64_t keep() const {
    return limit < 0 || limit > INT64_MAX - offset ? -1 : limit + offset;
  }
};
absl::StatusOr<LimitOffset> EvalLimit(const planner::LogicalOp& limit, ExecContext* ctx);
std::vector<Row> ApplyLimit(std::vector<Row> rows, const LimitOffset& lo);

// --- table access (scan.cc) ---

// The key value as a column of `column_type` stores it, or nullopt when no
// stored value can equal it — or when the types differ in a way only a
// full comparison can judge (`*exact` false).
std::optional<Value> KeyValueFor(const Value& v, Type column_type, bool* exact);

// A key span [start, end).
struct Span {
  std::string start, end;
};

// The primary-key span a span scan (whole table or bounded first key
// column) reads; nullopt when its bounds admit no row.
absl::StatusOr<std::optional<Span>> ScanSpan(const planner::LogicalOp& scan, ExecContext* ctx);

// Point and index lookups (kScan with key_exprs or index_id), and span
// scans read whole at the gateway.
absl::StatusOr<std::vector<Row>> ExecScan(const planner::LogicalOp& scan, ExecContext* ctx);

// Reads the rows of `table` whose leading columns of the primary key
// (index_id 0) or of secondary index `index_id` equal `values` (already
// converted with KeyValueFor), in primary key order.
absl::Status ReadByKey(const catalog::TableDescriptor& table, uint32_t index_id,
                       const std::vector<Value>& values, ExecContext* ctx,
                       std::vector<Row>* out);

// A lookup-join probe (lookup.cc): the key values `row`'s `columns` give
// for the leading columns of `path` in `target`'s table.
struct LookupProbe {
  // False when a value's type differs from its key column's (or the column
  // holds any type, where 1 and 1.0 have different keys): only a full
  // comparison can judge it, so the caller reads the input whole instead.
  bool by_key = true;
  // True when no row can match (a NULL, or a value the column cannot hold).
  bool matches_nothing = false;
  std::vector<Value> values;
};
LookupProbe MakeLookupProbe(const planner::LookupTarget& target,
                            const planner::KeyAccessPath& path, const Row& row,
                            const std::vector<int>& columns);
// The rows of `target` with key `probe.values` along `path` that pass the
// target's own filter (none when the probe matches nothing).
absl::StatusOr<std::vector<Row>> ReadLookupRows(const planner::LookupTarget& target,
                                                const planner::KeyAccessPath& path,
                                                const LookupProbe& probe, ExecContext* ctx);

// --- aggregation (aggregate.cc) ---

// The groups of a kAggregate node and their aggregate states. Fragments
// fill one each (partial states); the gateway merges them and finishes.
class GroupTable {
 public:
  GroupTable(const planner::LogicalOp& aggregate, ExecContext* ctx)
      : op_(aggregate), ctx_(ctx) {}

  // Folds one input row (the aggregate's input) into its group.
  absl::Status Add(const Row& row);
  // Folds the partial states of `other` (same node, later rows) into this.
  absl::Status Merge(GroupTable&& other);
  // The output rows: group keys ++ aggregate results.
  absl::StatusOr<std::vector<Row>> Finish();

 private:
  struct Group {
    Row keys;
    std::vector<function::AggregateState> states;
    std::vector<absl::flat_hash_set<std::string>> seen;  // DISTINCT
    std::vector<Value> any;  // bare columns: the last row's value
  };
  // The group of `keys`, created (taking `keys`' values) if new.
  absl::StatusOr<Group*> Find(Row& keys);
  // Folds `row` into the aggregate states of `g`.
  absl::Status AddToGroup(Group& g, const Row& row);

  const planner::LogicalOp& op_;
  ExecContext* const ctx_;
  std::vector<Group> groups_;
  // Appends a group for `keys` (taking their values); its number.
  absl::StatusOr<size_t> NewGroup(Row& keys);

  // Group numbers by key: one integral key value (CanonicalInteger) below
  // kDenseKeys in dense_ (number + 1, 0: none yet; GROUP BY n % 100 finds
  // its group without hashing), other integral keys in integers_, any other
  // key by its canonical bytes.
  static constexpr int64_t kDenseKeys = 1024;
  std::vector<uint32_t> dense_;
  absl::flat_hash_map<int64_t, size_t> integers_;
  absl::flat_hash_map<std::string, size_t> index_;
  Row scratch_keys_;               // Add(): the current row's group key
  std::string scratch_canonical_;  // Find(): canonical bytes of a key
};

// --- operators ---

// kRangeFragments (range_fragments.cc).
absl::StatusOr<std::vector<Row>> RunRangeFragments(const planner::PhysicalOp& op,
                                                   ExecContext* ctx);
// kJoin: a lookup join when the right input can be read by key and few
// left rows probe it, else HashJoin (join.cc).
absl::StatusOr<std::vector<Row>> Join(const planner::PhysicalOp& op, ExecContext* ctx);
// Inner or left hash join, nested loop without equalities (join.cc).
absl::StatusOr<std::vector<Row>> HashJoin(const planner::LogicalOp& op, std::vector<Row> left,
                                          std::vector<Row> right, ExecContext* ctx);
// kMultiJoin with hash and lookup joins (multi_join.cc); reads its
// children itself (a lookup target may never be read whole).
absl::StatusOr<std::vector<Row>> MultiJoin(const planner::PhysicalOp& op, ExecContext* ctx);
// kSort, kTopN, kDistinct, kSetOp (sort.cc).
void SortRows(const std::vector<planner::SortKey>& keys, std::vector<Row>* rows);
// The first `keep` rows of `rows` in sort order (ties in input order);
// keep < 0 sorts all.
void TopN(const std::vector<planner::SortKey>& keys, int64_t keep, std::vector<Row>* rows);
// Rows count as duplicates when their values are equal with column i's
// TEXT under collations[i] (BINARY past its end); the first one stays.
std::vector<Row> Distinct(std::vector<Row> rows, const std::vector<Collation>& collations = {});
std::vector<Row> SetOperation(ast::SetOp op, std::vector<Row> a, std::vector<Row> b,
                              const std::vector<Collation>& collations = {});

// Recursive CTEs (recursive_union.cc): the kRecursiveUnion node, the rows
// of its last round for a kWorkingTable, and a LIMIT telling the CTE below
// it how many rows it will read.
absl::StatusOr<std::vector<Row>> RecursiveUnion(const planner::PhysicalOp& op, ExecContext* ctx);
absl::StatusOr<std::vector<Row>> WorkingTable(const planner::LogicalOp& op, ExecContext* ctx);

// Window functions (window.cc): `rows` (the kWindow node's input) each
// with one more column per window call, in the last call's order.
absl::StatusOr<std::vector<Row>> Window(const planner::LogicalOp& op, std::vector<Row> rows,
                                        ExecContext* ctx);
// A table-valued function (table_function.cc): its rows, run once; or,
// with `input` (the node's child's rows), each input row ++ the rows the
// function gives for it (see planner::LogicalKind::kTableFunction).
absl::StatusOr<std::vector<Row>> TableFunction(const planner::LogicalOp& op,
                                               const std::vector<Row>* input, ExecContext* ctx);
// PassLimitDown returns the CTE it told (nullptr: none); the caller takes
// the budget back when the LIMIT's input has run, because the same CTE may
// be read elsewhere in the statement without one.
const planner::LogicalOp* PassLimitDown(const planner::PhysicalOp& limit, ExecContext* ctx);

// Subqueries (subquery.cc): rows of `e`'s subquery for `row`, and the
// value of a correlated IN / EXISTS through its semi-join when it has one
// (nullopt: evaluate it row by row).
absl::StatusOr<std::vector<Row>> RunSubquery(const planner::BoundExpr& e, const Row& row,
                                             ExecContext* ctx);
absl::StatusOr<std::optional<Value>> ProbeSemiJoin(const planner::BoundExpr& e,
                                                   const Row& row, ExecContext* ctx);
// `x IN candidates` with SQL's three-valued result.
Value InResult(const Value& x, const std::vector<Value>& candidates, bool negated);

}  // namespace tessera::exec::internal

#endif  // TESSERA_EXEC_INTERNAL_H_
