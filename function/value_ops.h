// Scalar semantics of SQL operators on Values, as SQLite defines them (the
// conformance corpus is SQLite's):
// - arithmetic on INTEGERs stays INTEGER, overflowing into REAL; `/` on two
//   INTEGERs truncates toward zero; division or modulo by zero is NULL;
// - TEXT and BLOB operands of arithmetic convert to numbers by their longest
//   numeric prefix ("12abc" -> 12, "abc" -> 0); BOOLEAN is 0 or 1;
// - comparisons: NULL makes the result NULL; numbers compare numerically;
//   numbers < TEXT < BLOB; TEXT compares bytewise;
// - AND/OR/NOT use three-valued logic.
// Every function is pure and thread-safe.

#ifndef TESSERA_FUNCTION_VALUE_OPS_H_
#define TESSERA_FUNCTION_VALUE_OPS_H_

#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/value.h"

namespace tessera::function {

// A value as a number: INTEGER, REAL, or (for TEXT/BLOB) the numeric prefix,
// INTEGER when it is integral text without a fraction or exponent. NULL stays
// NULL; BOOLEAN becomes 0/1.
Value ToNumeric(const Value& v);

// The number `v` is when it is one: INTEGER and REAL as they are, BOOLEAN
// as 0/1, TEXT only when all of it (but surrounding spaces) is a number
// ("12" and " 1.5e3 ", not "12abc"). nullopt for NULL, BLOB and other text.
// The math functions and sign() take their arguments so, as SQLite does.
std::optional<Value> ToNumberIfNumeric(const Value& v);
// The same number as a double.
std::optional<double> ToDoubleIfNumeric(const Value& v);

// `v` with SQLite's comparison affinity `affinity` applied: TEXT that is a
// number becomes the number for INTEGER, REAL, BOOLEAN and NUMERIC
// (numeric affinity); a number becomes its text for TEXT; anything else is
// `v`.
Value ApplyAffinity(const Value& v, Type affinity);

// `v` as a NUMERIC column stores it (SQLite's NUMERIC affinity): TEXT that
// is a number as a whole becomes that number, BOOLEAN 0/1, and a REAL that
// is an INTEGER exactly becomes the INTEGER ("3.0e5" and 3.0e5 are stored
// as 300000); other TEXT and BLOBs stay as they are.
Value ToNumericAffinity(const Value& v);

// SQL truthiness for WHERE/ON/HAVING/CASE WHEN and AND/OR/NOT: nullopt for
// NULL, otherwise whether the numeric value is non-zero.
std::optional<bool> Truth(const Value& v);

Value Add(const Value& a, const Value& b);
Value Subtract(const Value& a, const Value& b);
Value Multiply(const Value& a, const Value& b);
Value Divide(const Value& a, const Value& b);
Value Remainder(const Value& a, const Value& b);
// Unary minus; -INT64_MIN becomes REAL.
Value Negate(const Value& v);
// `||`: both sides rendered as text; NULL if either is NULL.
Value Concat(const Value& a, const Value& b);
// `json -> path` (sql_value false) and `json ->> path` (true), as SQLite
// has them: `path` is a JSON path, an array index, or an object label. `->`
// gives the JSON text of what the path names, `->>` its SQL value; NULL
// when it names nothing. Errors: malformed JSON, a malformed path.
absl::StatusOr<Value> JsonArrow(const Value& json, const Value& path, bool sql_value);
Value BitAnd(const Value& a, const Value& b);
Value BitOr(const Value& a, const Value& b);
Value ShiftLeft(const Value& a, const Value& b);
Value ShiftRight(const Value& a, const Value& b);
Value BitNot(const Value& v);

// Three-way comparison for `<`, `=` and friends; nullopt when either side is
// NULL.
std::optional<int> Compare(const Value& a, const Value& b);

// `IS`: like `=` but NULL IS NULL is true and never returns NULL.
bool IsDistinctFrom(const Value& a, const Value& b);

Value And(const Value& a, const Value& b);
Value Or(const Value& a, const Value& b);
Value Not(const Value& v);

// LIKE: `%` and `_` wildcards (a character each, not a byte), ASCII
// case-insensitive, optional escape character (NULL = none). NULL operands
// give NULL; an escape of other than one character is an error.
absl::StatusOr<Value> Like(const Value& text, const Value& pattern, const Value& escape);
// GLOB: `*`, `?`, `[...]` (with `^` negation and ranges), case-sensitive.
Value Glob(const Value& text, const Value& pattern);

// CAST(v AS type). Never fails: unconvertible text becomes 0, as in SQLite.
Value Cast(const Value& v, Type type);

// The text rendering SQL uses for `||`, CAST(... AS TEXT) and length():
// integers in decimal, reals with 15 significant digits and a ".0" when
// integral, BOOLEAN as 1/0, BLOB bytes as they are.
std::string RenderText(const Value& v);

}  // namespace tessera::function

#endif  // TESSERA_FUNCTION_VALUE_OPS_H_
