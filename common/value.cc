#include "common/value.h"

#include <cstdlib>
#include <cstring>

#include <cmath>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace tessera {

absl::string_view TypeName(Type type) {
  switch (type) {
    case Type::kNull:
      return "NULL";
    case Type::kInteger:
      return "INTEGER";
    case Type::kReal:
      return "REAL";
    case Type::kText:
      return "TEXT";
    case Type::kBlob:
      return "BLOB";
    case Type::kBoolean:
      return "BOOLEAN";
    case Type::kNumeric:
      return "NUMERIC";
  }
  return "UNKNOWN";
}

Value Value::Integer(int64_t v) {
  Value out;
  out.type_ = Type::kInteger;
  out.int_ = v;
  return out;
}

Value Value::Real(double v) {
  Value out;
  out.type_ = Type::kReal;
  out.real_ = v;
  return out;
}

Value Value::String(Type type, absl::string_view v) {
  Value out;
  out.type_ = type;
  if (v.size() <= kInlineBytes) {
    out.small_size_ = static_cast<uint8_t>(v.size());
    if (!v.empty()) std::memcpy(out.small_, v.data(), v.size());
  } else {
    out.big_.data = new char[v.size()];
    out.big_.size = v.size();
    std::memcpy(out.big_.data, v.data(), v.size());
    out.heap_ = true;
  }
  return out;
}

Value Value::Text(absl::string_view v) { return String(Type::kText, v); }

Value Value::Blob(absl::string_view v) { return String(Type::kBlob, v); }

std::string RealLiteral(double d) {
  if (std::isnan(d)) return "NULL";
  if (std::isinf(d)) return d > 0 ? "9e999" : "-9e999";
  std::string s = absl::StrFormat("%.15g", d);
  if (std::strtod(s.c_str(), nullptr) != d || std::signbit(d) != (s[0] == '-')) {
    s = absl::StrFormat("%.17g", d);
  }
  if (s.find('.') == std::string::npos) {
    const size_t e = s.find_first_of("eE");
    s.insert(e == std::string::npos ? s.size() : e, ".0");
  }
  return s;
}

Value Value::Json(absl::string_view v) {
  Value out = String(Type::kText, v);
  out.json_ = true;
  return out;
}

void Value::CopyHeapBytes(const Value& other) {
  big_.size = other.big_.size;
  big_.data = new char[big_.size];
  std::memcpy(big_.data, other.big_.data, big_.size);
  heap_ = true;
}

Value Value::Boolean(bool v) {
  Value out;
  out.type_ = Type::kBoolean;
  out.int_ = v ? 1 : 0;
  return out;
}

double Value::AsDouble() const {
  if (type_ == Type::kInteger) return static_cast<double>(int_);
  if (type_ == Type::kReal) return real_;
  return 0.0;
}

namespace {

// Rank of each type class in the total order; INTEGER and REAL share a rank.
int TypeRank(Type t) {
  switch (t) {
    case Type::kNumeric:  // no value has it
    case Type::kNull:
      return 0;
    case Type::kBoolean:
      return 1;
    case Type::kInteger:
    case Type::kReal:
      return 2;
    case Type::kText:
      return 3;
    case Type::kBlob:
      return 4;
  }
  return 5;
}

int Sign(int64_t a, int64_t b) { return a < b ? -1 : (a > b ? 1 : 0); }

int CompareReals(double a, double b) {
  bool na = std::isnan(a), nb = std::isnan(b);
  if (na || nb) return na && nb ? 0 : (na ? -1 : 1);
  return a < b ? -1 : (a > b ? 1 : 0);
}

// Exact comparison of an int64 with a double.
int CompareIntReal(int64_t i, double d) {
  if (std::isnan(d)) return 1;
  // 2^63 as a double; every int64 is below it.
  constexpr double kTwo63 = 9223372036854775808.0;
  if (d >= kTwo63) return -1;
  if (d < -kTwo63) return 1;
  double truncated = std::trunc(d);
  int64_t di = static_cast<int64_t>(truncated);  // in range: checked above
  if (i != di) return Sign(i, di);
  double frac = d - truncated;
  return frac > 0 ? -1 : (frac < 0 ? 1 : 0);
}

}  // namespace

int Value::Compare(const Value& a, const Value& b) {
  int ra = TypeRank(a.type_), rb = TypeRank(b.type_);
  if (ra != rb) return ra < rb ? -1 : 1;
  switch (a.type_) {
    case Type::kNumeric:  // no value has it
    case Type::kNull:
      return 0;
    case Type::kBoolean:
      return Sign(a.int_, b.int_);
    case Type::kInteger:
      if (b.type_ == Type::kInteger) return Sign(a.int_, b.int_);
      return CompareIntReal(a.int_, b.real_);
    case Type::kReal:
      if (b.type_ == Type::kReal) return CompareReals(a.real_, b.real_);
      return -CompareIntReal(b.int_, a.real_);
    case Type::kText:
    case Type::kBlob: {
      int c = a.bytes().compare(b.bytes());
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
  }
  return 0;
}

std::optional<int> Value::SqlCompare(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return std::nullopt;
  return Compare(a, b);
}

std::string Value::ToString() const {
  switch (type_) {
    case Type::kNumeric:  // no value has it
    case Type::kNull:
      return "NULL";
    case Type::kInteger:
      return absl::StrCat(int_);
    case Type::kReal:
      if (std::isnan(real_)) return "NaN";
      if (std::isinf(real_)) return real_ > 0 ? "Inf" : "-Inf";
      return absl::StrFormat("%.15g", real_);
    case Type::kText:
      return std::string(bytes());
    case Type::kBlob:
      return absl::StrCat("X'", absl::BytesToHexString(bytes()), "'");
    case Type::kBoolean:
      return int_ ? "true" : "false";
  }
  return "?";
}

}  // namespace tessera
