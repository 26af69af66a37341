// Binder: AST -> bound logical plan. Resolves names against the catalog
// (read in the caller's transaction) and nested scopes, checks types and
// aggregate use, and reports errors a user can act on:
//   no such table / no such column (kNotFound), ambiguous column name
//   (kInvalidArgument), misuse of aggregate (kInvalidArgument).
//
// A Binder is used for one statement by one thread.

#ifndef TESSERA_PLANNER_BINDER_H_
#define TESSERA_PLANNER_BINDER_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/attributes.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "catalog/descriptors.h"
#include "parser/ast.h"
#include "planner/plan.h"
#include "txn/txn.h"

namespace tessera::planner {

// The affinity each output column of `plan` keeps (SQLite: a column read
// through a subquery, view or CTE keeps its declared type; computed
// columns have none, kNull).
std::vector<Type> OutputAffinity(const LogicalOp& plan);

// The collation each output column of `plan` carries (a column of a
// subquery, view or CTE has its expression's; a compound SELECT's column
// the leftmost SELECT's that has one), as BoundExpr keeps it.
struct CarriedCollation {
  Collation collation = Collation::kBinary;
  uint8_t strength = kNoCollation;
};
std::vector<CarriedCollation> OutputCollation(const LogicalOp& plan);

// For one table's indexes on expressions: index id -> per key column its
// expression bound over the table's row (null: a column).
using KeyExpressions = absl::flat_hash_map<uint32_t, std::vector<BoundPtr>>;

// The name a result column (kExpr) gets: its alias, a column's own name,
// else the expression's text.
std::string ResultName(const ast::ResultColumn& rc);

class Binder {
 public:
  // Evaluates an expression that reads no column, parameter or subquery
  // (constant folding). The binder is below the executor, so whoever can
  // run expressions hands it in.
  using ConstantEvaluator = std::function<absl::StatusOr<Value>(const BoundExpr&)>;

  // `txn` is not owned; the catalog is read through it.
  explicit Binder(txn::Txn* txn) : txn_(txn) {}

  // Folds constant subexpressions with `evaluate` from now on: `1 + 2 * 3`
  // binds as 7. A subexpression whose evaluation fails (say an overflow)
  // stays as it is, so the error still appears only if the query reaches
  // it at run time.
  void set_constant_evaluator(ConstantEvaluator evaluate) { evaluate_ = std::move(evaluate); }

  // The rows of SQLite's schema table (type, name, tbl_name, rootpage, sql):
  // with it set, `sqlite_schema` and `sqlite_master` read them where no
  // object has that name. The caller renders the SQL (session/ does).
  using SchemaRows = std::function<absl::StatusOr<std::vector<std::vector<Value>>>()>;
  void set_schema_rows(SchemaRows rows) { schema_rows_ = std::move(rows); }

  absl::StatusOr<LogicalPtr> BindSelect(const ast::SelectStmt& select);

  // Binds an expression over the columns of `table` (UPDATE/DELETE WHERE,
  // SET values, CHECK constraints). `table` may be null: no columns.
  absl::StatusOr<BoundPtr> BindTableExpr(const ast::Expr& expr,
                                         const catalog::TableDescriptor* table);

  // UPDATE `table` SET ... FROM `from` WHERE `where` (may be null): one row
  // per match of the target with `from`, holding the table's columns
  // (hidden ones too) and then each of `values` (the SET expressions,
  // which may read `from`'s columns).
  absl::StatusOr<LogicalPtr> BindUpdateFrom(const catalog::TableDescriptor& table,
                                            const ast::TableRef& from, const ast::Expr* where,
                                            const std::vector<const ast::Expr*>& values);

  // The rows of `table` (every column, hidden ones too) for which
  // `predicate` (bound by BindTableExpr) holds: a filtered scan that reads
  // only the keys the predicate allows (point lookups, key spans, index
  // lookups), so UPDATE and DELETE read — and conflict on — just those.
  LogicalPtr BindTableScan(const catalog::TableDescriptor& table, const BoundExpr& predicate);

  // Binds an ON CONFLICT DO UPDATE expression: the row it reads is the
  // existing row of `table` followed by the proposed one, which the
  // expression names `excluded`.
  absl::StatusOr<BoundPtr> BindUpsertExpr(const ast::Expr& expr,
                                          const catalog::TableDescriptor& table);

  // Binds the CTEs of a WITH before an INSERT, UPDATE or DELETE: every
  // query and expression bound afterwards with this Binder (the INSERT's
  // SELECT, WHERE, SET, FROM, RETURNING and their subqueries) may read
  // them.
  absl::Status AddStatementCtes(const std::vector<ast::CommonTableExpr>& with);

