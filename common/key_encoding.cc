#include "common/key_encoding.h"

#include <cmath>
#include <cstring>

#include "common/value.h"

namespace tessera {

namespace {

constexpr uint8_t kTagNull = 0x05;
constexpr uint8_t kTagBoolean = 0x10;
constexpr uint8_t kTagInteger = 0x20;
constexpr uint8_t kTagReal = 0x28;
constexpr uint8_t kTagText = 0x30;
constexpr uint8_t kTagBlob = 0x40;
constexpr uint8_t kEscape = 0x00;
constexpr uint8_t kEscapedZero = 0xFF;
constexpr uint8_t kTerminator = 0x01;

uint8_t Mask(SortOrder order) {
  return order == SortOrder::kDescending ? 0xFF : 0x00;
}

void Put(std::string* dst, uint8_t b, uint8_t mask) {
  dst->push_back(static_cast<char>(b ^ mask));
}

void Put64(std::string* dst, uint64_t v, uint8_t mask) {
  char buf[8];
  for (int i = 7; i >= 0; --i) {
    buf[i] = static_cast<char>(static_cast<uint8_t>(v & 0xff) ^ mask);
    v >>= 8;
  }
  dst->append(buf, 8);
}

void PutEscaped(std::string* dst, absl::string_view bytes, uint8_t mask) {
  for (char c : bytes) {
    uint8_t b = static_cast<uint8_t>(c);
    if (b == kEscape) {
      Put(dst, kEscape, mask);
      Put(dst, kEscapedZero, mask);
    } else {
      Put(dst, b, mask);
    }
  }
  Put(dst, kEscape, mask);
  Put(dst, kTerminator, mask);
}

uint64_t RealToOrderedBits(double d) {
  if (std::isnan(d)) return 0;
  if (d == 0.0) d = 0.0;  // folds -0.0 into +0.0
  uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  constexpr uint64_t kSign = uint64_t{1} << 63;
  return (bits & kSign) ? ~bits : (bits | kSign);
}

double OrderedBitsToReal(uint64_t v) {
  if (v == 0) return std::nan("");
  constexpr uint64_t kSign = uint64_t{1} << 63;
  uint64_t bits = (v & kSign) ? (v & ~kSign) : ~v;
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

absl::Status Corrupt(const char* what) {
  return absl::DataLossError(std::string("corrupt key encoding: ") + what);
}

}  // namespace

void EncodeKeyValue(const Value& value, SortOrder order, std::string* dst) {
  const uint8_t mask = Mask(order);
  switch (value.type()) {
    case Type::kNumeric:  // no value has it
    case Type::kNull:
      Put(dst, kTagNull, mask);
      return;
    case Type::kBoolean:
      Put(dst, kTagBoolean, mask);
      Put(dst, value.boolean() ? 1 : 0, mask);
      return;
    case Type::kInteger:
      Put(dst, kTagInteger, mask);
      Put64(dst, static_cast<uint64_t>(value.integer()) ^ (uint64_t{1} << 63),
            mask);
      return;
    case Type::kReal:
      Put(dst, kTagReal, mask);
      Put64(dst, RealToOrderedBits(value.real()), mask);
      return;
    case Type::kText:
      Put(dst, kTagText, mask);
      PutEscaped(dst, value.bytes(), mask);
      return;
    case Type::kBlob:
      Put(dst, kTagBlob, mask);
      PutEscaped(dst, value.bytes(), mask);
      return;
  }
}

absl::Status DecodeKeyValue(absl::string_view* in, SortOrder order,
                            Value* out) {
  const uint8_t mask = Mask(order);
  if (in->empty()) return Corrupt("empty input");
  const uint8_t tag = static_cast<uint8_t>((*in)[0]) ^ mask;
  in->remove_prefix(1);
  auto read64 = [&](uint64_t* v) -> absl::Status {
    if (in->size() < 8) return Corrupt("truncated 8-byte value");
    uint64_t r = 0;
    for (int i = 0; i < 8; ++i) {
      r = (r << 8) | (static_cast<uint8_t>((*in)[i]) ^ mask);
    }
    in->remove_prefix(8);
    *v = r;
    return absl::OkStatus();
  };
  switch (tag) {
    case kTagNull:
      *out = Value::Null();
      return absl::OkStatus();
    case kTagBoolean: {
      if (in->empty()) return Corrupt("truncated boolean");
      uint8_t b = static_cast<uint8_t>((*in)[0]) ^ mask;
      if (b > 1) return Corrupt("boolean byte out of range");
      in->remove_prefix(1);
      *out = Value::Boolean(b == 1);
      return absl::OkStatus();
    }
    case kTagInteger: {
      uint64_t v = 0;
      if (absl::Status s = read64(&v); !s.ok()) return s;
      *out = Value::Integer(static_cast<int64_t>(v ^ (uint64_t{1} << 63)));
      return absl::OkStatus();
    }
    case kTagReal: {
      uint64_t v = 0;
      if (absl::Status s = read64(&v); !s.ok()) return s;
      *out = Value::Real(OrderedBitsToReal(v));
      return absl::OkStatus();
    }
    case kTagText:
    case kTagBlob: {
      std::string bytes;
      size_t i = 0;
      while (true) {
        if (i >= in->size()) return Corrupt("unterminated string");
        uint8_t b = static_cast<uint8_t>((*in)[i]) ^ mask;
        if (b != kEscape) {
          bytes.push_back(static_cast<char>(b));
          ++i;
          continue;
        }
        if (i + 1 >= in->size()) return Corrupt("truncated escape");
        uint8_t next = static_cast<uint8_t>((*in)[i + 1]) ^ mask;
        i += 2;
        if (next == kTerminator) break;
        if (next != kEscapedZero) return Corrupt("bad escape byte");
        bytes.push_back('\0');
      }
      in->remove_prefix(i);
      *out = tag == kTagText ? Value::Text(bytes) : Value::Blob(bytes);
      return absl::OkStatus();
    }
    default:
      return Corrupt("unknown type tag");
  }
}

void EncodeKeyTuple(const std::vector<Value>& values,
                    const std::vector<SortOrder>& orders, std::string* dst) {
  for (size_t i = 0; i < values.size(); ++i) {
    EncodeKeyValue(values[i],
                   i < orders.size() ? orders[i] : SortOrder::kAscending, dst);
  }
}

absl::Status DecodeKeyTuple(absl::string_view* in,
                            const std::vector<SortOrder>& orders,
                            std::vector<Value>* out) {
  out->clear();
  out->reserve(orders.size());
  for (SortOrder order : orders) {
    Value v;
    if (absl::Status s = DecodeKeyValue(in, order, &v); !s.ok()) return s;
    out->push_back(std::move(v));
  }
  return absl::OkStatus();
}

std::string PrefixEnd(absl::string_view prefix) {
  std::string end(prefix);
  while (!end.empty()) {
    uint8_t last = static_cast<uint8_t>(end.back());
    if (last != 0xFF) {
      end.back() = static_cast<char>(last + 1);
      return end;
    }
    end.pop_back();
  }
  return end;
}

}  // namespace tessera
