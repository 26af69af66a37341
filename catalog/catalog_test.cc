#include "catalog/catalog.h"

#include <gtest/gtest.h>

#include <random>

#include "catalog/row_codec.h"
#include "common/keys.h"
#include "txn/test_cluster.h"

namespace tessera::catalog {
namespace {

TableDescriptor SampleTable(uint32_t id) {
  TableDescriptor t;
  t.id = id;
  t.name = "Orders";
  t.columns = {{1, "id", Type::kInteger, false, false, "", ""},
               {2, "note", Type::kText, true, false, "'none'", ""},
               {3, "amount", Type::kReal, true, false, "", ""},
               {4, "flag", Type::kBoolean, true, false, "", ""},
               {5, "data", Type::kBlob, true, false, "", ""}};
  t.primary = IndexDescriptor{1, "primary", true, {1}, {SortOrder::kAscending}, ""};
  t.indexes.push_back(IndexDescriptor{2, "by_note", false, {2, 3},
                                      {SortOrder::kAscending, SortOrder::kDescending}, ""});
  t.indexes.push_back(IndexDescriptor{3, "uniq_amount", true, {3}, {SortOrder::kAscending}, ""});
  t.checks = {"amount > 0"};
  t.next_column_id = 6;
  t.next_index_id = 4;
  return t;
}

TEST(DescriptorsTest, RoundTripAndCorruption) {
  SchemaObject obj;
  obj.table = SampleTable(101);
  std::string enc = EncodeSchemaObject(obj);
  absl::StatusOr<SchemaObject> back = DecodeSchemaObject(enc);
  ASSERT_TRUE(back.ok()) << back.status();
  ASSERT_TRUE(back->table.has_value());
  EXPECT_EQ(back->table->name, "Orders");
  EXPECT_EQ(back->table->columns.size(), 5u);
  EXPECT_EQ(back->table->columns[1].default_sql, "'none'");
  EXPECT_EQ(back->table->indexes[0].orders[1], SortOrder::kDescending);
  EXPECT_EQ(back->table->checks, std::vector<std::string>{"amount > 0"});
  EXPECT_EQ(back->table->ColumnIndex("AMOUNT"), 2);
  for (size_t n = 0; n < enc.size(); ++n) {
    EXPECT_FALSE(DecodeSchemaObject(enc.substr(0, n)).ok()) << n;
  }
  std::mt19937 rng(5);
  for (int i = 0; i < 5000; ++i) {
    std::string junk = enc;
    junk[rng() % junk.size()] = static_cast<char>(rng());
    (void)DecodeSchemaObject(junk);  // never crashes
  }
  // Format 1 (stores made before the table options) still reads: the
  // same bytes without the trailing section.
  // flags; no keys, types, partial indexes, collated columns or keys,
  // generated columns, index expressions
  const size_t format1_size = enc.size() - 8;
  std::string old = enc.substr(0, format1_size);
  old[0] = 1;
  absl::StatusOr<SchemaObject> old_back = DecodeSchemaObject(old);
  ASSERT_TRUE(old_back.ok()) << old_back.status();
  EXPECT_EQ(old_back->table->checks, std::vector<std::string>{"amount > 0"});
  EXPECT_FALSE(old_back->table->without_rowid);
  SchemaObject view;
  view.view = ViewDescriptor{"v", {"x"}, "SELECT 1"};
  EXPECT_EQ(DecodeSchemaObject(EncodeSchemaObject(view))->view->select_sql, "SELECT 1");
  // A trigger keeps when it was made; one stored before that was recorded
  // (no trailing varint) reads as made at 0.
  SchemaObject trigger;
  trigger.trigger = TriggerDescriptor{"tr", "t", "CREATE TRIGGER tr ...", 1234567};
  const std::string trigger_enc = EncodeSchemaObject(trigger);
  absl::StatusOr<SchemaObject> trigger_back = DecodeSchemaObject(trigger_enc);
  ASSERT_TRUE(trigger_back.ok()) << trigger_back.status();
  EXPECT_EQ(trigger_back->trigger->created, 1234567u);
  EXPECT_EQ(trigger_back->trigger->table, "t");
  absl::StatusOr<SchemaObject> old_trigger =
      DecodeSchemaObject(trigger_enc.substr(0, trigger_enc.size() - 3));  // 1234567: 3 bytes
  ASSERT_TRUE(old_trigger.ok()) << old_trigger.status();
  EXPECT_EQ(old_trigger->trigger->created, 0u);
  EXPECT_EQ(old_trigger->trigger->create_sql, "CREATE TRIGGER tr ...");
}

TEST(DescriptorsTest, TableOptionsForeignKeysAndDeclaredTypes) {
  SchemaObject obj;
  obj.table = SampleTable(102);
  obj.table->without_rowid = true;
  obj.table->strict = true;
  obj.table->autoincrement = true;
  obj.table->foreign_keys = {{{2, 3}, "REFERENCES p(a, b) ON DELETE CASCADE"}};
  obj.table->columns[1].declared_type = "VARCHAR(20)";
  obj.table->columns[4].declared_type = "DATETIME";
  obj.table->indexes[1].where_sql = "amount > 0";
  const std::string enc = EncodeSchemaObject(obj);
  absl::StatusOr<SchemaObject> back = DecodeSchemaObject(enc);
  ASSERT_TRUE(back.ok()) << back.status();
  const TableDescriptor& t = *back->table;
  EXPECT_TRUE(t.without_rowid);
  EXPECT_TRUE(t.strict);
  EXPECT_TRUE(t.autoincrement);
  ASSERT_EQ(t.foreign_keys.size(), 1u);
  EXPECT_EQ(t.foreign_keys[0].column_ids, (std::vector<uint32_t>{2, 3}));
  EXPECT_EQ(t.foreign_keys[0].references, "REFERENCES p(a, b) ON DELETE CASCADE");
  EXPECT_EQ(t.columns[1].declared_type, "VARCHAR(20)");
  EXPECT_EQ(t.columns[4].declared_type, "DATETIME");
  EXPECT_EQ(t.columns[0].declared_type, "");
  EXPECT_EQ(t.indexes[0].where_sql, "");
  EXPECT_EQ(t.indexes[1].where_sql, "amount > 0");
  for (size_t n = 0; n < enc.size(); ++n) {
    EXPECT_FALSE(DecodeSchemaObject(enc.substr(0, n)).ok()) << n;
  }
}

TEST(DescriptorsTest, Collations) {
  SchemaObject obj;
  obj.table = SampleTable(103);
  obj.table->columns[1].collation = Collation::kNoCase;
  obj.table->indexes[0].collations = {Collation::kRtrim};
  std::string enc = EncodeSchemaObject(obj);
  absl::StatusOr<SchemaObject> back = DecodeSchemaObject(enc);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->table->columns[1].collation, Collation::kNoCase);
  EXPECT_EQ(back->table->columns[0].collation, Collation::kBinary);
  EXPECT_EQ(back->table->indexes[0].collations, std::vector<Collation>{Collation::kRtrim});
  EXPECT_TRUE(back->table->indexes[1].collations.empty());
  for (size_t n = 0; n < enc.size(); ++n) {
    EXPECT_FALSE(DecodeSchemaObject(enc.substr(0, n)).ok()) << n;
  }
  // A collation number Tessera does not know is corruption.
  std::string bad = enc;
  // (then no generated columns, no index expressions)
  ASSERT_EQ(bad.substr(bad.size() - 3),
            std::string({static_cast<char>(Collation::kRtrim), 0, 0}));
  bad[bad.size() - 3] = 9;
  EXPECT_FALSE(DecodeSchemaObject(bad).ok());
  // Format 3 (stores before collations) ends before the two lists (and
  // the generated columns): every column and key is BINARY.
  obj.table = SampleTable(104);
  std::string v3 = EncodeSchemaObject(obj);
  ASSERT_EQ(v3.substr(v3.size() - 4), std::string(4, '\0'));
  v3 = std::string(1, 3) + v3.substr(1, v3.size() - 5);
  back = DecodeSchemaObject(v3);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->table->columns[1].collation, Collation::kBinary);
}

