#include "catalog/descriptors.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "common/coding.h"

namespace tessera::catalog {

int TableDescriptor::ColumnIndex(absl::string_view name) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (absl::EqualsIgnoreCase(columns[i].name, name)) return static_cast<int>(i);
  }
  return -1;
}

int TableDescriptor::ColumnIndexById(uint32_t id) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].id == id) return static_cast<int>(i);
  }
  return -1;
}

namespace {

// Format 2 added the table's options, foreign keys and declared types after
// the index ids; format 1 descriptors (older stores) end before them.
// Format 3 added partial indexes' WHERE after those; format 4 the
// collations of columns and index columns (all BINARY before); format 5
// generated columns; format 6 index keys on expressions.
constexpr uint8_t kFormat1 = 1;
constexpr uint8_t kFormat = 6;
enum Kind : uint8_t { kTable = 1, kView = 2, kTrigger = 3, kIndexName = 4 };

void PutIndex(std::string* out, const IndexDescriptor& ix) {
  PutVarint64(out, ix.id);
  PutLengthPrefixed(out, ix.name);
  out->push_back(ix.unique ? 1 : 0);
  PutVarint64(out, ix.column_ids.size());
  for (size_t i = 0; i < ix.column_ids.size(); ++i) {
    PutVarint64(out, ix.column_ids[i]);
    out->push_back(static_cast<char>(ix.orders[i]));
  }
}

// A small reader that remembers the first failure.
class Reader {
 public:
  explicit Reader(absl::string_view in) : in_(in) {}
  uint64_t Varint() {
    uint64_t v = 0;
    if (ok() && !GetVarint64(&in_, &v).ok()) Fail();
    return v;
  }
  uint8_t Byte() {
    uint8_t b = 0;
    if (ok() && !GetByte(&in_, &b).ok()) Fail();
    return b;
  }
  std::string Str() {
    absl::string_view s;
    if (ok() && !GetLengthPrefixed(&in_, &s).ok()) Fail();
    return std::string(s);
  }
  // Guards counts read from disk before they size a loop.
  uint64_t Count(uint64_t max) {
    uint64_t n = Varint();
    if (n > max) Fail();
    return ok() ? n : 0;
  }
  bool ok() const { return ok_; }
  bool done() const { return in_.empty(); }
  void Fail() { ok_ = false; }

 private:
  absl::string_view in_;
  bool ok_ = true;
};

IndexDescriptor ReadIndex(Reader& r) {
  IndexDescriptor ix;
  ix.id = static_cast<uint32_t>(r.Varint());
  ix.name = r.Str();
  ix.unique = r.Byte() != 0;
  uint64_t n = r.Count(1000);
  for (uint64_t i = 0; i < n && r.ok(); ++i) {
    ix.column_ids.push_back(static_cast<uint32_t>(r.Varint()));
    uint8_t o = r.Byte();
    if (o > 1) r.Fail();
    ix.orders.push_back(static_cast<SortOrder>(o));
  }
  return ix;
}

}  // namespace

