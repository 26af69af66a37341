// Little binary codecs for our own records (descriptors, transaction records,
// MVCC value headers). Every decoder consumes from a string_view and returns
// a Status: bytes that come from disk or a peer are never trusted.

#ifndef TESSERA_COMMON_CODING_H_
#define TESSERA_COMMON_CODING_H_

#include <cstdint>
#include <cstring>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"

namespace tessera {

// Appends `v` as 8 big-endian bytes (so memcmp order == unsigned order).
void PutFixed64BE(std::string* dst, uint64_t v);
// Appends `v` as 4 big-endian bytes.
void PutFixed32BE(std::string* dst, uint32_t v);
// Appends `v` as a LEB128 varint (1-10 bytes).
void PutVarint64(std::string* dst, uint64_t v);
// Appends a varint length followed by the bytes of `s`.
void PutLengthPrefixed(std::string* dst, absl::string_view s);

// Reads 8 big-endian bytes without bounds checks; `p` must hold 8 bytes.
inline uint64_t DecodeFixed64BE(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  #if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  v = __builtin_bswap64(v);
#endif
  return v;
}
// Reads 4 big-endian bytes without bounds checks; `p` must hold 4 bytes.
inline uint32_t DecodeFixed32BE(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof v);
  #if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  v = __builtin_bswap32(v);
#endif
  return v;
}

// Consuming readers: on success they advance `*in` past what they read; on
// failure they return kDataLoss and leave `*in` unspecified.
absl::Status GetFixed64BE(absl::string_view* in, uint64_t* v);
absl::Status GetFixed32BE(absl::string_view* in, uint32_t* v);
absl::Status GetVarint64(absl::string_view* in, uint64_t* v);
absl::Status GetByte(absl::string_view* in, uint8_t* v);

// Inline forms of the two for per-row decoding loops: the common case (a
// one-byte varint, a byte present) without a call; the rest as above.
inline absl::Status GetVarint64Inline(absl::string_view* in, uint64_t* v) {
  // Up to four bytes (values below 2^28) here; longer ones, and every
  // error, through GetVarint64().
  const size_t n = in->size() < 4 ? in->size() : 4;
  uint64_t result = 0;
  for (size_t i = 0; i < n; ++i) {
    const uint8_t byte = static_cast<uint8_t>((*in)[i]);
    result |= static_cast<uint64_t>(byte & 0x7f) << (7 * i);
    if (byte < 0x80) {
      in->remove_prefix(i + 1);
      *v = result;
      return absl::OkStatus();
    }
  }
  return GetVarint64(in, v);
}
inline absl::Status GetLengthPrefixedInline(absl::string_view* in, absl::string_view* out) {
  uint64_t len = 0;
  if (absl::Status s = GetVarint64Inline(in, &len); !s.ok()) return s;
  if (len > in->size()) {
    return absl::DataLossError("truncated or corrupt encoding: length-prefixed bytes");
  }
  *out = in->substr(0, len);
  in->remove_prefix(len);
  return absl::OkStatus();
}
inline absl::Status GetByteInline(absl::string_view* in, uint8_t* v) {
  if (!in->empty()) {
    *v = static_cast<uint8_t>(in->front());
    in->remove_prefix(1);
    return absl::OkStatus();
  }
  return GetByte(in, v);
}
// The returned view aliases the input buffer.
absl::Status GetLengthPrefixed(absl::string_view* in, absl::string_view* out);

}  // namespace tessera

#endif  // TESSERA_COMMON_CODING_H_