TEST(DescriptorsTest, GeneratedColumns) {
  SchemaObject obj;
  obj.table = SampleTable(105);
  obj.table->columns[2].generated_sql = "(id * 2)";
  obj.table->columns[2].generated_stored = true;
  obj.table->columns[4].generated_sql = "upper(note)";
  const std::string enc = EncodeSchemaObject(obj);
  absl::StatusOr<SchemaObject> back = DecodeSchemaObject(enc);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->table->columns[2].generated_sql, "(id * 2)");
  EXPECT_TRUE(back->table->columns[2].generated_stored);
  EXPECT_EQ(back->table->columns[4].generated_sql, "upper(note)");
  EXPECT_FALSE(back->table->columns[4].generated_stored);
  EXPECT_EQ(back->table->columns[1].generated_sql, "");
  for (size_t n = 0; n < enc.size(); ++n) {
    EXPECT_FALSE(DecodeSchemaObject(enc.substr(0, n)).ok()) << n;
  }
  // Format 4 (stores before generated columns) ends before their list and
  // the index expressions.
  obj.table = SampleTable(106);
  std::string v4 = EncodeSchemaObject(obj);
  ASSERT_EQ(v4.substr(v4.size() - 2), std::string(2, '\0'));
  v4 = std::string(1, 4) + v4.substr(1, v4.size() - 3);
  ASSERT_TRUE(DecodeSchemaObject(v4).ok());
}