  // Makes NEW.col and OLD.col name the columns of `table` in every
  // expression bound afterwards (trigger bodies). They are read from the
  // executor's outermost enclosing row: NEW's columns then OLD's.
  void SetTriggerRow(const catalog::TableDescriptor& table);

  // The highest parameter number seen so far.
  int max_parameter() const { return max_parameter_; }

 private:
  struct ScopeColumn {
    std::string table;   // alias or table name, lowercase
    std::string name;    // column name as declared
    bool hidden = false;
    Type affinity = Type::kNull;  // BoundExpr::affinity of a reference to it
    // The table's rowid (its hidden one, or an INTEGER primary key), which
    // the names rowid, oid and _rowid_ also read, as in SQLite.
    bool rowid = false;
    Collation collation = Collation::kBinary;  // the column's COLLATE
  };
  // A column of table `t` as `alias`.`c` in a scope.
  static ScopeColumn TableColumn(std::string alias, const catalog::TableDescriptor& t,
                                 const catalog::ColumnDescriptor& c);
  struct AggContext;
  struct Scope {
    std::vector<ScopeColumn> columns;
    Scope* parent = nullptr;
    bool correlated = false;  // something inside read a parent's row
    // Set on the scope a subquery sees from an aggregating SELECT's result
    // columns, HAVING or ORDER BY: `columns` describe the input rows, but
    // the row there at run time is the aggregate's output (Column() maps).
    const AggContext* aggregated = nullptr;
  };
  struct Cte {
    LogicalPtr plan;
    int depth = 1;  // 1 + the depth of the deepest CTE its query reads
  };
  // How expressions of one SELECT core are bound when it aggregates.
  struct AggContext {
    std::vector<std::string> group_texts;  // ToSql of each GROUP BY expr
    std::vector<Type> group_affinity;      // BoundExpr::affinity of each
    std::vector<CarriedCollation> group_collation;  // and its collation
    std::vector<AggregateCall>* calls = nullptr;
    int group_count = 0;

    // The GROUP BY key `e` is (by its text), or -1.
    int GroupKey(const ast::Expr& e) const;
  };
  // The window function calls of the SELECT core whose result columns and
  // ORDER BY are being bound. A call binds to a placeholder column
  // (kColumn, index -1 - k for calls[k]) that PlaceWindowColumns() points
  // at the kWindow node's output once the width below it is known.
  struct WindowContext {
    const ast::SelectCore* core = nullptr;  // its WINDOW clause
    std::vector<WindowCall> calls;
  };
  // Binds the window call `e` into `window_` and returns its placeholder.
  absl::StatusOr<BoundPtr> WindowCallRef(const ast::Expr& e, Scope* scope,
                                         const AggContext* agg);

