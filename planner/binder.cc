#include "planner/binder.h"

#include "absl/cleanup/cleanup.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "catalog/catalog.h"
#include "function/value_ops.h"
#include "parser/ast_printer.h"
#include "parser/parser.h"

namespace tessera::planner {

// The name a result column gets: its alias, a column's own name, else the
// expression's text.
std::string ResultName(const ast::ResultColumn& rc) {
  if (!rc.alias.empty()) return rc.alias;
  if (rc.expr->kind == ast::ExprKind::kColumnRef) return rc.expr->name;
  if (!rc.text.empty()) return rc.text;
  return ast::ToSql(*rc.expr);
}

namespace {

// What an output column of a plan carries into the queries that read it.
struct ColumnTraits {
  Type affinity = Type::kNull;
  CarriedCollation collation;
};

// The traits of each output column of `plan` (SQLite: a column read
// through a subquery, view or CTE keeps its affinity and collation;
// computed columns keep what their expression carries).
std::vector<ColumnTraits> OutputTraits(const LogicalOp& plan) {
  auto of = [](const BoundExpr& e) {
    return ColumnTraits{e.affinity, {e.collation, e.collation_strength}};
  };
  std::vector<ColumnTraits> out;
  switch (plan.kind) {
    case LogicalKind::kScan:
      for (const catalog::ColumnDescriptor& c : plan.table->columns) {
        out.push_back({c.type, {c.collation, kColumnCollation}});
      }
      return out;
    case LogicalKind::kProject:
      for (const BoundPtr& e : plan.exprs) out.push_back(of(*e));
      return out;
    case LogicalKind::kAggregate:
      for (const BoundPtr& e : plan.group_by) out.push_back(of(*e));
      out.resize(plan.width());
      return out;
    case LogicalKind::kSetOp: {
      // The left SELECT's affinity; the collation of the leftmost SELECT
      // whose column has one.
      out = OutputTraits(*plan.children[0]);
      std::vector<ColumnTraits> right = OutputTraits(*plan.children[1]);
      for (size_t i = 0; i < out.size() && i < right.size(); ++i) {
        if (out[i].collation.strength == kNoCollation) out[i].collation = right[i].collation;
      }
      return out;
    }
    case LogicalKind::kFilter:
    case LogicalKind::kSort:
    case LogicalKind::kLimit:
    case LogicalKind::kDistinct:
    case LogicalKind::kRecursiveUnion:
      return OutputTraits(*plan.children[0]);
    case LogicalKind::kWorkingTable:
      return OutputTraits(*plan.recursive_union->children[0]);
    case LogicalKind::kWindow:
      out = OutputTraits(*plan.children[0]);
      out.resize(plan.width());
      return out;
    case LogicalKind::kTableFunction:
      // The function's own columns have no declared type or collation.
      if (!plan.children.empty()) out = OutputTraits(*plan.children[0]);
      out.resize(plan.width());
      return out;
    case LogicalKind::kJoin:
    case LogicalKind::kMultiJoin:
      for (const LogicalPtr& c : plan.children) {
        std::vector<ColumnTraits> part = OutputTraits(*c);
        out.insert(out.end(), part.begin(), part.end());
      }
      return out;
    case LogicalKind::kSingleRow:
    case LogicalKind::kValues:
      break;
  }
  return std::vector<ColumnTraits>(plan.width());
}

}  // namespace

std::vector<Type> OutputAffinity(const LogicalOp& plan) {
  std::vector<Type> out;
  for (const ColumnTraits& c : OutputTraits(plan)) out.push_back(c.affinity);
  return out;
}

std::vector<CarriedCollation> OutputCollation(const LogicalOp& plan) {
  std::vector<CarriedCollation> out;
  for (const ColumnTraits& c : OutputTraits(plan)) out.push_back(c.collation);
  return out;
}

namespace {

std::string Lower(absl::string_view s) { return absl::AsciiStrToLower(s); }

// The collation a comparison of `operands` uses (SQLite's rules): the
// first explicit COLLATE, left to right; else the first column's; else
// BINARY.
Collation ComparisonCollation(std::initializer_list<const BoundExpr*> operands) {
  for (uint8_t strength : {kExplicitCollation, kColumnCollation}) {
    for (const BoundExpr* e : operands) {
      if (e->collation_strength == strength) return e->collation;
    }
  }
  return Collation::kBinary;
}

// The collation `e` sorts, groups and tells duplicates by.
Collation KeyCollation(const BoundExpr& e) {
  return e.collation_strength == kNoCollation ? Collation::kBinary : e.collation;
}

// Makes `*side` compare under `c`: a constant is folded now, anything
// else reads through function::CollationKey(c). BINARY changes nothing.
void ApplyCollation(Collation c, BoundPtr* side) {
  if (c == Collation::kBinary) return;
  BoundExpr& e = **side;
  if (e.kind == BoundKind::kConstant) {
    e.value = Collate(c, e.value);
    return;
  }
  auto wrap = std::make_unique<BoundExpr>();
  wrap->kind = BoundKind::kFunction;
  wrap->function = function::CollationKey(c);
  wrap->children.push_back(std::move(*side));
  *side = std::move(wrap);
}

// Gives `b` (bound from `e`) the collation SQLite's rules say it carries,
// where binding did not (a column reference or GROUP BY key sets its own):
// `e`'s COLLATE; through CAST and unary + the operand's; else the first
// explicit COLLATE among its operands.
void CarryCollation(const ast::Expr& e, BoundExpr* b) {
  if (!e.collation.empty()) {
    if (std::optional<Collation> c = CollationNamed(e.collation)) {
      b->collation = *c;
      b->collation_strength = kExplicitCollation;
    }
    return;
  }
  if (b->collation_strength != kNoCollation || b->children.empty()) return;
  if (b->kind == BoundKind::kCast || (b->kind == BoundKind::kUnary && b->op == ast::Op::kPlus)) {
    b->collation = b->children[0]->collation;
    b->collation_strength = b->children[0]->collation_strength;
    return;
  }
  for (const BoundPtr& c : b->children) {
    if (c->collation_strength == kExplicitCollation) {
      b->collation = c->collation;
      b->collation_strength = kExplicitCollation;
      return;
    }
  }
}

BoundPtr Constant(Value v) {
  auto b = std::make_unique<BoundExpr>();
  b->kind = BoundKind::kConstant;
  b->value = std::move(v);
  return b;
}

BoundPtr ColumnRef(int index) {
  auto b = std::make_unique<BoundExpr>();
  b->kind = BoundKind::kColumn;
  b->index = index;
  return b;
}

std::shared_ptr<LogicalOp> Node(LogicalKind kind) {
  auto op = std::make_shared<LogicalOp>();
  op->kind = kind;
  return op;
}

// A projection that passes `plan` through under new column names (keeping
// each column's affinity).
LogicalPtr Rename(LogicalPtr plan, const std::vector<std::string>& names) {
  auto p = Node(LogicalKind::kProject);
  p->column_names = names;
  const std::vector<Type> affinity = OutputAffinity(*plan);
  const std::vector<CarriedCollation> collation = OutputCollation(*plan);
  for (size_t i = 0; i < names.size(); ++i) {
    p->exprs.push_back(ColumnRef(static_cast<int>(i)));
    if (i < affinity.size()) p->exprs.back()->affinity = affinity[i];
    if (i < collation.size()) {
      p->exprs.back()->collation = collation[i].collation;
      p->exprs.back()->collation_strength = collation[i].strength;
    }
  }
  p->children = {std::move(plan)};
  return p;
}

// Collects the leaves and ON conditions of a FROM tree made only of comma,
// CROSS and INNER joins (no USING/NATURAL); false for anything else.
bool FlattenInnerJoins(const ast::TableRef& ref,
                       std::vector<const ast::TableRef*>* leaves,
                       std::vector<const ast::Expr*>* conditions) {
  if (ref.kind != ast::TableRef::Kind::kJoin) {
    leaves->push_back(&ref);
    return true;
  }
  if (ref.join_type == ast::JoinType::kLeft || ref.join_type == ast::JoinType::kRight ||
      ref.join_type == ast::JoinType::kFull || ref.natural || !ref.using_columns.empty()) {
    return false;
  }
  if (!FlattenInnerJoins(*ref.left, leaves, conditions) ||
      !FlattenInnerJoins(*ref.right, leaves, conditions)) {
    return false;
  }
  if (ref.condition) conditions->push_back(ref.condition.get());
  return true;
}

void SplitConjuncts(BoundPtr e, std::vector<BoundPtr>* out) {
  if (e->kind == BoundKind::kBinary && e->op == ast::Op::kAnd) {
    SplitConjuncts(std::move(e->children[0]), out);
    SplitConjuncts(std::move(e->children[1]), out);
    return;
  }
  out->push_back(std::move(e));
}

BoundPtr Conjoin(std::vector<BoundPtr> parts) {
  BoundPtr out;
  for (BoundPtr& p : parts) {
    if (!out) {
      out = std::move(p);
      continue;
    }
    auto a = std::make_unique<BoundExpr>();
    a->kind = BoundKind::kBinary;
    a->op = ast::Op::kAnd;
    a->children.push_back(std::move(out));
    a->children.push_back(std::move(p));
    out = std::move(a);
  }
  return out;
}

// Depth-0 column positions `e` reads; sets *has_subquery when it contains
// one (whose correlated references must keep seeing the full row).
void ReferencedColumns(const BoundExpr& e, std::vector<int>* cols, bool* has_subquery) {
  if (e.kind == BoundKind::kColumn && e.depth == 0) cols->push_back(e.index);
  if (e.subquery) *has_subquery = true;
  for (const BoundPtr& c : e.children) ReferencedColumns(*c, cols, has_subquery);
}

bool HasCorrelatedSubquery(const BoundExpr& e) {
  if (e.subquery && e.correlated) return true;
  for (const BoundPtr& c : e.children) {
    if (HasCorrelatedSubquery(*c)) return true;
  }
  return false;
}

void ShiftColumns(BoundExpr* e, int delta) {
  if (e->kind == BoundKind::kColumn && e->depth == 0) e->index += delta;
  for (BoundPtr& c : e->children) ShiftColumns(c.get(), delta);
}

bool ReadsNoColumn(const BoundExpr& e) {
  std::vector<int> refs;
  bool sub = false;
  ReferencedColumns(e, &refs, &sub);
  return refs.empty() && !sub;
}

// Whether the arguments of table-valued function `fn` read the row of the
// FROM items before it (a column, or a correlated subquery): then it runs
// once per row of those.
bool ReadsLeftRow(const LogicalOp& fn) {
  if (fn.kind != LogicalKind::kTableFunction) return false;
  for (const BoundPtr& arg : fn.exprs) {
    std::vector<int> cols;
    bool has_subquery = false;
    ReferencedColumns(*arg, &cols, &has_subquery);
    if (!cols.empty() || (has_subquery && HasCorrelatedSubquery(*arg))) return true;
  }
  return false;
}

// `fn` (a kTableFunction without children) run once per row of `input`:
// its output is input's row ++ the function's.
std::shared_ptr<LogicalOp> LateralCall(const LogicalOp& fn, LogicalPtr input) {
  auto call = std::make_shared<LogicalOp>();
  call->kind = LogicalKind::kTableFunction;
  call->table_function = fn.table_function;
  for (const BoundPtr& arg : fn.exprs) call->exprs.push_back(arg->Clone());
  call->column_names = input->column_names;
  for (const std::string& c : fn.column_names) call->column_names.push_back(c);
  call->children = {std::move(input)};
  return call;
}

bool IsColumn(const BoundExpr& e, int column) {
  return e.kind == BoundKind::kColumn && e.depth == 0 && e.index == column;
}

// Whether `a` and `b` compute the same value from the same row: the same
// tree of operators, functions, constants and column positions.
bool SameBound(const BoundExpr& a, const BoundExpr& b) {
  if (a.kind != b.kind || a.op != b.op || a.negated != b.negated || a.index != b.index ||
      a.depth != b.depth || a.has_operand != b.has_operand || a.has_else != b.has_else ||
      a.cast_type != b.cast_type || a.function != b.function || a.subquery || b.subquery ||
      a.children.size() != b.children.size()) {
    return false;
  }
  if (a.kind == BoundKind::kConstant &&
      (a.value.type() != b.value.type() || a.value != b.value)) {
    return false;
  }
  for (size_t i = 0; i < a.children.size(); ++i) {
    if (!SameBound(*a.children[i], *b.children[i])) return false;
  }
  return true;
}

// A key column of an index: a table column (its position in the scan's
// row), or an expression over the row (an index on expressions).
struct KeyPart {
  int column = -1;
  const BoundExpr* expr = nullptr;
};

// Whether `e` is a comparison operand that reads `key`, encoded under
// collation `c`: the key itself for BINARY, else its key under `c` (the
// binder wraps both operands of a comparison under a collation). A
// comparison under another collation than the key's cannot use the key:
// the key's order is not its order.
bool IsKey(const BoundExpr& e, const KeyPart& key, Collation c) {
  const BoundExpr* x = &e;
  if (c != Collation::kBinary) {
    if (e.kind != BoundKind::kFunction || e.function != function::CollationKey(c)) return false;
    x = e.children[0].get();
  }
  return key.expr != nullptr ? SameBound(*x, *key.expr) : IsColumn(*x, key.column);
}

bool IsKeyColumn(const BoundExpr& e, int column, Collation c) { return IsKey(e, {column}, c); }

// Key column `i` of `index` on table `t`.
KeyPart KeyPartOf(const catalog::TableDescriptor& t, const catalog::IndexDescriptor& index,
                  size_t i, const KeyExpressions* expressions) {
  if (!index.IsExpression(i)) return {t.ColumnIndexById(index.column_ids[i])};
  if (expressions == nullptr) return {};
  auto it = expressions->find(index.id);
  if (it == expressions->end() || i >= it->second.size()) return {};
  return {-1, it->second[i].get()};
}

// `column IN (v, ...)` with values that read no column: the values, else
// empty.
std::vector<BoundPtr> InListOn(const std::vector<BoundPtr>& conjuncts, const KeyPart& key,
                               Collation collation) {
  std::vector<BoundPtr> out;
  if (key.column < 0 && key.expr == nullptr) return out;
  for (const BoundPtr& c : conjuncts) {
    if (c->kind != BoundKind::kInList || c->negated || c->children.size() < 2 ||
        !IsKey(*c->children[0], key, collation)) {
      continue;
    }
    bool constant = true;
    for (size_t i = 1; i < c->children.size(); ++i) constant = constant && ReadsNoColumn(*c->children[i]);
    if (!constant) continue;
    for (size_t i = 1; i < c->children.size(); ++i) out.push_back(c->children[i]->Clone());
    return out;
  }
  return out;
}

// Bounds on `column` from comparisons and BETWEEN with values that read no
// column.
struct ColumnBounds {
  BoundPtr lo, hi;
  bool lo_inclusive = true, hi_inclusive = true;
  void MoveTo(LogicalOp* scan) {
    scan->range_lo = std::move(lo);
    scan->range_hi = std::move(hi);
    scan->lo_inclusive = lo_inclusive;
    scan->hi_inclusive = hi_inclusive;
  }
};

ColumnBounds BoundsOn(const std::vector<BoundPtr>& conjuncts, int column, Collation collation) {
  ColumnBounds b;
  for (const BoundPtr& c : conjuncts) {
    if (c->kind == BoundKind::kBetween && !c->negated &&
        IsKeyColumn(*c->children[0], column, collation) &&
        ReadsNoColumn(*c->children[1]) && ReadsNoColumn(*c->children[2])) {
      if (!b.lo) b.lo = c->children[1]->Clone();
      if (!b.hi) b.hi = c->children[2]->Clone();
      continue;
    }
    if (c->kind != BoundKind::kBinary) continue;
    ast::Op op = c->op;
    if (op != ast::Op::kLt && op != ast::Op::kLe && op != ast::Op::kGt && op != ast::Op::kGe) {
      continue;
    }
    const BoundExpr* col = c->children[0].get();
    const BoundExpr* val = c->children[1].get();
    if (!IsKeyColumn(*col, column, collation)) {
      std::swap(col, val);
      // c < col  is  col > c
      op = op == ast::Op::kLt   ? ast::Op::kGt
           : op == ast::Op::kLe ? ast::Op::kGe
           : op == ast::Op::kGt ? ast::Op::kLt
                                : ast::Op::kLe;
    }
    if (!IsKeyColumn(*col, column, collation) || !ReadsNoColumn(*val)) continue;
    if ((op == ast::Op::kGt || op == ast::Op::kGe) && !b.lo) {
      b.lo = val->Clone();
      b.lo_inclusive = op == ast::Op::kGe;
    } else if ((op == ast::Op::kLt || op == ast::Op::kLe) && !b.hi) {
      b.hi = val->Clone();
      b.hi_inclusive = op == ast::Op::kLe;
    }
  }
  return b;
}

// `column = v` with a value that reads no column: a copy of v, else null.
BoundPtr EqualityOn(const std::vector<BoundPtr>& conjuncts, const KeyPart& key,
                    Collation collation) {
  if (key.column < 0 && key.expr == nullptr) return nullptr;
  for (const BoundPtr& c : conjuncts) {
    if (c->kind != BoundKind::kBinary || c->op != ast::Op::kEq) continue;
    for (int side = 0; side < 2; ++side) {
      if (IsKey(*c->children[side], key, collation) &&
          ReadsNoColumn(*c->children[1 - side])) {
        return c->children[1 - side]->Clone();
      }
    }
  }
  return nullptr;
}

// Values the equalities give the leading `column_ids` of a key, as far as
// they go.
std::vector<BoundPtr> EqualityPrefix(const std::vector<BoundPtr>& conjuncts,
                                     const catalog::TableDescriptor& t,
                                     const catalog::IndexDescriptor& index,
                                     const KeyExpressions* expressions = nullptr) {
  std::vector<BoundPtr> values;
  for (size_t i = 0; i < index.column_ids.size(); ++i) {
    BoundPtr v = EqualityOn(conjuncts, KeyPartOf(t, index, i, expressions), index.CollationAt(i));
    if (!v) break;
    values.push_back(std::move(v));
  }
  return values;
}

// The cheapest way to read `scan`'s table under `conjuncts`, in order: a
// point lookup (every primary key column equal), an index lookup (the index
// whose leading columns the most equalities fix), an IN list on the first
// primary key column, then on an index's first column, bounds on the first
// primary key column, then on an index's first column. Null: a full scan.
std::shared_ptr<LogicalOp> AccessPath(const LogicalOp& scan,
                                      const std::vector<BoundPtr>& conjuncts,
                                      const KeyExpressions* expressions) {
  const catalog::TableDescriptor& t = *scan.table;
  auto with_access = [&](uint32_t index_id) {
    auto n = Node(LogicalKind::kScan);
    n->table = scan.table;
    n->column_names = scan.column_names;
    n->index_id = index_id;
    return n;
  };
  if (std::vector<BoundPtr> keys = EqualityPrefix(conjuncts, t, t.primary);
      keys.size() == t.primary.column_ids.size()) {
    auto point = with_access(0);
    point->key_exprs = std::move(keys);
    return point;
  }
  std::shared_ptr<LogicalOp> best;
  // A partial index holds only some rows: never a read path. One on
  // expressions is read by equalities of the same expressions.
  for (const catalog::IndexDescriptor& ix : t.indexes) {
    if (!ix.where_sql.empty()) continue;
    std::vector<BoundPtr> values = EqualityPrefix(conjuncts, t, ix, expressions);
    if (!values.empty() && (!best || values.size() > best->index_values.size())) {
      best = with_access(ix.id);
      best->index_values = std::move(values);
    }
  }
  if (best) return best;
  const int first = t.ColumnIndexById(t.primary.column_ids[0]);
  if (std::vector<BoundPtr> in = InListOn(conjuncts, {first}, Collation::kBinary); !in.empty()) {
    auto n = with_access(0);
    n->in_list = std::move(in);
    return n;
  }
  for (const catalog::IndexDescriptor& ix : t.indexes) {
    if (!ix.where_sql.empty()) continue;
    if (std::vector<BoundPtr> in = InListOn(conjuncts, KeyPartOf(t, ix, 0, expressions),
                                                 ix.CollationAt(0));
        !in.empty()) {
      auto n = with_access(ix.id);
      n->in_list = std::move(in);
      return n;
    }
  }
  if (ColumnBounds b = BoundsOn(conjuncts, first, Collation::kBinary); b.lo || b.hi) {
    auto n = with_access(0);
    b.MoveTo(n.get());
    return n;
  }
  for (const catalog::IndexDescriptor& ix : t.indexes) {
    if (!ix.where_sql.empty() || ix.HasExpressions()) continue;
    if (ColumnBounds b = BoundsOn(conjuncts, t.ColumnIndexById(ix.column_ids[0]), ix.CollationAt(0));
        b.lo || b.hi) {
      auto n = with_access(ix.id);
      b.MoveTo(n.get());
      return n;
    }
  }
  return nullptr;
}

// Filter `plan` by `conjuncts`; when `plan` scans a whole table, the scan
// reads only what the conjuncts allow (AccessPath). The filter stays, so
// the result is unchanged.
// `expressions`: the bound key expressions of the scanned table's indexes
// on expressions (Binder::KeyExpressionsOf; null: none is read).
LogicalPtr FilterScan(LogicalPtr plan, std::vector<BoundPtr> conjuncts,
                      const KeyExpressions* expressions) {
  if (conjuncts.empty()) return plan;
  if (plan->kind == LogicalKind::kScan && plan->key_exprs.empty() && plan->index_id == 0 &&
      plan->in_list.empty() && !plan->range_lo && !plan->range_hi) {
    if (std::shared_ptr<LogicalOp> access = AccessPath(*plan, conjuncts, expressions)) {
      plan = access;
    }
  }
  auto f = Node(LogicalKind::kFilter);
  f->column_names = plan->column_names;
  f->predicate = Conjoin(std::move(conjuncts));
  f->children = {std::move(plan)};
  return f;
}

struct WindowFunctionInfo {
  const char* name;
  WindowFunctionKind kind;
  int min_args, max_args;
};

// The functions that exist only as window functions.
const WindowFunctionInfo* FindWindowFunction(absl::string_view name) {
  static constexpr WindowFunctionInfo kFunctions[] = {
      {"row_number", WindowFunctionKind::kRowNumber, 0, 0},
      {"rank", WindowFunctionKind::kRank, 0, 0},
      {"dense_rank", WindowFunctionKind::kDenseRank, 0, 0},
      {"percent_rank", WindowFunctionKind::kPercentRank, 0, 0},
      {"cume_dist", WindowFunctionKind::kCumeDist, 0, 0},
      {"ntile", WindowFunctionKind::kNtile, 1, 1},
      {"lag", WindowFunctionKind::kLag, 1, 3},
      {"lead", WindowFunctionKind::kLead, 1, 3},
      {"first_value", WindowFunctionKind::kFirstValue, 1, 1},
      {"last_value", WindowFunctionKind::kLastValue, 1, 1},
      {"nth_value", WindowFunctionKind::kNthValue, 2, 2},
  };
  for (const WindowFunctionInfo& f : kFunctions) {
    if (name == f.name) return &f;
  }
  return nullptr;
}

// Points the placeholders WindowCallRef() bound (kColumn, index -1 - k) at
// column `base + k`, where the kWindow node puts call k's value.
void PlaceWindowColumns(BoundExpr* e, int base) {
  if (e->kind == BoundKind::kColumn && e->depth == 0 && e->index < 0) {
    e->index = base + (-e->index - 1);
  }
  for (BoundPtr& c : e->children) PlaceWindowColumns(c.get(), base);
}

// A frame bound's place in the order UNBOUNDED PRECEDING < n PRECEDING <
// CURRENT ROW < n FOLLOWING < UNBOUNDED FOLLOWING.
int FrameBoundRank(ast::FrameBoundKind k) { return static_cast<int>(k); }

// json_group_object(label, value)'s one input: the member each row adds.
BoundPtr JsonObjectMember(BoundPtr label, BoundPtr value) {
  auto b = std::make_unique<BoundExpr>();
  b->kind = BoundKind::kFunction;
  b->function = function::JsonObjectMember();
  b->children.push_back(std::move(label));
  b->children.push_back(std::move(value));
  return b;
}

bool IsAggregateCall(const ast::Expr& e) {
  if (e.kind != ast::ExprKind::kFunction || e.over) return false;
  return function::FindAggregate(e.name, static_cast<int>(e.children.size()), e.star)
      .has_value();
}


// Whether a FROM tree names table `name` (derived tables included, not
// subqueries in expressions).
bool ReadsTable(const ast::TableRef& ref, absl::string_view name);

bool ReadsTable(const ast::SelectCore& core, absl::string_view name) {
  return core.from != nullptr && ReadsTable(*core.from, name);
}

bool ReadsTable(const ast::SelectStmt& s, absl::string_view name) {
  for (const ast::SelectCore& core : s.cores) {
    if (ReadsTable(core, name)) return true;
  }
  return false;
}

bool ReadsTable(const ast::TableRef& ref, absl::string_view name) {
  switch (ref.kind) {
    case ast::TableRef::Kind::kTable:
      return absl::EqualsIgnoreCase(ref.name, name);
    case ast::TableRef::Kind::kSubquery:
      return ref.subquery != nullptr && ReadsTable(*ref.subquery, name);
    case ast::TableRef::Kind::kJoin:
      return ReadsTable(*ref.left, name) || ReadsTable(*ref.right, name);
    case ast::TableRef::Kind::kFunction:
      return false;
  }
  return false;
}


bool NumericAffinity(Type t) {
  return t == Type::kInteger || t == Type::kReal || t == Type::kBoolean || t == Type::kNumeric;
}

// Gives `*side` the affinity `to` (numeric or TEXT) for a comparison:
// a constant converts now, anything else through a kAffinity node.
void ApplyAffinity(Type to, BoundPtr* side) {
  BoundExpr& e = **side;
  if (e.kind == BoundKind::kConstant) {
    e.value = function::ApplyAffinity(e.value, to);
    return;
  }
  auto wrap = std::make_unique<BoundExpr>();
  wrap->kind = BoundKind::kAffinity;
  wrap->cast_type = to;
  wrap->children.push_back(std::move(*side));
  *side = std::move(wrap);
}

// SQLite's rules for the operands of a comparison: when `x` has numeric
// affinity and `v` TEXT, BLOB or none, or `x` TEXT affinity and `v` none,
// `v` takes x's affinity. So `int_column = '5'` and `int_column = ?` bound
// to text find the row 5.
bool GivesAffinity(const BoundExpr& x, const BoundExpr& v) {
  return (NumericAffinity(x.affinity) && !NumericAffinity(v.affinity)) ||
         (x.affinity == Type::kText && v.affinity == Type::kNull);
}

// The value side of `x IN (...)` or `x BETWEEN ...`: x itself is left as
// it is.
void TakeAffinityOf(const BoundExpr& x, BoundPtr* value) {
  if (GivesAffinity(x, **value)) ApplyAffinity(x.affinity, value);
}

void CompareWithAffinity(BoundPtr* a, BoundPtr* b) {
  if (GivesAffinity(**a, **b)) {
    ApplyAffinity((*a)->affinity, b);
  } else if (GivesAffinity(**b, **a)) {
    ApplyAffinity((*b)->affinity, a);
  }
}

// `x op y`, both sides compared under collation `c`.
BoundPtr CompareUnder(ast::Op op, BoundPtr x, BoundPtr y, Collation c) {
  auto cmp = std::make_unique<BoundExpr>();
  cmp->kind = BoundKind::kBinary;
  cmp->op = op;
  ApplyCollation(c, &x);
  ApplyCollation(c, &y);
  cmp->children.push_back(std::move(x));
  cmp->children.push_back(std::move(y));
  return cmp;
}

// `x op y` as SQL compares: one side may take the other's affinity, then
// the pair's collation applies.
BoundPtr Compare(ast::Op op, BoundPtr x, BoundPtr y) {
  CompareWithAffinity(&x, &y);
  const Collation c = ComparisonCollation({x.get(), y.get()});
  return CompareUnder(op, std::move(x), std::move(y), c);
}

// NOT `x`.
BoundPtr Negated(BoundPtr x) {
  auto n = std::make_unique<BoundExpr>();
  n->kind = BoundKind::kUnary;
  n->op = ast::Op::kNot;
  n->children.push_back(std::move(x));
  return n;
}

bool IsComparison(ast::Op op) {
  switch (op) {
    case ast::Op::kLt:
    case ast::Op::kLe:
    case ast::Op::kGt:
    case ast::Op::kGe:
    case ast::Op::kEq:
    case ast::Op::kNe:
    case ast::Op::kIs:
    case ast::Op::kIsNot:
      return true;
    default:
      return false;
  }
}

absl::Status CompoundWidthError() {
  return absl::InvalidArgumentError(
      "SELECTs to the left and right of a compound operator do not have "
      "the same number of result columns");
}

}  // namespace

bool ContainsAggregate(const ast::Expr& e) {
  if (IsAggregateCall(e)) return true;
  for (const ast::ExprPtr& c : e.children) {
    if (c && ContainsAggregate(*c)) return true;
  }
  if (e.operand && ContainsAggregate(*e.operand)) return true;
  for (const ast::CaseWhen& w : e.whens) {
    if (ContainsAggregate(*w.when) || ContainsAggregate(*w.then)) return true;
  }
  if (e.else_expr && ContainsAggregate(*e.else_expr)) return true;
  if (e.over && e.filter && ContainsAggregate(*e.filter)) return true;
  if (e.over) {
    for (const ast::ExprPtr& p : e.over->partition_by) {
      if (ContainsAggregate(*p)) return true;
    }
    for (const ast::OrderingTerm& t : e.over->order_by) {
      if (ContainsAggregate(*t.expr)) return true;
    }
  }
  return false;
}

bool ContainsWindow(const ast::Expr& e) {
  if (e.kind == ast::ExprKind::kFunction && e.over) return true;
  for (const ast::ExprPtr& c : e.children) {
    if (c && ContainsWindow(*c)) return true;
  }
  if (e.operand && ContainsWindow(*e.operand)) return true;
  for (const ast::CaseWhen& w : e.whens) {
    if (ContainsWindow(*w.when) || ContainsWindow(*w.then)) return true;
  }
  return e.else_expr && ContainsWindow(*e.else_expr);
}

absl::StatusOr<LogicalPtr> Binder::BindSelect(const ast::SelectStmt& select) {
  return Select(select, trigger_scope_.get());
}

void Binder::SetTriggerRow(const catalog::TableDescriptor& table) {
  trigger_scope_ = std::make_unique<Scope>();
  for (const char* alias : {"new", "old"}) {
    for (const catalog::ColumnDescriptor& c : table.columns) {
      trigger_scope_->columns.push_back({alias, c.name, true, c.type});
    }
  }
}

Binder::ScopeColumn Binder::TableColumn(std::string alias, const catalog::TableDescriptor& t,
                                        const catalog::ColumnDescriptor& c) {
  ScopeColumn out{std::move(alias), c.name, c.hidden, c.type};
  out.collation = c.collation;
  out.rowid = t.primary.column_ids.size() == 1 && t.primary.column_ids[0] == c.id &&
              (c.hidden || (c.type == Type::kInteger && !t.without_rowid));
  return out;
}

const KeyExpressions* Binder::ScanKeyExpressions(const LogicalOp& plan) {
  if (plan.kind != LogicalKind::kScan || plan.table == nullptr) return nullptr;
  return KeyExpressionsOf(*plan.table);
}

const KeyExpressions* Binder::KeyExpressionsOf(const catalog::TableDescriptor& t) {
  auto it = key_expressions_.find(t.id);
  if (it != key_expressions_.end()) return it->second.get();
  std::unique_ptr<KeyExpressions> out;
  for (const catalog::IndexDescriptor& ix : t.indexes) {
    if (!ix.HasExpressions()) continue;
    std::vector<BoundPtr> keys(ix.column_ids.size());
    bool bound = true;
    for (size_t i = 0; i < ix.column_ids.size() && bound; ++i) {
      if (!ix.IsExpression(i)) continue;
      absl::StatusOr<ast::ExprPtr> e = parser::ParseExpression(ix.expressions[i]);
      absl::StatusOr<BoundPtr> b =
          e.ok() ? BindTableExpr(**e, &t) : absl::StatusOr<BoundPtr>(e.status());
      bound = b.ok();
      if (bound) keys[i] = *std::move(b);
    }
    if (!bound) continue;
    if (out == nullptr) out = std::make_unique<KeyExpressions>();
    (*out)[ix.id] = std::move(keys);
  }
  const KeyExpressions* result = out.get();
  key_expressions_[t.id] = std::move(out);
  return result;
}

absl::StatusOr<BoundPtr> Binder::BindTableExpr(
    const ast::Expr& expr, const catalog::TableDescriptor* table) {
  Scope scope;
  scope.parent = trigger_scope_.get();
  if (table != nullptr) {
    for (const catalog::ColumnDescriptor& c : table->columns) {
      scope.columns.push_back(TableColumn(Lower(table->name), *table, c));
    }
  }
  return Expr(expr, &scope, nullptr);
}

LogicalPtr Binder::BindTableScan(const catalog::TableDescriptor& table,
                                 const BoundExpr& predicate) {
  auto scan = Node(LogicalKind::kScan);
  scan->table = std::make_shared<catalog::TableDescriptor>(table);
  for (const catalog::ColumnDescriptor& c : table.columns) scan->column_names.push_back(c.name);
  std::vector<BoundPtr> conjuncts;
  SplitConjuncts(predicate.Clone(), &conjuncts);
  const KeyExpressions* expressions = KeyExpressionsOf(*scan->table);
  return FilterScan(std::move(scan), std::move(conjuncts), expressions);
}

absl::StatusOr<BoundPtr> Binder::BindUpsertExpr(
    const ast::Expr& expr, const catalog::TableDescriptor& table) {
  Scope scope;
  for (const catalog::ColumnDescriptor& c : table.columns) {
    scope.columns.push_back(TableColumn(Lower(table.name), table, c));
  }
  for (const catalog::ColumnDescriptor& c : table.columns) {
    // Hidden here so an unqualified name means the existing row's column.
    scope.columns.push_back({"excluded", c.name, true, c.type});
  }
  return Expr(expr, &scope, nullptr);
}

absl::StatusOr<LogicalPtr> Binder::Select(const ast::SelectStmt& s,
                                          Scope* parent) {
  ctes_.emplace_back();
  struct Pop {
    std::vector<std::map<std::string, Cte>>* v;
    ~Pop() { v->pop_back(); }
  } pop{&ctes_};
  if (absl::Status w = BindCtes(s.with); !w.ok()) return w;
  if (s.cores.size() == 1) return Core(s.cores[0], &s, parent);
  return CompoundSelect(s, parent);
}

absl::Status Binder::AddStatementCtes(const std::vector<ast::CommonTableExpr>& with) {
  // The binder lives for one statement: the CTEs stay visible until it
  // goes, beneath every scope bound afterwards.
  ctes_.emplace_back();
  return BindCtes(with);
}

absl::Status Binder::BindCtes(const std::vector<ast::CommonTableExpr>& with) {
  for (const ast::CommonTableExpr& cte : with) {
    const int outer_read = cte_depth_read_;
    cte_depth_read_ = 0;
    absl::StatusOr<LogicalPtr> plan =
        ReadsTable(*cte.query, cte.name) ? RecursiveCte(cte) : Select(*cte.query, nullptr);
    const int depth = cte_depth_read_ + 1;
    cte_depth_read_ = outer_read;
    if (!plan.ok()) return plan.status();
    // Their plans chain as deep as the parser lets queries nest.
    if (const int max = parser::MaxNestingDepth(); depth > max) {
      return parser::StatementTooComplex(
          absl::StrCat("common table expressions read each other more than ", max,
                       " levels deep (at ", cte.name, ")"));
    }
    LogicalPtr p = *plan;
    if (!cte.columns.empty() && p->kind != LogicalKind::kRecursiveUnion) {
      if (cte.columns.size() != p->width()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "table ", cte.name, " has ", p->width(), " values for ",
            cte.columns.size(), " columns"));
      }
      p = Rename(p, cte.columns);
    }
    ctes_.back()[Lower(cte.name)] = Cte{p, depth};
  }
  return absl::OkStatus();
}

