#include "parser/ast.h"

#include "absl/strings/ascii.h"

namespace tessera::ast {

const char* OpName(Op op) {
  switch (op) {
    case Op::kNegate: return "-";
    case Op::kPlus: return "+";
    case Op::kBitNot: return "~";
    case Op::kNot: return "NOT";
    case Op::kConcat: return "||";
    case Op::kJsonGet: return "->";
    case Op::kJsonGetText: return "->>";
    case Op::kMul: return "*";
    case Op::kDiv: return "/";
    case Op::kMod: return "%";
    case Op::kAdd: return "+";
    case Op::kSub: return "-";
    case Op::kShiftLeft: return "<<";
    case Op::kShiftRight: return ">>";
    case Op::kBitAnd: return "&";
    case Op::kBitOr: return "|";
    case Op::kLt: return "<";
    case Op::kLe: return "<=";
    case Op::kGt: return ">";
    case Op::kGe: return ">=";
    case Op::kEq: return "=";
    case Op::kNe: return "<>";
    case Op::kIs: return "IS";
    case Op::kIsNot: return "IS NOT";
    case Op::kAnd: return "AND";
    case Op::kOr: return "OR";
    case Op::kLike: return "LIKE";
    case Op::kGlob: return "GLOB";
  }
  return "?";
}

std::optional<Type> TypeFromName(const std::string& type_name) {
  std::string t = absl::AsciiStrToLower(type_name);
  for (const char* n : {"int", "integer", "bigint", "smallint", "tinyint",
                        "mediumint", "int2", "int4", "int8"}) {
    if (t == n) return Type::kInteger;
  }
  for (const char* n : {"real", "double", "float", "float4", "float8"}) {
    if (t == n) return Type::kReal;
  }
  if (t == "numeric" || t == "decimal") return Type::kNumeric;
  for (const char* n : {"text", "varchar", "char", "character", "clob",
                        "string", "nvarchar", "nchar", "varying"}) {
    if (t == n) return Type::kText;
  }
  if (t == "blob" || t == "bytea") return Type::kBlob;
  if (t == "bool" || t == "boolean") return Type::kBoolean;
  if (t == "any") return Type::kNull;  // STRICT tables' ANY: no type
  return std::nullopt;
}

}  // namespace tessera::ast
