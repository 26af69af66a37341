// Renders AST nodes back to SQL text with every operation parenthesized, so
// the tree's shape is visible (tests, EXPLAIN, error messages).

#ifndef TESSERA_PARSER_AST_PRINTER_H_
#define TESSERA_PARSER_AST_PRINTER_H_

#include <string>

#include "parser/ast.h"

namespace tessera::ast {

std::string ToSql(const Expr& expr);
std::string ToSql(const SelectStmt& select);
// Statements other than SELECT print their kind and main names only.
std::string ToSql(const Statement& statement);

}  // namespace tessera::ast

#endif  // TESSERA_PARSER_AST_PRINTER_H_
