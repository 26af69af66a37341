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

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "catalog/descriptors.h"
#include "common/value.h"

namespace tessera::catalog {

using Row = std::vector<Value>;  // in table column order

std::string TablePrefix(uint32_t table_id);
std::string IndexPrefix(uint32_t table_id, uint32_t index_id);

// Key of `row` in the primary index.
std::string PrimaryKey(const TableDescriptor& table, const Row& row);
// Value of `row` in the primary index.
std::string EncodeRowValue(const TableDescriptor& table, const Row& row);
// Rebuilds a row from its primary index entry. kDataLoss on bad bytes.
absl::Status DecodeRow(const TableDescriptor& table, absl::string_view key,
                       absl::string_view value, Row* row);

// Key and value of `row` in secondary index `index`.
std::string IndexEntryKey(const TableDescriptor& table,
                          const IndexDescriptor& index, const Row& row);
std::string IndexEntryValue(const TableDescriptor& table,
                            const IndexDescriptor& index, const Row& row);
// The key prefix that all entries with these leading indexed values share
// (for unique-constraint probes and index lookups).
std::string IndexValuesPrefix(const TableDescriptor& table,
                              const IndexDescriptor& index,
                              const std::vector<Value>& values);

}  // namespace tessera::catalog

#endif  // TESSERA_CATALOG_ROW_CODEC_H_
