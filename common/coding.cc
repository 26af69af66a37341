#include "common/coding.h"

namespace tessera {

namespace {
absl::Status Truncated(absl::string_view what) {
  return absl::DataLossError(std::string("truncated or corrupt encoding: ") +
                             std::string(what));
}
}  // namespace

void PutFixed64BE(std::string* dst, uint64_t v) {
  char buf[8];
  for (int i = 7; i >= 0; --i) {
    buf[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  dst->append(buf, 8);
}

void PutFixed32BE(std::string* dst, uint32_t v) {
  char buf[4];
  for (int i = 3; i >= 0; --i) {
    buf[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  dst->append(buf, 4);
}

void PutVarint64(std::string* dst, uint64_t v) {
  while (v >= 0x80) {
    dst->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  dst->push_back(static_cast<char>(v));
}

void PutLengthPrefixed(std::string* dst, absl::string_view s) {
  PutVarint64(dst, s.size());
  dst->append(s.data(), s.size());
}

absl::Status GetFixed64BE(absl::string_view* in, uint64_t* v) {
  if (in->size() < 8) return Truncated("fixed64");
  *v = DecodeFixed64BE(in->data());
  in->remove_prefix(8);
  return absl::OkStatus();
}

absl::Status GetFixed32BE(absl::string_view* in, uint32_t* v) {
  if (in->size() < 4) return Truncated("fixed32");
  *v = DecodeFixed32BE(in->data());
  in->remove_prefix(4);
  return absl::OkStatus();
}

absl::Status GetVarint64(absl::string_view* in, uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0, i = 0; i < 10; ++i, shift += 7) {
    if (static_cast<size_t>(i) >= in->size()) return Truncated("varint");
    uint8_t byte = static_cast<uint8_t>((*in)[i]);
    if (i == 9 && byte > 1) return Truncated("varint overflow");
    result |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      in->remove_prefix(i + 1);
      *v = result;
      return absl::OkStatus();
    }
  }
  return Truncated("varint too long");
}

absl::Status GetByte(absl::string_view* in, uint8_t* v) {
  if (in->empty()) return Truncated("byte");
  *v = static_cast<uint8_t>(in->front());
  in->remove_prefix(1);
  return absl::OkStatus();
}

absl::Status GetLengthPrefixed(absl::string_view* in, absl::string_view* out) {
  uint64_t len = 0;
  if (absl::Status s = GetVarint64(in, &len); !s.ok()) return s;
  if (len > in->size()) return Truncated("length-prefixed bytes");
  *out = in->substr(0, len);
  in->remove_prefix(len);
  return absl::OkStatus();
}

}  // namespace tessera
