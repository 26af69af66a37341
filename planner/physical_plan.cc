#include "planner/physical_plan.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace tessera::planner {

namespace {

// A scan that reads a span of the primary key (the whole table or a range
// of it) and so splits into per-range fragments. Point and index lookups
// read a handful of keys at the gateway instead.
bool IsSpanScan(const LogicalOp& op) {
  return op.kind == LogicalKind::kScan && op.key_exprs.empty() && op.index_id == 0 &&
         op.in_list.empty();
}

bool IsFullScan(const LogicalOp& op) {
  return IsSpanScan(op) && !op.range_lo && !op.range_hi;
}

// Whether `e` reads enclosing rows (depth >= 1) or holds a subquery.
void Inspect(const BoundExpr& e, bool* outer, bool* inner, bool* subquery) {
  if (e.kind == BoundKind::kColumn) {
    (e.depth > 0 ? *outer : *inner) = true;
  }
  if (e.subquery) *subquery = true;
  for (const BoundPtr& c : e.children) Inspect(*c, outer, inner, subquery);
}

bool SelfContained(const BoundExpr* e) {
  if (e == nullptr) return true;
  bool outer = false, inner = false, sub = false;
  Inspect(*e, &outer, &inner, &sub);
  return !outer && !sub;
}

// Whether every expression of the plan below `op` reads only its own rows
// (no enclosing row, no subquery): such a plan gives the same rows for
// every outer row.
bool Uncorrelated(const LogicalOp& op) {
  auto ok = [](const BoundPtr& e) { return SelfContained(e.get()); };
  for (const BoundPtr& e : op.key_exprs) if (!ok(e)) return false;
  for (const BoundPtr& e : op.index_values) if (!ok(e)) return false;
  for (const BoundPtr& e : op.in_list) if (!ok(e)) return false;
  for (const BoundPtr& e : op.exprs) if (!ok(e)) return false;
  for (const BoundPtr& e : op.group_by) if (!ok(e)) return false;
  for (const auto& row : op.rows) {
    for (const BoundPtr& e : row) if (!ok(e)) return false;
  }
  for (const AggregateCall& a : op.aggregates) if (!ok(a.arg) || !ok(a.filter)) return false;
  if (!ok(op.range_lo) || !ok(op.range_hi) || !ok(op.predicate) || !ok(op.limit) ||
      !ok(op.offset)) {
    return false;
  }
  for (const LogicalPtr& c : op.children) {
    if (!Uncorrelated(*c)) return false;
  }
  return true;
}

bool Mergeable(const LogicalOp& aggregate) {
  for (const AggregateCall& a : aggregate.aggregates) {
    if (a.distinct) return false;
  }
  return true;
}

// [Filter] SpanScan: fills scan and filter.
bool MatchScan(const LogicalOp& op, ScanPipeline* p) {
  const LogicalOp* n = &op;
  if (n->kind == LogicalKind::kFilter) {
    p->filter = n->predicate.get();
    n = n->children[0].get();
  }
  if (!IsSpanScan(*n)) return false;
  p->scan = n;
  return true;
}

// The longest pipeline ending at `op` that fragments can run:
//   Aggregate(mergeable) [Filter] Scan
//   [Limit [Sort]] [Project] [Filter] Scan
std::optional<ScanPipeline> MatchPipeline(const LogicalOp& op) {
  ScanPipeline p;
  if (op.kind == LogicalKind::kAggregate) {
    if (!Mergeable(op) || !MatchScan(*op.children[0], &p)) return std::nullopt;
    p.aggregate = &op;
    return p;
  }
  const LogicalOp* n = &op;
  if (n->kind == LogicalKind::kLimit) {
    p.limit = n;
    n = n->children[0].get();
    if (n->kind == LogicalKind::kSort) {
      p.sort = n;
      n = n->children[0].get();
    }
  }
  if (n->kind == LogicalKind::kProject) {
    p.project = n;
    n = n->children[0].get();
  }
  if (!MatchScan(*n, &p)) return std::nullopt;
  return p;
}

std::optional<LookupTarget> LookupTargetFor(const LogicalOp& input) {
  LookupTarget t;
  const LogicalOp* n = &input;
  if (n->kind == LogicalKind::kFilter) {
    t.filter = n->predicate.get();
    n = n->children[0].get();
  }
  if (!IsFullScan(*n)) return std::nullopt;
  t.scan = n;
  const catalog::TableDescriptor& table = *n->table;
  KeyAccessPath primary;
  for (uint32_t id : table.primary.column_ids) {
    primary.columns.push_back(table.ColumnIndexById(id));
  }
  t.paths.push_back(std::move(primary));
  for (const catalog::IndexDescriptor& ix : table.indexes) {
    if (!ix.where_sql.empty()) continue;  // partial: holds only some rows
    // A join's equalities on plain columns compare under BINARY; an index
    // under NOCASE or RTRIM would find more than they match.
    if (!ix.collations.empty()) continue;
    if (ix.HasExpressions()) continue;  // its keys are no column's values
    KeyAccessPath path;
    path.index_id = ix.id;
    for (uint32_t id : ix.column_ids) path.columns.push_back(table.ColumnIndexById(id));
    t.paths.push_back(std::move(path));
  }
  return t;
}

// Which output columns of a node its consumers read, by position; empty
// means all of them.
using Columns = std::vector<bool>;

// Marks in `used` the columns of the input row `e` reads; false if `e`
// holds a subquery (which may read any of them as an outer reference).
bool MarkUsed(const BoundExpr* e, Columns* used) {
  if (e == nullptr) return true;
  if (e->subquery) return false;
  if (e->kind == BoundKind::kColumn && e->depth == 0 && e->index >= 0 &&
      static_cast<size_t>(e->index) < used->size()) {
    (*used)[e->index] = true;
  }
  for (const BoundPtr& c : e->children) {
    if (!MarkUsed(c.get(), used)) return false;
  }
  return true;
}

// `required` (of a node `width` wide) widened to a fresh set, or all.
Columns Start(const Columns& required, size_t width) {
  return required.empty() ? Columns(width, true) : required;
}

// The columns a child of `op` must produce, given what is read of `op`'s
// own output (`required`). Conservative: empty (all) for kinds that read
// whole rows (DISTINCT, set operations) and for any subquery.
std::vector<Columns> ChildColumns(const LogicalOp& op, const Columns& required) {
  const size_t n = op.children.size();
  std::vector<Columns> all(n);
  auto width = [&](size_t i) { return op.children[i]->width(); };
  switch (op.kind) {
    case LogicalKind::kFilter:
    case LogicalKind::kSort:
    case LogicalKind::kLimit: {
      if (required.empty()) return all;
      Columns c = Start(required, width(0));
      if (!MarkUsed(op.predicate.get(), &c)) return all;
      for (const SortKey& k : op.sort_keys) {
        if (static_cast<size_t>(k.column) < c.size()) c[k.column] = true;
      }
      return {c};
    }
    case LogicalKind::kProject: {
      Columns c(width(0), false);
      for (const BoundPtr& e : op.exprs) {
        if (!MarkUsed(e.get(), &c)) return all;
      }
      return {c};
    }
    case LogicalKind::kAggregate: {
      Columns c(width(0), false);
      for (const BoundPtr& e : op.group_by) {
        if (!MarkUsed(e.get(), &c)) return all;
      }
      for (const AggregateCall& a : op.aggregates) {
        if (!MarkUsed(a.arg.get(), &c) || !MarkUsed(a.filter.get(), &c)) return all;
      }
      return {c};
    }
    case LogicalKind::kMultiJoin:
    case LogicalKind::kJoin: {
      // Columns are the children's, concatenated.
      size_t total = 0;
      for (size_t i = 0; i < n; ++i) total += width(i);
      Columns c = Start(required, total);
      c.resize(total, true);
      for (const BoundPtr& e : op.exprs) {
        if (!MarkUsed(e.get(), &c)) return all;
      }
      if (!MarkUsed(op.predicate.get(), &c)) return all;
      std::vector<Columns> out(n);
      size_t at = 0;
      for (size_t i = 0; i < n; ++i) {
        out[i].assign(c.begin() + at, c.begin() + at + width(i));
        at += width(i);
      }
      return out;
    }
    case LogicalKind::kTableFunction: {
      // The child's row comes first in the output; the arguments read it.
      if (n == 0) return all;
      Columns c = Start(required, op.width());
      c.resize(op.width(), true);
      for (const BoundPtr& e : op.exprs) {
        if (!MarkUsed(e.get(), &c)) return all;
      }
      if (!MarkUsed(op.predicate.get(), &c)) return all;
      c.resize(width(0));
      return {c};
    }
    default:
      return all;
  }
}

// Fills the pipeline's `columns` (what its fragments decode) and
// `parallel`. An aggregate takes the filtered rows, else a projection
// does, else the rows leave the fragment and `required` (what is read of
// them above) decides.
void PlanFragmentColumns(const Columns& required, ScanPipeline* p) {
  Columns c(p->scan->width(), false);
  bool subquery_free = MarkUsed(p->filter, &c);
  if (p->aggregate != nullptr) {
    for (const BoundPtr& g : p->aggregate->group_by) subquery_free = subquery_free && MarkUsed(g.get(), &c);
    for (const AggregateCall& a : p->aggregate->aggregates) {
      subquery_free = subquery_free && MarkUsed(a.arg.get(), &c) && MarkUsed(a.filter.get(), &c);
    }
  } else if (p->project != nullptr) {
    for (const BoundPtr& e : p->project->exprs) subquery_free = subquery_free && MarkUsed(e.get(), &c);
  } else if (required.empty()) {
    c.clear();  // whole rows leave the fragment
  } else {
    for (size_t i = 0; i < c.size() && i < required.size(); ++i) c[i] = c[i] || required[i];
    if (p->sort != nullptr) {
      for (const SortKey& k : p->sort->sort_keys) {
        if (static_cast<size_t>(k.column) < c.size()) c[k.column] = true;
      }
    }
  }
  p->parallel = subquery_free && p->limit == nullptr;
  if (subquery_free) p->columns = std::move(c);
}

PhysicalPtr Plan(const LogicalOp& op, const Columns& required) {
  auto node = std::make_unique<PhysicalOp>();
  node->logical = &op;
  if (std::optional<ScanPipeline> p = MatchPipeline(op)) {
    node->kind = PhysicalKind::kRangeFragments;
    node->pipeline = *p;
    PlanFragmentColumns(required, &node->pipeline);
    return node;
  }
  if (op.kind == LogicalKind::kLimit && op.children[0]->kind == LogicalKind::kSort) {
    node->kind = PhysicalKind::kTopN;
    node->sort = op.children[0].get();
    Columns c;
    if (!required.empty()) {
      c = required;
      for (const SortKey& k : node->sort->sort_keys) {
        if (static_cast<size_t>(k.column) < c.size()) c[k.column] = true;
      }
    }
    node->children.push_back(Plan(*node->sort->children[0], c));
    return node;
  }
  node->kind = PhysicalKind::kOperator;
  std::vector<Columns> child_columns = ChildColumns(op, required);
  for (size_t i = 0; i < op.children.size(); ++i) {
    const LogicalOp& c = *op.children[i];
    node->children.push_back(Plan(c, child_columns[i]));
    if (op.kind == LogicalKind::kMultiJoin) node->lookup_targets.push_back(LookupTargetFor(c));
  }
  if (op.kind == LogicalKind::kJoin) {
    // Only the right input can be read by key (the left drives the join).
    node->lookup_targets = {std::nullopt, LookupTargetFor(*op.children[1])};
  }
  return node;
}

void SplitConjuncts(const BoundExpr& e, std::vector<const BoundExpr*>* out) {
  if (e.kind == BoundKind::kBinary && e.op == ast::Op::kAnd) {
    SplitConjuncts(*e.children[0], out);
    SplitConjuncts(*e.children[1], out);
    return;
  }
  out->push_back(&e);
}

std::string PipelineText(const ScanPipeline& p) {
  std::string scan = Describe(*p.scan);
  if (std::find(p.columns.begin(), p.columns.end(), false) != p.columns.end()) {
    std::vector<std::string> read;
    for (size_t i = 0; i < p.columns.size() && i < p.scan->table->columns.size(); ++i) {
      if (p.columns[i]) read.push_back(p.scan->table->columns[i].name);
    }
    absl::StrAppend(&scan, " (columns ", read.empty() ? "none" : absl::StrJoin(read, ", "), ")");
  }
  std::vector<std::string> stages = {scan};
  if (p.filter != nullptr) stages.push_back("filter");
  if (p.project != nullptr) {
    stages.push_back(absl::StrCat("project ", absl::StrJoin(p.project->column_names, ", ")));
  }
  if (p.aggregate != nullptr) {
    stages.push_back(absl::StrCat("partial aggregate (", p.aggregate->group_by.size(),
                                  " keys, ", p.aggregate->aggregates.size(), " aggregates)"));
  }
  if (p.sort != nullptr) {
    stages.push_back(absl::StrCat("top-N (", p.sort->sort_keys.size(), " keys)"));
  } else if (p.limit != nullptr) {
    stages.push_back("limit");
  }
  return absl::StrJoin(stages, " -> ");
}

void Explain(const PhysicalOp& op, int depth, std::string* out,
             const std::function<std::vector<std::string>(const PhysicalOp&)>& annotate) {
  std::string indent(depth * 2, ' ');
  switch (op.kind) {
    case PhysicalKind::kRangeFragments: {
      const ScanPipeline& p = op.pipeline;
      std::string merge = p.aggregate != nullptr ? "merge partial aggregates"
                          : p.sort != nullptr    ? "merge top-N, then offset/limit"
                          : p.limit != nullptr   ? "concatenate in key order, then offset/limit"
                                                 : "concatenate in key order";
      absl::StrAppend(out, indent, "gather (", merge, ")\n");
      absl::StrAppend(out, indent, "  per range: ", PipelineText(p), "\n");
      break;
    }
    case PhysicalKind::kTopN:
      absl::StrAppend(out, indent, "top-N (", op.sort->sort_keys.size(), " keys)\n");
      break;
    case PhysicalKind::kOperator: {
      std::string line = Describe(*op.logical);
      if (op.logical->kind == LogicalKind::kScan) line += " (at the gateway)";
      size_t lookups = 0;
      for (const auto& t : op.lookup_targets) lookups += t.has_value() ? 1 : 0;
      if (lookups > 0) {
        absl::StrAppend(&line, "; lookup join possible into ", lookups, " input",
                        lookups == 1 ? "" : "s");
      }
      absl::StrAppend(out, indent, line, "\n");
      break;
    }
  }
  if (annotate) {
    for (const std::string& extra : annotate(op)) {
      absl::StrAppend(out, indent, "  ", extra, "\n");
    }
  }
  for (const PhysicalPtr& c : op.children) Explain(*c, depth + 1, out, annotate);
}

}  // namespace

