#include "storage/mvcc_key.h"

#include <cstring>

#include "common/coding.h"

namespace tessera::storage {

void AppendMvccKey(std::string* dst, absl::string_view user_key,
                   Timestamp ts) {
  dst->append(user_key.data(), user_key.size());
  PutFixed64BE(dst, ~static_cast<uint64_t>(ts.wall_ms));
  PutFixed32BE(dst, ~ts.logical);
}

bool SplitMvccKey(absl::string_view raw, absl::string_view* user_key,
                  Timestamp* ts) {
  if (raw.size() < kTimestampSuffixSize) return false;
  size_t n = raw.size() - kTimestampSuffixSize;
  *user_key = raw.substr(0, n);
  ts->wall_ms = static_cast<int64_t>(~DecodeFixed64BE(raw.data() + n));
  ts->logical = ~DecodeFixed32BE(raw.data() + n + 8);
  return true;
}

namespace {

// memcmp for the short keys LMDB compares many times per lookup: eight
// bytes at a time as big-endian words, without a library call.
inline int CompareBytes(const char* a, const char* b, size_t n) {
  while (n >= 8) {
    uint64_t x, y;
    std::memcpy(&x, a, 8);
    std::memcpy(&y, b, 8);
    if (x != y) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
      x = __builtin_bswap64(x);
      y = __builtin_bswap64(y);
#endif
      return x < y ? -1 : 1;
    }
    a += 8;
    b += 8;
    n -= 8;
  }
  for (; n > 0; --n, ++a, ++b) {
    if (*a != *b) return static_cast<unsigned char>(*a) < static_cast<unsigned char>(*b) ? -1 : 1;
  }
  return 0;
}

}  // namespace

int CompareMvccKeys(const MDB_val* a, const MDB_val* b) {
  const char* pa = static_cast<const char*>(a->mv_data);
  const char* pb = static_cast<const char*>(b->mv_data);
  if (a->mv_size < kTimestampSuffixSize || b->mv_size < kTimestampSuffixSize) {
    // Not an MVCC key (corruption); still a total order.
    size_t n = a->mv_size < b->mv_size ? a->mv_size : b->mv_size;
    int c = CompareBytes(pa, pb, n);
    if (c != 0) return c;
    return a->mv_size < b->mv_size ? -1 : (a->mv_size > b->mv_size ? 1 : 0);
  }
  size_t ua = a->mv_size - kTimestampSuffixSize;
  size_t ub = b->mv_size - kTimestampSuffixSize;
  size_t n = ua < ub ? ua : ub;
  int c = CompareBytes(pa, pb, n);
  if (c != 0) return c;
  if (ua != ub) return ua < ub ? -1 : 1;
  return CompareBytes(pa + ua, pb + ub, kTimestampSuffixSize);
}

size_t EncodedVersionSize(VersionKind kind, size_t payload_size) {
  return 1 + (IsIntent(kind) ? kTxnIdSize : 0) + payload_size;
}

void EncodeVersionInto(char* dst, VersionKind kind, absl::string_view txn_id,
                       absl::string_view payload) {
  *dst++ = static_cast<char>(kind);
  if (IsIntent(kind)) {
    std::memcpy(dst, txn_id.data(), kTxnIdSize);
    dst += kTxnIdSize;
  }
  if (!payload.empty()) std::memcpy(dst, payload.data(), payload.size());
}

absl::Status DecodeVersion(absl::string_view raw, VersionView* out) {
  if (raw.empty()) return absl::DataLossError("corrupt MVCC value: empty");
  uint8_t k = static_cast<uint8_t>(raw[0]);
  if (k < 1 || k > 5) {
    return absl::DataLossError("corrupt MVCC value: unknown version kind");
  }
  out->kind = static_cast<VersionKind>(k);
  raw.remove_prefix(1);
  if (IsIntent(out->kind)) {
    if (raw.size() < kTxnIdSize) {
      return absl::DataLossError("corrupt MVCC intent: truncated txn id");
    }
    out->txn_id = raw.substr(0, kTxnIdSize);
    raw.remove_prefix(kTxnIdSize);
  } else {
    out->txn_id = absl::string_view();
  }
  if (IsTombstone(out->kind) && !raw.empty()) {
    return absl::DataLossError("corrupt MVCC value: tombstone with payload");
  }
  out->payload = raw;
  return absl::OkStatus();
}

}  // namespace tessera::storage