absl::StatusOr<LogicalPtr> Binder::CompoundSelect(const ast::SelectStmt& s, Scope* parent) {
  // Compound select: combine cores left to right, then ORDER BY / LIMIT on
  // the result columns.
  absl::StatusOr<LogicalPtr> compound = Compound(s, 0, s.cores.size(), parent);
  if (!compound.ok()) return compound.status();
  LogicalPtr plan = *std::move(compound);
  if (!s.order_by.empty()) {
    auto sort = Node(LogicalKind::kSort);
    sort->column_names = plan->column_names;
    for (const ast::OrderingTerm& t : s.order_by) {
      int col = -1;
      if (t.expr->kind == ast::ExprKind::kLiteral &&
          t.expr->literal.type() == Type::kInteger) {
        col = static_cast<int>(t.expr->literal.integer()) - 1;
      } else if (t.expr->kind == ast::ExprKind::kColumnRef) {
        for (size_t c = 0; c < plan->width(); ++c) {
          if (absl::EqualsIgnoreCase(plan->column_names[c], t.expr->name)) {
            col = static_cast<int>(c);
            break;
          }
        }
      }
      if (col < 0 || col >= static_cast<int>(plan->width())) {
        return absl::InvalidArgumentError(absl::StrCat(
            "ORDER BY term ", ast::ToSql(*t.expr),
            " does not match any column in the result set"));
      }
      SortKey key{col, t.descending, t.nulls_first.value_or(!t.descending)};
      key.collation = OutputCollation(*plan)[col].collation;
      if (!t.expr->collation.empty()) key.collation = *CollationNamed(t.expr->collation);
      sort->sort_keys.push_back(key);
    }
    sort->children = {plan};
    plan = sort;
  }
  return AddLimit(plan, s);
}

