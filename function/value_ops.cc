#include "function/value_ops.h"

#include <cmath>
#include <cstdlib>
#include <limits>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/utf8.h"

namespace tessera::function {

namespace {

// Parses the longest numeric prefix of `s` (after leading spaces). `end`
// (if set) receives the offset just past the number, 0 when there is none.
Value NumericPrefix(absl::string_view s, size_t* end = nullptr) {
  if (end != nullptr) *end = 0;
  size_t i = 0;
  while (i < s.size() && absl::ascii_isspace(static_cast<unsigned char>(s[i]))) ++i;
  size_t start = i;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  size_t digits_start = i;
  while (i < s.size() && absl::ascii_isdigit(static_cast<unsigned char>(s[i]))) ++i;
  bool integral = true;
  size_t int_end = i;
  if (i < s.size() && s[i] == '.') {
    size_t j = i + 1;
    while (j < s.size() && absl::ascii_isdigit(static_cast<unsigned char>(s[j]))) ++j;
    if (j > i + 1 || int_end > digits_start) {
      integral = false;
      i = j;
    }
  }
  if (int_end == digits_start && integral) return Value::Integer(0);  // no digits
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    size_t j = i + 1;
    if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
    size_t exp_start = j;
    while (j < s.size() && absl::ascii_isdigit(static_cast<unsigned char>(s[j]))) ++j;
    if (j > exp_start) {
      integral = false;
      i = j;
    }
  }
  if (end != nullptr) *end = i;
  std::string num(s.substr(start, i - start));
  if (integral) {
    errno = 0;
    long long v = std::strtoll(num.c_str(), nullptr, 10);
    if (errno != ERANGE) return Value::Integer(v);
  }
  return Value::Real(std::strtod(num.c_str(), nullptr));
}

bool IsInt(const Value& v) { return v.type() == Type::kInteger; }

double D(const Value& n) {
  return n.type() == Type::kInteger ? static_cast<double>(n.integer()) : n.real();
}

Value RealOrNull(double d) {
  if (std::isnan(d)) return Value::Null();
  return Value::Real(d);
}

template <typename IntOp, typename RealOp>
Value Arith(const Value& a, const Value& b, IntOp int_op, RealOp real_op) {
  if (a.is_null() || b.is_null()) return Value::Null();
  Value x = ToNumeric(a), y = ToNumeric(b);
  if (IsInt(x) && IsInt(y)) {
    int64_t out;
    if (!int_op(x.integer(), y.integer(), &out)) {
      return RealOrNull(real_op(D(x), D(y)));  // overflow: fall back to REAL
    }
    return Value::Integer(out);
  }
  return RealOrNull(real_op(D(x), D(y)));
}

int64_t ToInt64(const Value& v) {
  Value n = ToNumeric(v);
  if (IsInt(n)) return n.integer();
  double d = n.real();
  if (std::isnan(d)) return 0;
  if (d >= 9223372036854775807.0) return INT64_MAX;
  if (d <= -9223372036854775808.0) return INT64_MIN;
  return static_cast<int64_t>(d);
}

// Rank of a storage class in comparisons: numbers < TEXT < BLOB.
int ClassRank(const Value& v) {
  switch (v.type()) {
    case Type::kText:
      return 2;
    case Type::kBlob:
      return 3;
    default:
      return 1;  // INTEGER, REAL, BOOLEAN
  }
}

}  // namespace

Value ToNumeric(const Value& v) {
  switch (v.type()) {
    case Type::kNumeric:  // no value has it
    case Type::kNull:
    case Type::kInteger:
    case Type::kReal:
      return v;
    case Type::kBoolean:
      return Value::Integer(v.boolean() ? 1 : 0);
    case Type::kText:
    case Type::kBlob:
      return NumericPrefix(v.bytes());
  }
  return Value::Null();
}

std::optional<Value> ToNumberIfNumeric(const Value& v) {
  switch (v.type()) {
    case Type::kInteger:
    case Type::kReal:
      return v;
    case Type::kBoolean:
      return Value::Integer(v.boolean() ? 1 : 0);
    case Type::kText: {
      absl::string_view s = v.bytes();
      size_t end;
      Value n = NumericPrefix(s, &end);
      if (end == 0) return std::nullopt;
      while (end < s.size() && absl::ascii_isspace(static_cast<unsigned char>(s[end]))) ++end;
      if (end != s.size()) return std::nullopt;
      return n;
    }
    default:
      return std::nullopt;  // NULL, BLOB
  }
}

