#include "catalog/catalog.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/match.h"
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

namespace {

// TEMP objects sort after every name: no UTF-8 text starts with 0xff.
std::string TempPrefix() { return absl::StrCat(ObjectPrefix(), "\xff"); }

std::string TempKey(absl::string_view ns, absl::string_view name) {
  return absl::StrCat(TempPrefix(), ns, "/", absl::AsciiStrToLower(name));
}

absl::StatusOr<std::optional<SchemaObject>> ReadObject(txn::Txn* txn, const std::string& key,
                                                       bool temp) {
  absl::StatusOr<std::optional<std::string>> raw = txn->Get(key);
  if (!raw.ok()) return raw.status();
  if (!raw->has_value()) return std::optional<SchemaObject>();
  absl::StatusOr<SchemaObject> obj = DecodeSchemaObject(**raw);
  if (!obj.ok()) return obj.status();
  obj->temp = temp;
  if (obj->table.has_value()) obj->table->temp = temp;
  return std::optional<SchemaObject>(*std::move(obj));
}

}  // namespace

absl::StatusOr<std::optional<SchemaObject>> LookupTempObject(txn::Txn* txn,
                                                             absl::string_view name) {
  if (txn->temp_namespace().empty()) return std::optional<SchemaObject>();
  return ReadObject(txn, TempKey(txn->temp_namespace(), name), true);
}

absl::StatusOr<std::optional<SchemaObject>> LookupObject(
    txn::Txn* txn, absl::string_view name) {
  absl::StatusOr<std::optional<SchemaObject>> temp = LookupTempObject(txn, name);
  if (!temp.ok() || temp->has_value()) return temp;
  return ReadObject(txn, ObjectKey(name), false);
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
  const bool temp = object.temp || (object.table.has_value() && object.table->temp);
  if (temp && txn->temp_namespace().empty()) {
    return absl::InternalError("a TEMP object outside a session");
  }
  const std::string key = temp ? TempKey(txn->temp_namespace(), name) : ObjectKey(name);
  if (must_not_exist) {
    absl::StatusOr<std::optional<std::string>> raw = txn->Get(key);
    if (!raw.ok()) return raw.status();
    if (raw->has_value()) {
      return absl::AlreadyExistsError(absl::StrCat(name, " already exists"));
    }
  }
  txn->Put(key, EncodeSchemaObject(object));
  return absl::OkStatus();
}

absl::Status DeleteObject(txn::Txn* txn, absl::string_view name) {
  if (!txn->temp_namespace().empty()) {
    const std::string key = TempKey(txn->temp_namespace(), name);
    absl::StatusOr<std::optional<std::string>> raw = txn->Get(key);
    if (!raw.ok()) return raw.status();
    if (raw->has_value()) {
      txn->Delete(key);
      return absl::OkStatus();
    }
  }
  txn->Delete(ObjectKey(name));
  return absl::OkStatus();
}

namespace {
std::string SettingKey(absl::string_view name) {
  return absl::StrCat(keys::kSystemPrefix, "cat/setting/", name);
}
}  // namespace

absl::StatusOr<int64_t> GetSetting(txn::Txn* txn, absl::string_view name) {
  absl::StatusOr<std::optional<std::string>> raw = txn->Get(SettingKey(name));
  if (!raw.ok()) return raw.status();
  int64_t value = 0;
  if (raw->has_value() && !absl::SimpleAtoi(**raw, &value)) {
    return absl::DataLossError(absl::StrCat("corrupt setting ", name));
  }
  return value;
}

void SetSetting(txn::Txn* txn, absl::string_view name, int64_t value) {
  txn->Put(SettingKey(name), absl::StrCat(value));
}

absl::StatusOr<std::vector<SchemaObject>> AllTempObjects(txn::Txn* txn) {
  std::vector<SchemaObject> out;
  const std::string prefix = TempPrefix();
  absl::Status decode;
  absl::Status s = txn->Scan(prefix, PrefixEnd(prefix), false,
                             [&](absl::string_view, absl::string_view v) {
                               absl::StatusOr<SchemaObject> obj = DecodeSchemaObject(v);
                               if (!obj.ok()) {
                                 decode = obj.status();
                                 return false;
                               }
                               obj->temp = true;
                               if (obj->table.has_value()) obj->table->temp = true;
                               out.push_back(*std::move(obj));
                               return true;
                             });
  if (!s.ok()) return s;
  if (!decode.ok()) return decode;
  return out;
}

absl::Status DeleteAllTempObjects(txn::Txn* txn) {
  std::vector<std::string> keys;
  const std::string prefix = TempPrefix();
  absl::Status s = txn->Scan(prefix, PrefixEnd(prefix), false,
                             [&](absl::string_view k, absl::string_view) {
                               keys.emplace_back(k);
                               return true;
                             });
  if (!s.ok()) return s;
  for (const std::string& k : keys) txn->Delete(k);
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
    txn::Txn* txn, bool include_temp) {
  std::vector<std::pair<std::string, SchemaObject>> out;
  std::string prefix = ObjectPrefix();
  absl::Status decode;
  // The session's own TEMP objects: "\xff<namespace>/<name>".
  const std::string own = txn->temp_namespace().empty() || !include_temp
                              ? std::string()
                              : absl::StrCat("\xff", txn->temp_namespace(), "/");
  std::vector<std::pair<std::string, SchemaObject>> temps;
  absl::Status s = txn->Scan(prefix, PrefixEnd(prefix), false,
                             [&](absl::string_view k, absl::string_view v) {
                               absl::string_view rest = k.substr(prefix.size());
                               const bool temp = !rest.empty() && rest[0] == '\xff';
                               if (temp && (own.empty() || !absl::StartsWith(rest, own))) {
                                 return true;  // another session's
                               }
                               absl::StatusOr<SchemaObject> obj = DecodeSchemaObject(v);
                               if (!obj.ok()) {
                                 decode = obj.status();
                                 return false;
                               }
                               if (temp) {
                                 obj->temp = true;
                                 if (obj->table.has_value()) obj->table->temp = true;
                                 temps.emplace_back(std::string(rest.substr(own.size())),
                                                    *std::move(obj));
                               } else {
                                 out.emplace_back(std::string(rest), *std::move(obj));
                               }
                               return true;
                             });
  if (!s.ok()) return s;
  if (!decode.ok()) return decode;
  for (auto& [name, obj] : temps) {
    // A TEMP object hides the main one of its name.
    out.erase(std::remove_if(out.begin(), out.end(),
                             [&](const auto& entry) { return entry.first == name; }),
              out.end());
  }
  for (auto& entry : temps) out.push_back(std::move(entry));
  return out;
}

}  // namespace tessera::catalog