void Binder::AddDerivedColumns(const LogicalOp& plan, const std::string& alias, Scope* scope) {
  const std::vector<Type> affinity = OutputAffinity(plan);
  const std::vector<CarriedCollation> collation = OutputCollation(plan);
  for (size_t i = 0; i < plan.column_names.size(); ++i) {
    scope->columns.push_back(
        {alias, plan.column_names[i], false, i < affinity.size() ? affinity[i] : Type::kNull});
    // A column of a subquery, view or CTE is a column: the collation of
    // the expression it is (BINARY when none).
    if (i < collation.size()) scope->columns.back().collation = collation[i].collation;
  }
}

absl::StatusOr<LogicalPtr> Binder::Compound(const ast::SelectStmt& s, size_t begin,
                                            size_t end, Scope* parent) {
  absl::StatusOr<LogicalPtr> left = Core(s.cores[begin], nullptr, parent);
  if (!left.ok()) return left.status();
  LogicalPtr plan = *left;
  for (size_t i = begin + 1; i < end; ++i) {
    absl::StatusOr<LogicalPtr> right = Core(s.cores[i], nullptr, parent);
    if (!right.ok()) return right.status();
    if ((*right)->width() != plan->width()) return CompoundWidthError();
    auto op = Node(LogicalKind::kSetOp);
    op->set_op = s.ops[i - 1];
    op->column_names = plan->column_names;
    op->children = {plan, *right};
    for (const CarriedCollation& c : OutputCollation(*op)) op->key_collations.push_back(c.collation);
    plan = op;
  }
  return plan;
}

