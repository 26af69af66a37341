// Sort, top-N, DISTINCT and set operations over row batches.

#include <algorithm>
#include <numeric>

#include "exec/internal.h"

namespace tessera::exec::internal {

void SortRows(const std::vector<planner::SortKey>& keys, std::vector<Row>* rows) {
  std::stable_sort(rows->begin(), rows->end(),
                   [&](const Row& a, const Row& b) { return SortsBefore(keys, a, b); });
}

void TopN(const std::vector<planner::SortKey>& keys, int64_t keep, std::vector<Row>* rows) {
  if (keep < 0 || static_cast<size_t>(keep) >= rows->size()) {
    SortRows(keys, rows);
    return;
  }
  // Ties keep their input order, so the result equals a stable sort's
  // first `keep` rows.
  std::vector<size_t> order(rows->size());
  std::iota(order.begin(), order.end(), 0);
  std::partial_sort(order.begin(), order.begin() + keep, order.end(), [&](size_t a, size_t b) {
    if (SortsBefore(keys, (*rows)[a], (*rows)[b])) return true;
    if (SortsBefore(keys, (*rows)[b], (*rows)[a])) return false;
    return a < b;
  });
  std::vector<Row> out;
  out.reserve(keep);
  for (int64_t i = 0; i < keep; ++i) out.push_back(std::move((*rows)[order[i]]));
  *rows = std::move(out);
}

std::vector<Row> Distinct(std::vector<Row> rows, const std::vector<Collation>& collations) {
  absl::flat_hash_set<std::string> seen;
  std::vector<Row> out;
  for (Row& r : rows) {
    if (seen.insert(RowKey(r, collations)).second) out.push_back(std::move(r));
  }
  return out;
}

namespace {

// The rows once each, sorted. Of rows that count as duplicates the last
// stays, as in SQLite (`SELECT 1 UNION SELECT 1.0` is 1.0).
std::vector<Row> SortedDistinct(std::vector<Row> in, const std::vector<Collation>& collations) {
  absl::flat_hash_map<std::string, size_t> seen;
  std::vector<Row> rows;
  for (Row& r : in) {
    auto [it, inserted] = seen.try_emplace(RowKey(r, collations), rows.size());
    if (inserted) {
      rows.push_back(std::move(r));
    } else {
      rows[it->second] = std::move(r);
    }
  }
  if (collations.empty()) {
    std::stable_sort(rows.begin(), rows.end(),
                     [](const Row& a, const Row& b) { return CompareRows(a, b) < 0; });
    return rows;
  }
  // In each column's collation order, as SQLite's compound SELECTs give.
  std::vector<planner::SortKey> keys;
  for (size_t i = 0; !rows.empty() && i < rows[0].size(); ++i) {
    planner::SortKey k{static_cast<int>(i), false, true};
    if (i < collations.size()) k.collation = collations[i];
    keys.push_back(k);
  }
  SortRows(keys, &rows);
  return rows;
}

}  // namespace

std::vector<Row> SetOperation(ast::SetOp op, std::vector<Row> a, std::vector<Row> b,
                              const std::vector<Collation>& collations) {
  switch (op) {
    case ast::SetOp::kUnionAll:
      for (Row& r : b) a.push_back(std::move(r));
      return a;
    case ast::SetOp::kUnion:
      for (Row& r : b) a.push_back(std::move(r));
      return SortedDistinct(std::move(a), collations);
    case ast::SetOp::kIntersect:
    case ast::SetOp::kExcept: {
      absl::flat_hash_set<std::string> right;
      for (const Row& r : b) right.insert(RowKey(r, collations));
      std::vector<Row> out;
      for (Row& r : a) {
        bool in_right = right.contains(RowKey(r, collations));
        if (in_right == (op == ast::SetOp::kIntersect)) out.push_back(std::move(r));
      }
      return SortedDistinct(std::move(out), collations);
    }
  }
  return a;
}

}  // namespace tessera::exec::internal
