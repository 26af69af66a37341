// Helpers for the function/ tests: call a built-in by name.

#ifndef TESSERA_FUNCTION_TESTING_H_
#define TESSERA_FUNCTION_TESTING_H_

#include <gtest/gtest.h>

#include <vector>

#include "absl/status/statusor.h"
#include "common/value.h"
#include "function/functions.h"

namespace tessera::function::test_support {

inline Value I(int64_t v) { return Value::Integer(v); }
inline Value R(double v) { return Value::Real(v); }
inline Value T(const char* v) { return Value::Text(v); }
inline Value B(absl::string_view v) { return Value::Blob(v); }
inline const Value N{};  // NULL

// The scalar function `name` applied to `args`; the test fails if there is
// no such function.
inline absl::StatusOr<Value> TryCall(const char* name, std::vector<Value> args) {
  const ScalarFunction* f = FindScalarFunction(name);
  if (f == nullptr) {
    ADD_FAILURE() << "no function " << name;
    return absl::NotFoundError(name);
  }
  return f->fn(args);
}

// As TryCall, and the call must succeed (NULL stands in when it does not).
inline Value Call(const char* name, std::vector<Value> args) {
  absl::StatusOr<Value> r = TryCall(name, std::move(args));
  EXPECT_TRUE(r.ok()) << name << ": " << r.status();
  return r.ok() ? *r : Value();
}

}  // namespace tessera::function::test_support

#endif  // TESSERA_FUNCTION_TESTING_H_