std::string EncodeSchemaObject(const SchemaObject& object) {
  std::string out;
  out.push_back(static_cast<char>(kFormat));
  if (object.table.has_value()) {
    const TableDescriptor& t = *object.table;
    out.push_back(static_cast<char>(kTable));
    PutVarint64(&out, t.id);
    PutLengthPrefixed(&out, t.name);
    PutVarint64(&out, t.columns.size());
    for (const ColumnDescriptor& c : t.columns) {
      PutVarint64(&out, c.id);
      PutLengthPrefixed(&out, c.name);
      out.push_back(static_cast<char>(c.type));
      out.push_back(static_cast<char>((c.nullable ? 1 : 0) | (c.hidden ? 2 : 0)));
      PutLengthPrefixed(&out, c.default_sql);
    }
    PutIndex(&out, t.primary);
    PutVarint64(&out, t.indexes.size());
    for (const IndexDescriptor& ix : t.indexes) PutIndex(&out, ix);
    PutVarint64(&out, t.checks.size());
    for (const std::string& c : t.checks) PutLengthPrefixed(&out, c);
    PutVarint64(&out, t.next_column_id);
    PutVarint64(&out, t.next_index_id);
    {
      size_t declared = 0;
      for (const ColumnDescriptor& c : t.columns) declared += c.declared_type.empty() ? 0 : 1;
      out.push_back(static_cast<char>((t.without_rowid ? 1 : 0) | (t.strict ? 2 : 0) |
                                      (t.autoincrement ? 4 : 0) |
                                      (t.key_is_first_index ? 8 : 0)));
      PutVarint64(&out, t.foreign_keys.size());
      for (const ForeignKeyDescriptor& fk : t.foreign_keys) {
        PutVarint64(&out, fk.column_ids.size());
        for (uint32_t id : fk.column_ids) PutVarint64(&out, id);
        PutLengthPrefixed(&out, fk.references);
      }
      PutVarint64(&out, declared);
      for (const ColumnDescriptor& c : t.columns) {
        if (c.declared_type.empty()) continue;
        PutVarint64(&out, c.id);
        PutLengthPrefixed(&out, c.declared_type);
      }
      size_t partial = 0;
      for (const IndexDescriptor& ix : t.indexes) partial += ix.where_sql.empty() ? 0 : 1;
      PutVarint64(&out, partial);
      for (const IndexDescriptor& ix : t.indexes) {
        if (ix.where_sql.empty()) continue;
        PutVarint64(&out, ix.id);
        PutLengthPrefixed(&out, ix.where_sql);
      }
      size_t collated = 0;
      for (const ColumnDescriptor& c : t.columns) {
        collated += c.collation == Collation::kBinary ? 0 : 1;
      }
      PutVarint64(&out, collated);
      for (const ColumnDescriptor& c : t.columns) {
        if (c.collation == Collation::kBinary) continue;
        PutVarint64(&out, c.id);
        out.push_back(static_cast<char>(c.collation));
      }
      std::vector<const IndexDescriptor*> collated_indexes;
      for (const IndexDescriptor* ix : {&t.primary}) {
        if (!ix->collations.empty()) collated_indexes.push_back(ix);
      }
      for (const IndexDescriptor& ix : t.indexes) {
        if (!ix.collations.empty()) collated_indexes.push_back(&ix);
      }
      PutVarint64(&out, collated_indexes.size());
      for (const IndexDescriptor* ix : collated_indexes) {
        PutVarint64(&out, ix->id);
        PutVarint64(&out, ix->collations.size());
        for (Collation c : ix->collations) out.push_back(static_cast<char>(c));
      }
      size_t generated = 0;
      for (const ColumnDescriptor& c : t.columns) generated += c.generated_sql.empty() ? 0 : 1;
      PutVarint64(&out, generated);
      for (const ColumnDescriptor& c : t.columns) {
        if (c.generated_sql.empty()) continue;
        PutVarint64(&out, c.id);
        out.push_back(c.generated_stored ? 1 : 0);
        PutLengthPrefixed(&out, c.generated_sql);
      }
      size_t with_expressions = 0;
      for (const IndexDescriptor& ix : t.indexes) with_expressions += ix.HasExpressions() ? 1 : 0;
      PutVarint64(&out, with_expressions);
      for (const IndexDescriptor& ix : t.indexes) {
        if (!ix.HasExpressions()) continue;
        PutVarint64(&out, ix.id);
        PutVarint64(&out, ix.expressions.size());
        for (const std::string& e : ix.expressions) PutLengthPrefixed(&out, e);
      }
    }
  } else if (object.view.has_value()) {
    out.push_back(static_cast<char>(kView));
    PutLengthPrefixed(&out, object.view->name);
    PutVarint64(&out, object.view->column_names.size());
    for (const std::string& c : object.view->column_names) PutLengthPrefixed(&out, c);
    PutLengthPrefixed(&out, object.view->select_sql);
  } else if (object.trigger.has_value()) {
    out.push_back(static_cast<char>(kTrigger));
    PutLengthPrefixed(&out, object.trigger->name);
    PutLengthPrefixed(&out, object.trigger->table);
    PutLengthPrefixed(&out, object.trigger->create_sql);
    PutVarint64(&out, object.trigger->created);
  } else {
    out.push_back(static_cast<char>(kIndexName));
    PutLengthPrefixed(&out, object.index_of_table.value_or(""));
  }
  return out;
}

