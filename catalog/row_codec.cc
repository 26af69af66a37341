#include "catalog/row_codec.h"

#include <cmath>
#include <cstring>

#include "absl/strings/str_format.h"
#include "common/coding.h"
#include "common/key_encoding.h"

namespace tessera::catalog {

std::string TablePrefix(uint32_t table_id) {
  std::string out;
  EncodeKeyValue(Value::Integer(table_id), SortOrder::kAscending, &out);
  return out;
}

void AppendIndexPrefix(uint32_t table_id, uint32_t index_id, std::string* out) {
  EncodeKeyValue(Value::Integer(table_id), SortOrder::kAscending, out);
  EncodeKeyValue(Value::Integer(index_id), SortOrder::kAscending, out);
}

std::string IndexPrefix(uint32_t table_id, uint32_t index_id) {
  std::string out;
  AppendIndexPrefix(table_id, index_id, &out);
  return out;
}

namespace {

void AppendColumns(const TableDescriptor& table, const IndexDescriptor& index,
                   const Row& row, std::string* out) {
  for (size_t i = 0; i < index.column_ids.size(); ++i) {
    int pos = table.ColumnIndexById(index.column_ids[i]);
    static const Value kNull;
    const Value& v = pos >= 0 ? row[pos] : kNull;
    const Collation c = index.CollationAt(i);
    if (c == Collation::kBinary) {
      EncodeKeyValue(v, index.orders[i], out);
    } else {
      EncodeKeyValue(Collate(c, v), index.orders[i], out);
    }
  }
}

enum ValueTag : uint8_t { kInt = 1, kReal = 2, kText = 3, kBlob = 4, kBool = 5 };

}  // namespace

void AppendPrimaryKey(const TableDescriptor& table, const Row& row, std::string* out) {
  AppendIndexPrefix(table.id, table.primary.id, out);
  AppendColumns(table, table.primary, row, out);
}

void AppendPrimaryKeyOfValue(const TableDescriptor& table, absl::string_view prefix,
                             const Value& key, std::string* out) {
  out->append(prefix.data(), prefix.size());
  EncodeKeyValue(key, table.primary.orders[0], out);
}

std::string PrimaryKey(const TableDescriptor& table, const Row& row) {
  std::string key;
  key.reserve(32);
  AppendPrimaryKey(table, row, &key);
  return key;
}

std::string EncodeRowValue(const TableDescriptor& table, const Row& row) {
  std::string out;
  AppendRowValue(table, row, &out);
  return out;
}

void AppendRowValue(const TableDescriptor& table, const Row& row, std::string* out_bytes) {
  std::string& out = *out_bytes;
  for (size_t i = 0; i < table.columns.size() && i < row.size(); ++i) {
    const ColumnDescriptor& c = table.columns[i];
    bool in_key = false;
    for (uint32_t id : table.primary.column_ids) in_key = in_key || id == c.id;
    const Value& v = row[i];
    if (in_key || v.is_null()) continue;
    PutVarint64(&out, c.id);
    switch (v.type()) {
      case Type::kInteger: {
        out.push_back(static_cast<char>(kInt));
        uint64_t u = static_cast<uint64_t>(v.integer());
        PutVarint64(&out, (u << 1) ^ static_cast<uint64_t>(v.integer() >> 63));
        break;
      }
      case Type::kReal: {
        out.push_back(static_cast<char>(kReal));
        uint64_t bits;
        double d = v.real();
        std::memcpy(&bits, &d, 8);
        PutFixed64BE(&out, bits);
        break;
      }
      case Type::kText:
        out.push_back(static_cast<char>(kText));
        PutLengthPrefixed(&out, v.bytes());
        break;
      case Type::kBlob:
        out.push_back(static_cast<char>(kBlob));
        PutLengthPrefixed(&out, v.bytes());
        break;
      case Type::kBoolean:
        out.push_back(static_cast<char>(kBool));
        out.push_back(v.boolean() ? 1 : 0);
        break;
      case Type::kNumeric:  // no value has it
      case Type::kNull:
        break;
    }
  }
}

absl::Status DecodeRow(const TableDescriptor& table, absl::string_view key,
                       absl::string_view value, Row* row) {
  return RowDecoder(table).Decode(key, value, row);
}

RowDecoder::RowDecoder(const TableDescriptor& table, std::vector<bool> needed)
    : table_(table), prefix_(IndexPrefix(table.id, table.primary.id)) {
  auto wanted = [&](int pos) {
    return pos >= 0 && (needed.empty() || (static_cast<size_t>(pos) < needed.size() && needed[pos]));
  };
  for (uint32_t id : table.primary.column_ids) {
    int pos = table.ColumnIndexById(id);
    primary_positions_.push_back(wanted(pos) ? pos : -1);
    if (wanted(pos)) key_columns_to_decode_ = primary_positions_.size();
  }
  for (size_t i = 0; i < table.columns.size(); ++i) {
    uint32_t id = table.columns[i].id;
    if (id >= position_by_id_.size()) position_by_id_.resize(id + 1, -1);
    position_by_id_[id] = wanted(static_cast<int>(i)) ? static_cast<int>(i) : -1;
  }
}

absl::Status RowDecoder::Decode(absl::string_view key, absl::string_view value,
                                Row* row) const {
  const TableDescriptor& table = table_;
  if (row->size() == table.columns.size()) {
    // A reused row (a batch slot): clear what it holds.
    for (Value& v : *row) {
      if (!v.is_null()) v = Value();
    }
  } else {
    row->assign(table.columns.size(), Value());
  }
  if (key.substr(0, prefix_.size()) != prefix_) {
    return absl::DataLossError(absl::StrFormat(
        "row key does not belong to table %s", table.name));
  }
  key.remove_prefix(prefix_.size());
  // Key columns decode in order; those after the last needed one are skipped.
  for (size_t i = 0; i < key_columns_to_decode_; ++i) {
    Value v;
    if (absl::Status s = DecodeKeyValue(&key, table.primary.orders[i], &v); !s.ok()) {
      return s;
    }
    int pos = primary_positions_[i];
    if (pos >= 0) (*row)[pos] = std::move(v);
  }
  while (!value.empty()) {
    uint64_t id = 0;
    uint8_t tag = 0;
    if (absl::Status s = GetVarint64Inline(&value, &id); !s.ok()) return s;
    if (absl::Status s = GetByteInline(&value, &tag); !s.ok()) return s;
    // Columns dropped from the descriptor, or not needed, are parsed past
    // without building a value.
    int pos = id < position_by_id_.size() ? position_by_id_[id] : -1;
    Value* out = pos >= 0 ? &(*row)[pos] : nullptr;
    switch (tag) {
      case kInt: {
        uint64_t z = 0;
        if (absl::Status s = GetVarint64Inline(&value, &z); !s.ok()) return s;
        if (out != nullptr) *out = Value::Integer(static_cast<int64_t>((z >> 1) ^ (~(z & 1) + 1)));
        break;
      }
      case kReal: {
        uint64_t bits = 0;
        if (absl::Status s = GetFixed64BE(&value, &bits); !s.ok()) return s;
        double d;
        std::memcpy(&d, &bits, 8);
        if (out != nullptr) *out = Value::Real(d);
        break;
      }
      case kText:
      case kBlob: {
        absl::string_view s;
        if (absl::Status st = GetLengthPrefixedInline(&value, &s); !st.ok()) return st;
        if (out != nullptr) *out = tag == kText ? Value::Text(s) : Value::Blob(s);
        break;
      }
      case kBool: {
        uint8_t b = 0;
        if (absl::Status s = GetByte(&value, &b); !s.ok()) return s;
        if (out != nullptr) *out = Value::Boolean(b != 0);
        break;
      }
      default:
        return absl::DataLossError("corrupt row value: unknown tag");
    }
  }
  return absl::OkStatus();
}

std::string IndexEntryKey(const TableDescriptor& table,
                          const IndexDescriptor& index, const Row& row) {
  std::string key = IndexPrefix(table.id, index.id);
  AppendColumns(table, index, row, &key);
  bool has_null = false;
  for (uint32_t id : index.column_ids) {
    int pos = table.ColumnIndexById(id);
    has_null = has_null || pos < 0 || row[pos].is_null();
  }
  if (!index.unique || has_null) AppendColumns(table, table.primary, row, &key);
  return key;
}

Value ExpressionKeyValue(Value v) {
  if (v.type() == Type::kReal && std::trunc(v.real()) == v.real() && std::fabs(v.real()) < 9.2e18) {
    return Value::Integer(static_cast<int64_t>(v.real()));
  }
  return v;
}

std::optional<Value> UntypedKeyTwin(const Value& v) {
  if (v.type() == Type::kInteger) {
    const double d = static_cast<double>(v.integer());
    if (std::fabs(d) >= 9.2e18 || static_cast<int64_t>(d) != v.integer()) return std::nullopt;
    return Value::Real(d);
  }
  if (v.type() != Type::kReal) return std::nullopt;
  Value i = ExpressionKeyValue(v);  // the INTEGER an integral REAL is
  if (i.type() != Type::kInteger) return std::nullopt;
  return i;
}

std::string IndexEntryKeyOf(const TableDescriptor& table, const IndexDescriptor& index,
                            const std::vector<Value>& key_values, const Row& row) {
  std::string key = IndexValuesPrefix(table, index, key_values);
  bool has_null = key_values.size() < index.column_ids.size();
  for (const Value& v : key_values) has_null = has_null || v.is_null();
  if (!index.unique || has_null) AppendColumns(table, table.primary, row, &key);
  return key;
}

std::string IndexEntryValue(const TableDescriptor& table,
                            const IndexDescriptor& index, const Row& row) {
  if (!index.unique) return "";
  return PrimaryKey(table, row);
}

std::string IndexValuesPrefix(const TableDescriptor& table,
                              const IndexDescriptor& index,
                              const std::vector<Value>& values) {
  std::string key = IndexPrefix(table.id, index.id);
  for (size_t i = 0; i < values.size() && i < index.orders.size(); ++i) {
    const Collation c = index.CollationAt(i);
    if (c == Collation::kBinary) {
      EncodeKeyValue(values[i], index.orders[i], &key);
    } else {
      EncodeKeyValue(Collate(c, values[i]), index.orders[i], &key);
    }
  }
  return key;
}

}  // namespace tessera::catalog
