// The SQL abstract syntax tree: what the parser produces and the binder
// consumes. Plain owning structs; no ANTLR type appears here.
//
// Thread-safety: immutable after parsing; safe to read from many threads.

#ifndef TESSERA_PARSER_AST_H_
#define TESSERA_PARSER_AST_H_

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/value.h"

namespace tessera::ast {

// 1-based position of a token in the statement text.
struct SourcePos {
  int line = 0;
  int column = 0;
};

struct SelectStmt;
struct Expr;
struct WindowSpec;
using ExprPtr = std::unique_ptr<Expr>;

enum class ExprKind {
  kLiteral,     // literal
  kParameter,   // param_index
  kColumnRef,   // table (may be empty), name
  kUnary,       // op, children[0]
  kBinary,      // op, children[0..1]
  kIsNull,      // children[0], negated (IS NOT NULL / NOTNULL)
  kBetween,     // children[0] BETWEEN children[1] AND children[2], negated
  kInList,      // children[0] IN (children[1..]), negated
  kInSubquery,  // children[0] IN (subquery), negated
  kExists,      // subquery
  kSubquery,    // scalar subquery
  kCase,        // operand (maybe null), whens, else_expr (maybe null)
  kCast,        // children[0], cast_type
  kFunction,    // name, children, distinct, star
  kLike,        // children[0] LIKE children[1] [ESCAPE children[2]], negated
  kRaise,       // RAISE(name [, literal]): name "ignore", "rollback", "abort" or "fail"
  kRow,         // (children[0], children[1], ...): a row value, compared element-wise
};

enum class Op {
  // unary
  kNegate, kPlus, kBitNot, kNot,
  // binary
  kConcat, kJsonGet, kJsonGetText, kMul, kDiv, kMod, kAdd, kSub, kShiftLeft, kShiftRight, kBitAnd,
  kBitOr, kLt, kLe, kGt, kGe, kEq, kNe, kIs, kIsNot, kAnd, kOr,
  // LIKE vs GLOB
  kLike, kGlob,
};

// "-", "+", "~", "NOT", "||", "*", ..., "IS NOT", "AND", "OR", "LIKE", "GLOB".
const char* OpName(Op op);

struct CaseWhen {
  ExprPtr when;
  ExprPtr then;
};

struct Expr {
  ExprKind kind = ExprKind::kLiteral;
  SourcePos pos;
  Value literal;
  int param_index = 0;       // 1-based; `?` without a number takes the next
  std::string table;         // kColumnRef qualifier
  std::string name;          // column or function name (functions lowercase)
  Op op = Op::kAdd;
  bool negated = false;
  bool distinct = false;     // count(DISTINCT x)
  bool star = false;         // count(*)
  Type cast_type = Type::kNull;
  std::vector<ExprPtr> children;
  std::unique_ptr<SelectStmt> subquery;
  ExprPtr operand;           // CASE operand
  std::vector<CaseWhen> whens;
  ExprPtr else_expr;
  // kFunction with OVER: a window function call.
  std::unique_ptr<WindowSpec> over;
  // kFunction with FILTER (WHERE filter): an aggregate of the rows it holds for.
  ExprPtr filter;
  // `expr COLLATE name` (empty: none). The binder takes BINARY only.
  std::string collation;
};

// --------------------------------------------------------------- SELECT

// kRight and kFull keep the unmatched rows of the right input (and, for
// kFull, of the left), the other side NULL.
enum class JoinType { kComma, kInner, kLeft, kCross, kRight, kFull };

struct TableRef;
using TableRefPtr = std::unique_ptr<TableRef>;

struct TableRef {
  // kFunction: a table-valued function, name(args), as json_each(x).
  enum class Kind { kTable, kSubquery, kJoin, kFunction };
  Kind kind = Kind::kTable;
  SourcePos pos;
  std::string name;   // kTable, kFunction
  std::string alias;  // kTable / kSubquery / kFunction
  std::vector<ExprPtr> args;  // kFunction
  std::string indexed_by;    // kTable: INDEXED BY name (a hint we may ignore)
  bool not_indexed = false;  // kTable: NOT INDEXED
  std::unique_ptr<SelectStmt> subquery;
  // kJoin: left JOIN right [ON condition | USING (using_columns)]
  JoinType join_type = JoinType::kComma;
  bool natural = false;
  TableRefPtr left, right;
  ExprPtr condition;
  std::vector<std::string> using_columns;
};

struct ResultColumn {
  enum class Kind { kExpr, kStar, kTableStar };
  Kind kind = Kind::kExpr;
  ExprPtr expr;
  std::string alias;
  std::string table;  // kTableStar
  // kExpr without an alias, other than a column: the expression as the
  // statement wrote it, which SQLite names the column by ("a+1").
  std::string text;
};

struct OrderingTerm {
  ExprPtr expr;
  bool descending = false;
  // nullopt: the default (NULLs first ascending, last descending).
  std::optional<bool> nulls_first;
};

// A window frame: ROWS, RANGE or GROUPS BETWEEN start AND end.
enum class FrameUnit { kRows, kRange, kGroups };
enum class FrameBoundKind {
  kUnboundedPreceding, kPreceding, kCurrentRow, kFollowing, kUnboundedFollowing
};
struct FrameBound {
  FrameBoundKind kind = FrameBoundKind::kCurrentRow;
  ExprPtr offset;  // kPreceding, kFollowing
};
enum class FrameExclude { kNoOthers, kCurrentRow, kGroup, kTies };

// OVER (...) or a WINDOW clause's definition.
struct WindowSpec {
  std::string name;  // OVER name: the WINDOW clause's; or the base of (name ...)
  std::vector<ExprPtr> partition_by;
  std::vector<OrderingTerm> order_by;
  bool has_frame = false;
  FrameUnit unit = FrameUnit::kRange;
  FrameBound start, end;
  FrameExclude exclude = FrameExclude::kNoOthers;
};

// One SELECT ... FROM ... WHERE ... GROUP BY ... HAVING, or VALUES rows.
struct SelectCore {
  bool distinct = false;
  std::vector<ResultColumn> columns;
  TableRefPtr from;  // null without FROM
  ExprPtr where;
  std::vector<ExprPtr> group_by;
  ExprPtr having;
  std::vector<std::vector<ExprPtr>> values;  // VALUES (...), (...)
  bool is_values = false;
  // WINDOW name AS (...), ...
  std::vector<std::pair<std::string, WindowSpec>> windows;
};

enum class SetOp { kUnion, kUnionAll, kIntersect, kExcept };

struct CommonTableExpr {
  std::string name;
  std::vector<std::string> columns;
  std::unique_ptr<SelectStmt> query;
};

struct SelectStmt {
  SourcePos pos;
  // WITH [RECURSIVE]: as in SQLite, a CTE whose query reads itself is
  // recursive with or without the keyword.
  std::vector<CommonTableExpr> with;
  bool with_recursive = false;
  std::vector<SelectCore> cores;  // cores[0] op[0] cores[1] op[1] ...
  std::vector<SetOp> ops;         // cores.size() - 1 entries, left-assoc
  std::vector<OrderingTerm> order_by;
  ExprPtr limit;
  ExprPtr offset;
};

// ----------------------------------------------------------- statements

enum class StatementKind {
  kSelect, kInsert, kUpdate, kDelete,
  kCreateTable, kCreateIndex, kCreateView, kCreateTrigger, kDrop,
  kAlterAddColumn, kAlterRename, kAlterDropColumn, kAlterSplit, kReindex,
  kBegin, kCommit, kRollback, kExplain, kShowTables, kShowRanges, kShowIndexes,
  kShowCreate, kShowSchema, kPragma, kSavepoint, kRelease, kAnalyze, kVacuum,
};

struct Statement {
  explicit Statement(StatementKind k) : kind(k) {}
  virtual ~Statement() = default;
  const StatementKind kind;
  SourcePos pos;
};
using StatementPtr = std::unique_ptr<Statement>;

struct SelectStatement : Statement {
  SelectStatement() : Statement(StatementKind::kSelect) {}
  std::unique_ptr<SelectStmt> select;
};

enum class ConflictAction { kNone, kReplace, kIgnore, kAbort, kFail, kRollback };

struct Assignment {
  std::string column;
  ExprPtr value;
};

struct InsertStatement : Statement {
  InsertStatement() : Statement(StatementKind::kInsert) {}
  // WITH [RECURSIVE] before the statement: CTEs its SELECT, WHERE, SET and
  // subqueries may read.
  std::vector<CommonTableExpr> with;
  bool with_recursive = false;
  ConflictAction or_action = ConflictAction::kNone;  // INSERT OR ..., REPLACE
  std::string table;
  std::vector<std::string> columns;                  // empty: all, in order
  std::vector<std::vector<ExprPtr>> values;          // VALUES rows
  std::unique_ptr<SelectStmt> select;                // INSERT ... SELECT
  bool default_values = false;
  // ON CONFLICT [(target)] DO NOTHING | DO UPDATE SET ... [WHERE ...],
  // in order (SQLite takes several; only the last may omit its target).
  struct Upsert {
    std::vector<std::string> conflict_target;  // empty: any conflict
    bool do_nothing = false;
    std::vector<Assignment> do_update;
    ExprPtr do_update_where;
  };
  std::vector<Upsert> upserts;
  std::vector<ResultColumn> returning;  // empty: no RETURNING clause
};

struct UpdateStatement : Statement {
  UpdateStatement() : Statement(StatementKind::kUpdate) {}
  // WITH [RECURSIVE] before the statement: CTEs its SELECT, WHERE, SET and
  // subqueries may read.
  std::vector<CommonTableExpr> with;
  bool with_recursive = false;
  ConflictAction or_action = ConflictAction::kNone;
  std::string table;
  std::vector<Assignment> assignments;
  TableRefPtr from;  // UPDATE ... FROM (null: none)
  ExprPtr where;
  std::vector<ResultColumn> returning;
};

struct DeleteStatement : Statement {
  DeleteStatement() : Statement(StatementKind::kDelete) {}
  std::vector<CommonTableExpr> with;  // as UpdateStatement's
  bool with_recursive = false;
  std::string table;
  ExprPtr where;
  std::vector<ResultColumn> returning;
};

struct IndexedColumn {
  std::string name;
  bool descending = false;
  std::string collation;  // COLLATE name (empty: none)
  // CREATE INDEX on an expression: its SQL (without the COLLATE); `name`
  // is then empty.
  std::string expression;
};

// FOREIGN KEY (columns) REFERENCES ...: `references` as written, and what
// it says.
struct ForeignKeyDef {
  std::vector<std::string> columns;
  std::string references;
  std::string ref_table;
  std::vector<std::string> ref_columns;  // empty: the parent's primary key
  std::string on_update = "NO ACTION";   // SET NULL, SET DEFAULT, CASCADE, ...
  std::string on_delete = "NO ACTION";
  // DEFERRABLE INITIALLY DEFERRED: checked at COMMIT, not after each
  // statement.
  bool deferred = false;
};

struct ColumnDef {
  std::string name;
  // GENERATED ALWAYS AS (expr) [STORED | VIRTUAL] (null: not generated).
  ExprPtr generated;
  bool generated_stored = false;
  std::string type_text;  // as written, e.g. "VARCHAR(16)"; may be empty
  Type type = Type::kNull;  // resolved strict type (kNull: none given)
  bool primary_key = false;
  bool primary_key_desc = false;
  bool autoincrement = false;  // PRIMARY KEY AUTOINCREMENT
  bool not_null = false;
  bool unique = false;
  ExprPtr default_value;
  std::vector<ExprPtr> checks;
  std::string collation;  // COLLATE name (empty: none)
  // REFERENCES ... (columns = this column); kept, not enforced, as
  // SQLite's default (PRAGMA foreign_keys=OFF).
  std::optional<ForeignKeyDef> foreign_key;
};

struct CreateTableStatement : Statement {
  CreateTableStatement() : Statement(StatementKind::kCreateTable) {}
  bool if_not_exists = false;
  bool temp = false;  // CREATE TEMP TABLE: private to the session
  std::string table;
  std::vector<ColumnDef> columns;
  std::vector<IndexedColumn> primary_key;  // table constraint
  std::vector<std::vector<IndexedColumn>> uniques;
  std::vector<ExprPtr> checks;
  std::vector<ForeignKeyDef> foreign_keys;  // table constraints
  bool without_rowid = false;  // WITHOUT ROWID
  bool strict = false;         // STRICT
  // CREATE TABLE ... AS SELECT: the columns come from the query, which
  // fills the table (`columns` and the constraints are empty).
  std::unique_ptr<SelectStmt> as_select;
};

struct CreateIndexStatement : Statement {
  CreateIndexStatement() : Statement(StatementKind::kCreateIndex) {}
  bool unique = false;
  bool if_not_exists = false;
  std::string index;
  std::string table;
  std::vector<IndexedColumn> columns;
  ExprPtr where;  // a partial index's WHERE (may be null)
};

struct CreateViewStatement : Statement {
  CreateViewStatement() : Statement(StatementKind::kCreateView) {}
  bool if_not_exists = false;
  bool temp = false;  // CREATE TEMP VIEW
  std::string view;
  std::vector<std::string> columns;
  std::unique_ptr<SelectStmt> select;
  std::string select_text;  // the SELECT as written, stored in the catalog
};

enum class TriggerTiming { kBefore, kAfter, kInsteadOf };
enum class TriggerEvent { kInsert, kUpdate, kDelete };

struct CreateTriggerStatement : Statement {
  CreateTriggerStatement() : Statement(StatementKind::kCreateTrigger) {}
  bool if_not_exists = false;
  bool temp = false;  // CREATE TEMP TRIGGER
  std::string trigger;
  TriggerTiming timing = TriggerTiming::kBefore;
  TriggerEvent event = TriggerEvent::kInsert;
  std::vector<std::string> update_columns;  // UPDATE OF a, b
  std::string table;
  ExprPtr when;
  std::vector<StatementPtr> body;
  std::string body_text;  // from BEGIN to END as written
  std::string full_text;  // the whole CREATE TRIGGER statement as written
};

enum class ObjectKind { kTable, kIndex, kView, kTrigger };

struct DropStatement : Statement {
  DropStatement() : Statement(StatementKind::kDrop) {}
  ObjectKind object = ObjectKind::kTable;
  bool if_exists = false;
  std::string name;
};

struct AlterAddColumnStatement : Statement {
  AlterAddColumnStatement() : Statement(StatementKind::kAlterAddColumn) {}
  std::string table;
  ColumnDef column;
};

// ALTER TABLE t RENAME TO new_name, or RENAME [COLUMN] column TO new_name.
struct AlterRenameStatement : Statement {
  AlterRenameStatement() : Statement(StatementKind::kAlterRename) {}
  std::string table;
  std::string column;  // empty: the table is renamed
  std::string new_name;
};

struct AlterDropColumnStatement : Statement {
  AlterDropColumnStatement() : Statement(StatementKind::kAlterDropColumn) {}
  std::string table;
  std::string column;
};

struct AlterSplitStatement : Statement {
  AlterSplitStatement() : Statement(StatementKind::kAlterSplit) {}
  std::string table;
  std::vector<std::vector<ExprPtr>> split_points;
};

struct ReindexStatement : Statement {
  ReindexStatement() : Statement(StatementKind::kReindex) {}
  std::string name;  // may be empty: everything
};

// VACUUM [schema] [INTO 'target'].
struct VacuumStatement : Statement {
  VacuumStatement() : Statement(StatementKind::kVacuum) {}
  std::string into;  // empty: in place
};

// BEGIN, COMMIT, ROLLBACK [TO name], SAVEPOINT name, RELEASE name.
struct TransactionStatement : Statement {
  explicit TransactionStatement(StatementKind k) : Statement(k) {}
  std::string savepoint;  // empty for BEGIN, COMMIT and a whole ROLLBACK
};

struct ExplainStatement : Statement {
  ExplainStatement() : Statement(StatementKind::kExplain) {}
  bool analyze = false;
  StatementPtr statement;
};

// PRAGMA name [= value]: `value` as written (a string without its quotes).
struct PragmaStatement : Statement {
  PragmaStatement() : Statement(StatementKind::kPragma) {}
  std::string name;
  bool has_value = false;
  std::string value;
};

struct ShowStatement : Statement {
  explicit ShowStatement(StatementKind k) : Statement(k) {}
  std::string table;  // SHOW RANGES FROM TABLE
};

// Maps a declared column type to a strict type, as the dialect does:
// INT/INTEGER/BIGINT/SMALLINT -> INTEGER; REAL/DOUBLE/FLOAT/NUMERIC/DECIMAL ->
// REAL; TEXT/VARCHAR/CHAR/CLOB/STRING -> TEXT; BLOB -> BLOB; BOOL/BOOLEAN ->
// BOOLEAN. nullopt for an unknown type name.
std::optional<Type> TypeFromName(const std::string& type_name);

}  // namespace tessera::ast

#endif  // TESSERA_PARSER_AST_H_