TEST(DescriptorsTest, KeyKeptAsFirstIndex) {
  SchemaObject obj;
  obj.table = SampleTable(108);
  obj.table->key_is_first_index = true;
  obj.table->indexes[0].unique = true;
  absl::StatusOr<SchemaObject> back = DecodeSchemaObject(EncodeSchemaObject(obj));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_TRUE(back->table->key_is_first_index);
  // The flag without a UNIQUE first index is corruption.
  obj.table->indexes[0].unique = false;
  EXPECT_FALSE(DecodeSchemaObject(EncodeSchemaObject(obj)).ok());
}

TEST(DescriptorsTest, IndexExpressions) {
  SchemaObject obj;
  obj.table = SampleTable(107);
  obj.table->indexes[0].column_ids = {0, 3};
  obj.table->indexes[0].expressions = {"lower(note)", ""};
  const std::string enc = EncodeSchemaObject(obj);
  absl::StatusOr<SchemaObject> back = DecodeSchemaObject(enc);
  ASSERT_TRUE(back.ok()) << back.status();
  const IndexDescriptor& ix = back->table->indexes[0];
  EXPECT_EQ(ix.expressions, (std::vector<std::string>{"lower(note)", ""}));
  EXPECT_TRUE(ix.IsExpression(0));
  EXPECT_FALSE(ix.IsExpression(1));
  EXPECT_TRUE(ix.HasExpressions());
  EXPECT_FALSE(back->table->indexes[1].HasExpressions());
  for (size_t n = 0; n < enc.size(); ++n) {
    EXPECT_FALSE(DecodeSchemaObject(enc.substr(0, n)).ok()) << n;
  }
  // The key of a row holds the expression's value as given.
  Row row = {Value::Integer(1), Value::Text("Note"), Value::Real(3), Value(), Value()};
  const std::string key = IndexEntryKeyOf(*back->table, ix, {Value::Text("note"), Value::Real(3)}, row);
  EXPECT_EQ(key.substr(0, IndexValuesPrefix(*back->table, ix, {Value::Text("note")}).size()),
            IndexValuesPrefix(*back->table, ix, {Value::Text("note")}));
}

TEST(RowCodecTest, RowsRoundTripAndSortByPrimaryKey) {
  TableDescriptor t = SampleTable(101);
  Row a = {Value::Integer(-5), Value::Text("x\0y"), Value::Real(2.5),
           Value::Boolean(true), Value::Blob("\xff")};
  Row b = {Value::Integer(7), Value(), Value::Real(-1), Value(), Value()};
  std::string ka = PrimaryKey(t, a), kb = PrimaryKey(t, b);
  EXPECT_LT(ka, kb);
  EXPECT_GE(ka, std::string(keys::kTableDataStart));
  Row back;
  ASSERT_TRUE(DecodeRow(t, ka, EncodeRowValue(t, a), &back).ok());
  EXPECT_EQ(back, a);
  ASSERT_TRUE(DecodeRow(t, kb, EncodeRowValue(t, b), &back).ok());
  EXPECT_EQ(back, b);
  EXPECT_FALSE(DecodeRow(t, "garbage", "", &back).ok());
  EXPECT_FALSE(DecodeRow(t, ka, "\x02\x09", &back).ok());
  EXPECT_EQ(PrimaryKey(t, a).substr(0, TablePrefix(101).size()), TablePrefix(101));
  // The same key from the key column's value alone.
  const std::string prefix = IndexPrefix(t.id, t.primary.id);
  for (const Row* r : {&a, &b}) {
    std::string from_value;
    AppendPrimaryKeyOfValue(t, prefix, (*r)[0], &from_value);
    EXPECT_EQ(from_value, PrimaryKey(t, *r));
  }
}

// A decoder told which columns are needed decodes those and leaves the
// rest NULL; the key and every value are still parsed past correctly.
TEST(RowCodecTest, DecoderDecodesOnlyNeededColumns) {
  TableDescriptor t = SampleTable(101);
  Row a = {Value::Integer(-5), Value::Text("a longer text than fits inline"), Value::Real(2.5),
           Value::Boolean(true), Value::Blob("\xff")};
  std::string key = PrimaryKey(t, a), value = EncodeRowValue(t, a);
  Row back;
  ASSERT_TRUE(RowDecoder(t, {false, false, true, false, true}).Decode(key, value, &back).ok());
  EXPECT_EQ(back, (Row{Value(), Value(), Value::Real(2.5), Value(), Value::Blob("\xff")}));
  ASSERT_TRUE(RowDecoder(t, {true, false, false, true, false}).Decode(key, value, &back).ok());
  EXPECT_EQ(back, (Row{Value::Integer(-5), Value(), Value(), Value::Boolean(true), Value()}));
  ASSERT_TRUE(RowDecoder(t, {}).Decode(key, value, &back).ok());
  EXPECT_EQ(back, a);
  // A value that is corrupt in an unneeded column is still an error.
  EXPECT_FALSE(RowDecoder(t, {true, false, false, false, false})
                   .Decode(key, value.substr(0, value.size() - 1), &back)
                   .ok());
  EXPECT_FALSE(RowDecoder(t, {false, false, true, false, false}).Decode("garbage", value, &back).ok());
}