// SQLite's shape of a recursive CTE: SELECTs that do not read it (combined
// by any compound operators), then UNION or UNION ALL, then SELECTs that
// read it once each in their FROM, joined by that same operator. Rounds
// run until one adds no rows; a LIMIT on the CTE's query ends it sooner.
absl::StatusOr<LogicalPtr> Binder::RecursiveCte(const ast::CommonTableExpr& cte) {
  const ast::SelectStmt& q = *cte.query;
  const size_t n = q.cores.size();
  size_t first = 0;
  while (first < n && !ReadsTable(q.cores[first], cte.name)) ++first;
  const auto circular = [&] {
    return absl::InvalidArgumentError(absl::StrCat("circular reference: ", cte.name));
  };
  if (first == 0) return circular();
  const ast::SetOp op = q.ops[first - 1];
  if (op != ast::SetOp::kUnion && op != ast::SetOp::kUnionAll) return circular();
  for (size_t i = first; i < n; ++i) {
    if (!ReadsTable(q.cores[i], cte.name)) return circular();
    if (i > first && q.ops[i - 1] != op) {
      return absl::UnimplementedError(absl::StrCat(
          "statement not supported: recursive SELECTs of ", cte.name,
          " joined by different compound operators"));
    }
  }
  if (!q.order_by.empty() && q.limit) {
    // The order would decide which rows the LIMIT keeps; without a LIMIT it
    // changes nothing in the result, and is ignored.
    return absl::UnimplementedError(absl::StrCat(
        "statement not supported: ORDER BY with LIMIT in recursive ", cte.name));
  }
  absl::StatusOr<LogicalPtr> initial = Compound(q, 0, first, nullptr);
  if (!initial.ok()) return initial.status();
  std::vector<std::string> names = (*initial)->column_names;
  if (!cte.columns.empty()) {
    if (cte.columns.size() != names.size()) {
      return absl::InvalidArgumentError(absl::StrCat("table ", cte.name, " has ", names.size(),
                                                     " values for ", cte.columns.size(),
                                                     " columns"));
    }
    names = cte.columns;
  }
  auto ru = Node(LogicalKind::kRecursiveUnion);
  ru->cte_name = cte.name;
  ru->column_names = names;
  ru->set_op = op;
  ru->children.push_back(*std::move(initial));
  auto wt = Node(LogicalKind::kWorkingTable);
  wt->cte_name = cte.name;
  wt->column_names = names;
  wt->recursive_union = ru.get();

  // The recursive SELECTs see the name as the working table. (By index:
  // queries bound meanwhile push levels, and ctes_ may reallocate.)
  const size_t level = ctes_.size() - 1;
  const std::string key = Lower(cte.name);
  ctes_[level][key] = Cte{wt, 1};
  recursive_reads_.push_back({wt.get(), 0, subquery_boundaries_.size()});
  struct Restore {
    Binder* b;
    size_t level;
    std::string key;
    ~Restore() {
      b->recursive_reads_.pop_back();
      b->ctes_[level].erase(key);
    }
  } restore{this, level, key};
  for (size_t i = first; i < n; ++i) {
    const ast::SelectCore& core = q.cores[i];
    bool aggregates = !core.group_by.empty() || core.having != nullptr;
    for (const ast::ResultColumn& rc : core.columns) {
      if (rc.expr && ContainsAggregate(*rc.expr)) aggregates = true;
    }
    if (aggregates) return absl::InvalidArgumentError("recursive aggregate queries not supported");
    recursive_reads_.back().reads = 0;
    absl::StatusOr<LogicalPtr> step = Core(core, nullptr, nullptr);
    if (!step.ok()) return step.status();
    if (recursive_reads_.back().reads != 1) {
      return absl::InvalidArgumentError(absl::StrCat("multiple recursive references: ", cte.name));
    }
    if ((*step)->width() != names.size()) return CompoundWidthError();
    ru->children.push_back(*std::move(step));
  }
  absl::StatusOr<LogicalPtr> limited = AddLimit(ru, q);
  if (!limited.ok()) return limited.status();
  if (*limited != ru) {  // the LIMIT belongs to the rounds: they stop there
    ru->limit = (*limited)->limit->Clone();
    if ((*limited)->offset) ru->offset = (*limited)->offset->Clone();
  }
  return LogicalPtr(ru);
}

absl::StatusOr<LogicalPtr> Binder::AddLimit(LogicalPtr plan,
                                            const ast::SelectStmt& s) {
  if (!s.limit) return plan;
  auto lim = Node(LogicalKind::kLimit);
  lim->column_names = plan->column_names;
  Scope empty;
  absl::StatusOr<BoundPtr> l = Expr(*s.limit, &empty, nullptr);
  if (!l.ok()) return l.status();
  lim->limit = *std::move(l);
  if (s.offset) {
    absl::StatusOr<BoundPtr> o = Expr(*s.offset, &empty, nullptr);
    if (!o.ok()) return o.status();
    lim->offset = *std::move(o);
  }
  lim->children = {plan};
  return LogicalPtr(lim);
}

absl::StatusOr<LogicalPtr> Binder::From(const ast::TableRef& ref, Scope* scope,
                                        Scope* parent) {
  switch (ref.kind) {
    case ast::TableRef::Kind::kTable: {
      std::string alias = Lower(ref.alias.empty() ? ref.name : ref.alias);
      // CTEs shadow catalog objects.
      for (auto it = ctes_.rbegin(); it != ctes_.rend(); ++it) {
        auto found = it->find(Lower(ref.name));
        if (found != it->end()) {
          for (RecursiveRead& r : recursive_reads_) {
            if (r.working_table != found->second.plan.get()) continue;
            if (subquery_boundaries_.size() != r.subquery_depth) {
              return absl::InvalidArgumentError(
                  absl::StrCat("recursive reference in a subquery: ", ref.name));
            }
            ++r.reads;
          }
          cte_depth_read_ = std::max(cte_depth_read_, found->second.depth);
          AddDerivedColumns(*found->second.plan, alias, scope);
          return found->second.plan;
        }
      }
      absl::StatusOr<std::optional<catalog::SchemaObject>> obj =
          catalog::LookupObject(txn_, ref.name);
      if (!obj.ok()) return obj.status();
      if (obj->has_value() && (*obj)->view.has_value()) {
        const catalog::ViewDescriptor& view = *(*obj)->view;
        if (++view_depth_ > 32) {
          return parser::StatementTooComplex("views nest more than 32 deep");
        }
        absl::StatusOr<ast::StatementPtr> parsed = parser::ParseOne(view.select_sql);
        if (!parsed.ok()) return parsed.status();
        const auto& sel = static_cast<const ast::SelectStatement&>(**parsed);
        absl::StatusOr<LogicalPtr> plan = Select(*sel.select, nullptr);
        --view_depth_;
        if (!plan.ok()) return plan.status();
        LogicalPtr p = *plan;
        if (!view.column_names.empty() && view.column_names.size() == p->width()) {
          p = Rename(p, view.column_names);
        }
        AddDerivedColumns(*p, alias, scope);
        return p;
      }
      if (!obj->has_value() && schema_rows_ &&
          (absl::EqualsIgnoreCase(ref.name, "sqlite_schema") ||
           absl::EqualsIgnoreCase(ref.name, "sqlite_master"))) {
        // SQLite's schema table, read as rows of constants: a plan is
        // cached per schema version, so they stay right.
        absl::StatusOr<std::vector<std::vector<Value>>> rows = schema_rows_();
        if (!rows.ok()) return rows.status();
        auto values = Node(LogicalKind::kValues);
        values->column_names = {"type", "name", "tbl_name", "rootpage", "sql"};
        for (std::vector<Value>& row : *rows) {
          std::vector<BoundPtr> bound;
          for (Value& v : row) bound.push_back(Constant(std::move(v)));
          values->rows.push_back(std::move(bound));
        }
        AddDerivedColumns(*values, alias, scope);
        return LogicalPtr(values);
      }
      if (!obj->has_value() || !(*obj)->table.has_value()) {
        return absl::NotFoundError(absl::StrCat("no such table: ", ref.name));
      }
      auto scan = Node(LogicalKind::kScan);
      scan->table = std::make_shared<catalog::TableDescriptor>(*(*obj)->table);
      for (const catalog::ColumnDescriptor& c : scan->table->columns) {
        scan->column_names.push_back(c.name);
        scope->columns.push_back(TableColumn(alias, *scan->table, c));
      }
      return LogicalPtr(scan);
    }
    case ast::TableRef::Kind::kSubquery: {
      absl::StatusOr<LogicalPtr> plan = Select(*ref.subquery, nullptr);
      if (!plan.ok()) return plan.status();
      AddDerivedColumns(**plan, Lower(ref.alias), scope);
      return plan;
    }
    case ast::TableRef::Kind::kJoin:
      // Its own function: binding recurses through From() once per nested
      // subquery, and the join's locals would widen every one of those
      // frames (the deep-statement limits assume a lean From()).
      return BindJoin(ref, scope, parent);
    case ast::TableRef::Kind::kFunction:
      return BindTableFunction(ref, scope);
  }
  return absl::InternalError("unknown table reference");
}

absl::StatusOr<LogicalPtr> Binder::BindJoin(const ast::TableRef& ref, Scope* scope,
                                            Scope* parent) {
  // Where this join's columns begin in the scope: its row is left ++
  // right from there, while its condition binds to scope positions.
  const int join_start = static_cast<int>(scope->columns.size());
  absl::StatusOr<LogicalPtr> left = From(*ref.left, scope, parent);
  if (!left.ok()) return left.status();
  size_t left_width = scope->columns.size();
  absl::StatusOr<LogicalPtr> right = From(*ref.right, scope, parent);
  if (!right.ok()) return right.status();
  const bool keeps_right =
      ref.join_type == ast::JoinType::kRight || ref.join_type == ast::JoinType::kFull;
  auto join = Node(LogicalKind::kJoin);
  join->join_type = ref.join_type == ast::JoinType::kLeft || keeps_right
                        ? ref.join_type
                        : ast::JoinType::kInner;
  join->column_names = (*left)->column_names;
  for (const std::string& n : (*right)->column_names) join->column_names.push_back(n);
  join->children = {*left, *right};
  std::vector<std::string> using_cols = ref.using_columns;
  if (ref.natural) {
    // Declared columns only: a hidden rowid is no common column.
    for (size_t r = left_width; r < scope->columns.size(); ++r) {
      if (scope->columns[r].hidden) continue;
      for (size_t l = join_start; l < left_width; ++l) {
        if (scope->columns[l].hidden) continue;
        if (absl::EqualsIgnoreCase(scope->columns[l].name, scope->columns[r].name)) {
          using_cols.push_back(scope->columns[r].name);
        }
      }
    }
  }
  std::vector<BoundPtr> conds;
  // RIGHT/FULL: each USING column reads coalesce(left, right), as in
  // SQLite; (left, right) scope positions of each.
  std::vector<std::pair<int, int>> coalesced;
  for (const std::string& u : using_cols) {
    // On the left, the column a name reads (a visible one before a
    // USING copy hidden by an earlier join).
    int l = -1, r = -1;
    for (size_t i = join_start; i < scope->columns.size(); ++i) {
      if (!absl::EqualsIgnoreCase(scope->columns[i].name, u)) continue;
      if (i < left_width) {
        if (l < 0 || (scope->columns[l].hidden && !scope->columns[i].hidden)) {
          l = static_cast<int>(i);
        }
      } else if (r < 0) {
        r = static_cast<int>(i);
      }
    }
    if (l < 0 || r < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "cannot join using column ", u, " - column not present in both tables"));
    }
    auto eq = std::make_unique<BoundExpr>();
    eq->kind = BoundKind::kBinary;
    eq->op = ast::Op::kEq;
    eq->children.push_back(ColumnRef(l));
    eq->children.push_back(ColumnRef(r));
    ApplyCollation(scope->columns[l].collation, &eq->children[0]);
    ApplyCollation(scope->columns[l].collation, &eq->children[1]);
    conds.push_back(std::move(eq));
    scope->columns[r].hidden = true;  // USING columns appear once in *
    if (keeps_right) {
      scope->columns[l].hidden = true;
      coalesced.emplace_back(l, r);
    }
  }
  if (ref.condition) {
    absl::StatusOr<BoundPtr> c = Expr(*ref.condition, scope, nullptr);
    if (!c.ok()) return c.status();
    conds.push_back(*std::move(c));
  }
  join->predicate = Conjoin(std::move(conds));
  if (join->predicate && join_start > 0) {
    // A join that is not the first thing in its FROM (a nested join,
    // or one after a comma): its condition reads its own row.
    std::vector<int> cols;
    bool has_subquery = false;
    ReferencedColumns(*join->predicate, &cols, &has_subquery);
    for (int c : cols) {
      if (c < join_start) {
        return absl::UnimplementedError(
            "an ON clause that reads a table outside its JOIN is not supported yet "
            "(move the condition to WHERE)");
      }
    }
    // A correlated subquery reads the row by scope positions too, from
    // inside its own plan, which the shift below does not reach.
    if (has_subquery && HasCorrelatedSubquery(*join->predicate)) {
      return absl::UnimplementedError(
          "a subquery in the ON clause of a join that is not first in FROM, reading "
          "the joined row, is not supported yet");
    }
    ShiftColumns(join->predicate.get(), -join_start);
  }
  if (ReadsLeftRow(**right)) {
    // A table-valued function that reads the left row runs once per left
    // row, its arguments read over that row.
    if (keeps_right) {
      return absl::UnimplementedError(
          "a RIGHT or FULL JOIN of a table-valued function that reads the other side is not "
          "supported");
    }
    std::shared_ptr<LogicalOp> call = LateralCall(**right, *left);
    for (BoundPtr& arg : call->exprs) {
      std::vector<int> cols;
      bool has_subquery = false;
      ReferencedColumns(*arg, &cols, &has_subquery);
      for (int c : cols) {
        if (c < join_start) {
          return absl::UnimplementedError(
              "a table-valued function that reads a table outside its JOIN is not supported "
              "yet");
        }
      }
      if (join_start > 0 && has_subquery && HasCorrelatedSubquery(*arg)) {
        return absl::UnimplementedError(
            "a subquery in the arguments of a table-valued function in a nested JOIN, "
            "reading the joined row, is not supported yet");
      }
      ShiftColumns(arg.get(), -join_start);
    }
    call->join_type = join->join_type;
    call->predicate = std::move(join->predicate);
    join = std::move(call);
  }
  if (coalesced.empty()) return LogicalPtr(join);
  // The coalesced columns come first (where `*` shows them, as SQLite
  // does), then the join's own row; both copies stay readable by their
  // table's name.
  auto project = Node(LogicalKind::kProject);
  std::vector<ScopeColumn> added;
  for (auto [l, r] : coalesced) {
    auto c = std::make_unique<BoundExpr>();
    c->kind = BoundKind::kFunction;
    c->function = function::FindScalarFunction("coalesce");
    c->children.push_back(ColumnRef(l - join_start));
    c->children.push_back(ColumnRef(r - join_start));
    const ScopeColumn& lc = scope->columns[l];
    c->affinity = lc.affinity == scope->columns[r].affinity ? lc.affinity : Type::kNull;
    added.push_back({"", lc.name, false, c->affinity});
    added.back().collation = lc.collation;
    c->collation = lc.collation;
    c->collation_strength = kColumnCollation;
    project->exprs.push_back(std::move(c));
    project->column_names.push_back(lc.name);
  }
  const std::vector<Type> affinity = OutputAffinity(*join);
  const std::vector<CarriedCollation> collation = OutputCollation(*join);
  for (size_t i = 0; i < join->column_names.size(); ++i) {
    project->exprs.push_back(ColumnRef(static_cast<int>(i)));
    if (i < affinity.size()) project->exprs.back()->affinity = affinity[i];
    if (i < collation.size()) {
      project->exprs.back()->collation = collation[i].collation;
      project->exprs.back()->collation_strength = collation[i].strength;
    }
    project->column_names.push_back(join->column_names[i]);
  }
  scope->columns.insert(scope->columns.begin() + join_start, added.begin(), added.end());
  project->children = {LogicalPtr(join)};
  return LogicalPtr(project);
}

