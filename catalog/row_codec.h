// How table rows and index entries are laid out as KV pairs (DESIGN.md §2).
//
//   primary:   /<table_id>/1/<pk columns>          -> non-key columns, each
//              tagged with its column id (NULLs omitted)
//   secondary: /<table_id>/<index_id>/<indexed columns>[/<pk columns>]
//              unique index: pk columns appended only when an indexed value
//              is NULL (NULLs never collide); value = the primary key
//              non-unique index: pk columns always appended; value empty
// All ids and values use the order-preserving key encoding.

#ifndef TESSERA_CATALOG_ROW_CODEC_H_
#define TESSERA_CATALOG_ROW_CODEC_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "catalog/descriptors.h"
#include "common/value.h"

namespace tessera::catalog {

using Row = std::vector<Value>;  // in table column order

std::string TablePrefix(uint32_t table_id);
std::string IndexPrefix(uint32_t table_id, uint32_t index_id);
void AppendIndexPrefix(uint32_t table_id, uint32_t index_id, std::string* out);

// Key of `row` in the primary index.
std::string PrimaryKey(const TableDescriptor& table, const Row& row);
// PrimaryKey() appended to `out` (a reused buffer costs no allocation).
void AppendPrimaryKey(const TableDescriptor& table, const Row& row, std::string* out);
// AppendPrimaryKey() for a table whose primary key is one column, from that
// column's value alone. `prefix` is IndexPrefix(table.id, table.primary.id),
// which a caller encoding many keys computes once.
void AppendPrimaryKeyOfValue(const TableDescriptor& table, absl::string_view prefix,
                             const Value& key, std::string* out);
// Value of `row` in the primary index.
std::string EncodeRowValue(const TableDescriptor& table, const Row& row);
// EncodeRowValue() appended to `out`.
void AppendRowValue(const TableDescriptor& table, const Row& row, std::string* out);
// Rebuilds a row from its primary index entry. kDataLoss on bad bytes.
absl::Status DecodeRow(const TableDescriptor& table, absl::string_view key,
                       absl::string_view value, Row* row);

// DecodeRow for many rows of one table: what depends only on the table
// (key prefix, column positions) is worked out once. Holds a reference to
// `table`, which must outlive it. Thread-compatible.
class RowDecoder {
 public:
  // With `needed` (by column position) only those columns are decoded;
  // the others are left NULL. Empty: every column.
  explicit RowDecoder(const TableDescriptor& table, std::vector<bool> needed = {});
  absl::Status Decode(absl::string_view key, absl::string_view value, Row* row) const;

 private:
  const TableDescriptor& table_;
  std::string prefix_;
  // Inline for tables of ordinary width: a decoder for one row costs no
  // allocation.
  absl::InlinedVector<int, 8> primary_positions_;  // per primary key column, -1: skip
  size_t key_columns_to_decode_ = 0;    // the leading key columns needed
  absl::InlinedVector<int, 16> position_by_id_;  // column id -> position, -1: skip
};

// Key and value of `row` in secondary index `index` (one without
// expressions: IndexEntryKeyOf takes their values).
std::string IndexEntryKey(const TableDescriptor& table,
                          const IndexDescriptor& index, const Row& row);
// A key expression's value as an index holds it (and a lookup must give
// it): an integral REAL as its INTEGER, so that 3 and 3.0, which SQL holds
// equal, are one key (the key encoding tags the two types apart).
Value ExpressionKeyValue(Value v);
// A column without a type keeps a number as given, so its keys hold 5 and
// 5.0 apart although SQL holds them equal: the other value equal to number
// `v` such a key may hold (5.0 for 5, 5 for 5.0); nullopt when there is
// none (a REAL with a fraction, an INTEGER no REAL holds exactly).
std::optional<Value> UntypedKeyTwin(const Value& v);

// The key of `row` in `index` whose key columns hold `key_values` (one per
// key column, in the index's order: a column's value or an expression's).
std::string IndexEntryKeyOf(const TableDescriptor& table, const IndexDescriptor& index,
                            const std::vector<Value>& key_values, const Row& row);
std::string IndexEntryValue(const TableDescriptor& table,
                            const IndexDescriptor& index, const Row& row);
// The key prefix that all entries with these leading indexed values share
// (for unique-constraint probes and index lookups).
std::string IndexValuesPrefix(const TableDescriptor& table,
                              const IndexDescriptor& index,
                              const std::vector<Value>& values);

}  // namespace tessera::catalog

#endif  // TESSERA_CATALOG_ROW_CODEC_H_
