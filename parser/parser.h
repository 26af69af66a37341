// SQL text -> AST. The only entry point into parser/.
//
// Thread-safe: each call builds its own lexer and parser (ShapeCache is
// per session).

#ifndef TESSERA_PARSER_PARSER_H_
#define TESSERA_PARSER_PARSER_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "parser/ast.h"

namespace tessera::parser {

// Parses zero or more statements separated by ';'. On a syntax error returns
// kInvalidArgument whose message reads
//   syntax error at line L, column C near "TOKEN": <what was expected>
// and whose detail GetSyntaxError() recovers.
absl::StatusOr<std::vector<ast::StatementPtr>> Parse(absl::string_view sql);

// As above; also sets *max_parameter to the highest parameter number used
// (0 when there are none).
absl::StatusOr<std::vector<ast::StatementPtr>> Parse(absl::string_view sql,
                                                     int* max_parameter);

// `name` as SQL text that reads back as that name: as it is when it lexes
// as one plain identifier (not a keyword), else in double quotes.
std::string SqlIdentifier(absl::string_view name);

// Whether `sql` names `name` as an identifier (or a keyword that can be
// one), quoted or not, case-insensitively. Text that does not lex is taken
// to name it. Used to find the views and triggers a schema change touches.
bool MentionsName(absl::string_view sql, absl::string_view name);

// `sql` with each identifier token that names `from` (as MentionsName
// reads it) replaced by `to`, quoted where needed; comments, spacing and
// everything else as they were.
absl::StatusOr<std::string> RenameIdentifier(absl::string_view sql, absl::string_view from,
                                             absl::string_view to);

// OK for a collation Tessera has (BINARY, NOCASE, RTRIM: common/collation.h);
// kNotFound "no such collation sequence" for any other name.
absl::Status CheckCollation(absl::string_view name);

// Parses exactly one statement (a trailing ';' is allowed).
absl::StatusOr<ast::StatementPtr> ParseOne(absl::string_view sql);

// What a REFERENCES clause as stored says (a column constraint's, from
// "REFERENCES" on): the parent table and columns, the ON UPDATE/DELETE
// actions. kInvalidArgument when `clause` is not one.
absl::StatusOr<ast::ForeignKeyDef> ParseForeignKeyClause(absl::string_view clause);

// Parses a standalone expression (used for DEFAULT and CHECK text stored in
// the catalog, and by tests).
absl::StatusOr<ast::ExprPtr> ParseExpression(absl::string_view sql);

// Parses SQL like Parse(), but once per statement shape: a statement that
// differs from an earlier one only in its literal values (numbers, strings,
// blobs) reuses that statement's AST with the new values written into it,
// without running the parser. Only single SELECT, INSERT, UPDATE and
// DELETE statements are cached; anything else is parsed every time.
// Keeps up to `capacity` shapes (then starts afresh).
//
// Not thread-safe: one per session.
class ShapeCache {
 public:
  explicit ShapeCache(size_t capacity = 128);
  ~ShapeCache();
  ShapeCache(const ShapeCache&) = delete;
  ShapeCache& operator=(const ShapeCache&) = delete;

  // The statements of `sql` (errors exactly as Parse()). They are owned by
  // the cache and stay valid and unchanged until the next call.
  absl::StatusOr<const std::vector<ast::StatementPtr>*> Parse(absl::string_view sql);

  uint64_t hits() const { return hits_; }

 private:
  struct Entry;
  const size_t capacity_;
  absl::flat_hash_map<std::string, std::unique_ptr<Entry>> entries_;  // by shape
  std::vector<ast::StatementPtr> uncached_;
  uint64_t hits_ = 0;
  // Parse()'s scratch: the shape and the literals of the text at hand,
  // kept so a hit allocates nothing.
  std::string shape_;
  std::vector<std::pair<size_t, absl::string_view>> literals_;
};

// The value of a number, string or blob literal token's text; errors for
// malformed ones (a hexadecimal literal too large, an odd-length blob).
// `token_type` is the lexer's token type.
absl::StatusOr<Value> LiteralFromToken(size_t token_type, absl::string_view text);

// How deep expressions and queries may nest in a statement parsed on the
// calling thread: 1000 levels (SQLite's limit), fewer on a thread whose
// stack could not hold the passes that later recurse over that many. A
// statement nested deeper fails with a kTooComplex error (SQLSTATE 54001).
int MaxNestingDepth();

// A table has at most this many columns (SQLite's limit); CREATE TABLE and
// ALTER TABLE ADD COLUMN past it fail with a kTooComplex error.
inline constexpr size_t kMaxTableColumns = 2000;

// A kTooComplex error (SQLSTATE 54001): "statement too complex: <why>".
absl::Status StatementTooComplex(absl::string_view why);

struct SyntaxError {
  int line = 0;    // 1-based
  int column = 0;  // 1-based
  std::string token;  // the offending token's text ("<EOF>" at the end)
};

// The position carried by a syntax error from Parse(), or nullopt.
std::optional<SyntaxError> GetSyntaxError(const absl::Status& status);

}  // namespace tessera::parser

#endif  // TESSERA_PARSER_PARSER_H_