absl::StatusOr<LogicalPtr> Binder::BindTableFunction(const ast::TableRef& ref, Scope* scope) {
  const std::string name = Lower(ref.name);
  const function::TableFunction* f = function::FindTableFunction(name);
  if (f == nullptr) {
    return absl::NotFoundError(absl::StrCat("no such table-valued function: ", ref.name));
  }
  const int n = static_cast<int>(ref.args.size());
  if (n < f->min_args || n > f->max_args) {
    return absl::InvalidArgumentError(
        absl::StrCat("wrong number of arguments to function ", name, "()"));
  }
  auto call = Node(LogicalKind::kTableFunction);
  call->table_function = f;
  for (const ast::ExprPtr& arg : ref.args) {
    absl::StatusOr<BoundPtr> b = Expr(*arg, scope, nullptr);
    if (!b.ok()) return b.status();
    call->exprs.push_back(*std::move(b));
  }
  const std::string alias = ref.alias.empty() ? name : Lower(ref.alias);
  const size_t visible = f->columns.size() - f->hidden;
  for (size_t i = 0; i < f->columns.size(); ++i) {
    call->column_names.push_back(f->columns[i]);
    ScopeColumn c;
    c.table = alias;
    c.name = f->columns[i];
    c.hidden = i >= visible;
    scope->columns.push_back(std::move(c));
  }
  return LogicalPtr(call);
}

absl::StatusOr<LogicalPtr> Binder::InnerJoins(const std::vector<const ast::TableRef*>& leaves,
                                              const std::vector<const ast::Expr*>& on_conditions,
                                              const ast::Expr* where, Scope* scope,
                                              Scope* parent) {
  // Inner joins: bind every table, then push each WHERE/ON conjunct down
  // to the lowest point where all columns it reads are available.
  std::vector<LogicalPtr> leaf_plans;
  std::vector<int> offsets;
  for (const ast::TableRef* leaf : leaves) {
    offsets.push_back(static_cast<int>(scope->columns.size()));
    absl::StatusOr<LogicalPtr> p = From(*leaf, scope, parent);
    if (!p.ok()) return p.status();
    leaf_plans.push_back(*p);
  }
  offsets.push_back(static_cast<int>(scope->columns.size()));
  // A table-valued function that reads the tables before it runs once per
  // row of their join: the inputs split there.
  std::vector<bool> lateral(leaves.size(), false);
  for (size_t k = 1; k < leaves.size(); ++k) lateral[k] = ReadsLeftRow(*leaf_plans[k]);
  std::vector<BoundPtr> conjuncts;
  std::vector<const ast::Expr*> sources = on_conditions;
  if (where != nullptr) sources.push_back(where);
  for (const ast::Expr* src : sources) {
    absl::StatusOr<BoundPtr> b = Expr(*src, scope, nullptr);
    if (!b.ok()) return b.status();
    SplitConjuncts(*std::move(b), &conjuncts);
  }
  const size_t n = leaves.size();
  std::vector<std::vector<BoundPtr>> leaf_filters(n), join_filters(n);
  std::vector<BoundPtr> top_filters;
  auto leaf_of = [&](int col) {
    size_t k = 0;
    while (k + 1 < offsets.size() && col >= offsets[k + 1]) ++k;
    return k;
  };
  for (BoundPtr& c : conjuncts) {
    std::vector<int> cols;
    bool has_subquery = false;
    ReferencedColumns(*c, &cols, &has_subquery);
    if (has_subquery) {
      top_filters.push_back(std::move(c));
      continue;
    }
    size_t lo = n, hi = 0;
    for (int col : cols) {
      size_t k = leaf_of(col);
      lo = std::min(lo, k);
      hi = std::max(hi, k);
    }
    if (cols.empty()) {
      join_filters[0].push_back(std::move(c));
    } else if (lo == hi && !lateral[lo]) {
      ShiftColumns(c.get(), -offsets[lo]);
      leaf_filters[lo].push_back(std::move(c));
    } else {
      join_filters[hi].push_back(std::move(c));
    }
  }
  // Each run of inputs up to a lateral function is one join (a kMultiJoin
  // of two or more); the function runs over its rows, and what follows
  // joins the result. Every input's row starts at column 0 of the
  // combined row, so conjuncts keep their positions.
  LogicalPtr plan;
  std::vector<LogicalPtr> inputs;
  std::vector<BoundPtr> conditions;
  auto join_inputs = [&]() {
    if (inputs.size() == 1) {
      plan = Filter(std::move(inputs[0]), std::move(conditions));
    } else {
      auto multi = Node(LogicalKind::kMultiJoin);
      for (LogicalPtr& input : inputs) {
        for (const std::string& c : input->column_names) multi->column_names.push_back(c);
        multi->children.push_back(std::move(input));
      }
      multi->exprs = std::move(conditions);
      plan = multi;
    }
    inputs.clear();
    conditions.clear();
  };
  for (size_t k = 0; k < n; ++k) {
    if (lateral[k]) {
      join_inputs();
      inputs.push_back(LateralCall(*leaf_plans[k], std::move(plan)));
    } else {
      inputs.push_back(Filter(leaf_plans[k], std::move(leaf_filters[k])));
    }
    for (BoundPtr& c : join_filters[k]) conditions.push_back(std::move(c));
  }
  join_inputs();
  return Filter(plan, std::move(top_filters));
}

absl::StatusOr<LogicalPtr> Binder::FromWhere(const std::vector<const ast::TableRef*>& froms,
                                             const ast::Expr* where, Scope* scope,
                                             Scope* parent) {
  // Inner joins flatten into their tables (a tree with an outer join stays
  // one leaf, bound whole by From()).
  std::vector<const ast::TableRef*> leaves;
  std::vector<const ast::Expr*> on_conditions;
  for (const ast::TableRef* f : froms) {
    std::vector<const ast::TableRef*> l;
    std::vector<const ast::Expr*> c;
    if (FlattenInnerJoins(*f, &l, &c)) {
      leaves.insert(leaves.end(), l.begin(), l.end());
      on_conditions.insert(on_conditions.end(), c.begin(), c.end());
    } else {
      leaves.push_back(f);
    }
  }
  if (leaves.size() > 1) return InnerJoins(leaves, on_conditions, where, scope, parent);
  LogicalPtr plan;
  if (!leaves.empty()) {
    absl::StatusOr<LogicalPtr> from = From(*leaves[0], scope, parent);
    if (!from.ok()) return from.status();
    plan = *from;
  } else {
    plan = Node(LogicalKind::kSingleRow);
  }
  if (where != nullptr) {
    absl::StatusOr<BoundPtr> w = Expr(*where, scope, nullptr);
    if (!w.ok()) return w.status();
    std::vector<BoundPtr> conjuncts;
    SplitConjuncts(*std::move(w), &conjuncts);
    plan = Filter(std::move(plan), std::move(conjuncts));
  }
  return plan;
}

LogicalPtr Binder::Filter(LogicalPtr plan, std::vector<BoundPtr> conjuncts) {
  // Below a LEFT or inner join (and a table-valued function run per row of
  // its input), a conjunct that reads only the left input's columns and
  // no subquery filters that input instead: the same rows come out, the
  // input may be read by key, and the right side (a json_each reading a
  // document the conjunct would reject) never sees the rows it drops.
  const bool left_input = !conjuncts.empty() && !plan->children.empty() &&
                          ((plan->kind == LogicalKind::kJoin &&
                            (plan->join_type == ast::JoinType::kLeft ||
                             plan->join_type == ast::JoinType::kInner)) ||
                           plan->kind == LogicalKind::kTableFunction);
  if (left_input) {
    const int width = static_cast<int>(plan->children[0]->width());
    std::vector<BoundPtr> below, above;
    for (BoundPtr& c : conjuncts) {
      std::vector<int> cols;
      bool has_subquery = false;
      ReferencedColumns(*c, &cols, &has_subquery);
      bool left_only = !has_subquery && !cols.empty();
      for (int col : cols) left_only = left_only && col < width;
      (left_only ? below : above).push_back(std::move(c));
    }
    if (!below.empty()) {
      auto copy = std::make_shared<LogicalOp>();
      copy->kind = plan->kind;
      copy->table_function = plan->table_function;
      for (const BoundPtr& e : plan->exprs) copy->exprs.push_back(e->Clone());
      copy->column_names = plan->column_names;
      copy->join_type = plan->join_type;
      if (plan->predicate) copy->predicate = plan->predicate->Clone();
      copy->children = plan->children;
      copy->children[0] = Filter(plan->children[0], std::move(below));
      plan = std::move(copy);
    }
    conjuncts = std::move(above);
  }
  const KeyExpressions* expressions = ScanKeyExpressions(*plan);
  return FilterScan(std::move(plan), std::move(conjuncts), expressions);
}

absl::StatusOr<LogicalPtr> Binder::BindUpdateFrom(const catalog::TableDescriptor& table,
                                                  const ast::TableRef& from,
                                                  const ast::Expr* where,
                                                  const std::vector<const ast::Expr*>& values) {
  Scope scope;
  scope.parent = trigger_scope_.get();
  ast::TableRef target;
  target.name = table.name;
  absl::StatusOr<LogicalPtr> joined = FromWhere({&target, &from}, where, &scope, scope.parent);
  if (!joined.ok()) return joined.status();
  // The target is the first leaf: its columns (hidden ones too) lead the
  // joined row.
  auto project = Node(LogicalKind::kProject);
  for (size_t i = 0; i < table.columns.size(); ++i) {
    project->exprs.push_back(ColumnRef(static_cast<int>(i)));
    project->column_names.push_back(table.columns[i].name);
  }
  for (size_t i = 0; i < values.size(); ++i) {
    absl::StatusOr<BoundPtr> v = Expr(*values[i], &scope, nullptr);
    if (!v.ok()) return v.status();
    project->exprs.push_back(*std::move(v));
    project->column_names.push_back(absl::StrCat("set", i));
  }
  project->children = {*std::move(joined)};
  return LogicalPtr(std::move(project));
}

