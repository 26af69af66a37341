#include "kv/api.h"

namespace tessera::kv {

KvRequest KvRequest::Get(std::string key) {
  KvRequest r;
  r.type = Type::kGet;
  r.key = std::move(key);
  return r;
}

KvRequest KvRequest::Put(std::string key, std::string value) {
  KvRequest r;
  r.type = Type::kPut;
  r.key = std::move(key);
  r.value = std::move(value);
  return r;
}

KvRequest KvRequest::Delete(std::string key) {
  KvRequest r;
  r.type = Type::kDelete;
  r.key = std::move(key);
  return r;
}

KvRequest KvRequest::Scan(std::string start, std::string end, size_t max_rows,
                          bool reverse) {
  KvRequest r;
  r.type = Type::kScan;
  r.key = std::move(start);
  r.end_key = std::move(end);
  r.max_rows = max_rows;
  r.reverse = reverse;
  return r;
}

}  // namespace tessera::kv