std::optional<double> ToDoubleIfNumeric(const Value& v) {
  std::optional<Value> n = ToNumberIfNumeric(v);
  if (!n.has_value()) return std::nullopt;
  return D(*n);
}

namespace {

// A REAL that is an INTEGER exactly, as the INTEGER; any other value as it is.
Value ExactInteger(const Value& v) {
  if (v.type() == Type::kReal && std::trunc(v.real()) == v.real() &&
      v.real() >= -9223372036854775808.0 && v.real() < 9223372036854775808.0) {
    return Value::Integer(static_cast<int64_t>(v.real()));
  }
  return v;
}

}  // namespace

Value ToNumericAffinity(const Value& v) {
  if (v.type() == Type::kBoolean) return Value::Integer(v.boolean() ? 1 : 0);
  if (v.type() == Type::kText) {
    std::optional<Value> n = ToNumberIfNumeric(v);
    return n.has_value() ? ExactInteger(*n) : v;
  }
  return ExactInteger(v);
}

Value ApplyAffinity(const Value& v, Type affinity) {
  const bool numeric = affinity == Type::kInteger || affinity == Type::kReal ||
                       affinity == Type::kBoolean || affinity == Type::kNumeric;
  if (numeric && v.type() == Type::kText) {
    if (std::optional<Value> n = ToNumberIfNumeric(v)) return *n;
  } else if (affinity == Type::kText &&
             (v.type() == Type::kInteger || v.type() == Type::kReal)) {
    return Value::Text(RenderText(v));
  }
  return v;
}

std::optional<bool> Truth(const Value& v) {
  if (v.is_null()) return std::nullopt;
  Value n = ToNumeric(v);
  return IsInt(n) ? n.integer() != 0 : n.real() != 0.0;
}

Value Add(const Value& a, const Value& b) {
  return Arith(
      a, b, [](int64_t x, int64_t y, int64_t* o) { return !__builtin_add_overflow(x, y, o); },
      [](double x, double y) { return x + y; });
}

Value Subtract(const Value& a, const Value& b) {
  return Arith(
      a, b, [](int64_t x, int64_t y, int64_t* o) { return !__builtin_sub_overflow(x, y, o); },
      [](double x, double y) { return x - y; });
}

Value Multiply(const Value& a, const Value& b) {
  return Arith(
      a, b, [](int64_t x, int64_t y, int64_t* o) { return !__builtin_mul_overflow(x, y, o); },
      [](double x, double y) { return x * y; });
}

Value Divide(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return Value::Null();
  Value x = ToNumeric(a), y = ToNumeric(b);
  if (IsInt(x) && IsInt(y)) {
    if (y.integer() == 0) return Value::Null();
    if (x.integer() == INT64_MIN && y.integer() == -1) {
      return Value::Real(-static_cast<double>(INT64_MIN));
    }
    return Value::Integer(x.integer() / y.integer());  // truncates toward 0
  }
  if (D(y) == 0.0) return Value::Null();
  return RealOrNull(D(x) / D(y));
}

Value Remainder(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return Value::Null();
  Value x = ToNumeric(a), y = ToNumeric(b);
  if (IsInt(x) && IsInt(y)) {
    if (y.integer() == 0) return Value::Null();
    if (y.integer() == -1) return Value::Integer(0);
    return Value::Integer(x.integer() % y.integer());
  }
  double dy = D(y);
  if (dy == 0.0) return Value::Null();
  return RealOrNull(std::fmod(D(x), dy));
}

Value Negate(const Value& v) {
  if (v.is_null()) return v;
  Value n = ToNumeric(v);
  if (IsInt(n)) {
    if (n.integer() == INT64_MIN) return Value::Real(-static_cast<double>(INT64_MIN));
    return Value::Integer(-n.integer());
  }
  return Value::Real(-n.real());
}