absl::StatusOr<LogicalPtr> Binder::Core(const ast::SelectCore& core,
                                        const ast::SelectStmt* order_limit,
                                        Scope* parent) {
  // An enclosing core's window calls are not this one's: nothing here may
  // add to them (this core sets its own where they are allowed).
  WindowContext* const enclosing_window = window_;
  window_ = nullptr;
  absl::Cleanup restore_window = [&] { window_ = enclosing_window; };
  Scope scope;
  scope.parent = parent;
  LogicalPtr plan;
  if (core.is_values) {
    auto values = Node(LogicalKind::kValues);
    size_t width = core.values.empty() ? 0 : core.values[0].size();
    for (size_t i = 0; i < width; ++i) values->column_names.push_back(absl::StrCat("column", i + 1));
    for (const auto& row : core.values) {
      if (row.size() != width) {
        return absl::InvalidArgumentError("all VALUES must have the same number of terms");
      }
      std::vector<BoundPtr> bound;
      for (const ast::ExprPtr& e : row) {
        absl::StatusOr<BoundPtr> b = Expr(*e, &scope, nullptr);
        if (!b.ok()) return b.status();
        bound.push_back(*std::move(b));
      }
      values->rows.push_back(std::move(bound));
    }
    plan = values;
    if (order_limit != nullptr && !order_limit->order_by.empty()) {
      return absl::UnimplementedError("ORDER BY on VALUES");
    }
    return order_limit != nullptr ? AddLimit(plan, *order_limit) : plan;
  }

  if (core.where && ContainsAggregate(*core.where)) {
    return absl::InvalidArgumentError("misuse of aggregate function in WHERE");
  }
  std::vector<const ast::TableRef*> froms;
  if (core.from) froms.push_back(core.from.get());
  absl::StatusOr<LogicalPtr> from_where = FromWhere(froms, core.where.get(), &scope, parent);
  if (!from_where.ok()) return from_where.status();
  plan = *std::move(from_where);

  // The select list, with * expanded.
  struct Item {
    const ast::Expr* expr = nullptr;  // null: a scope column
    int scope_column = -1;
    std::string name;
    std::string alias;
  };
  std::vector<Item> items;
  for (const ast::ResultColumn& rc : core.columns) {
    if (rc.kind == ast::ResultColumn::Kind::kExpr) {
      items.push_back({rc.expr.get(), -1, ResultName(rc), rc.alias});
      continue;
    }
    bool any = false;
    std::string table = Lower(rc.table);
    for (size_t i = 0; i < scope.columns.size(); ++i) {
      const ScopeColumn& c = scope.columns[i];
      if (c.hidden) continue;
      if (rc.kind == ast::ResultColumn::Kind::kTableStar && c.table != table) continue;
      items.push_back({nullptr, static_cast<int>(i), c.name, ""});
      any = true;
    }
    if (!any) {
      return rc.kind == ast::ResultColumn::Kind::kTableStar
                 ? absl::NotFoundError(absl::StrCat("no such table: ", rc.table))
                 : absl::InvalidArgumentError("no tables specified");
    }
  }

  bool aggregating = !core.group_by.empty() || core.having != nullptr;
  for (const Item& it : items) {
    if (it.expr != nullptr && ContainsAggregate(*it.expr)) aggregating = true;
  }
  if (order_limit != nullptr) {
    for (const ast::OrderingTerm& t : order_limit->order_by) {
      if (ContainsAggregate(*t.expr)) aggregating = true;
    }
  }

  std::vector<AggregateCall> calls;
  AggContext agg;
  const AggContext* aggp = nullptr;
  std::vector<BoundPtr> group_exprs;
  if (aggregating) {
    for (const ast::ExprPtr& g : core.group_by) {
      if (ContainsAggregate(*g)) {
        return absl::InvalidArgumentError("aggregate functions are not allowed in GROUP BY");
      }
      // GROUP BY 2 means the second result column.
      const ast::Expr* ge = g.get();
      if (g->kind == ast::ExprKind::kLiteral && g->literal.type() == Type::kInteger) {
        int64_t k = g->literal.integer();
        if (k < 1 || k > static_cast<int64_t>(items.size()) || items[k - 1].expr == nullptr) {
          return absl::InvalidArgumentError(absl::StrCat(
              "GROUP BY term out of range - should be between 1 and ", items.size()));
        }
        ge = items[k - 1].expr;
      }
      absl::StatusOr<BoundPtr> b = Expr(*ge, &scope, nullptr);
      if (!b.ok() && absl::IsNotFound(b.status()) && g->kind == ast::ExprKind::kColumnRef &&
          g->table.empty()) {
        // A name that is no input column may be a result column's alias
        // (SQLite and PostgreSQL both take GROUP BY alias).
        for (const Item& it : items) {
          if (it.expr == nullptr || !absl::EqualsIgnoreCase(it.alias, g->name)) continue;
          if (ContainsAggregate(*it.expr)) {
            return absl::InvalidArgumentError("aggregate functions are not allowed in GROUP BY");
          }
          ge = it.expr;
          b = Expr(*ge, &scope, nullptr);
          break;
        }
      }
      if (!b.ok()) return b.status();
      group_exprs.push_back(*std::move(b));
      agg.group_texts.push_back(ast::ToSql(*ge));
      agg.group_affinity.push_back(group_exprs.back()->affinity);
      agg.group_collation.push_back(
          {group_exprs.back()->collation, group_exprs.back()->collation_strength});
    }
    agg.calls = &calls;
    agg.group_count = static_cast<int>(group_exprs.size());
    aggp = &agg;
  }

  // Bind result columns (against the scope, or the aggregate output); they
  // and ORDER BY may call window functions.
  WindowContext windows;
  windows.core = &core;
  window_ = &windows;
  std::vector<BoundPtr> outputs;
  std::vector<std::string> names;
  for (const Item& it : items) {
    absl::StatusOr<BoundPtr> b;
    if (it.expr != nullptr) {
      b = Expr(*it.expr, &scope, aggp);
    } else if (aggp != nullptr) {
      ast::Expr col;
      col.kind = ast::ExprKind::kColumnRef;
      col.table = scope.columns[it.scope_column].table;
      col.name = scope.columns[it.scope_column].name;
      b = Expr(col, &scope, aggp);
    } else {
      // A column of `*` keeps its affinity, as a named one does.
      b = ColumnRef(it.scope_column);
      (*b)->affinity = scope.columns[it.scope_column].affinity;
      (*b)->collation = scope.columns[it.scope_column].collation;
      (*b)->collation_strength = kColumnCollation;
    }
    if (!b.ok()) return b.status();
    outputs.push_back(*std::move(b));
    names.push_back(it.name);
  }
  BoundPtr having;
  window_ = nullptr;
  if (core.having) {
    absl::StatusOr<BoundPtr> h = Expr(*core.having, &scope, aggp);
    if (!h.ok()) return h.status();
    having = *std::move(h);
  }
  // ORDER BY: result positions, result aliases, or extra hidden columns.
  std::vector<SortKey> sort_keys;
  size_t visible = outputs.size();
  window_ = &windows;
  if (order_limit != nullptr) {
    for (const ast::OrderingTerm& t : order_limit->order_by) {
      int col = -1;
      if (t.expr->kind == ast::ExprKind::kLiteral &&
          t.expr->literal.type() == Type::kInteger) {
        int64_t k = t.expr->literal.integer();
        if (k < 1 || k > static_cast<int64_t>(visible)) {
          return absl::InvalidArgumentError(absl::StrCat(
              "ORDER BY term out of range - should be between 1 and ", visible));
        }
        col = static_cast<int>(k - 1);
      } else {
        // An alias of a result column, or the very expression of one.
        std::string text = ast::ToSql(*t.expr);
        for (size_t c = 0; c < items.size() && c < visible; ++c) {
          if (t.expr->kind == ast::ExprKind::kColumnRef && t.expr->table.empty() &&
              !items[c].alias.empty() &&
              absl::EqualsIgnoreCase(items[c].alias, t.expr->name)) {
            col = static_cast<int>(c);
            break;
          }
          if (items[c].expr != nullptr && ast::ToSql(*items[c].expr) == text) {
            col = static_cast<int>(c);
            break;
          }
        }
      }
      if (col < 0) {
        absl::StatusOr<BoundPtr> b = Expr(*t.expr, &scope, aggp);
        if (!b.ok()) return b.status();
        col = static_cast<int>(outputs.size());
        outputs.push_back(*std::move(b));
        names.push_back(ast::ToSql(*t.expr));
      }
      SortKey key{col, t.descending, t.nulls_first.value_or(!t.descending)};
      key.collation = KeyCollation(*outputs[col]);
      if (!t.expr->collation.empty()) key.collation = *CollationNamed(t.expr->collation);
      sort_keys.push_back(key);
    }
  }

  if (aggregating) {
    auto a = Node(LogicalKind::kAggregate);
    for (size_t i = 0; i < group_exprs.size(); ++i) {
      a->column_names.push_back(agg.group_texts[i]);
    }
    for (size_t i = 0; i < calls.size(); ++i) {
      a->column_names.push_back(absl::StrCat("agg", i));
    }
    for (const BoundPtr& g : group_exprs) a->key_collations.push_back(KeyCollation(*g));
    a->group_by = std::move(group_exprs);
    a->aggregates = std::move(calls);
    a->children = {plan};
    plan = a;
    if (having) {
      auto filter = Node(LogicalKind::kFilter);
      filter->column_names = plan->column_names;
      filter->predicate = std::move(having);
      filter->children = {plan};
      plan = filter;
    }
  }
  window_ = nullptr;
  if (!windows.calls.empty()) {
    const int base = static_cast<int>(plan->width());
    auto w = Node(LogicalKind::kWindow);
    w->column_names = plan->column_names;
    for (size_t i = 0; i < windows.calls.size(); ++i) {
      w->column_names.push_back(absl::StrCat("window", i));
    }
    w->windows = std::move(windows.calls);
    w->children = {plan};
    plan = w;
    for (BoundPtr& o : outputs) PlaceWindowColumns(o.get(), base);
  }
  auto project = Node(LogicalKind::kProject);
  project->column_names = names;
  project->exprs = std::move(outputs);
  project->children = {plan};
  plan = project;
  if (core.distinct) {
    if (names.size() > visible) {
      return absl::InvalidArgumentError(
          "for SELECT DISTINCT, ORDER BY expressions must appear in the select list");
    }
    auto d = Node(LogicalKind::kDistinct);
    d->column_names = plan->column_names;
    for (const BoundPtr& e : project->exprs) d->key_collations.push_back(KeyCollation(*e));
    d->children = {plan};
    plan = d;
  }
  if (!sort_keys.empty()) {
    auto sort = Node(LogicalKind::kSort);
    sort->column_names = plan->column_names;
    sort->sort_keys = std::move(sort_keys);
    sort->children = {plan};
    plan = sort;
  }
  if (order_limit != nullptr) {
    absl::StatusOr<LogicalPtr> limited = AddLimit(plan, *order_limit);
    if (!limited.ok()) return limited.status();
    plan = *limited;
  }
  if (names.size() > visible) {
    // Without the ORDER BY keys; each column keeps its affinity and
    // collation for a query that reads this one.
    plan = Rename(plan, std::vector<std::string>(names.begin(), names.begin() + visible));
  }
  return plan;
}

int Binder::AggContext::GroupKey(const ast::Expr& e) const {
  const std::string text = ast::ToSql(e);
  for (size_t i = 0; i < group_texts.size(); ++i) {
    if (group_texts[i] == text) return static_cast<int>(i);
  }
  return -1;
}

BoundPtr Binder::ReferenceColumn(const ast::Expr& e, Scope* s, int depth, int found) {
  const Type affinity = s->columns[found].affinity;
  const Collation collation = s->columns[found].collation;
  if (depth > 0 && s->aggregated != nullptr) {
    // From a subquery into an aggregating SELECT: read the group's value,
    // a group key of the same text, else the column from any row of the
    // group (as a bare column there does).
    const AggContext& agg = *s->aggregated;
    int index = agg.GroupKey(e);
    if (index < 0) {
      AggregateCall call;
      call.kind = function::AggregateKind::kMax;
      call.any_value = true;
      call.arg = ColumnRef(found);
      agg.calls->push_back(std::move(call));
      index = agg.group_count + static_cast<int>(agg.calls->size()) - 1;
    }
    found = index;
  }
  auto b = ColumnRef(found);
  b->depth = depth;
  b->affinity = affinity;
  b->collation = collation;  // `found` may now index the aggregate's row
  b->collation_strength = kColumnCollation;
  if (depth > 0) {
    for (auto& [boundary, correlated] : subquery_boundaries_) {
      for (Scope* a = boundary; a != nullptr; a = a->parent) {
        if (a == s) {
          correlated = true;
          break;
        }
      }
    }
  }
  return b;
}

absl::StatusOr<BoundPtr> Binder::Column(const ast::Expr& e, Scope* scope) {
  std::string table = Lower(e.table);
  const bool rowid_name = absl::EqualsIgnoreCase(e.name, "rowid") ||
                          absl::EqualsIgnoreCase(e.name, "oid") ||
                          absl::EqualsIgnoreCase(e.name, "_rowid_");
  int depth = 0;
  for (Scope* s = scope; s != nullptr; s = s->parent, ++depth) {
    int found = -1;
    for (size_t i = 0; i < s->columns.size(); ++i) {
      const ScopeColumn& c = s->columns[i];
      if (!table.empty() && c.table != table) continue;
      if (!absl::EqualsIgnoreCase(c.name, e.name)) continue;
      // A hidden rowid answers to its names below, like any table's rowid.
      if (rowid_name && c.rowid && c.hidden) continue;
      if (found >= 0 && table.empty()) {
        // USING/NATURAL duplicates are hidden; prefer the visible one.
        if (s->columns[found].hidden == c.hidden) {
          return absl::InvalidArgumentError(
              absl::StrCat("ambiguous column name: ", e.name));
        }
        if (s->columns[found].hidden) found = static_cast<int>(i);
        continue;
      }
      if (found >= 0) {
        // The same table twice without aliases (SQLite refuses it too).
        return absl::InvalidArgumentError(
            absl::StrCat("ambiguous column name: ", e.table, ".", e.name));
      }
      if (found < 0) found = static_cast<int>(i);
    }
    if (found >= 0) return ReferenceColumn(e, s, depth, found);
  }
  // rowid, oid, _rowid_: the rowid of the table in scope that has one
  // (where no column has the name).
  if (rowid_name) {
    int depth = 0;
    for (Scope* s = scope; s != nullptr; s = s->parent, ++depth) {
      int found = -1;
      for (size_t i = 0; i < s->columns.size(); ++i) {
        const ScopeColumn& c = s->columns[i];
        if (!c.rowid || (!table.empty() && c.table != table)) continue;
        if (found >= 0) {
          return absl::InvalidArgumentError(absl::StrCat("ambiguous column name: ", e.name));
        }
        found = static_cast<int>(i);
      }
      if (found >= 0) return ReferenceColumn(e, s, depth, found);
    }
  }
  return absl::NotFoundError(absl::StrCat(
      "no such column: ", e.table.empty() ? e.name : absl::StrCat(e.table, ".", e.name)));
}

