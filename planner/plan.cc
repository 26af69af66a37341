#include "planner/plan.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace tessera::planner {

BoundPtr BoundExpr::Clone() const {
  auto c = std::make_unique<BoundExpr>();
  c->kind = kind;
  c->value = value;
  c->index = index;
  c->depth = depth;
  c->op = op;
  c->negated = negated;
  c->has_operand = has_operand;
  c->has_else = has_else;
  c->cast_type = cast_type;
  c->affinity = affinity;
  c->collation = collation;
  c->collation_strength = collation_strength;
  c->function = function;
  for (const BoundPtr& ch : children) c->children.push_back(ch->Clone());
  c->subquery = subquery;
  c->correlated = correlated;
  return c;
}

std::string Describe(const LogicalOp& op) {
  std::string line;
  switch (op.kind) {
    case LogicalKind::kScan: {
      const bool bounded = op.range_lo || op.range_hi;
      if (!op.key_exprs.empty()) {
        line = "point lookup ";
      } else if (!op.in_list.empty()) {
        line = absl::StrCat(op.index_id != 0 ? "index lookups (" : "point lookups (",
                            op.in_list.size(), " IN values) ");
      } else if (op.index_id != 0) {
        line = op.index_values.empty() ? "index range scan " : "index lookup ";
      } else {
        line = bounded ? "range scan " : "scan ";
      }
      line += op.table->name;
      if (op.index_id != 0) {
        for (const catalog::IndexDescriptor& ix : op.table->indexes) {
          if (ix.id == op.index_id) absl::StrAppend(&line, " using ", ix.name);
        }
      }
      break;
    }
    case LogicalKind::kSingleRow:
      line += "single row";
      break;
    case LogicalKind::kValues:
      absl::StrAppend(&line, "values (", op.rows.size(), " rows)");
      break;
    case LogicalKind::kFilter:
      line += "filter";
      break;
    case LogicalKind::kProject:
      absl::StrAppend(&line, "project ", absl::StrJoin(op.column_names, ", "));
      break;
    case LogicalKind::kJoin:
      absl::StrAppend(&line,
                      op.join_type == ast::JoinType::kLeft    ? "left join"
                      : op.join_type == ast::JoinType::kRight ? "right join"
                      : op.join_type == ast::JoinType::kFull  ? "full join"
                                                              : "join",
                      op.predicate ? " on condition" : "");
      break;
    case LogicalKind::kMultiJoin:
      absl::StrAppend(&line, "join of ", op.children.size(), " inputs (",
                      op.exprs.size(), " conditions)");
      break;
    case LogicalKind::kAggregate:
      absl::StrAppend(&line, "aggregate (", op.group_by.size(), " keys, ",
                      op.aggregates.size(), " aggregates)");
      break;
    case LogicalKind::kSort:
      absl::StrAppend(&line, "sort (", op.sort_keys.size(), " keys)");
      break;
    case LogicalKind::kLimit:
      line += "limit";
      break;
    case LogicalKind::kDistinct:
      line += "distinct";
      break;
    case LogicalKind::kRecursiveUnion:
      absl::StrAppend(&line, "recursive ", op.cte_name,
                      op.set_op == ast::SetOp::kUnionAll ? " (union all" : " (union",
                      op.limit ? ", limit)" : ")");
      break;
    case LogicalKind::kWorkingTable:
      absl::StrAppend(&line, "rows of the last round of ", op.cte_name);
      break;
    case LogicalKind::kTableFunction:
      absl::StrAppend(&line, op.children.empty() ? "" : op.join_type == ast::JoinType::kLeft ? "for each row, left join " : "for each row, ",
                      op.table_function->name, "(", op.exprs.size(),
                      op.exprs.size() == 1 ? " argument)" : " arguments)");
      break;
    case LogicalKind::kWindow:
      absl::StrAppend(&line, "window (", op.windows.size(),
                      op.windows.size() == 1 ? " function)" : " functions)");
      break;
    case LogicalKind::kSetOp:
      line += op.set_op == ast::SetOp::kUnion      ? "union"
              : op.set_op == ast::SetOp::kUnionAll ? "union all"
              : op.set_op == ast::SetOp::kIntersect ? "intersect"
                                                    : "except";
      break;
  }
  return line;
}

namespace {

void Explain(const LogicalOp& op, int depth, std::string* out,
             const std::function<std::vector<std::string>(const LogicalOp&)>& annotate) {
  absl::StrAppend(out, std::string(depth * 2, ' '), Describe(op), "\n");
  if (annotate) {
    for (const std::string& extra : annotate(op)) {
      absl::StrAppend(out, std::string(depth * 2 + 2, ' '), extra, "\n");
    }
  }
  for (const LogicalPtr& c : op.children) Explain(*c, depth + 1, out, annotate);
}

}  // namespace

std::string ExplainPlan(
    const LogicalOp& op,
    const std::function<std::vector<std::string>(const LogicalOp&)>& annotate) {
  std::string out;
  Explain(op, 0, &out, annotate);
  return out;
}

}  // namespace tessera::planner
