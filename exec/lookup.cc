// Reading a join input by key: shared by two-input joins (join.cc) and
// multi-way joins (multi_join.cc).

#include "exec/internal.h"

namespace tessera::exec::internal {

LookupProbe MakeLookupProbe(const planner::LookupTarget& target,
                            const planner::KeyAccessPath& path, const Row& row,
                            const std::vector<int>& columns) {
  const catalog::TableDescriptor& t = *target.scan->table;
  LookupProbe probe;
  for (size_t i = 0; i < columns.size(); ++i) {
    const Type column_type = t.columns[path.columns[i]].type;
    bool exact = column_type != Type::kNull;
    std::optional<Value> v;
    if (exact) v = KeyValueFor(row[columns[i]], column_type, &exact);
    if (!exact) {
      probe.by_key = false;
      return probe;
    }
    if (!v.has_value()) {
      probe.matches_nothing = true;
      return probe;
    }
    probe.values.push_back(*std::move(v));
  }
  return probe;
}

absl::StatusOr<std::vector<Row>> ReadLookupRows(const planner::LookupTarget& target,
                                                const planner::KeyAccessPath& path,
                                                const LookupProbe& probe, ExecContext* ctx) {
  std::vector<Row> found;
  if (probe.matches_nothing) return found;
  if (absl::Status s = ReadByKey(*target.scan->table, path.index_id, probe.values, ctx, &found);
      !s.ok()) {
    return s;
  }
  if (target.filter == nullptr) return found;
  std::vector<Row> kept;
  for (Row& row : found) {
    absl::StatusOr<bool> h = Holds(*target.filter, row, ctx);
    if (!h.ok()) return h.status();
    if (*h) kept.push_back(std::move(row));
  }
  return kept;
}

}  // namespace tessera::exec::internal
