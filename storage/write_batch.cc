#include "storage/write_batch.h"

namespace tessera::storage {

WriteBatch::Op& WriteBatch::Add(OpType type, absl::string_view key,
                                absl::string_view value) {
  return AddBorrowed(type, arena_.Copy(key), arena_.Copy(value));
}

WriteBatch::Op& WriteBatch::AddBorrowed(OpType type, absl::string_view key,
                                        absl::string_view value) {
  Op& op = ops_.emplace_back();
  op.type = type;
  op.key = key;
  op.value = value;
  return op;
}

void WriteBatch::WriteAllBorrowed(absl::Span<const Mutation> writes, Timestamp ts) {
  Op& op = AddBorrowed(OpType::kWrites, "", "");
  op.ts = ts;
  op.writes = writes;
}

void WriteBatch::Put(absl::string_view key, Timestamp ts,
                     absl::string_view value) {
  Add(OpType::kPut, key, value).ts = ts;
}

void WriteBatch::Insert(absl::string_view key, Timestamp ts,
                        absl::string_view value) {
  Op& op = Add(OpType::kPut, key, value);
  op.ts = ts;
  op.must_be_absent = true;
}

void WriteBatch::Delete(absl::string_view key, Timestamp ts) {
  Add(OpType::kDelete, key, "").ts = ts;
}

void WriteBatch::PutIntent(absl::string_view key, const TxnId& txn,
                           Timestamp ts, absl::string_view value) {
  Op& op = Add(OpType::kPutIntent, key, value);
  op.ts = ts;
  op.txn = txn;
}

void WriteBatch::DeleteIntent(absl::string_view key, const TxnId& txn,
                              Timestamp ts) {
  Op& op = Add(OpType::kDeleteIntent, key, "");
  op.ts = ts;
  op.txn = txn;
}

void WriteBatch::ResolveIntent(absl::string_view key, const TxnId& txn,
                               bool commit, Timestamp commit_ts) {
  Op& op = Add(OpType::kResolveIntent, key, "");
  op.ts = commit_ts;
  op.txn = txn;
  op.commit = commit;
}

void WriteBatch::CheckNoWritesAfter(absl::string_view start,
                                    absl::string_view end, Timestamp ts) {
  Add(OpType::kCheckNoWritesAfter, start, end).ts = ts;
}

void WriteBatch::PutInline(absl::string_view key, absl::string_view value) {
  Add(OpType::kPutInline, key, value);
}

void WriteBatch::DeleteInline(absl::string_view key) {
  Add(OpType::kDeleteInline, key, "");
}

void WriteBatch::Clear() {
  arena_.Clear();
  ops_.clear();
}

}  // namespace tessera::storage
