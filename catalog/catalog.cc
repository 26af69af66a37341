#include "catalog/catalog.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/key_encoding.h"
#include "common/keys.h"

namespace tessera::catalog {

namespace {

std::string ObjectPrefix() { return absl::StrCat(keys::kSystemPrefix, "cat/n/"); }

std::string ObjectKey(absl::string_view name) {
  return ObjectPrefix() + absl::AsciiStrToLower(name);
}

}  // namespace

const std::pair<std::string, std::string>& ObjectSpan() {
  // Built once: cached plans and tables note it as read on every use.
  static const auto* span = [] {
    std::string start = ObjectPrefix();
    return new std::pair<std::string, std::string>(start, PrefixEnd(start));
  }();
  return *span;
}

namespace {

std::string IdCounterKey() { return absl::StrCat(keys::kSystemPrefix, "cat/next-id"); }

constexpr uint32_t kFirstTableId = 100;

}  // namespace

absl::StatusOr<std::optional<SchemaObject>> LookupObject(
    txn::Txn* txn, absl::string_view name) {
  absl::StatusOr<std::optional<std::string>> raw = txn->Get(ObjectKey(name));
  if (!raw.ok()) return raw.status();
  if (!raw->has_value()) return std::optional<SchemaObject>();
  absl::StatusOr<SchemaObject> obj = DecodeSchemaObject(**raw);
  if (!obj.ok()) return obj.status();
  return std::optional<SchemaObject>(*std::move(obj));
}

absl::StatusOr<TableDescriptor> GetTable(txn::Txn* txn, absl::string_view name) {
  absl::StatusOr<std::optional<SchemaObject>> obj = LookupObject(txn, name);
  if (!obj.ok()) return obj.status();
  if (!obj->has_value() || !(*obj)->table.has_value()) {
    return absl::NotFoundError(absl::StrCat("no such table: ", name));
  }
  return *(*obj)->table;
}

absl::Status PutObject(txn::Txn* txn, absl::string_view name,
                       const SchemaObject& object, bool must_not_exist) {
  if (must_not_exist) {
    absl::StatusOr<std::optional<std::string>> raw = txn->Get(ObjectKey(name));
    if (!raw.ok()) return raw.status();
    if (raw->has_value()) {
      return absl::AlreadyExistsError(absl::StrCat(name, " already exists"));
    }
  }
  txn->Put(ObjectKey(name), EncodeSchemaObject(object));
  return absl::OkStatus();
}

absl::Status DeleteObject(txn::Txn* txn, absl::string_view name) {
  txn->Delete(ObjectKey(name));
  return absl::OkStatus();
}

absl::StatusOr<uint32_t> AllocateTableId(txn::Txn* txn) {
  absl::StatusOr<std::optional<std::string>> raw = txn->Get(IdCounterKey());
  if (!raw.ok()) return raw.status();
  uint32_t next = kFirstTableId;
  if (raw->has_value() && !absl::SimpleAtoi(**raw, &next)) {
    return absl::DataLossError("corrupt table id counter");
  }
  txn->Put(IdCounterKey(), absl::StrCat(next + 1));
  return next;
}

absl::StatusOr<std::vector<std::pair<std::string, SchemaObject>>> ListObjects(
    txn::Txn* txn) {
  std::vector<std::pair<std::string, SchemaObject>> out;
  std::string prefix = ObjectPrefix();
  absl::Status decode;
  absl::Status s = txn->Scan(prefix, PrefixEnd(prefix), false,
                             [&](absl::string_view k, absl::string_view v) {
                               absl::StatusOr<SchemaObject> obj = DecodeSchemaObject(v);
                               if (!obj.ok()) {
                                 decode = obj.status();
                                 return false;
                               }
                               out.emplace_back(std::string(k.substr(prefix.size())),
                                                *std::move(obj));
                               return true;
                             });
  if (!s.ok()) return s;
  if (!decode.ok()) return decode;
  return out;
}

}  // namespace tessera::catalog