namespace {

// The connection value a function of this name reads, if it is one.
std::optional<SessionValue> SessionValueNamed(absl::string_view name) {
  if (name == "last_insert_rowid") return SessionValue::kLastInsertRowid;
  if (name == "changes") return SessionValue::kChanges;
  if (name == "total_changes") return SessionValue::kTotalChanges;
  return std::nullopt;
}

// Whether `e` is worth folding: an operation (not already a constant) over
// constants only. Children are folded first, so a constant subtree arrives
// here with constant children.
bool Foldable(const BoundExpr& e) {
  switch (e.kind) {
    case BoundKind::kUnary:
    case BoundKind::kBinary:
    case BoundKind::kIsNull:
    case BoundKind::kBetween:
    case BoundKind::kInList:
    case BoundKind::kCase:
    case BoundKind::kCast:
    case BoundKind::kLike:
    case BoundKind::kAffinity:
      break;
    case BoundKind::kFunction:
      if (!e.function->deterministic) return false;  // random() differs each call
      break;
    default:
      return false;
  }
  for (const BoundPtr& c : e.children) {
    if (c->kind != BoundKind::kConstant) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<BoundPtr> Binder::Expr(const ast::Expr& e, Scope* scope,
                                      const AggContext* agg) {
  absl::StatusOr<BoundPtr> b = BindExpr(e, scope, agg);
  if (!b.ok()) return b;
  CarryCollation(e, b->get());
  if (!evaluate_ || !Foldable(**b)) return b;
  absl::StatusOr<Value> v = evaluate_(**b);
  if (!v.ok()) return b;  // the error belongs to run time
  BoundPtr folded = Constant(*std::move(v));
  folded->collation = (*b)->collation;
  folded->collation_strength = (*b)->collation_strength;
  return folded;
}

absl::StatusOr<BoundPtr> Binder::WindowCallRef(const ast::Expr& e, Scope* scope,
                                               const AggContext* agg) {
  if (window_ == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("misuse of window function ", e.name, "()"));
  }
  // OVER w, or OVER (w ...) on top of a WINDOW clause's definition.
  const ast::WindowSpec* spec = e.over.get();
  const std::vector<ast::ExprPtr>* partition = &spec->partition_by;
  const std::vector<ast::OrderingTerm>* order = &spec->order_by;
  const ast::WindowSpec* frame = spec;
  if (!spec->name.empty()) {
    const ast::WindowSpec* base = nullptr;
    if (window_->core != nullptr) {
      for (const auto& [name, w] : window_->core->windows) {
        if (absl::EqualsIgnoreCase(name, spec->name)) base = &w;
      }
    }
    if (base == nullptr) return absl::InvalidArgumentError(absl::StrCat("no such window: ", spec->name));
    if (spec->partition_by.empty() && spec->order_by.empty() && !spec->has_frame) {
      partition = &base->partition_by;
      order = &base->order_by;
      frame = base;
    } else {
      if (!spec->partition_by.empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat("cannot override PARTITION clause of window ", spec->name));
      }
      if (!spec->order_by.empty() && !base->order_by.empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat("cannot override ORDER BY clause of window ", spec->name));
      }
      if (base->has_frame) {
        return absl::InvalidArgumentError(
            absl::StrCat("cannot override frame specification of window ", spec->name));
      }
      partition = &base->partition_by;
      if (spec->order_by.empty()) order = &base->order_by;
    }
  }
  WindowCall call;
  const int n = static_cast<int>(e.children.size());
  const std::string wrong_args = absl::StrCat("wrong number of arguments to function ", e.name, "()");
  if (e.distinct) return absl::InvalidArgumentError("DISTINCT is not supported for window functions");
  if (const WindowFunctionInfo* w = FindWindowFunction(e.name)) {
    if (e.star || n < w->min_args || n > w->max_args) return absl::InvalidArgumentError(wrong_args);
    call.kind = w->kind;
  } else if (std::optional<function::AggregateKind> a = function::FindAggregate(e.name, n, e.star)) {
    call.kind = WindowFunctionKind::kAggregate;
    call.aggregate = *a;
  } else if (function::IsAggregateName(e.name)) {
    return absl::InvalidArgumentError(wrong_args);
  } else if (function::FindScalarFunction(e.name) != nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(e.name, "() may not be used as a window function"));
  } else {
    return absl::NotFoundError(absl::StrCat("no such function: ", e.name));
  }
  // The arguments, partition and order are read from the kWindow node's
  // input: the aggregate's output row in an aggregating SELECT.
  auto bind = [&](const ast::Expr& x) -> absl::StatusOr<BoundPtr> {
    // A window call inside another is misused (it says which).
    WindowContext* const outer = window_;
    if (ContainsWindow(x)) window_ = nullptr;
    absl::StatusOr<BoundPtr> b = Expr(x, scope, agg);
    window_ = outer;
    return b;
  };
  for (const ast::ExprPtr& c : e.children) {
    absl::StatusOr<BoundPtr> b = bind(*c);
    if (!b.ok()) return b.status();
    call.args.push_back(*std::move(b));
  }
  if (call.kind == WindowFunctionKind::kAggregate &&
      call.aggregate == function::AggregateKind::kJsonGroupObject) {
    BoundPtr member = JsonObjectMember(std::move(call.args[0]), std::move(call.args[1]));
    call.args.clear();
    call.args.push_back(std::move(member));
  }
  if (e.filter) {
    if (call.kind != WindowFunctionKind::kAggregate) {
      return absl::InvalidArgumentError(
          "FILTER clause may only be used with aggregate window functions");
    }
    absl::StatusOr<BoundPtr> b = bind(*e.filter);
    if (!b.ok()) return b.status();
    call.filter = *std::move(b);
  }
  for (const ast::ExprPtr& p : *partition) {
    absl::StatusOr<BoundPtr> b = bind(*p);
    if (!b.ok()) return b.status();
    call.partition_by.push_back(*std::move(b));
  }
  for (const ast::OrderingTerm& t : *order) {
    absl::StatusOr<BoundPtr> b = bind(*t.expr);
    if (!b.ok()) return b.status();
    SortKey key{0, t.descending, t.nulls_first.value_or(!t.descending)};
    key.collation = KeyCollation(**b);
    call.order_by.push_back(*std::move(b));
    call.order.push_back(key);
  }
  // The default frame: RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
  // (the whole partition when there is no ORDER BY: every row is a peer).
  call.start.kind = ast::FrameBoundKind::kUnboundedPreceding;
  call.end.kind = ast::FrameBoundKind::kCurrentRow;
  if (frame->has_frame) {
    call.unit = frame->unit;
    call.exclude = frame->exclude;
    const auto unsupported = [] {
      return absl::InvalidArgumentError("unsupported frame specification");
    };
    if (frame->start.kind == ast::FrameBoundKind::kUnboundedFollowing ||
        frame->end.kind == ast::FrameBoundKind::kUnboundedPreceding ||
        FrameBoundRank(frame->start.kind) > FrameBoundRank(frame->end.kind)) {
      return unsupported();
    }
    for (auto [from, to] : {std::pair{&frame->start, &call.start}, std::pair{&frame->end, &call.end}}) {
      to->kind = from->kind;
      if (!from->offset) continue;
      if (call.unit == ast::FrameUnit::kRange && order->size() != 1) {
        return absl::InvalidArgumentError(
            "RANGE with offset PRECEDING/FOLLOWING requires one ORDER BY expression");
      }
      Scope none;  // an offset reads no column
      absl::StatusOr<BoundPtr> b = Expr(*from->offset, &none, nullptr);
      if (!b.ok()) return b.status();
      to->offset = *std::move(b);
    }
  }
  window_->calls.push_back(std::move(call));
  return ColumnRef(-static_cast<int>(window_->calls.size()));
}

// (a1, ..., an) op (b1, ..., bn), as the SQL standard and SQLite define a
// comparison of row values: = and IS pair by pair, <> and IS NOT their
// negation, and <, <=, >, >= in order, the first pair that differs
// deciding (a1 < b1 OR (a1 = b1 AND (... an <= bn))). Each pair compares
// with its own affinity and collation; NULLs give NULL where the
// definition does.
absl::StatusOr<BoundPtr> Binder::RowComparison(const ast::Expr& e, Scope* scope,
                                               const AggContext* agg) {
  const ast::Expr& l = *e.children[0];
  const ast::Expr& r = *e.children[1];
  if (l.kind != ast::ExprKind::kRow || r.kind != ast::ExprKind::kRow ||
      l.children.size() != r.children.size()) {
    return absl::InvalidArgumentError("row value misused");
  }
  std::vector<BoundPtr> left, right;
  for (size_t i = 0; i < l.children.size(); ++i) {
    absl::StatusOr<BoundPtr> x = Expr(*l.children[i], scope, agg);
    if (!x.ok()) return x.status();
    absl::StatusOr<BoundPtr> y = Expr(*r.children[i], scope, agg);
    if (!y.ok()) return y.status();
    left.push_back(*std::move(x));
    right.push_back(*std::move(y));
  }
  const size_t n = left.size();
  switch (e.op) {
    case ast::Op::kEq:
    case ast::Op::kNe:
    case ast::Op::kIs:
    case ast::Op::kIsNot: {
      const ast::Op each = e.op == ast::Op::kEq || e.op == ast::Op::kNe ? ast::Op::kEq : ast::Op::kIs;
      std::vector<BoundPtr> pairs;
      for (size_t i = 0; i < n; ++i) pairs.push_back(Compare(each, std::move(left[i]), std::move(right[i])));
      BoundPtr all = Conjoin(std::move(pairs));
      return e.op == ast::Op::kEq || e.op == ast::Op::kIs ? std::move(all) : Negated(std::move(all));
    }
    default: {
      const ast::Op strict = e.op == ast::Op::kLe ? ast::Op::kLt
                             : e.op == ast::Op::kGe ? ast::Op::kGt
                                                    : e.op;
      // The first pair bounds the rest weakly (a1 >= b1 for >, >=; a1 <=
      // b1 for <, <=): implied by the comparison, NULL where it is, and a
      // conjunct the planner can read a key range from (keyset paging).
      const bool greater = e.op == ast::Op::kGt || e.op == ast::Op::kGe;
      BoundPtr weak = Compare(greater ? ast::Op::kGe : ast::Op::kLe, left[0]->Clone(), right[0]->Clone());
      BoundPtr acc = Compare(e.op, std::move(left[n - 1]), std::move(right[n - 1]));
      for (size_t i = n - 1; i-- > 0;) {
        std::vector<BoundPtr> tie;
        tie.push_back(Compare(ast::Op::kEq, left[i]->Clone(), right[i]->Clone()));
        tie.push_back(std::move(acc));
        auto either = std::make_unique<BoundExpr>();
        either->kind = BoundKind::kBinary;
        either->op = ast::Op::kOr;
        either->children.push_back(Compare(strict, std::move(left[i]), std::move(right[i])));
        either->children.push_back(Conjoin(std::move(tie)));
        acc = std::move(either);
      }
      std::vector<BoundPtr> both;
      both.push_back(std::move(weak));
      both.push_back(std::move(acc));
      return Conjoin(std::move(both));
    }
  }
}