TEST(RowCodecTest, IndexEntries) {
  TableDescriptor t = SampleTable(101);
  Row a = {Value::Integer(1), Value::Text("n"), Value::Real(3), Value(), Value()};
  Row b = {Value::Integer(2), Value::Text("n"), Value::Real(3), Value(), Value()};
  const IndexDescriptor& by_note = t.indexes[0];
  const IndexDescriptor& uniq = t.indexes[1];
  // Non-unique: entries differ by the appended primary key.
  EXPECT_NE(IndexEntryKey(t, by_note, a), IndexEntryKey(t, by_note, b));
  EXPECT_EQ(IndexEntryValue(t, by_note, a), "");
  // Unique: equal values collide (the constraint), and the value is the pk.
  EXPECT_EQ(IndexEntryKey(t, uniq, a), IndexEntryKey(t, uniq, b));
  EXPECT_EQ(IndexEntryValue(t, uniq, a), PrimaryKey(t, a));
  // ... but NULLs never collide.
  a[2] = Value();
  b[2] = Value();
  EXPECT_NE(IndexEntryKey(t, uniq, a), IndexEntryKey(t, uniq, b));
  std::string prefix = IndexValuesPrefix(t, by_note, {Value::Text("n")});
  EXPECT_EQ(IndexEntryKey(t, by_note, a).substr(0, prefix.size()), prefix);
}

// An index under NOCASE keys the folded text: 'N' and 'n' collide in a
// unique one, and a lookup of either value finds both.
TEST(RowCodecTest, IndexEntriesUnderACollation) {
  TableDescriptor t = SampleTable(101);
  IndexDescriptor by_note = t.indexes[0];
  by_note.collations = {Collation::kNoCase};
  Row a = {Value::Integer(1), Value::Text("Note"), Value::Real(3), Value(), Value()};
  Row b = {Value::Integer(2), Value::Text("nOTE"), Value::Real(3), Value(), Value()};
  const std::string prefix = IndexValuesPrefix(t, by_note, {Value::Text("NOTE")});
  EXPECT_EQ(prefix, IndexValuesPrefix(t, by_note, {Value::Text("note")}));
  EXPECT_EQ(IndexEntryKey(t, by_note, a).substr(0, prefix.size()), prefix);
  EXPECT_EQ(IndexEntryKey(t, by_note, b).substr(0, prefix.size()), prefix);
  by_note.unique = true;
  EXPECT_EQ(IndexEntryKey(t, by_note, a), IndexEntryKey(t, by_note, b));
  // The primary key in the entry is not folded.
  by_note.collations = {};
  EXPECT_NE(IndexValuesPrefix(t, by_note, {Value::Text("NOTE")}),
            IndexValuesPrefix(t, by_note, {Value::Text("note")}));
}

TEST(CatalogTest, ObjectsAreTransactional) {
  txn::TestCluster cluster("catalog");
  auto t1 = *cluster.coordinator->Begin();
  uint32_t id = *AllocateTableId(t1.get());
  EXPECT_GE(id, 100u);
  SchemaObject obj;
  obj.table = SampleTable(id);
  ASSERT_TRUE(PutObject(t1.get(), "Orders", obj, true).ok());
  // Visible to its own transaction, not to others before commit.
  EXPECT_TRUE(GetTable(t1.get(), "orders").ok());
  auto other = *cluster.coordinator->Begin();
  EXPECT_EQ(GetTable(other.get(), "orders").status().code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(t1->Commit().ok());
  auto t2 = *cluster.coordinator->Begin();
  absl::StatusOr<TableDescriptor> got = GetTable(t2.get(), "ORDERS");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->id, id);
  EXPECT_EQ(PutObject(t2.get(), "orders", obj, true).code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_NE(*AllocateTableId(t2.get()), id);
  ASSERT_TRUE(DeleteObject(t2.get(), "orders").ok());
  t2->Rollback();  // the drop never happened
  auto t3 = *cluster.coordinator->Begin();
  auto list = ListObjects(t3.get());
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].first, "orders");
}

}  // namespace
}  // namespace tessera::catalog
