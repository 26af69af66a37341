// Subquery evaluation: uncorrelated subqueries run once per statement;
// correlated IN / EXISTS with an equality correlation run once as a hash
// semi-join (planner::PlanSemiJoin); other correlated subqueries run per
// outer row.

#include "exec/internal.h"
#include "function/value_ops.h"

namespace tessera::exec {

// A decorrelated subquery: correlation key -> the subquery's IN values
// (empty vectors for EXISTS). `plan` is nullopt when the subquery cannot be
// decorrelated (then it runs per row).
struct SemiJoinTable {
  std::optional<planner::SemiJoinPlan> plan;
  bool built = false;
  uint64_t probes = 0;
  absl::flat_hash_map<std::string, std::vector<Value>> by_key;
};

// Defined here, where SemiJoinTable is complete.
ExecContext::ExecContext() = default;
ExecContext::~ExecContext() = default;

SubqueryStats SummarizeSubqueries(const ExecContext& ctx) {
  SubqueryStats out;
  for (const auto& [expr, table] : ctx.semi_joins) {
    if (table->built) ++out.decorrelated;
  }
  if (ctx.stats != nullptr) {
    for (const auto& [logical, physical] : ctx.physical_plans) {
      auto it = ctx.stats->find(physical.get());
      if (it != ctx.stats->end()) out.executions += it->second.executions;
    }
  }
  return out;
}

namespace internal {

absl::StatusOr<std::vector<Row>> RunSubquery(const planner::BoundExpr& e, const Row& row,
                                             ExecContext* ctx) {
  if (!e.correlated) {
    auto it = ctx->subquery_cache.find(e.subquery.get());
    if (it != ctx->subquery_cache.end()) return it->second;
  }
  ctx->outer.push_back(&row);
  absl::StatusOr<std::vector<Row>> rows = Execute(*e.subquery, ctx);
  ctx->outer.pop_back();
  if (rows.ok() && !e.correlated) ctx->subquery_cache[e.subquery.get()] = *rows;
  return rows;
}

Value InResult(const Value& x, const std::vector<Value>& candidates, bool negated) {
  if (candidates.empty()) return Bool(negated);
  if (x.is_null()) return Value::Null();
  bool saw_null = false;
  for (const Value& c : candidates) {
    std::optional<int> cmp = function::Compare(x, c);
    if (!cmp.has_value()) {
      saw_null = true;
    } else if (*cmp == 0) {
      return Bool(!negated);
    }
  }
  if (saw_null) return Value::Null();
  return Bool(negated);
}

namespace {

constexpr uint64_t kKeyedProbesBeforeSemiJoin = 64;

absl::Status Build(SemiJoinTable* table, ExecContext* ctx) {
  const planner::SemiJoinPlan& plan = *table->plan;
  absl::StatusOr<std::vector<Row>> rows = Execute(*plan.input, ctx);
  if (!rows.ok()) return rows.status();
  std::string key;
  for (const Row& r : *rows) {
    bool keep = true;
    for (const planner::BoundExpr* f : plan.local_filters) {
      absl::StatusOr<bool> h = Holds(*f, r, ctx);
      if (!h.ok()) return h.status();
      if (!*h) {
        keep = false;
        break;
      }
    }
    if (!keep) continue;
    key.clear();
    for (const planner::BoundExpr* k : plan.inner_keys) {
      absl::StatusOr<Value> v = Evaluate(*k, r, ctx);
      if (!v.ok()) return v.status();
      if (v->is_null()) {
        keep = false;  // = NULL matches no outer row
        break;
      }
      AppendCanonical(*v, &key);
    }
    if (!keep) continue;
    std::vector<Value>& values = table->by_key[key];
    if (plan.in_value != nullptr) {
      absl::StatusOr<Value> v = Evaluate(*plan.in_value, r, ctx);
      if (!v.ok()) return v.status();
      values.push_back(*std::move(v));
    }
    if (table->by_key.size() > ctx->options.max_rows) return TooManyRows(ctx);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::optional<Value>> ProbeSemiJoin(const planner::BoundExpr& e,
                                                   const Row& row, ExecContext* ctx) {
  auto it = ctx->semi_joins.find(&e);
  if (it == ctx->semi_joins.end()) {
    auto table = std::make_unique<SemiJoinTable>();
    table->plan = planner::PlanSemiJoin(e);
    it = ctx->semi_joins.emplace(&e, std::move(table)).first;
  }
  SemiJoinTable& table = *it->second;
  if (!table.plan.has_value()) return std::optional<Value>();
  if (!table.built) {
    // A subquery that reads by a key from the outer row stays a lookup per
    // row for the first outer rows; reading its whole table pays off only
    // when many more follow.
    if (table.plan->was_keyed && ++table.probes <= kKeyedProbesBeforeSemiJoin) {
      return std::optional<Value>();
    }
    if (absl::Status s = Build(&table, ctx); !s.ok()) return s;
    table.built = true;
  }
  // The outer keys read the outer row as the subquery would: as its
  // enclosing row.
  std::string key;
  bool null_key = false;
  ctx->outer.push_back(&row);
  Row empty;
  for (const planner::BoundExpr* k : table.plan->outer_keys) {
    absl::StatusOr<Value> v = Evaluate(*k, empty, ctx);
    if (!v.ok()) {
      ctx->outer.pop_back();
      return v.status();
    }
    if (v->is_null()) null_key = true;
    AppendCanonical(*v, &key);
  }
  ctx->outer.pop_back();
  static const std::vector<Value> kNone;
  const std::vector<Value>* candidates = &kNone;
  bool found = false;
  if (!null_key) {
    auto hit = table.by_key.find(key);
    if (hit != table.by_key.end()) {
      candidates = &hit->second;
      found = true;
    }
  }
  if (e.kind == planner::BoundKind::kExists) return std::optional<Value>(Bool(found != e.negated));
  absl::StatusOr<Value> x = Evaluate(*e.children[0], row, ctx);
  if (!x.ok()) return x.status();
  return std::optional<Value>(InResult(*x, *candidates, e.negated));
}

}  // namespace internal
}  // namespace tessera::exec