std::string RenderText(const Value& v) {
  switch (v.type()) {
    case Type::kNumeric:  // no value has it
    case Type::kNull:
      return "";
    case Type::kInteger:
      return absl::StrCat(v.integer());
    case Type::kReal: {
      double d = v.real();
      if (std::isinf(d)) return d > 0 ? "Inf" : "-Inf";
      // SQLite's "%!.15g": never a negative zero, and a '.' always, also
      // in an exponent form ("1.0e+300").
      std::string s = absl::StrFormat("%.15g", d == 0 ? 0.0 : d);
      if (s.find_first_of(".n") == std::string::npos) {
        const size_t e = s.find_first_of("eE");
        s.insert(e == std::string::npos ? s.size() : e, ".0");
      }
      return s;
    }
    case Type::kBoolean:
      return v.boolean() ? "1" : "0";
    case Type::kText:
    case Type::kBlob:
      return std::string(v.bytes());
  }
  return "";
}

Value Concat(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return Value::Null();
  return Value::Text(RenderText(a) + RenderText(b));
}

Value BitAnd(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return Value::Null();
  return Value::Integer(ToInt64(a) & ToInt64(b));
}

Value BitOr(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return Value::Null();
  return Value::Integer(ToInt64(a) | ToInt64(b));
}

Value ShiftLeft(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return Value::Null();
  int64_t x = ToInt64(a), n = ToInt64(b);
  if (n < 0) return ShiftRight(a, Value::Integer(n == INT64_MIN ? INT64_MAX : -n));
  if (n >= 64) return Value::Integer(0);
  return Value::Integer(static_cast<int64_t>(static_cast<uint64_t>(x) << n));
}

Value ShiftRight(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return Value::Null();
  int64_t x = ToInt64(a), n = ToInt64(b);
  if (n < 0) return ShiftLeft(a, Value::Integer(n == INT64_MIN ? INT64_MAX : -n));
  if (n >= 64) return Value::Integer(x < 0 ? -1 : 0);
  return Value::Integer(x >> n);
}

Value BitNot(const Value& v) {
  if (v.is_null()) return v;
  return Value::Integer(~ToInt64(v));
}