absl::StatusOr<BoundPtr> Binder::BindExpr(const ast::Expr& e, Scope* scope,
                                          const AggContext* agg) {
  using K = ast::ExprKind;
  if (!e.collation.empty()) {
    if (absl::Status s = parser::CheckCollation(e.collation); !s.ok()) return s;
  }
  if (e.kind == K::kFunction && e.over) return WindowCallRef(e, scope, agg);
  if (agg != nullptr) {
    // Inside an aggregating SELECT: GROUP BY expressions and aggregate calls
    // become references into the aggregate's output row.
    if (int key = agg->GroupKey(e); key >= 0) {
      BoundPtr ref = ColumnRef(key);
      ref->affinity = agg->group_affinity[key];
      ref->collation = agg->group_collation[key].collation;
      ref->collation_strength = agg->group_collation[key].strength;
      return ref;
    }
    if (IsAggregateCall(e)) {
      AggregateCall call;
      call.kind = *function::FindAggregate(e.name, static_cast<int>(e.children.size()), e.star);
      call.distinct = e.distinct;
      if (!e.children.empty()) {
        if (ContainsAggregate(*e.children[0])) {
          return absl::InvalidArgumentError(
              absl::StrCat("misuse of aggregate function ", e.name, "()"));
        }
        absl::StatusOr<BoundPtr> arg = Expr(*e.children[0], scope, nullptr);
        if (!arg.ok()) return arg.status();
        call.collation = KeyCollation(**arg);
        call.arg = *std::move(arg);
      }
      if (e.children.size() > 1) {
        if (e.distinct) {
          return absl::InvalidArgumentError(
              "DISTINCT aggregates must have exactly one argument");
        }
        if (call.kind == function::AggregateKind::kJsonGroupObject) {
          if (ContainsAggregate(*e.children[1])) {
            return absl::InvalidArgumentError(
                absl::StrCat("misuse of aggregate function ", e.name, "()"));
          }
          absl::StatusOr<BoundPtr> value = Expr(*e.children[1], scope, nullptr);
          if (!value.ok()) return value.status();
          call.arg = JsonObjectMember(std::move(call.arg), *std::move(value));
        } else if (e.children[1]->kind != K::kLiteral) {
          return absl::UnimplementedError("group_concat separator must be a constant");
        }
        call.separator = e.children[1]->literal;
      }
      if (e.filter) {
        if (ContainsAggregate(*e.filter)) {
          return absl::InvalidArgumentError(
              absl::StrCat("misuse of aggregate function ", e.name, "()"));
        }
        absl::StatusOr<BoundPtr> f = Expr(*e.filter, scope, nullptr);
        if (!f.ok()) return f.status();
        call.filter = *std::move(f);
      }
      agg->calls->push_back(std::move(call));
      return ColumnRef(agg->group_count + static_cast<int>(agg->calls->size()) - 1);
    }
    if (e.kind == K::kColumnRef) {
      // A bare column in an aggregate query takes a value from the group.
      absl::StatusOr<BoundPtr> col = Column(e, scope);
      if (!col.ok()) return col.status();
      if ((*col)->depth > 0) return col;
      AggregateCall call;
      call.kind = function::AggregateKind::kMax;
      call.any_value = true;
      call.arg = *std::move(col);
      agg->calls->push_back(std::move(call));
      return ColumnRef(agg->group_count + static_cast<int>(agg->calls->size()) - 1);
    }
  } else if (IsAggregateCall(e)) {
    return absl::InvalidArgumentError(
        absl::StrCat("misuse of aggregate function ", e.name, "()"));
  }

  auto b = std::make_unique<BoundExpr>();
  auto child = [&](const ast::Expr& c) -> absl::Status {
    absl::StatusOr<BoundPtr> x = Expr(c, scope, agg);
    if (!x.ok()) return x.status();
    b->children.push_back(*std::move(x));
    return absl::OkStatus();
  };
  auto subquery = [&](const ast::SelectStmt& s) -> absl::Status {
    // Under an aggregate the row outside the subquery is the aggregate's
    // output row: the subquery sees this scope through a copy that says so.
    Scope aggregated;
    Scope* outer = scope;
    if (agg != nullptr) {
      aggregated.columns = scope->columns;
      aggregated.parent = scope->parent;
      aggregated.aggregated = agg;
      outer = &aggregated;
    }
    subquery_boundaries_.emplace_back(outer, false);
    absl::StatusOr<LogicalPtr> plan = Select(s, outer);
    bool correlated = subquery_boundaries_.back().second;
    subquery_boundaries_.pop_back();
    if (!plan.ok()) return plan.status();
    b->subquery = *plan;
    b->correlated = correlated;  // uncorrelated ones run once per statement
    return absl::OkStatus();
  };
  switch (e.kind) {
    case K::kLiteral:
      return Constant(e.literal);
    case K::kParameter:
      b->kind = BoundKind::kParameter;
      b->index = e.param_index;
      max_parameter_ = std::max(max_parameter_, e.param_index);
      return b;
    case K::kColumnRef: {
      absl::StatusOr<BoundPtr> c = Column(e, scope);
      if (c.ok() || !absl::IsNotFound(c.status()) || !e.table.empty()) return c;
      // CURRENT_TIMESTAMP, CURRENT_DATE and CURRENT_TIME (SQL's names for
      // 'now', UTC as in SQLite) where no column has the name.
      const char* now = absl::EqualsIgnoreCase(e.name, "current_timestamp") ? "datetime"
                        : absl::EqualsIgnoreCase(e.name, "current_date")    ? "date"
                        : absl::EqualsIgnoreCase(e.name, "current_time")    ? "time"
                                                                            : nullptr;
      if (now == nullptr) return c;
      b->kind = BoundKind::kFunction;
      b->function = function::FindScalarFunction(now);
      return b;
    }
    case K::kRow:
      return absl::InvalidArgumentError("row value misused");
    case K::kUnary:
    case K::kBinary:
    case K::kIsNull:
    case K::kBetween:
    case K::kInList:
      if (e.kind == K::kBinary && IsComparison(e.op) &&
          (e.children[0]->kind == K::kRow || e.children[1]->kind == K::kRow)) {
        return RowComparison(e, scope, agg);
      }
      // Operators whose operands are all plain expressions.
      b->kind = e.kind == K::kUnary     ? BoundKind::kUnary
                : e.kind == K::kBinary  ? BoundKind::kBinary
                : e.kind == K::kIsNull  ? BoundKind::kIsNull
                : e.kind == K::kBetween ? BoundKind::kBetween
                                        : BoundKind::kInList;
      b->op = e.op;
      b->negated = e.negated;
      for (const ast::ExprPtr& c : e.children) {
        if (absl::Status s = child(*c); !s.ok()) return s;
      }
      if (b->kind == BoundKind::kBinary && IsComparison(b->op)) {
        return Compare(b->op, std::move(b->children[0]), std::move(b->children[1]));
      } else if (b->kind == BoundKind::kBetween || b->kind == BoundKind::kInList) {
        // x BETWEEN lo AND hi, x IN (v, ...): each value against x.
        for (size_t i = 1; i < b->children.size(); ++i) {
          TakeAffinityOf(*b->children[0], &b->children[i]);
        }
        if (b->kind == BoundKind::kInList) {
          // IN compares under x's collation.
          const Collation c = KeyCollation(*b->children[0]);
          for (BoundPtr& side : b->children) ApplyCollation(c, &side);
          return b;
        }
        // BETWEEN is x >= lo AND x <= hi, each comparison under its own
        // pair's collation.
        const Collation lo = ComparisonCollation({b->children[0].get(), b->children[1].get()});
        const Collation hi = ComparisonCollation({b->children[0].get(), b->children[2].get()});
        if (lo == hi) {
          for (BoundPtr& side : b->children) ApplyCollation(lo, &side);
          return b;
        }
        std::vector<BoundPtr> both;
        both.push_back(CompareUnder(ast::Op::kGe, b->children[0]->Clone(), std::move(b->children[1]), lo));
        both.push_back(CompareUnder(ast::Op::kLe, std::move(b->children[0]), std::move(b->children[2]), hi));
        BoundPtr out = Conjoin(std::move(both));
        return b->negated ? Negated(std::move(out)) : std::move(out);
      }
      return b;
    case K::kInSubquery:
      b->kind = BoundKind::kInSubquery;
      b->negated = e.negated;
      if (absl::Status s = child(*e.children[0]); !s.ok()) return s;
      if (absl::Status s = subquery(*e.subquery); !s.ok()) return s;
      if (b->subquery->width() != 1) {
        return absl::InvalidArgumentError(absl::StrCat(
            "sub-select returns ", b->subquery->width(),
            " columns - expected 1"));
      }
      {
        // As x = y with y the subquery's column.
        BoundExpr y;
        const CarriedCollation yc = OutputCollation(*b->subquery)[0];
        y.collation = yc.collation;
        y.collation_strength = yc.strength;
        const Collation c = ComparisonCollation({b->children[0].get(), &y});
        if (c != Collation::kBinary) {
          ApplyCollation(c, &b->children[0]);
          auto keyed = Node(LogicalKind::kProject);
          keyed->column_names = b->subquery->column_names;
          keyed->exprs.push_back(ColumnRef(0));
          ApplyCollation(c, &keyed->exprs[0]);
          keyed->children = {b->subquery};
          b->subquery = keyed;
        }
      }
      return b;
    case K::kExists:
      b->kind = BoundKind::kExists;
      if (absl::Status s = subquery(*e.subquery); !s.ok()) return s;
      return b;
    case K::kSubquery:
      b->kind = BoundKind::kScalarSubquery;
      if (absl::Status s = subquery(*e.subquery); !s.ok()) return s;
      if (b->subquery->width() != 1) {
        return absl::InvalidArgumentError(absl::StrCat(
            "sub-select returns ", b->subquery->width(),
            " columns - expected 1"));
      }
      return b;
    case K::kCase:
      b->kind = BoundKind::kCase;
      if (e.operand) {
        b->has_operand = true;
        if (absl::Status s = child(*e.operand); !s.ok()) return s;
      }
      for (const ast::CaseWhen& w : e.whens) {
        if (absl::Status s = child(*w.when); !s.ok()) return s;
        if (absl::Status s = child(*w.then); !s.ok()) return s;
      }
      if (e.else_expr) {
        b->has_else = true;
        if (absl::Status s = child(*e.else_expr); !s.ok()) return s;
      }
      if (b->has_operand) {
        // CASE x WHEN w: as x = w (the operand's collation, else the first
        // WHEN value's that has one).
        const size_t whens = e.whens.size();
        Collation c = KeyCollation(*b->children[0]);
        if (b->children[0]->collation_strength == kNoCollation) {
          for (size_t w = 0; w < whens; ++w) {
            const BoundExpr& value = *b->children[1 + 2 * w];
            if (value.collation_strength != kNoCollation) {
              c = value.collation;
              break;
            }
          }
        }
        ApplyCollation(c, &b->children[0]);
        for (size_t w = 0; w < whens; ++w) ApplyCollation(c, &b->children[1 + 2 * w]);
      }
      return b;
    case K::kRaise: {
      // Only a trigger program raises: its statements are bound with the
      // trigger's NEW/OLD scope.
      if (trigger_scope_ == nullptr) {
        return absl::InvalidArgumentError("RAISE() may only be used within a trigger-program");
      }
      b->kind = BoundKind::kFunction;
      b->function = function::Raise();
      for (Value v : {Value::Text(e.name), e.literal}) {
        auto arg = std::make_unique<BoundExpr>();
        arg->kind = BoundKind::kConstant;
        arg->value = std::move(v);
        b->children.push_back(std::move(arg));
      }
      return b;
    }
    case K::kCast:
      b->kind = BoundKind::kCast;
      b->cast_type = e.cast_type;
      b->affinity = e.cast_type;
      if (absl::Status s = child(*e.children[0]); !s.ok()) return s;
      return b;
    case K::kFunction: {
      const function::ScalarFunction* f = function::FindScalarFunction(e.name);
      int n = static_cast<int>(e.children.size());
      if (e.name == "iif" && n == 3 && !e.star && !e.distinct) {
        // iif(c, x, y) is CASE WHEN c THEN x ELSE y END: only the branch
        // taken is evaluated.
        b->kind = BoundKind::kCase;
        b->has_else = true;
        for (const ast::ExprPtr& c : e.children) {
          if (absl::Status s = child(*c); !s.ok()) return s;
        }
        return b;
      }
      if (e.name == "iif") {
        return absl::InvalidArgumentError("wrong number of arguments to function iif()");
      }
      if (std::optional<SessionValue> v = SessionValueNamed(e.name)) {
        if (n != 0 || e.star || e.distinct) {
          return absl::InvalidArgumentError(
              absl::StrCat("wrong number of arguments to function ", e.name, "()"));
        }
        b->kind = BoundKind::kSessionValue;
        b->index = static_cast<int>(*v);
        return b;
      }
      if (f == nullptr && function::IsAggregateName(e.name)) {
        // An aggregate with arguments it does not take (count(1, 2), sum()).
        return absl::InvalidArgumentError(
            absl::StrCat("wrong number of arguments to function ", e.name, "()"));
      }
      if (f == nullptr && FindWindowFunction(e.name) != nullptr) {
        return absl::InvalidArgumentError(absl::StrCat("misuse of window function ", e.name, "()"));
      }
      if (f == nullptr) return absl::NotFoundError(absl::StrCat("no such function: ", e.name));
      if (e.filter) {
        return absl::InvalidArgumentError(
            absl::StrCat("FILTER may not be used with non-aggregate ", e.name, "()"));
      }
      if (e.distinct) {
        return absl::InvalidArgumentError(
            absl::StrCat("DISTINCT is for aggregate functions, not ", e.name, "()"));
      }
      if (e.star || n < f->min_args || (f->max_args >= 0 && n > f->max_args)) {
        return absl::InvalidArgumentError(
            absl::StrCat("wrong number of arguments to function ", e.name, "()"));
      }
      b->kind = BoundKind::kFunction;
      b->function = f;
      for (const ast::ExprPtr& c : e.children) {
        if (absl::Status s = child(*c); !s.ok()) return s;
      }
      return b;
    }
    case K::kLike:
      b->kind = BoundKind::kLike;
      b->op = e.op;
      b->negated = e.negated;
      for (const ast::ExprPtr& c : e.children) {
        if (absl::Status s = child(*c); !s.ok()) return s;
      }
      if (b->children.size() < 3) b->children.push_back(Constant(Value()));
      return b;
  }
  return absl::InternalError("unknown expression");
}

}  // namespace tessera::planner
