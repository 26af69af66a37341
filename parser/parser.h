// SQL text -> AST. The only entry point into parser/.
//
// Thread-safe: each call builds its own lexer and parser.

#ifndef TESSERA_PARSER_PARSER_H_
#define TESSERA_PARSER_PARSER_H_

#include <optional>
#include <string>
#include <vector>

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

// Parses exactly one statement (a trailing ';' is allowed).
absl::StatusOr<ast::StatementPtr> ParseOne(absl::string_view sql);

// Parses a standalone expression (used for DEFAULT and CHECK text stored in
// the catalog, and by tests).
absl::StatusOr<ast::ExprPtr> ParseExpression(absl::string_view sql);

struct SyntaxError {
  int line = 0;    // 1-based
  int column = 0;  // 1-based
  std::string token;  // the offending token's text ("<EOF>" at the end)
};

// The position carried by a syntax error from Parse(), or nullopt.
std::optional<SyntaxError> GetSyntaxError(const absl::Status& status);

}  // namespace tessera::parser

#endif  // TESSERA_PARSER_PARSER_H_
