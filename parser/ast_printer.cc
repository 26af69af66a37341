#include "parser/ast_printer.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"

namespace tessera::ast {

namespace {

std::string Literal(const Value& v) {
  switch (v.type()) {
    case Type::kText:
      return absl::StrCat("'", absl::StrReplaceAll(v.bytes(), {{"'", "''"}}), "'");
    case Type::kBoolean:
      return v.boolean() ? "TRUE" : "FALSE";
    case Type::kReal:
      return RealLiteral(v.real());  // 2.0 stays REAL in stored CHECKs and DEFAULTs
    default:
      return v.ToString();
  }
}

std::string List(const std::vector<ExprPtr>& exprs);

std::string OrderingSql(const std::vector<OrderingTerm>& terms) {
  std::string out;
  for (size_t i = 0; i < terms.size(); ++i) {
    const OrderingTerm& t = terms[i];
    absl::StrAppend(&out, i ? ", " : "", ToSql(*t.expr), t.descending ? " DESC" : "");
    if (t.nulls_first.has_value()) out += *t.nulls_first ? " NULLS FIRST" : " NULLS LAST";
  }
  return out;
}

std::string FrameBoundSql(const FrameBound& b) {
  switch (b.kind) {
    case FrameBoundKind::kUnboundedPreceding:
      return "UNBOUNDED PRECEDING";
    case FrameBoundKind::kPreceding:
      return ToSql(*b.offset) + " PRECEDING";
    case FrameBoundKind::kCurrentRow:
      return "CURRENT ROW";
    case FrameBoundKind::kFollowing:
      return ToSql(*b.offset) + " FOLLOWING";
    case FrameBoundKind::kUnboundedFollowing:
      return "UNBOUNDED FOLLOWING";
  }
  return "?";
}

// A window as OVER names it: `w`, or `(PARTITION BY ... ORDER BY ... frame)`.
std::string WindowSql(const WindowSpec& w) {
  const bool bare_name = !w.name.empty() && w.partition_by.empty() && w.order_by.empty() &&
                         !w.has_frame;
  if (bare_name) return w.name;
  std::vector<std::string> parts;
  if (!w.name.empty()) parts.push_back(w.name);
  if (!w.partition_by.empty()) parts.push_back("PARTITION BY " + List(w.partition_by));
  if (!w.order_by.empty()) parts.push_back("ORDER BY " + OrderingSql(w.order_by));
  if (w.has_frame) {
    std::string frame = w.unit == FrameUnit::kRows     ? "ROWS"
                        : w.unit == FrameUnit::kGroups ? "GROUPS"
                                                       : "RANGE";
    absl::StrAppend(&frame, " BETWEEN ", FrameBoundSql(w.start), " AND ", FrameBoundSql(w.end));
    switch (w.exclude) {
      case FrameExclude::kNoOthers:
        break;
      case FrameExclude::kCurrentRow:
        frame += " EXCLUDE CURRENT ROW";
        break;
      case FrameExclude::kGroup:
        frame += " EXCLUDE GROUP";
        break;
      case FrameExclude::kTies:
        frame += " EXCLUDE TIES";
        break;
    }
    parts.push_back(std::move(frame));
  }
  return "(" + absl::StrJoin(parts, " ") + ")";
}

std::string List(const std::vector<ExprPtr>& exprs) {
  return absl::StrJoin(exprs, ", ", [](std::string* out, const ExprPtr& e) {
    out->append(ToSql(*e));
  });
}

std::string TableRefSql(const TableRef& t) {
  switch (t.kind) {
    case TableRef::Kind::kTable:
      return t.alias.empty() ? t.name : absl::StrCat(t.name, " AS ", t.alias);
    case TableRef::Kind::kSubquery:
      return absl::StrCat("(", ToSql(*t.subquery), ")",
                          t.alias.empty() ? "" : absl::StrCat(" AS ", t.alias));
    case TableRef::Kind::kFunction:
      return absl::StrCat(t.name, "(", List(t.args), ")",
                          t.alias.empty() ? "" : absl::StrCat(" AS ", t.alias));
    case TableRef::Kind::kJoin: {
      const char* op = t.join_type == JoinType::kComma   ? ", "
                       : t.join_type == JoinType::kLeft  ? " LEFT JOIN "
                       : t.join_type == JoinType::kCross ? " CROSS JOIN "
                                                         : " JOIN ";
      std::string s = absl::StrCat("(", TableRefSql(*t.left), op,
                                   TableRefSql(*t.right));
      if (t.condition) absl::StrAppend(&s, " ON ", ToSql(*t.condition));
      if (!t.using_columns.empty()) {
        absl::StrAppend(&s, " USING (", absl::StrJoin(t.using_columns, ", "), ")");
      }
      return s + ")";
    }
  }
  return "?";
}

}  // namespace

namespace {
std::string ExprSql(const Expr& e);
}  // namespace

std::string ToSql(const Expr& e) {
  if (e.collation.empty()) return ExprSql(e);
  return absl::StrCat("(", ExprSql(e), " COLLATE ", e.collation, ")");
}

namespace {

std::string ExprSql(const Expr& e) {
  switch (e.kind) {
    case ExprKind::kLiteral:
      return Literal(e.literal);
    case ExprKind::kParameter:
      return absl::StrCat("$", e.param_index);
    case ExprKind::kColumnRef:
      return e.table.empty() ? e.name : absl::StrCat(e.table, ".", e.name);
    case ExprKind::kUnary:
      return absl::StrCat("(", OpName(e.op), e.op == Op::kNot ? " " : "",
                          ToSql(*e.children[0]), ")");
    case ExprKind::kBinary:
      return absl::StrCat("(", ToSql(*e.children[0]), " ", OpName(e.op), " ",
                          ToSql(*e.children[1]), ")");
    case ExprKind::kIsNull:
      return absl::StrCat("(", ToSql(*e.children[0]),
                          e.negated ? " IS NOT NULL)" : " IS NULL)");
    case ExprKind::kBetween:
      return absl::StrCat("(", ToSql(*e.children[0]),
                          e.negated ? " NOT BETWEEN " : " BETWEEN ",
                          ToSql(*e.children[1]), " AND ", ToSql(*e.children[2]),
                          ")");
    case ExprKind::kInList: {
      std::vector<ExprPtr> const& c = e.children;
      std::string items;
      for (size_t i = 1; i < c.size(); ++i) {
        absl::StrAppend(&items, i > 1 ? ", " : "", ToSql(*c[i]));
      }
      return absl::StrCat("(", ToSql(*c[0]), e.negated ? " NOT IN (" : " IN (",
                          items, "))");
    }
    case ExprKind::kInSubquery:
      return absl::StrCat("(", ToSql(*e.children[0]),
                          e.negated ? " NOT IN (" : " IN (", ToSql(*e.subquery),
                          "))");
    case ExprKind::kExists:
      return absl::StrCat("EXISTS (", ToSql(*e.subquery), ")");
    case ExprKind::kSubquery:
      return absl::StrCat("(", ToSql(*e.subquery), ")");
    case ExprKind::kCase: {
      std::string s = "CASE";
      if (e.operand) absl::StrAppend(&s, " ", ToSql(*e.operand));
      for (const CaseWhen& w : e.whens) {
        absl::StrAppend(&s, " WHEN ", ToSql(*w.when), " THEN ", ToSql(*w.then));
      }
      if (e.else_expr) absl::StrAppend(&s, " ELSE ", ToSql(*e.else_expr));
      return s + " END";
    }
    case ExprKind::kRow:
      return absl::StrCat("(", List(e.children), ")");
    case ExprKind::kRaise:
      if (e.name == "ignore") return "RAISE(IGNORE)";
      return absl::StrCat("RAISE(", absl::AsciiStrToUpper(e.name), ", '",
                          absl::StrReplaceAll(e.literal.bytes(), {{"'", "''"}}), "')");
    case ExprKind::kCast:
      return absl::StrCat("CAST(", ToSql(*e.children[0]), " AS ",
                          TypeName(e.cast_type), ")");
    case ExprKind::kFunction: {
      std::string call = e.star ? absl::StrCat(e.name, "(*)")
                                : absl::StrCat(e.name, "(", e.distinct ? "DISTINCT " : "",
                                               List(e.children), ")");
      if (e.filter) absl::StrAppend(&call, " FILTER (WHERE ", ToSql(*e.filter), ")");
      if (e.over) absl::StrAppend(&call, " OVER ", WindowSql(*e.over));
      return call;
    }
    case ExprKind::kLike: {
      std::string s = absl::StrCat("(", ToSql(*e.children[0]),
                                   e.negated ? " NOT " : " ", OpName(e.op), " ",
                                   ToSql(*e.children[1]));
      if (e.children.size() > 2) {
        absl::StrAppend(&s, " ESCAPE ", ToSql(*e.children[2]));
      }
      return s + ")";
    }
  }
  return "?";
}

}  // namespace

std::string ToSql(const SelectStmt& s) {
  std::string out;
  if (!s.with.empty()) {
    out = "WITH ";
    for (size_t i = 0; i < s.with.size(); ++i) {
      absl::StrAppend(&out, i ? ", " : "", s.with[i].name, " AS (",
                      ToSql(*s.with[i].query), ")");
    }
    out += " ";
  }
  for (size_t i = 0; i < s.cores.size(); ++i) {
    if (i > 0) {
      const char* op = s.ops[i - 1] == SetOp::kUnion       ? " UNION "
                       : s.ops[i - 1] == SetOp::kUnionAll  ? " UNION ALL "
                       : s.ops[i - 1] == SetOp::kIntersect ? " INTERSECT "
                                                           : " EXCEPT ";
      out += op;
    }
    const SelectCore& c = s.cores[i];
    if (c.is_values) {
      out += "VALUES ";
      for (size_t r = 0; r < c.values.size(); ++r) {
        absl::StrAppend(&out, r ? ", " : "", "(", List(c.values[r]), ")");
      }
      continue;
    }
    out += c.distinct ? "SELECT DISTINCT " : "SELECT ";
    for (size_t k = 0; k < c.columns.size(); ++k) {
      const ResultColumn& rc = c.columns[k];
      if (k) out += ", ";
      if (rc.kind == ResultColumn::Kind::kStar) {
        out += "*";
      } else if (rc.kind == ResultColumn::Kind::kTableStar) {
        absl::StrAppend(&out, rc.table, ".*");
      } else {
        out += ToSql(*rc.expr);
        if (!rc.alias.empty()) absl::StrAppend(&out, " AS ", rc.alias);
      }
    }
    if (c.from) absl::StrAppend(&out, " FROM ", TableRefSql(*c.from));
    if (c.where) absl::StrAppend(&out, " WHERE ", ToSql(*c.where));
    if (!c.group_by.empty()) absl::StrAppend(&out, " GROUP BY ", List(c.group_by));
    if (c.having) absl::StrAppend(&out, " HAVING ", ToSql(*c.having));
  }
  if (!s.order_by.empty()) absl::StrAppend(&out, " ORDER BY ", OrderingSql(s.order_by));
  if (s.limit) absl::StrAppend(&out, " LIMIT ", ToSql(*s.limit));
  if (s.offset) absl::StrAppend(&out, " OFFSET ", ToSql(*s.offset));
  return out;
}

std::string ToSql(const Statement& st) {
  switch (st.kind) {
    case StatementKind::kSelect:
      return ToSql(*static_cast<const SelectStatement&>(st).select);
    case StatementKind::kInsert:
      return "INSERT INTO " + static_cast<const InsertStatement&>(st).table;
    case StatementKind::kUpdate:
      return "UPDATE " + static_cast<const UpdateStatement&>(st).table;
    case StatementKind::kDelete:
      return "DELETE FROM " + static_cast<const DeleteStatement&>(st).table;
    case StatementKind::kCreateTable: {
      const auto& create = static_cast<const CreateTableStatement&>(st);
      std::string out = "CREATE TABLE " + create.table;
      if (create.as_select) out += " AS " + ToSql(*create.as_select);
      return out;
    }
    case StatementKind::kCreateIndex:
      return "CREATE INDEX " + static_cast<const CreateIndexStatement&>(st).index;
    case StatementKind::kCreateView:
      return "CREATE VIEW " + static_cast<const CreateViewStatement&>(st).view;
    case StatementKind::kCreateTrigger:
      return "CREATE TRIGGER " +
             static_cast<const CreateTriggerStatement&>(st).trigger;
    case StatementKind::kDrop:
      return "DROP " + static_cast<const DropStatement&>(st).name;
    case StatementKind::kAlterAddColumn:
      return "ALTER TABLE " +
             static_cast<const AlterAddColumnStatement&>(st).table + " ADD COLUMN";
    case StatementKind::kAlterRename: {
      const auto& r = static_cast<const AlterRenameStatement&>(st);
      return "ALTER TABLE " + r.table + " RENAME " +
             (r.column.empty() ? std::string() : "COLUMN " + r.column + " ") + "TO " + r.new_name;
    }
    case StatementKind::kAlterDropColumn: {
      const auto& dc = static_cast<const AlterDropColumnStatement&>(st);
      return "ALTER TABLE " + dc.table + " DROP COLUMN " + dc.column;
    }
    case StatementKind::kAlterSplit:
      return "ALTER TABLE " + static_cast<const AlterSplitStatement&>(st).table +
             " SPLIT AT";
    case StatementKind::kReindex:
      return "REINDEX";
    case StatementKind::kBegin:
      return "BEGIN";
    case StatementKind::kCommit:
      return "COMMIT";
    case StatementKind::kRollback: {
      const auto& t = static_cast<const TransactionStatement&>(st);
      return t.savepoint.empty() ? "ROLLBACK" : "ROLLBACK TO SAVEPOINT " + t.savepoint;
    }
    case StatementKind::kAnalyze: {
      const std::string& t = static_cast<const ShowStatement&>(st).table;
      return t.empty() ? "ANALYZE" : "ANALYZE " + t;
    }
    case StatementKind::kVacuum: {
      const std::string& into = static_cast<const VacuumStatement&>(st).into;
      return into.empty() ? "VACUUM"
                          : "VACUUM INTO '" + absl::StrReplaceAll(into, {{"'", "''"}}) + "'";
    }
    case StatementKind::kSavepoint:
      return "SAVEPOINT " + static_cast<const TransactionStatement&>(st).savepoint;
    case StatementKind::kRelease:
      return "RELEASE SAVEPOINT " + static_cast<const TransactionStatement&>(st).savepoint;
    case StatementKind::kExplain:
      return "EXPLAIN " + ToSql(*static_cast<const ExplainStatement&>(st).statement);
    case StatementKind::kShowTables:
      return "SHOW TABLES";
    case StatementKind::kShowRanges:
      return "SHOW RANGES FROM TABLE " + static_cast<const ShowStatement&>(st).table;
    case StatementKind::kShowIndexes: {
      const std::string& t = static_cast<const ShowStatement&>(st).table;
      return t.empty() ? "SHOW INDEXES" : "SHOW INDEXES FROM " + t;
    }
    case StatementKind::kShowCreate:
      return "SHOW CREATE TABLE " + static_cast<const ShowStatement&>(st).table;
    case StatementKind::kShowSchema:
      return "SHOW SCHEMA";
    case StatementKind::kPragma: {
      const auto& p = static_cast<const PragmaStatement&>(st);
      return p.has_value ? "PRAGMA " + p.name + " = " + p.value : "PRAGMA " + p.name;
    }
  }
  return "?";
}

}  // namespace tessera::ast
