#include <cstdio>
#include "parser/parser.h"
#include "parser/ast_printer.h"
int main(int argc, char** argv) {
  auto e = tessera::parser::ParseExpression(argv[1]);
  if (!e.ok()) { printf("%s\n", e.status().ToString().c_str()); return 1; }
  printf("%s\n", tessera::ast::ToSql(**e).c_str());
}
