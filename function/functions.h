// Built-in scalar functions and aggregate functions, with SQLite's results
// (see value_ops.h for the coercion rules).
//
// Functions are looked up by lowercase name. Descriptors are immutable and
// live for the whole process; aggregate state lives in AggregateState, owned
// by the operator that aggregates (one per group), so partial states from
// several ranges can be merged at the gateway.

#ifndef TESSERA_FUNCTION_FUNCTIONS_H_
#define TESSERA_FUNCTION_FUNCTIONS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "common/collation.h"
#include "common/value.h"

namespace tessera::function {

struct ScalarFunction {
  const char* name;
  int min_args;
  int max_args;  // -1: any number >= min_args
  // Returns kInvalidArgument for errors SQL reports at run time (overflow,
  // a result longer than kMaxResultBytes).
  absl::StatusOr<Value> (*fn)(absl::Span<const Value> args);
  // False for random() and the like: the planner must not fold a call to a
  // constant, because each evaluation may give another value.
  bool deterministic = true;
};

// The longest TEXT or BLOB a function returns (SQLite's default
// SQLITE_MAX_LENGTH). Longer results fail with "string or blob too big".
inline constexpr size_t kMaxResultBytes = 1'000'000'000;

// The scalar function called `name` (lowercase), or nullptr.
const ScalarFunction* FindScalarFunction(absl::string_view name);

enum class AggregateKind {
  kCount,      // count(x): non-NULL inputs
  kCountStar,  // count(*)
  kSum,        // INTEGER while every input is integral, else REAL; NULL if none
  kTotal,      // always REAL, 0.0 if none
  kAvg,        // REAL, NULL if none
  kMin,
  kMax,
  kGroupConcat,  // text joined by a separator (default ","), NULL if none
  kJsonGroupArray,   // a JSON array of the inputs (NULLs too); [] if none
  kJsonGroupObject,  // a JSON object; the input is JsonObjectMember's text
};

// The aggregate called `name` with `num_args` arguments (count(*) has
// star = true), or nullopt.
std::optional<AggregateKind> FindAggregate(absl::string_view name, int num_args,
                                           bool star);

// json_group_object(label, value)'s input for each row: the scalar function
// of two arguments that writes the member `"label":value`. Errors: a NULL
// label, a BLOB value.
const ScalarFunction* JsonObjectMember();

// RAISE(action, message) in a trigger program: fails with an error that
// carries ErrorKind::kRaise and `action` ("ignore", "rollback", "abort",
// "fail") as its detail, and `message` as its message. Never folded to a
// constant: it fails only when evaluated.
const ScalarFunction* Raise();

// The function of one argument that gives its argument's key under
// collation `c` (Collate() of common/collation.h); nullptr for BINARY. The
// binder wraps the operands of a comparison under NOCASE or RTRIM in it.
// Not callable by name from SQL.
const ScalarFunction* CollationKey(Collation c);

// A table-valued function, called in FROM with arguments (SQLite's
// json_each and json_tree): the rows it gives for one set of them.
struct TableFunction {
  const char* name;
  int min_args;
  int max_args;
  // Its output columns; the last `hidden` of them are left out of `*` but
  // can be named.
  absl::Span<const char* const> columns;
  int hidden;
  // The rows for `args`, each columns.size() wide. kInvalidArgument for
  // errors SQL reports when the statement runs (malformed JSON, a bad
  // path); kResourceExhausted when there would be more than `max_rows`
  // (a function that can tell before making them says so then). Null for
  // the pragma_* functions (pragma_table_info(t), ...),
  // whose rows are the schema's: the executor reads them as the PRAGMA of
  // the name after "pragma_" gives them, then appends the hidden `arg`
  // (the first argument) and `schema` (NULL).
  absl::StatusOr<std::vector<std::vector<Value>>> (*rows)(absl::Span<const Value> args,
                                                          size_t max_rows);
};

// The prefix of the table-valued functions that read a schema pragma.
inline constexpr absl::string_view kPragmaFunctionPrefix = "pragma_";

// The table-valued function called `name` (lowercase), or nullptr.
const TableFunction* FindTableFunction(absl::string_view name);

// True when `name` is an aggregate function with some number of arguments.
bool IsAggregateName(absl::string_view name);

// Mutable per-group state. Copyable; not thread-safe.
struct AggregateState {
  int64_t count = 0;
  bool all_integral = true;
  bool int_overflow = false;
  int64_t int_sum = 0;
  double real_sum = 0.0;
  Value extreme;            // min/max so far
  std::string concat;       // group_concat so far; the JSON aggregates' members
  const char* error = nullptr;  // a JSON aggregate's input it cannot hold
};

// Folds one input into `state`. NULL inputs are ignored except by
// count(*). `separator` is group_concat's second argument (NULL: ",").
// min() and max() compare TEXT under `collation`.
void AggregateUpdate(AggregateKind kind, const Value& input,
                     const Value& separator, AggregateState* state,
                     Collation collation = Collation::kBinary);

// Folds another partial state of the same aggregate into `state`.
void AggregateMerge(AggregateKind kind, const AggregateState& other,
                    const Value& separator, AggregateState* state,
                    Collation collation = Collation::kBinary);

// The final result. kInvalidArgument "integer overflow" when an INTEGER sum
// overflowed (as SQLite reports it).
absl::StatusOr<Value> AggregateFinish(AggregateKind kind,
                                      const AggregateState& state);

}  // namespace tessera::function

#endif  // TESSERA_FUNCTION_FUNCTIONS_H_