  absl::StatusOr<LogicalPtr> Select(const ast::SelectStmt& s, Scope* parent);
  // Binds `with` into the innermost CTE map (ctes_.back()).
  ABSL_ATTRIBUTE_NOINLINE absl::Status BindCtes(const std::vector<ast::CommonTableExpr>& with);
  // Select() of a compound SELECT (two or more cores), after its CTEs.
  // Not inlined into Select(), whose frame every nested subquery repeats.
  ABSL_ATTRIBUTE_NOINLINE absl::StatusOr<LogicalPtr> CompoundSelect(const ast::SelectStmt& s,
                                                                    Scope* parent);
  // s.cores[begin, end) combined by s.ops, left to right.
  absl::StatusOr<LogicalPtr> Compound(const ast::SelectStmt& s, size_t begin, size_t end,
                                      Scope* parent);
  // Puts the output columns of a subquery, view or CTE into `scope`, with
  // the affinity each keeps.
  void AddDerivedColumns(const LogicalOp& plan, const std::string& alias, Scope* scope);
  // A CTE whose query reads itself (kRecursiveUnion).
  absl::StatusOr<LogicalPtr> RecursiveCte(const ast::CommonTableExpr& cte);
  absl::StatusOr<LogicalPtr> Core(const ast::SelectCore& core,
                                  const ast::SelectStmt* order_limit,
                                  Scope* parent);
  absl::StatusOr<LogicalPtr> From(const ast::TableRef& ref, Scope* scope,
                                  Scope* parent);
  // From() of a kJoin reference: never inlined into From(), whose frame
  // every nested subquery repeats.
  ABSL_ATTRIBUTE_NOINLINE absl::StatusOr<LogicalPtr> BindJoin(const ast::TableRef& ref,
                                                              Scope* scope, Scope* parent);
  // From() of a table-valued function: a kTableFunction node without
  // children, its arguments bound over `scope` as it is (the columns of
  // the FROM items before it, which they may read; the caller then runs
  // it once per row of those). Not inlined into From(), as BindJoin.
  ABSL_ATTRIBUTE_NOINLINE absl::StatusOr<LogicalPtr> BindTableFunction(const ast::TableRef& ref,
                                                                       Scope* scope);
  // Two or more inner-joined `leaves` and their ON `on_conditions`, with
  // `where`: one kMultiJoin, each conjunct pushed down as far as its
  // columns allow. Not inlined into FromWhere(), whose frame every nested
  // subquery repeats.
  ABSL_ATTRIBUTE_NOINLINE absl::StatusOr<LogicalPtr> InnerJoins(
      const std::vector<const ast::TableRef*>& leaves,
      const std::vector<const ast::Expr*>& on_conditions, const ast::Expr* where, Scope* scope,
      Scope* parent);
  // `froms` joined as by commas (each may be a join tree of its own), then
  // filtered by `where` (may be null): inner joins become one kMultiJoin
  // with each conjunct pushed down as far as its columns allow.
  absl::StatusOr<LogicalPtr> FromWhere(const std::vector<const ast::TableRef*>& froms,
                                       const ast::Expr* where, Scope* scope, Scope* parent);
  // `plan` filtered by `conjuncts` (may be empty), each placed as low as
  // it can go: into the left input of a LEFT or inner join or of a
  // table-valued function run per input row when it reads only that
  // input, and over a table scan as the key reads it allows.
  LogicalPtr Filter(LogicalPtr plan, std::vector<BoundPtr> conjuncts);
  // Binds `e`, folding it when it is constant.
  absl::StatusOr<BoundPtr> RowComparison(const ast::Expr& e, Scope* scope, const AggContext* agg);
  absl::StatusOr<BoundPtr> Expr(const ast::Expr& e, Scope* scope,
                                const AggContext* agg);
  absl::StatusOr<BoundPtr> BindExpr(const ast::Expr& e, Scope* scope,
                                    const AggContext* agg);
  absl::StatusOr<BoundPtr> Column(const ast::Expr& e, Scope* scope);
  // A reference to column `found` of scope `s`, `depth` scopes out.
  BoundPtr ReferenceColumn(const ast::Expr& e, Scope* s, int depth, int found);
  absl::StatusOr<LogicalPtr> AddLimit(LogicalPtr plan, const ast::SelectStmt& s);
  // The bound key expressions of `t`'s indexes on expressions, bound once
  // per statement (null when it has none). An expression that no longer
  // binds leaves its index out.
  const KeyExpressions* KeyExpressionsOf(const catalog::TableDescriptor& t);
  // KeyExpressionsOf the table `plan` scans (null for any other node).
  // Not inlined: FromWhere's frame repeats with every nested subquery.
  ABSL_ATTRIBUTE_NOINLINE const KeyExpressions* ScanKeyExpressions(const LogicalOp& plan);
  absl::flat_hash_map<uint32_t, std::unique_ptr<KeyExpressions>> key_expressions_;  // by table id

  // Scopes in which a subquery is being bound; the flag turns true when a
  // column inside it resolves to that scope or one enclosing it.
  std::vector<std::pair<Scope*, bool>> subquery_boundaries_;

  // Recursive CTEs whose recursive SELECTs are being bound, innermost
  // last: their working table, how often the SELECT being bound reads it,
  // and how many subquery boundaries were open when it began (a read from
  // inside an expression subquery is refused, as in SQLite).
  struct RecursiveRead {
    const LogicalOp* working_table = nullptr;
    int reads = 0;
    size_t subquery_depth = 0;
  };
  std::vector<RecursiveRead> recursive_reads_;

  txn::Txn* const txn_;
  std::unique_ptr<Scope> trigger_scope_;  // parent of every top-level scope
  std::vector<std::map<std::string, Cte>> ctes_;  // innermost last
  int max_parameter_ = 0;
  int view_depth_ = 0;
  // Set while a SELECT core's result columns and ORDER BY are bound (the
  // only places a window function may be); null elsewhere.
  WindowContext* window_ = nullptr;
  // The depth of the deepest CTE read so far by the CTE query being bound:
  // CTEs that read each other chain their plans, and every later pass walks
  // plans recursively.
  int cte_depth_read_ = 0;
  ConstantEvaluator evaluate_;  // may be empty: no folding
  SchemaRows schema_rows_;      // may be empty: no sqlite_schema
};

// True when `e` contains an aggregate function call (not inside a subquery;
// a window function's arguments count, the call itself does not).
bool ContainsAggregate(const ast::Expr& e);

// True when `e` contains a window function call (not inside a subquery).
bool ContainsWindow(const ast::Expr& e);

}  // namespace tessera::planner

#endif  // TESSERA_PLANNER_BINDER_H_