std::optional<int> Compare(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return std::nullopt;
  int ra = ClassRank(a), rb = ClassRank(b);
  if (ra != rb) return ra < rb ? -1 : 1;
  if (ra == 1) {
    // Booleans compare as 0/1 integers.
    Value x = a.type() == Type::kBoolean ? ToNumeric(a) : a;
    Value y = b.type() == Type::kBoolean ? ToNumeric(b) : b;
    return Value::Compare(x, y);
  }
  int c = a.bytes().compare(b.bytes());
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

bool IsDistinctFrom(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return a.is_null() != b.is_null();
  return *Compare(a, b) != 0;
}

Value And(const Value& a, const Value& b) {
  std::optional<bool> x = Truth(a), y = Truth(b);
  if ((x.has_value() && !*x) || (y.has_value() && !*y)) return Value::Integer(0);
  if (!x.has_value() || !y.has_value()) return Value::Null();
  return Value::Integer(1);
}

Value Or(const Value& a, const Value& b) {
  std::optional<bool> x = Truth(a), y = Truth(b);
  if ((x.has_value() && *x) || (y.has_value() && *y)) return Value::Integer(1);
  if (!x.has_value() || !y.has_value()) return Value::Null();
  return Value::Integer(0);
}

Value Not(const Value& v) {
  std::optional<bool> x = Truth(v);
  if (!x.has_value()) return Value::Null();
  return Value::Integer(*x ? 0 : 1);
}

namespace {

// The matchers below work on characters. Text that is all ASCII is
// matched byte by byte as it is; other text is decoded to code points
// first, so '_', '?' and GLOB's classes take one character, 'é' as much as
// 'e' (as SQLite's do). Bytes that are not UTF-8 count as one character.
struct Bytes {
  absl::string_view v;
  size_t size() const { return v.size(); }
  uint32_t operator[](size_t i) const { return static_cast<unsigned char>(v[i]); }
};

struct CodePoints {
  explicit CodePoints(absl::string_view s) : v(utf8::Decode(s)) {}
  std::vector<uint32_t> v;
  size_t size() const { return v.size(); }
  uint32_t operator[](size_t i) const { return v[i]; }
};

bool IsAscii(absl::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// LIKE folds ASCII letters only, as SQLite does by default.
uint32_t FoldAscii(uint32_t c) { return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c; }

template <typename Seq>
bool LikeMatch(const Seq& s, const Seq& p, int64_t escape) {
  // Iterative matcher with backtracking on the last '%'.
  size_t si = 0, pi = 0;
  size_t star_p = absl::string_view::npos, star_s = 0;
  while (si < s.size()) {
    if (pi < p.size()) {
      const uint32_t pc = p[pi];
      if (escape >= 0 && pc == static_cast<uint32_t>(escape) && pi + 1 < p.size()) {
        if (FoldAscii(p[pi + 1]) == FoldAscii(s[si])) {
          pi += 2;
          ++si;
          continue;
        }
      } else if (pc == '%') {
        star_p = pi++;
        star_s = si;
        continue;
      } else if (pc == '_' || FoldAscii(pc) == FoldAscii(s[si])) {
        ++pi;
        ++si;
        continue;
      }
    }
    if (star_p == absl::string_view::npos) return false;
    pi = star_p + 1;
    si = ++star_s;
  }
  while (pi < p.size() && p[pi] == '%') ++pi;
  return pi == p.size();
}

template <typename Seq>
bool GlobMatch(const Seq& s, const Seq& p) {
  size_t si = 0, pi = 0;
  size_t star_p = absl::string_view::npos, star_s = 0;
  while (si < s.size()) {
    if (pi < p.size()) {
      const uint32_t pc = p[pi];
      if (pc == '*') {
        star_p = pi++;
        star_s = si;
        continue;
      }
      if (pc == '?') {
        ++pi;
        ++si;
        continue;
      }
      if (pc == '[') {
        size_t j = pi + 1;
        bool negate = j < p.size() && p[j] == '^';
        if (negate) ++j;
        bool matched = false;
        bool first = true;
        while (j < p.size() && (p[j] != ']' || first)) {
          if (j + 2 < p.size() && p[j + 1] == '-' && p[j + 2] != ']') {
            if (s[si] >= p[j] && s[si] <= p[j + 2]) matched = true;
            j += 3;
          } else {
            if (s[si] == p[j]) matched = true;
            ++j;
          }
          first = false;
        }
        if (j < p.size() && matched != negate) {
          pi = j + 1;
          ++si;
          continue;
        }
      } else if (pc == s[si]) {
        ++pi;
        ++si;
        continue;
      }
    }
    if (star_p == absl::string_view::npos) return false;
    pi = star_p + 1;
    si = ++star_s;
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

}  // namespace

absl::StatusOr<Value> Like(const Value& text, const Value& pattern, const Value& escape) {
  int64_t esc = -1;
  bool ascii = true;
  if (!escape.is_null()) {
    const std::string e = RenderText(escape);
    if (utf8::CharCount(e) != 1) {
      return absl::InvalidArgumentError("ESCAPE expression must be a single character");
    }
    esc = utf8::First(e).value;
    ascii = IsAscii(e);
  }
  if (text.is_null() || pattern.is_null()) return Value::Null();
  const std::string t = RenderText(text), p = RenderText(pattern);
  ascii = ascii && IsAscii(t) && IsAscii(p);
  const bool match = ascii ? LikeMatch(Bytes{t}, Bytes{p}, esc)
                           : LikeMatch(CodePoints(t), CodePoints(p), esc);
  return Value::Integer(match ? 1 : 0);
}

Value Glob(const Value& text, const Value& pattern) {
  if (text.is_null() || pattern.is_null()) return Value::Null();
  const std::string t = RenderText(text), p = RenderText(pattern);
  const bool match = IsAscii(t) && IsAscii(p) ? GlobMatch(Bytes{t}, Bytes{p})
                                              : GlobMatch(CodePoints(t), CodePoints(p));
  return Value::Integer(match ? 1 : 0);
}

Value Cast(const Value& v, Type type) {
  if (v.is_null()) return v;
  switch (type) {
    case Type::kNull:
      return Value::Null();
    case Type::kInteger:
      return Value::Integer(ToInt64(v));
    case Type::kReal:
      return Value::Real(D(ToNumeric(v)));
    case Type::kText:
      return Value::Text(RenderText(v));
    case Type::kBlob:
      return Value::Blob(RenderText(v));
    case Type::kBoolean: {
      std::optional<bool> t = Truth(v);
      return Value::Boolean(t.value_or(false));
    }
    case Type::kNumeric:
      // SQLite: a number stays as it is (5.0 too); text and BLOBs give
      // their numeric prefix, an INTEGER when that is exact ('5.0' is 5).
      if (v.type() == Type::kInteger || v.type() == Type::kReal) return v;
      return ExactInteger(ToNumeric(v));
  }
  return Value::Null();
}

}  // namespace tessera::function
