// The tables of built-in scalar functions, one per family; FindScalarFunction
// (functions.cc) looks a name up in all of them. Private to function/.

#ifndef TESSERA_FUNCTION_BUILTINS_H_
#define TESSERA_FUNCTION_BUILTINS_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "function/functions.h"

namespace tessera::function::internal {

// char, hex, unicode, quote, printf/format, concat, zeroblob, random, ...
absl::Span<const ScalarFunction> TextFunctions();

// date, time, datetime, julianday, unixepoch, strftime.
absl::Span<const ScalarFunction> DateTimeFunctions();

// sqrt, pow, ln, log, ceil, floor, trunc, mod, sign, the trigonometric ones.
absl::Span<const ScalarFunction> MathFunctions();

// json, json_extract, json_set, ... (json_functions.cc).
absl::Span<const ScalarFunction> JsonFunctions();

// json_each and json_tree (json_functions.cc).
absl::Span<const TableFunction> JsonTableFunctions();

// Appends `v` as JSON: TEXT a JSON function made as it is, other TEXT as a
// string, NULL as null. Error: a BLOB.
absl::Status AppendJson(const Value& v, std::string* out);

// OK when `bytes` is at most kMaxResultBytes, else "string or blob too big".
absl::Status CheckResultSize(size_t bytes);

}  // namespace tessera::function::internal

#endif  // TESSERA_FUNCTION_BUILTINS_H_
