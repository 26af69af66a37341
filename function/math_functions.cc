// Math functions with SQLite's results (its SQLITE_ENABLE_MATH_FUNCTIONS set,
// plus sign()): an argument that is NULL, a BLOB or text that is not a number
// gives NULL; so does a result outside the function's domain (sqrt(-1),
// ln(0), acos(2)). ceil, floor and trunc keep an INTEGER an INTEGER; sign
// returns -1, 0 or 1; the others return REAL. log(X) is base 10, as in
// SQLite and PostgreSQL.

#include <cmath>
#include <optional>

#include "function/builtins.h"
#include "function/value_ops.h"

namespace tessera::function::internal {

namespace {

using Args = absl::Span<const Value>;

Value RealOrNull(double d) { return std::isnan(d) ? Value::Null() : Value::Real(d); }

double Degrees(double r) { return r * 180.0 / M_PI; }
double Radians(double d) { return d * M_PI / 180.0; }
double Sqrt(double x) { return std::sqrt(x); }
double Exp(double x) { return std::exp(x); }
double Ln(double x) { return std::log(x); }
double Log10(double x) { return std::log10(x); }
double Log2(double x) { return std::log2(x); }
double Ceil(double x) { return std::ceil(x); }
double Floor(double x) { return std::floor(x); }
double Trunc(double x) { return std::trunc(x); }
double Pow(double x, double y) { return std::pow(x, y); }
double Atan2(double y, double x) { return std::atan2(y, x); }
double Sin(double x) { return std::sin(x); }
double Cos(double x) { return std::cos(x); }
double Tan(double x) { return std::tan(x); }
double Asin(double x) { return std::asin(x); }
double Acos(double x) { return std::acos(x); }
double Atan(double x) { return std::atan(x); }
double Sinh(double x) { return std::sinh(x); }
double Cosh(double x) { return std::cosh(x); }
double Tanh(double x) { return std::tanh(x); }
double Asinh(double x) { return std::asinh(x); }
double Acosh(double x) { return std::acosh(x); }
double Atanh(double x) { return std::atanh(x); }

template <double (*F)(double)>
absl::StatusOr<Value> Unary(Args a) {
  std::optional<double> x = ToDoubleIfNumeric(a[0]);
  if (!x.has_value()) return Value::Null();
  return RealOrNull(F(*x));
}

// Logarithms are defined for x > 0 only: ln(0) is NULL, not -Inf.
template <double (*F)(double)>
absl::StatusOr<Value> Logarithm(Args a) {
  std::optional<double> x = ToDoubleIfNumeric(a[0]);
  if (!x.has_value() || *x <= 0) return Value::Null();
  return RealOrNull(F(*x));
}

absl::StatusOr<Value> Log(Args a) {
  if (a.size() == 1) return Logarithm<Log10>(a);
  std::optional<double> base = ToDoubleIfNumeric(a[0]), x = ToDoubleIfNumeric(a[1]);
  if (!base.has_value() || !x.has_value() || *base <= 0 || *base == 1 || *x <= 0) {
    return Value::Null();
  }
  return RealOrNull(std::log(*x) / std::log(*base));
}

template <double (*F)(double, double)>
absl::StatusOr<Value> Binary(Args a) {
  std::optional<double> x = ToDoubleIfNumeric(a[0]), y = ToDoubleIfNumeric(a[1]);
  if (!x.has_value() || !y.has_value()) return Value::Null();
  return RealOrNull(F(*x, *y));
}

absl::StatusOr<Value> Mod(Args a) {
  std::optional<double> x = ToDoubleIfNumeric(a[0]), y = ToDoubleIfNumeric(a[1]);
  if (!x.has_value() || !y.has_value() || *y == 0) return Value::Null();
  return RealOrNull(std::fmod(*x, *y));
}

// ceil, floor, trunc: an INTEGER is already whole.
template <double (*F)(double)>
absl::StatusOr<Value> Rounding(Args a) {
  std::optional<Value> n = ToNumberIfNumeric(a[0]);
  if (!n.has_value()) return Value::Null();
  if (n->type() == Type::kInteger) return *n;
  return RealOrNull(F(n->real()));
}

absl::StatusOr<Value> Sign(Args a) {
  std::optional<Value> n = ToNumberIfNumeric(a[0]);
  if (!n.has_value()) return Value::Null();
  if (n->type() == Type::kInteger) {
    return Value::Integer(n->integer() > 0 ? 1 : (n->integer() < 0 ? -1 : 0));
  }
  const double d = n->real();
  if (std::isnan(d)) return Value::Null();
  return Value::Integer(d > 0 ? 1 : (d < 0 ? -1 : 0));
}

absl::StatusOr<Value> Pi(Args) { return Value::Real(M_PI); }

constexpr ScalarFunction kMathFunctions[] = {
    {"sqrt", 1, 1, &Unary<Sqrt>},
    {"exp", 1, 1, &Unary<Exp>},
    {"ln", 1, 1, &Logarithm<Ln>},
    {"log", 1, 2, &Log},
    {"log10", 1, 1, &Logarithm<Log10>},
    {"log2", 1, 1, &Logarithm<Log2>},
    {"pow", 2, 2, &Binary<Pow>},
    {"power", 2, 2, &Binary<Pow>},
    {"mod", 2, 2, &Mod},
    {"ceil", 1, 1, &Rounding<Ceil>},
    {"ceiling", 1, 1, &Rounding<Ceil>},
    {"floor", 1, 1, &Rounding<Floor>},
    {"trunc", 1, 1, &Rounding<Trunc>},
    {"sign", 1, 1, &Sign},
    {"pi", 0, 0, &Pi},
    {"degrees", 1, 1, &Unary<Degrees>},
    {"radians", 1, 1, &Unary<Radians>},
    {"sin", 1, 1, &Unary<Sin>},
    {"cos", 1, 1, &Unary<Cos>},
    {"tan", 1, 1, &Unary<Tan>},
    {"asin", 1, 1, &Unary<Asin>},
    {"acos", 1, 1, &Unary<Acos>},
    {"atan", 1, 1, &Unary<Atan>},
    {"atan2", 2, 2, &Binary<Atan2>},
    {"sinh", 1, 1, &Unary<Sinh>},
    {"cosh", 1, 1, &Unary<Cosh>},
    {"tanh", 1, 1, &Unary<Tanh>},
    {"asinh", 1, 1, &Unary<Asinh>},
    {"acosh", 1, 1, &Unary<Acosh>},
    {"atanh", 1, 1, &Unary<Atanh>},
};

}  // namespace

absl::Span<const ScalarFunction> MathFunctions() { return kMathFunctions; }

}  // namespace tessera::function::internal