PhysicalPtr PlanPhysical(LogicalPtr plan) {
  PhysicalPtr root = Plan(*plan, {});
  const_cast<PhysicalOp*>(root.get())->owner = std::move(plan);
  return root;
}

std::optional<SemiJoinPlan> PlanSemiJoin(const BoundExpr& e) {
  if ((e.kind != BoundKind::kExists && e.kind != BoundKind::kInSubquery) || !e.subquery) {
    return std::nullopt;
  }
  const LogicalOp* n = e.subquery.get();
  const LogicalOp* project = nullptr;
  if (n->kind == LogicalKind::kProject) {
    project = n;
    n = n->children[0].get();
  }
  if (n->kind != LogicalKind::kFilter) return std::nullopt;
  SemiJoinPlan plan;
  plan.input = n->children[0];
  const LogicalOp& in = *plan.input;
  if (in.kind == LogicalKind::kScan && !Uncorrelated(in)) {
    // Key bounds from the outer row: their equalities are in the filter
    // too, so the whole table keyed by them answers every outer row.
    auto whole = std::make_shared<LogicalOp>();
    whole->kind = LogicalKind::kScan;
    whole->table = in.table;
    whole->column_names = in.column_names;
    plan.input = whole;
    plan.was_keyed = true;
  }
  if (!Uncorrelated(*plan.input)) return std::nullopt;
  if (e.kind == BoundKind::kInSubquery) {
    if (project == nullptr || project->exprs.empty() ||
        !SelfContained(project->exprs[0].get())) {
      return std::nullopt;
    }
    plan.in_value = project->exprs[0].get();
  }
  std::vector<const BoundExpr*> conjuncts;
  SplitConjuncts(*n->predicate, &conjuncts);
  std::vector<const BoundExpr*> local;
  for (const BoundExpr* c : conjuncts) {
    if (SelfContained(c)) {
      local.push_back(c);
      continue;
    }
    if (c->kind != BoundKind::kBinary || c->op != ast::Op::kEq) return std::nullopt;
    bool matched = false;
    for (int side = 0; side < 2 && !matched; ++side) {
      const BoundExpr& in = *c->children[side];
      const BoundExpr& out = *c->children[1 - side];
      bool in_outer = false, in_inner = false, in_sub = false;
      bool out_outer = false, out_inner = false, out_sub = false;
      Inspect(in, &in_outer, &in_inner, &in_sub);
      Inspect(out, &out_outer, &out_inner, &out_sub);
      if (!in_outer && !in_sub && !out_inner && !out_sub && out_outer) {
        plan.inner_keys.push_back(&in);
        plan.outer_keys.push_back(&out);
        matched = true;
      }
    }
    if (!matched) return std::nullopt;
  }
  if (plan.inner_keys.empty()) return std::nullopt;
  plan.local_filters = std::move(local);
  return plan;
}

std::string ExplainPhysical(
    const PhysicalOp& op,
    const std::function<std::vector<std::string>(const PhysicalOp&)>& annotate) {
  std::string out;
  Explain(op, 0, &out, annotate);
  return out;
}

}  // namespace tessera::planner