absl::StatusOr<SchemaObject> DecodeSchemaObject(absl::string_view bytes) {
  Reader r(bytes);
  const uint8_t format = r.Byte();
  if (format < kFormat1 || format > kFormat) {
    return absl::DataLossError("unknown schema object format");
  }
  SchemaObject out;
  switch (r.Byte()) {
    case kTable: {
      TableDescriptor t;
      t.id = static_cast<uint32_t>(r.Varint());
      t.name = r.Str();
      uint64_t n = r.Count(100000);
      for (uint64_t i = 0; i < n && r.ok(); ++i) {
        ColumnDescriptor c;
        c.id = static_cast<uint32_t>(r.Varint());
        c.name = r.Str();
        uint8_t type = r.Byte();
        if (type > static_cast<uint8_t>(Type::kNumeric)) r.Fail();
        c.type = static_cast<Type>(type);
        uint8_t flags = r.Byte();
        c.nullable = (flags & 1) != 0;
        c.hidden = (flags & 2) != 0;
        c.default_sql = r.Str();
        t.columns.push_back(std::move(c));
      }
      t.primary = ReadIndex(r);
      uint64_t ni = r.Count(10000);
      for (uint64_t i = 0; i < ni && r.ok(); ++i) t.indexes.push_back(ReadIndex(r));
      uint64_t nc = r.Count(10000);
      for (uint64_t i = 0; i < nc && r.ok(); ++i) t.checks.push_back(r.Str());
      t.next_column_id = static_cast<uint32_t>(r.Varint());
      t.next_index_id = static_cast<uint32_t>(r.Varint());
      if (format >= 2) {
        const uint8_t flags = r.Byte();
        if (flags > 15) r.Fail();
        t.without_rowid = (flags & 1) != 0;
        t.strict = (flags & 2) != 0;
        t.autoincrement = (flags & 4) != 0;
        t.key_is_first_index = (flags & 8) != 0;
        if (t.key_is_first_index && (t.indexes.empty() || !t.indexes[0].unique)) r.Fail();
        uint64_t nf = r.Count(10000);
        for (uint64_t i = 0; i < nf && r.ok(); ++i) {
          ForeignKeyDescriptor fk;
          uint64_t ncols = r.Count(1000);
          for (uint64_t c = 0; c < ncols && r.ok(); ++c) {
            fk.column_ids.push_back(static_cast<uint32_t>(r.Varint()));
          }
          fk.references = r.Str();
          t.foreign_keys.push_back(std::move(fk));
        }
        uint64_t nd = r.Count(100000);
        for (uint64_t i = 0; i < nd && r.ok(); ++i) {
          const int pos = t.ColumnIndexById(static_cast<uint32_t>(r.Varint()));
          std::string type = r.Str();
          if (pos < 0) {
            r.Fail();
          } else {
            t.columns[pos].declared_type = std::move(type);
          }
        }
        const uint64_t np = format >= 3 ? r.Count(10000) : 0;
        for (uint64_t i = 0; i < np && r.ok(); ++i) {
          const uint64_t id = r.Varint();
          std::string where = r.Str();
          auto ix = std::find_if(t.indexes.begin(), t.indexes.end(),
                                 [&](const IndexDescriptor& x) { return x.id == id; });
          if (ix == t.indexes.end() || where.empty()) {
            r.Fail();
          } else {
            ix->where_sql = std::move(where);
          }
        }
        const uint64_t ncc = format >= 4 ? r.Count(100000) : 0;
        for (uint64_t i = 0; i < ncc && r.ok(); ++i) {
          const int pos = t.ColumnIndexById(static_cast<uint32_t>(r.Varint()));
          const uint8_t c = r.Byte();
          if (pos < 0 || c > static_cast<uint8_t>(Collation::kRtrim)) {
            r.Fail();
          } else {
            t.columns[pos].collation = static_cast<Collation>(c);
          }
        }
        const uint64_t nic = format >= 4 ? r.Count(10000) : 0;
        for (uint64_t i = 0; i < nic && r.ok(); ++i) {
          const uint64_t id = r.Varint();
          IndexDescriptor* ix = id == t.primary.id ? &t.primary : nullptr;
          for (IndexDescriptor& x : t.indexes) {
            if (x.id == id) ix = &x;
          }
          const uint64_t n = r.Count(1000);
          if (ix == nullptr || n > ix->column_ids.size()) r.Fail();
          for (uint64_t k = 0; k < n && r.ok(); ++k) {
            const uint8_t c = r.Byte();
            if (c > static_cast<uint8_t>(Collation::kRtrim)) r.Fail();
            ix->collations.push_back(static_cast<Collation>(c));
          }
        }
        const uint64_t ng = format >= 5 ? r.Count(100000) : 0;
        for (uint64_t i = 0; i < ng && r.ok(); ++i) {
          const int pos = t.ColumnIndexById(static_cast<uint32_t>(r.Varint()));
          const uint8_t stored = r.Byte();
          std::string sql = r.Str();
          if (pos < 0 || stored > 1 || sql.empty()) {
            r.Fail();
          } else {
            t.columns[pos].generated_stored = stored != 0;
            t.columns[pos].generated_sql = std::move(sql);
          }
        }
        const uint64_t nx = format >= 6 ? r.Count(10000) : 0;
        for (uint64_t i = 0; i < nx && r.ok(); ++i) {
          const uint64_t id = r.Varint();
          IndexDescriptor* ix = nullptr;
          for (IndexDescriptor& x : t.indexes) {
            if (x.id == id) ix = &x;
          }
          const uint64_t n = r.Count(1000);
          if (ix == nullptr || n > ix->column_ids.size()) r.Fail();
          for (uint64_t k = 0; k < n && r.ok(); ++k) ix->expressions.push_back(r.Str());
        }
      }
      out.table = std::move(t);
      break;
    }
    case kView: {
      ViewDescriptor v;
      v.name = r.Str();
      uint64_t n = r.Count(100000);
      for (uint64_t i = 0; i < n && r.ok(); ++i) v.column_names.push_back(r.Str());
      v.select_sql = r.Str();
      out.view = std::move(v);
      break;
    }
    case kTrigger: {
      TriggerDescriptor t;
      t.name = r.Str();
      t.table = r.Str();
      t.create_sql = r.Str();
      if (!r.done()) t.created = r.Varint();  // absent in older stores
      out.trigger = std::move(t);
      break;
    }
    case kIndexName:
      out.index_of_table = r.Str();
      break;
    default:
      r.Fail();
  }
  if (!r.ok() || !r.done()) return absl::DataLossError("corrupt schema object");
  return out;
}

}  // namespace tessera::catalog
