// Hash aggregation with partial states: fragments aggregate their ranges'
// rows, the gateway merges the states group by group and finishes them.

#include "exec/internal.h"

namespace tessera::exec::internal {

absl::StatusOr<size_t> GroupTable::NewGroup(Row& keys) {
  if (groups_.size() >= ctx_->options.max_rows) return TooManyRows(ctx_);
  const size_t n = op_.aggregates.size();
  groups_.push_back(Group{std::move(keys), std::vector<function::AggregateState>(n),
                          std::vector<absl::flat_hash_set<std::string>>(n),
                          std::vector<Value>(n)});
  return groups_.size() - 1;
}

absl::StatusOr<GroupTable::Group*> GroupTable::Find(Row& keys) {
  std::optional<int64_t> integral;
  if (keys.size() == 1) integral = CanonicalInteger(keys[0]);
  if (integral.has_value() && *integral >= 0 && *integral < kDenseKeys) {
    if (dense_.empty()) dense_.resize(kDenseKeys);
    uint32_t& number = dense_[*integral];
    if (number == 0) {
      absl::StatusOr<size_t> g = NewGroup(keys);
      if (!g.ok()) return g.status();
      number = static_cast<uint32_t>(*g + 1);
    }
    return &groups_[number - 1];
  }
  std::pair<size_t*, bool> slot;
  if (integral.has_value()) {
    auto [it, inserted] = integers_.try_emplace(*integral, groups_.size());
    slot = {&it->second, inserted};
  } else {
    scratch_canonical_.clear();
    // Keys equal under their collation share a group (which shows the
    // first one's values).
    for (size_t i = 0; i < keys.size(); ++i) {
      AppendCanonical(keys[i], CollationAt(op_.key_collations, i), &scratch_canonical_);
    }
    auto [it, inserted] = index_.try_emplace(scratch_canonical_, groups_.size());
    slot = {&it->second, inserted};
  }
  if (slot.second) {
    if (absl::StatusOr<size_t> g = NewGroup(keys); !g.ok()) return g.status();
  }
  return &groups_[*slot.first];
}

absl::Status GroupTable::Add(const Row& row) {
  Group* group;
  if (op_.group_by.empty()) {
    // One group: no key to build or look up.
    if (groups_.empty()) {
      Row none;
      absl::StatusOr<Group*> g = Find(none);
      if (!g.ok()) return g.status();
    }
    group = &groups_[0];
  } else {
    // One integer key (GROUP BY n % 100): straight to its group.
    if (int64_t key; op_.group_by.size() == 1 && EvaluateInteger(*op_.group_by[0], row, &key)) {
      if (key >= 0 && key < kDenseKeys) {
        if (!dense_.empty() && dense_[key] != 0) return AddToGroup(groups_[dense_[key] - 1], row);
      } else if (auto it = integers_.find(key); it != integers_.end()) {
        return AddToGroup(groups_[it->second], row);
      }
    }
    // The key is built in a reused row; only a new group keeps it.
    scratch_keys_.clear();
    for (const planner::BoundPtr& g : op_.group_by) {
      absl::StatusOr<Value> v = Evaluate(*g, row, ctx_);
      if (!v.ok()) return v.status();
      scratch_keys_.push_back(*std::move(v));
    }
    absl::StatusOr<Group*> g = Find(scratch_keys_);
    if (!g.ok()) return g.status();
    group = *g;
  }
  return AddToGroup(*group, row);
}

absl::Status GroupTable::AddToGroup(Group& g, const Row& row) {
  for (size_t a = 0; a < op_.aggregates.size(); ++a) {
    const planner::AggregateCall& call = op_.aggregates[a];
    if (call.filter) {
      absl::StatusOr<bool> keep = Holds(*call.filter, row, ctx_);
      if (!keep.ok()) return keep.status();
      if (!*keep) continue;
    }
    if (!call.arg) {
      function::AggregateUpdate(call.kind, Value(), call.separator, &g.states[a]);
      continue;
    }
    const planner::BoundExpr& arg = *call.arg;
    if (!call.any_value && !call.distinct && arg.kind == planner::BoundKind::kColumn &&
        arg.depth == 0 && arg.index >= 0 && static_cast<size_t>(arg.index) < row.size()) {
      // A plain column: fold the row's value in place, no copy.
      function::AggregateUpdate(call.kind, row[arg.index], call.separator, &g.states[a],
                                call.collation);
      continue;
    }
    absl::StatusOr<Value> v = Evaluate(arg, row, ctx_);
    if (!v.ok()) return v.status();
    if (call.any_value) {
      g.any[a] = *std::move(v);
      continue;
    }
    if (call.distinct) {
      if (v->is_null()) continue;
      std::string dk;
      AppendCanonical(*v, call.collation, &dk);
      if (!g.seen[a].insert(std::move(dk)).second) continue;
    }
    function::AggregateUpdate(call.kind, *v, call.separator, &g.states[a], call.collation);
  }
  return absl::OkStatus();
}

absl::Status GroupTable::Merge(GroupTable&& other) {
  for (Group& from : other.groups_) {
    absl::StatusOr<Group*> group = Find(from.keys);
    if (!group.ok()) return group.status();
    Group& g = **group;
    for (size_t a = 0; a < op_.aggregates.size(); ++a) {
      const planner::AggregateCall& call = op_.aggregates[a];
      if (call.distinct) {
        return absl::InternalError("DISTINCT aggregates cannot merge partial states");
      }
      if (call.any_value) {
        g.any[a] = std::move(from.any[a]);  // `other` holds later rows
        continue;
      }
      function::AggregateMerge(call.kind, from.states[a], call.separator, &g.states[a],
                               call.collation);
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Row>> GroupTable::Finish() {
  const size_t n = op_.aggregates.size();
  if (groups_.empty() && op_.group_by.empty()) {
    // An aggregate without GROUP BY yields one row even over no input.
    groups_.push_back(Group{{}, std::vector<function::AggregateState>(n), {}, std::vector<Value>(n)});
  }
  std::vector<Row> out;
  out.reserve(groups_.size());
  for (Group& g : groups_) {
    Row row = std::move(g.keys);
    for (size_t a = 0; a < n; ++a) {
      if (op_.aggregates[a].any_value) {
        row.push_back(std::move(g.any[a]));
        continue;
      }
      absl::StatusOr<Value> v = function::AggregateFinish(op_.aggregates[a].kind, g.states[a]);
      if (!v.ok()) return v.status();
      row.push_back(*std::move(v));
    }
    out.push_back(std::move(row));
  }
  groups_.clear();
  index_.clear();
  integers_.clear();
  dense_.clear();
  return out;
}

}  // namespace tessera::exec::internal
