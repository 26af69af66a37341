#include "parser/parser.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <optional>

#include "parser/SQLLexer.h"
#include "parser/SQLParser.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "antlr4-runtime.h"
#include "common/coding.h"
#include "common/collation.h"
#include "common/errors.h"
#include "common/stack_budget.h"
#include "parser/ast_printer.h"

namespace tessera::parser {

namespace {

// Whether `digits` (a DIGITS token) is 9223372036854775808, the magnitude of
// the smallest INTEGER, which only an adjacent minus sign makes an integer.
bool IsInt64MinDigits(absl::string_view digits) {
  while (digits.size() > 1 && digits[0] == '0') digits.remove_prefix(1);
  return digits == "9223372036854775808";
}


using gen::SQLLexer;
using gen::SQLParser;

// ------------------------------------------------------------ errors

absl::Status MakeSyntaxError(int line, int column, const std::string& token,
                             const std::string& detail) {
  std::string bytes;
  PutVarint64(&bytes, static_cast<uint64_t>(line));
  PutVarint64(&bytes, static_cast<uint64_t>(column));
  PutLengthPrefixed(&bytes, token);
  return MakeTypedError(
      absl::StatusCode::kInvalidArgument,
      absl::StrFormat("syntax error at line %d, column %d near \"%s\": %s",
                      line, column, token, detail),
      ErrorKind::kSyntaxError, bytes);
}

// Expressions and queries may nest at most this deep (SQLite's limit for
// expressions): every layer after the parser walks them recursively.
// Nested expressions and queries, each operand of an operator chain (chains
// fold into left-deep trees) and each unary operator count a level.
constexpr int kMaxNestingDepth = 1000;
// The stack a level may take in the passes after the parser (binding,
// planning, printing, running, destroying), with room to spare: 1,000
// levels ran on an 8 MiB stack in an optimized build.
constexpr size_t kStackPerNestingLevel = size_t{6} << 10;
// SQLite's limits on flat lists that later passes turn into chains of
// plan nodes (and whose planning grows fast with their length).
constexpr size_t kMaxJoinTables = 64;
constexpr size_t kMaxCompoundTerms = 500;

absl::Status TooComplex(size_t line, size_t column, absl::string_view why) {
  return MakeTypedError(
      absl::StatusCode::kInvalidArgument,
      absl::StrFormat("statement too complex at line %d, column %d: %s", line, column, why),
      ErrorKind::kTooComplex, "");
}

constexpr char kStackExhausted[] = "nested too deeply for this thread's stack";

// SQL text must be UTF-8: ANTLR's input stream throws (out of any parse,
// ending the process) on anything else. Runs of ASCII go 8 bytes a step.
absl::Status CheckUtf8(absl::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    uint64_t word;
    while (i + 8 <= n && (std::memcpy(&word, s + i, 8), (word & 0x8080808080808080ULL) == 0)) {
      i += 8;
    }
    if (i >= n) break;
    const unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len = 0;
    uint32_t min = 0;
    if ((c & 0xE0) == 0xC0) {
      len = 2, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4, min = 0x10000;
    }
    bool ok = len != 0 && i + len <= n;
    uint32_t code = ok ? c & (0x7F >> len) : 0;
    for (size_t k = 1; ok && k < len; ++k) {
      ok = (s[i + k] & 0xC0) == 0x80;
      code = (code << 6) | (s[i + k] & 0x3F);
    }
    if (!ok || code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
      const size_t line_start = text.rfind('\n', i == 0 ? 0 : i - 1);
      const size_t line = 1 + std::count(text.begin(), text.begin() + i, '\n');
      const size_t column = line_start == absl::string_view::npos || i == 0 ? i + 1 : i - line_start;
      return absl::InvalidArgumentError(absl::StrFormat(
          "invalid UTF-8 at line %d, column %d (byte 0x%02x): SQL text must be UTF-8", line,
          column, c));
    }
    i += len;
  }
  return absl::OkStatus();
}

// Thrown out of GuardedParser (ANTLR's rule methods unwind through it).
struct ParserStackExhausted {
  size_t line = 0;
  size_t column = 0;
};

// ANTLR's parser recurses once per grammar rule, a dozen rules per level of
// parentheses: it stops with ParserStackExhausted before the statement's
// nesting takes more of this thread's stack than `budget` allows.
class GuardedParser : public SQLParser {
 public:
  GuardedParser(antlr4::TokenStream* input, const StackBudget& budget)
      : SQLParser(input), budget_(budget) {}

  void enterRule(antlr4::ParserRuleContext* ctx, size_t state, size_t rule) override {
    Check();
    SQLParser::enterRule(ctx, state, rule);
  }
  void enterRecursionRule(antlr4::ParserRuleContext* ctx, size_t rule) override {
    Check();
    SQLParser::enterRecursionRule(ctx, rule);
  }
  void enterRecursionRule(antlr4::ParserRuleContext* ctx, size_t state, size_t rule,
                          int precedence) override {
    Check();
    SQLParser::enterRecursionRule(ctx, state, rule, precedence);
  }

 private:
  void Check() {
    if (!budget_.Exceeded()) return;
    antlr4::Token* at = getCurrentToken();
    throw ParserStackExhausted{at != nullptr ? at->getLine() : 0,
                               at != nullptr ? at->getCharPositionInLine() + 1 : 0};
  }

  const StackBudget budget_;
};

// Remembers the first error the lexer or parser reports.
class FirstErrorListener : public antlr4::BaseErrorListener {
 public:
  void syntaxError(antlr4::Recognizer* recognizer,
                   antlr4::Token* offending, size_t line, size_t column,
                   const std::string& msg, std::exception_ptr) override {
    if (!status_.ok()) return;
    std::string token;
    if (offending != nullptr) {
      token = offending->getType() == antlr4::Token::EOF ? "<EOF>"
                                                         : offending->getText();
    } else {
      // Lexer errors have no token: ANTLR's message quotes the text.
      size_t q = msg.find('\'');
      size_t r = msg.rfind('\'');
      token = (q != std::string::npos && r > q) ? msg.substr(q + 1, r - q - 1)
                                                 : "";
    }
    std::string detail = msg;
    if (absl::StartsWith(detail, "mismatched input") ||
        absl::StartsWith(detail, "extraneous input") ||
        absl::StartsWith(detail, "no viable alternative")) {
      // ANTLR's text repeats the token; keep what it expected, if anything.
      size_t exp = detail.find("expecting");
      detail = exp == std::string::npos ? "unexpected input"
                                        : detail.substr(exp);
      // Keyword tokens read as the keywords; long lists help nobody.
      detail = absl::StrReplaceAll(detail, {{"K_", ""}});
      if (std::count(detail.begin(), detail.end(), ',') >= 5) {
        detail = "unexpected input";
      }
    }
    status_ = MakeSyntaxError(static_cast<int>(line),
                              static_cast<int>(column) + 1, token, detail);
  }
  const absl::Status& status() const { return status_; }

 private:
  absl::Status status_;
};

// ------------------------------------------------------- transformer

// Semantic errors found while building the AST (bad literal, unknown type)
// are collected here; the first one wins.
class Transformer {
 public:
  // `budget` bounds the stack its recursion may take; it must outlive this.
  Transformer(absl::string_view sql, const StackBudget* budget)
      : sql_(sql), budget_(budget), max_depth_(MaxNestingDepth()) {}

  const absl::Status& status() const { return status_; }
  int max_parameter() const { return next_param_ - 1; }

  ast::StatementPtr Statement(SQLParser::StatementContext* ctx);
  ast::ExprPtr Expr(SQLParser::ExprContext* ctx);

 private:
  void Fail(antlr4::ParserRuleContext* ctx, const std::string& message) {
    if (!status_.ok()) return;
    status_ = MakeSyntaxError(static_cast<int>(ctx->getStart()->getLine()),
                              static_cast<int>(ctx->getStart()->getCharPositionInLine()) + 1,
                              ctx->getStart()->getText(), message);
  }
  static ast::SourcePos Pos(antlr4::ParserRuleContext* ctx) {
    return ast::SourcePos{
        static_cast<int>(ctx->getStart()->getLine()),
        static_cast<int>(ctx->getStart()->getCharPositionInLine()) + 1};
  }
  std::string Text(antlr4::ParserRuleContext* ctx) const {
    size_t a = ctx->getStart()->getStartIndex();
    size_t b = ctx->getStop() != nullptr ? ctx->getStop()->getStopIndex() : a;
    return Span(a, b);
  }
  // The text of code points [first, last] of the statement. ANTLR's token
  // indexes count code points (its input stream decodes the UTF-8), so
  // with any non-ASCII text they are not byte offsets into `sql_`.
  std::string Span(size_t first, size_t last) const {
    if (last < first) return "";
    if (!offsets_built_) {
      offsets_built_ = true;
      if (std::any_of(sql_.begin(), sql_.end(), [](char c) { return (c & 0x80) != 0; })) {
        for (size_t i = 0; i < sql_.size(); ++i) {
          if ((sql_[i] & 0xC0) != 0x80) code_point_offsets_.push_back(i);  // not a continuation
        }
        code_point_offsets_.push_back(sql_.size());
      }
    }
    size_t from = first, to = last + 1;
    if (!code_point_offsets_.empty()) {
      if (to >= code_point_offsets_.size()) return "";
      from = code_point_offsets_[first];
      to = code_point_offsets_[to];
    }
    if (from >= sql_.size() || to > sql_.size()) return "";
    return std::string(sql_.substr(from, to - from));
  }

  static std::string Name(SQLParser::NameContext* ctx);
  // `text` of a name, unquoted when `word` is a quoted identifier.
  static std::string Name(SQLParser::Type_wordContext* word, std::string text);
  std::vector<std::string> Names(const std::vector<SQLParser::NameContext*>& v);

  std::unique_ptr<ast::SelectStmt> Select(SQLParser::Select_stmtContext* ctx);
  void Core(SQLParser::Select_coreContext* ctx, ast::SelectCore* core);
  ast::TableRefPtr Join(SQLParser::Join_clauseContext* ctx);
  ast::TableRefPtr TableOrSubquery(SQLParser::Table_or_subqueryContext* ctx);
  // The CTEs of `w` (may be null) into *out, and whether it said RECURSIVE.
  void With(SQLParser::With_clauseContext* w, std::vector<ast::CommonTableExpr>* out,
            bool* recursive);
  std::vector<ast::ExprPtr> Row(SQLParser::Value_rowContext* ctx);
  Value Literal(SQLParser::Literal_valueContext* ctx);
  Value SignedNumber(SQLParser::Signed_numberContext* ctx);
  ast::ColumnDef ColumnDef(SQLParser::Column_defContext* ctx);
  std::vector<ast::IndexedColumn> IndexedColumns(
      const std::vector<SQLParser::Indexed_columnContext*>& v);
  // The SELECT of `ctx` when it is a parenthesized SELECT, else null.
  SQLParser::Select_stmtContext* SubqueryOf(SQLParser::ExprContext* ctx);
  std::vector<ast::Assignment> Assignments(
      const std::vector<SQLParser::AssignmentContext*>& v);
  Type TypeOf(SQLParser::Type_nameContext* ctx);
  ast::ForeignKeyDef ForeignKey(SQLParser::Foreign_key_clauseContext* ctx,
                                std::vector<std::string> columns);
  // A `main.` or `temp.` before a name: true for temp. Another schema
  // fails ("unknown database"): there is one database per store.
  bool TempSchema(SQLParser::Schema_prefixContext* prefix);

  ast::StatementPtr Insert(SQLParser::Insert_stmtContext* ctx);
  ast::StatementPtr Update(SQLParser::Update_stmtContext* ctx);
  ast::StatementPtr Delete(SQLParser::Delete_stmtContext* ctx);
  ast::ResultColumn ResultColumn(SQLParser::Result_columnContext* ctx);
  ast::OrderingTerm Ordering(SQLParser::Ordering_termContext* ctx);
  ast::WindowSpec Window(SQLParser::Window_specContext* ctx);
  std::vector<ast::ResultColumn> Returning(SQLParser::Returning_clauseContext* ctx);
  ast::StatementPtr CreateTable(SQLParser::Create_table_stmtContext* ctx);
  ast::StatementPtr CreateIndex(SQLParser::Create_index_stmtContext* ctx);
  ast::StatementPtr CreateView(SQLParser::Create_view_stmtContext* ctx);
  ast::StatementPtr CreateTrigger(SQLParser::Create_trigger_stmtContext* ctx);
  ast::StatementPtr Drop(SQLParser::Drop_stmtContext* ctx);
  ast::StatementPtr Alter(SQLParser::Alter_table_stmtContext* ctx);

  ast::ExprPtr Make(ast::ExprKind kind, antlr4::ParserRuleContext* ctx) {
    auto e = std::make_unique<ast::Expr>();
    e->kind = kind;
    e->pos = Pos(ctx);
    return e;
  }
  ast::ExprPtr Bin(ast::Op op, antlr4::ParserRuleContext* ctx, ast::ExprPtr l,
                   ast::ExprPtr r);
  ast::ExprPtr Or(SQLParser::Or_exprContext* ctx);
  ast::ExprPtr And(SQLParser::And_exprContext* ctx);
  ast::ExprPtr Not(SQLParser::Not_exprContext* ctx);
  ast::ExprPtr Equality(SQLParser::Equality_exprContext* ctx);
  ast::ExprPtr Comparison(SQLParser::Comparison_exprContext* ctx);
  ast::ExprPtr BitOp(SQLParser::Bit_exprContext* ctx);
  ast::ExprPtr Additive(SQLParser::Add_exprContext* ctx);
  ast::ExprPtr Multiplicative(SQLParser::Mul_exprContext* ctx);
  ast::ExprPtr Concat(SQLParser::Concat_exprContext* ctx);
  ast::ExprPtr Unary(SQLParser::Unary_exprContext* ctx);
  ast::ExprPtr Primary(SQLParser::PrimaryContext* ctx);

  // Depth accounting against max_depth_: the expression and query levels
  // above the node being converted. Deeper adds to it for a scope.
  class Deeper {
   public:
    Deeper(Transformer* t, size_t levels) : t_(t), levels_(static_cast<int>(levels)) {
      t_->depth_ += levels_;
    }
    ~Deeper() { t_->depth_ -= levels_; }
    Deeper(const Deeper&) = delete;
    Deeper& operator=(const Deeper&) = delete;

   private:
    Transformer* const t_;
    const int levels_;
  };
  // False, failing the statement, when the expression at `ctx` lies deeper
  // than max_depth_ or this thread's stack budget is spent.
  bool DepthOk(antlr4::ParserRuleContext* ctx);
  // Fails the statement with a kTooComplex error at `ctx`.
  void FailTooComplex(antlr4::ParserRuleContext* ctx, absl::string_view why);
  // False, failing the statement, when a list has more than `max` items.
  bool CountOk(antlr4::ParserRuleContext* ctx, size_t count, size_t max, const char* what);
  // What a conversion refused by DepthOk returns: a NULL literal, so that
  // the (failed) tree has no holes.
  ast::ExprPtr Refused(antlr4::ParserRuleContext* ctx) { return Make(ast::ExprKind::kLiteral, ctx); }

  absl::string_view sql_;
  // Byte offset of each code point of `sql_` and then its size, built by
  // Span() on first use; empty while `sql_` is ASCII (offsets are indexes).
  mutable std::vector<size_t> code_point_offsets_;
  mutable bool offsets_built_ = false;
  const StackBudget* const budget_;
  const int max_depth_;
  int depth_ = 0;
  absl::Status status_;

 public:
  // When set, receives every expression literal taken from a number,
  // string or blob token, with that token's index (ShapeCache).
  std::vector<std::pair<ast::Expr*, size_t>>* literal_sink_ = nullptr;
  // A result column is named by text holding a literal (ResultColumn).
  bool named_by_literal_ = false;

 private:
  ast::Expr* current_literal_ = nullptr;
  int next_param_ = 1;
};

std::string Transformer::Name(SQLParser::NameContext* ctx) {
  if (ctx == nullptr) return "";
  return Name(ctx->type_word() != nullptr ? ctx->type_word() : nullptr, ctx->getText());
}

std::string Transformer::Name(SQLParser::Type_wordContext* ctx, std::string t) {
  if (ctx == nullptr || ctx->QUOTED_IDENTIFIER() == nullptr || t.size() < 2) return t;
  char open = t.front();
  char close = open == '[' ? ']' : open;
  std::string out;
  for (size_t i = 1; i + 1 < t.size(); ++i) {
    out.push_back(t[i]);
    if (t[i] == close && open != '[' && i + 2 < t.size() && t[i + 1] == close) {
      ++i;  // doubled quote
    }
  }
  return out;
}

std::vector<std::string> Transformer::Names(
    const std::vector<SQLParser::NameContext*>& v) {
  std::vector<std::string> out;
  for (auto* n : v) out.push_back(Name(n));
  return out;
}

// The two commonest literals without LiteralFromToken()'s generality (or
// its StatusOr): integers of up to 18 digits (they cannot overflow) and
// strings without doubled quotes. False for anything else.
bool QuickLiteral(size_t type, absl::string_view text, Value* out) {
  if (type == SQLLexer::DIGITS && text.size() <= 18) {
    int64_t v = 0;
    for (char c : text) v = v * 10 + (c - '0');
    *out = Value::Integer(v);
    return true;
  }
  if (type == SQLLexer::STRING_LITERAL && text.size() >= 2) {
    absl::string_view body = text.substr(1, text.size() - 2);
    if (body.find('\'') != absl::string_view::npos) return false;
    *out = Value::Text(body);
    return true;
  }
  return false;
}

}  // namespace

absl::StatusOr<Value> LiteralFromToken(size_t token_type, absl::string_view t) {
  if (Value v; QuickLiteral(token_type, t, &v)) return v;
  if (token_type == SQLLexer::DIGITS) {
    int64_t v;
    if (absl::SimpleAtoi(t, &v)) return Value::Integer(v);
    return Value::Real(std::strtod(std::string(t).c_str(), nullptr));  // too big: REAL
  }
  if (token_type == SQLLexer::NUMERIC_LITERAL) {
    if (t.size() > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X')) {
      if (t.size() > 18) return absl::InvalidArgumentError("hexadecimal literal too large");
      uint64_t v = 0;
      for (size_t i = 2; i < t.size(); ++i) {
        char c = absl::ascii_tolower(t[i]);
        v = v * 16 + static_cast<uint64_t>(c <= '9' ? c - '0' : c - 'a' + 10);
      }
      return Value::Integer(static_cast<int64_t>(v));
    }
    return Value::Real(std::strtod(std::string(t).c_str(), nullptr));
  }
  if (token_type == SQLLexer::STRING_LITERAL) {
    absl::string_view body = t.substr(1, t.size() >= 2 ? t.size() - 2 : 0);
    std::string out;
    for (size_t i = 0; i < body.size(); ++i) {
      out.push_back(body[i]);
      if (body[i] == '\'') ++i;  // '' stands for one quote
    }
    return Value::Text(out);
  }
  if (token_type == SQLLexer::BLOB_LITERAL) {
    std::string hex(t.substr(2, t.size() - 3));
    if (hex.size() % 2 != 0) {
      return absl::InvalidArgumentError("blob literal needs an even number of hex digits");
    }
    return Value::Blob(absl::HexStringToBytes(hex));
  }
  return absl::InvalidArgumentError("not a literal token");
}

namespace {

Value Transformer::Literal(SQLParser::Literal_valueContext* ctx) {
  if (ctx->K_TRUE() != nullptr) return Value::Boolean(true);
  if (ctx->K_FALSE() != nullptr) return Value::Boolean(false);
  if (ctx->K_NULL() != nullptr) return Value::Null();
  antlr4::Token* token = ctx->getStart();
  absl::StatusOr<Value> v = LiteralFromToken(token->getType(), token->getText());
  if (!v.ok()) {
    Fail(ctx, std::string(v.status().message()));
    return Value();
  }
  if (literal_sink_ != nullptr && current_literal_ != nullptr) {
    literal_sink_->emplace_back(current_literal_, token->getTokenIndex());
  }
  return *std::move(v);
}

Value Transformer::SignedNumber(SQLParser::Signed_numberContext* ctx) {
  std::string t = ctx->getText();
  bool negative = ctx->MINUS() != nullptr;
  std::string digits = (ctx->MINUS() != nullptr || ctx->PLUS() != nullptr)
                           ? t.substr(1)
                           : t;
  int64_t v;
  if (ctx->DIGITS() != nullptr && absl::SimpleAtoi(digits, &v)) {
    return Value::Integer(negative ? -v : v);
  }
  if (ctx->DIGITS() != nullptr && negative && IsInt64MinDigits(digits)) {
    return Value::Integer(std::numeric_limits<int64_t>::min());
  }
  double d = std::strtod(digits.c_str(), nullptr);
  return Value::Real(negative ? -d : d);
}

Type Transformer::TypeOf(SQLParser::Type_nameContext* ctx) {
  std::string first = absl::AsciiStrToLower(Name(ctx->type_word(0), ctx->type_word(0)->getText()));
  if (std::optional<Type> t = ast::TypeFromName(first); t.has_value()) return *t;
  // Any other name (DATETIME, UNSIGNED BIG INT, NATIVE CHARACTER(70)),
  // typed by SQLite's rules for its affinity (section 3.1 of its datatype
  // documentation): a DATETIME column has NUMERIC affinity, so it keeps
  // '2024-01-01' as text and stores '2024' as 2024.
  std::string words;
  for (auto* n : ctx->type_word()) {
    absl::StrAppend(&words, absl::AsciiStrToLower(Name(n, n->getText())), " ");
  }
  auto has = [&](const char* part) { return absl::StrContains(words, part); };
  if (has("int")) return Type::kInteger;
  if (has("char") || has("clob") || has("text")) return Type::kText;
  if (has("blob")) return Type::kBlob;
  if (has("real") || has("floa") || has("doub")) return Type::kReal;
  return Type::kNumeric;
}

ast::ForeignKeyDef Transformer::ForeignKey(SQLParser::Foreign_key_clauseContext* ctx,
                                           std::vector<std::string> columns) {
  ast::ForeignKeyDef fk;
  fk.columns = std::move(columns);
  fk.references = Text(ctx);
  fk.ref_table = Name(ctx->name(0));
  // After REFERENCES table: the parent's columns in parentheses, then
  // ON DELETE / ON UPDATE actions, then whether it is deferred (MATCH is
  // not kept: SQLite ignores it too).
  const std::vector<antlr4::tree::ParseTree*>& parts = ctx->children;
  auto token = [&](size_t i) {
    auto* t = dynamic_cast<antlr4::tree::TerminalNode*>(parts[i]);
    return t == nullptr ? size_t{0} : t->getSymbol()->getType();
  };
  size_t i = 2;
  if (i < parts.size() && token(i) == SQLParser::OPEN_PAR) {
    for (++i; i < parts.size() && token(i) != SQLParser::CLOSE_PAR; ++i) {
      if (auto* n = dynamic_cast<SQLParser::NameContext*>(parts[i])) fk.ref_columns.push_back(Name(n));
    }
    ++i;
  }
  while (i < parts.size()) {
    if (token(i) != SQLParser::K_ON || i + 2 >= parts.size()) {
      ++i;
      continue;
    }
    std::string& action = token(i + 1) == SQLParser::K_DELETE ? fk.on_delete : fk.on_update;
    action.clear();
    for (i += 2; i < parts.size(); ++i) {
      const size_t t = token(i);
      if (t == 0 || t == SQLParser::K_ON || t == SQLParser::K_MATCH || t == SQLParser::K_NOT ||
          t == SQLParser::K_DEFERRABLE) {
        break;
      }
      absl::StrAppend(&action, action.empty() ? "" : " ", absl::AsciiStrToUpper(parts[i]->getText()));
    }
  }
  for (size_t d = 0; d < parts.size(); ++d) {
    if (token(d) != SQLParser::K_DEFERRABLE) continue;
    fk.deferred = (d == 0 || token(d - 1) != SQLParser::K_NOT) && d + 2 < parts.size() &&
                  token(d + 1) == SQLParser::K_INITIALLY && token(d + 2) == SQLParser::K_DEFERRED;
  }
  return fk;
}

bool Transformer::TempSchema(SQLParser::Schema_prefixContext* prefix) {
  if (prefix == nullptr) return false;
  const std::string schema = absl::AsciiStrToLower(Name(prefix->name()));
  if (schema == "temp" || schema == "temporary") return true;
  if (schema != "main") Fail(prefix, absl::StrCat("unknown database ", Name(prefix->name())));
  return false;
}

std::vector<ast::ExprPtr> Transformer::Row(SQLParser::Value_rowContext* ctx) {
  std::vector<ast::ExprPtr> row;
  for (auto* e : ctx->expr()) row.push_back(Expr(e));
  return row;
}

void Transformer::FailTooComplex(antlr4::ParserRuleContext* ctx, absl::string_view why) {
  // It outranks an earlier error: past a limit the rest may not be read.
  if (HasErrorKind(status_, ErrorKind::kTooComplex)) return;
  status_ = TooComplex(ctx->getStart()->getLine(), ctx->getStart()->getCharPositionInLine() + 1, why);
}

bool Transformer::DepthOk(antlr4::ParserRuleContext* ctx) {
  if (depth_ > max_depth_) {
    FailTooComplex(ctx, absl::StrFormat("expressions and queries nested more than %d levels deep",
                                        max_depth_));
    return false;
  }
  if (budget_->Exceeded()) {
    FailTooComplex(ctx, kStackExhausted);
    return false;
  }
  return true;
}

bool Transformer::CountOk(antlr4::ParserRuleContext* ctx, size_t count, size_t max,
                          const char* what) {
  if (count <= max) return true;
  FailTooComplex(ctx, absl::StrFormat("more than %d %s", max, what));
  return false;
}

ast::ExprPtr Transformer::Expr(SQLParser::ExprContext* ctx) {
  if (ctx == nullptr) return nullptr;
  Deeper nested(this, 1);
  if (!DepthOk(ctx)) return Refused(ctx);
  return Or(ctx->or_expr());
}

ast::ExprPtr Transformer::Bin(ast::Op op, antlr4::ParserRuleContext* ctx,
                              ast::ExprPtr l, ast::ExprPtr r) {
  ast::ExprPtr e = Make(ast::ExprKind::kBinary, ctx);
  e->op = op;
  e->children.push_back(std::move(l));
  e->children.push_back(std::move(r));
  return e;
}

ast::ExprPtr Transformer::Or(SQLParser::Or_exprContext* ctx) {
  // A chain of n operands folds into n - 1 levels.
  Deeper chain(this, ctx->and_expr().size() - 1);
  if (!DepthOk(ctx)) return Refused(ctx);
  ast::ExprPtr e = And(ctx->and_expr(0));
  for (size_t i = 1; i < ctx->and_expr().size(); ++i) {
    e = Bin(ast::Op::kOr, ctx, std::move(e), And(ctx->and_expr(i)));
  }
  return e;
}

ast::ExprPtr Transformer::And(SQLParser::And_exprContext* ctx) {
  // A chain of n operands folds into n - 1 levels.
  Deeper chain(this, ctx->not_expr().size() - 1);
  if (!DepthOk(ctx)) return Refused(ctx);
  ast::ExprPtr e = Not(ctx->not_expr(0));
  for (size_t i = 1; i < ctx->not_expr().size(); ++i) {
    e = Bin(ast::Op::kAnd, ctx, std::move(e), Not(ctx->not_expr(i)));
  }
  return e;
}

ast::ExprPtr Transformer::Not(SQLParser::Not_exprContext* ctx) {
  if (ctx->K_NOT() != nullptr) {
    Deeper operand(this, 1);
    if (!DepthOk(ctx)) return Refused(ctx);
    ast::ExprPtr e = Make(ast::ExprKind::kUnary, ctx);
    e->op = ast::Op::kNot;
    e->children.push_back(Not(ctx->not_expr()));
    return e;
  }
  return Equality(ctx->equality_expr());
}

ast::ExprPtr Transformer::Equality(SQLParser::Equality_exprContext* ctx) {
  using K = ast::ExprKind;
  // Each tail wraps what came before: one level each.
  Deeper tails(this, ctx->equality_tail().size());
  if (!DepthOk(ctx)) return Refused(ctx);
  ast::ExprPtr e = Comparison(ctx->comparison_expr());
  for (SQLParser::Equality_tailContext* tail : ctx->equality_tail()) {
    if (auto* c = dynamic_cast<SQLParser::Tail_equalContext*>(tail)) {
      int t = c->op->getType();
      ast::Op op = (t == SQLParser::ASSIGN || t == SQLParser::EQ) ? ast::Op::kEq
                                                                  : ast::Op::kNe;
      e = Bin(op, ctx, std::move(e), Comparison(c->comparison_expr()));
    } else if (auto* c = dynamic_cast<SQLParser::Tail_isContext*>(tail)) {
      ast::ExprPtr rhs = Comparison(c->comparison_expr());
      if (rhs->kind == K::kLiteral && rhs->literal.is_null()) {
        ast::ExprPtr n = Make(K::kIsNull, ctx);
        n->negated = (c->K_NOT() != nullptr) != (c->K_DISTINCT() != nullptr);
        n->children.push_back(std::move(e));
        e = std::move(n);
      } else {
        // IS DISTINCT FROM is IS NOT; IS NOT DISTINCT FROM is IS.
        const bool is_not = (c->K_NOT() != nullptr) != (c->K_DISTINCT() != nullptr);
        e = Bin(is_not ? ast::Op::kIsNot : ast::Op::kIs, ctx, std::move(e), std::move(rhs));
      }
    } else if (auto* c = dynamic_cast<SQLParser::Tail_betweenContext*>(tail)) {
      ast::ExprPtr b = Make(K::kBetween, ctx);
      b->negated = c->K_NOT() != nullptr;
      b->children.push_back(std::move(e));
      b->children.push_back(Comparison(c->comparison_expr(0)));
      b->children.push_back(Comparison(c->comparison_expr(1)));
      e = std::move(b);
    } else if (auto* c = dynamic_cast<SQLParser::Tail_inContext*>(tail)) {
      ast::ExprPtr in = Make(c->select_stmt() != nullptr ? K::kInSubquery : K::kInList, ctx);
      in->negated = c->K_NOT() != nullptr;
      in->children.push_back(std::move(e));
      for (auto* a : c->expr()) in->children.push_back(Expr(a));
      if (c->select_stmt() != nullptr) in->subquery = Select(c->select_stmt());
      e = std::move(in);
    } else if (auto* c = dynamic_cast<SQLParser::Tail_in_tableContext*>(tail)) {
      // SQLite's "x IN t" means "x IN (SELECT * FROM t)".
      ast::ExprPtr in = Make(K::kInSubquery, ctx);
      in->negated = c->K_NOT() != nullptr;
      in->children.push_back(std::move(e));
      in->subquery = std::make_unique<ast::SelectStmt>();
      in->subquery->pos = Pos(c->name());
      ast::SelectCore core;
      ast::ResultColumn star;
      star.kind = ast::ResultColumn::Kind::kStar;
      core.columns.push_back(std::move(star));
      core.from = std::make_unique<ast::TableRef>();
      core.from->pos = Pos(c->name());
      core.from->name = Name(c->name());
      in->subquery->cores.push_back(std::move(core));
      e = std::move(in);
    } else if (auto* c = dynamic_cast<SQLParser::Tail_likeContext*>(tail)) {
      ast::ExprPtr like = Make(K::kLike, ctx);
      like->negated = c->K_NOT() != nullptr;
      like->op = c->op->getType() == SQLParser::K_GLOB ? ast::Op::kGlob : ast::Op::kLike;
      like->children.push_back(std::move(e));
      for (auto* a : c->comparison_expr()) like->children.push_back(Comparison(a));
      e = std::move(like);
    } else if (auto* c = dynamic_cast<SQLParser::Tail_nullContext*>(tail)) {
      ast::ExprPtr n = Make(K::kIsNull, ctx);
      n->negated = c->K_NOTNULL() != nullptr || c->K_NOT() != nullptr;
      n->children.push_back(std::move(e));
      e = std::move(n);
    }
  }
  return e;
}

ast::ExprPtr Transformer::Comparison(SQLParser::Comparison_exprContext* ctx) {
  // A chain of n operands folds into n - 1 levels.
  Deeper chain(this, ctx->bit_expr().size() - 1);
  if (!DepthOk(ctx)) return Refused(ctx);
  ast::ExprPtr e = BitOp(ctx->bit_expr(0));
  for (size_t i = 1; i < ctx->bit_expr().size(); ++i) {
    ast::Op op;
    switch (ctx->ops[i - 1]->getType()) {
      case SQLParser::LT:
        op = ast::Op::kLt;
        break;
      case SQLParser::LT_EQ:
        op = ast::Op::kLe;
        break;
      case SQLParser::GT:
        op = ast::Op::kGt;
        break;
      default:
        op = ast::Op::kGe;
    }
    e = Bin(op, ctx, std::move(e), BitOp(ctx->bit_expr(i)));
  }
  return e;
}

ast::ExprPtr Transformer::BitOp(SQLParser::Bit_exprContext* ctx) {
  // A chain of n operands folds into n - 1 levels.
  Deeper chain(this, ctx->add_expr().size() - 1);
  if (!DepthOk(ctx)) return Refused(ctx);
  ast::ExprPtr e = Additive(ctx->add_expr(0));
  for (size_t i = 1; i < ctx->add_expr().size(); ++i) {
    ast::Op op;
    switch (ctx->ops[i - 1]->getType()) {
      case SQLParser::LT2:
        op = ast::Op::kShiftLeft;
        break;
      case SQLParser::GT2:
        op = ast::Op::kShiftRight;
        break;
      case SQLParser::AMP:
        op = ast::Op::kBitAnd;
        break;
      default:
        op = ast::Op::kBitOr;
    }
    e = Bin(op, ctx, std::move(e), Additive(ctx->add_expr(i)));
  }
  return e;
}

ast::ExprPtr Transformer::Additive(SQLParser::Add_exprContext* ctx) {
  // A chain of n operands folds into n - 1 levels.
  Deeper chain(this, ctx->mul_expr().size() - 1);
  if (!DepthOk(ctx)) return Refused(ctx);
  ast::ExprPtr e = Multiplicative(ctx->mul_expr(0));
  for (size_t i = 1; i < ctx->mul_expr().size(); ++i) {
    ast::Op op = ctx->ops[i - 1]->getType() == SQLParser::PLUS ? ast::Op::kAdd
                                                               : ast::Op::kSub;
    e = Bin(op, ctx, std::move(e), Multiplicative(ctx->mul_expr(i)));
  }
  return e;
}

ast::ExprPtr Transformer::Multiplicative(SQLParser::Mul_exprContext* ctx) {
  // A chain of n operands folds into n - 1 levels.
  Deeper chain(this, ctx->concat_expr().size() - 1);
  if (!DepthOk(ctx)) return Refused(ctx);
  ast::ExprPtr e = Concat(ctx->concat_expr(0));
  for (size_t i = 1; i < ctx->concat_expr().size(); ++i) {
    int t = ctx->ops[i - 1]->getType();
    ast::Op op = t == SQLParser::STAR  ? ast::Op::kMul
                 : t == SQLParser::DIV ? ast::Op::kDiv
                                       : ast::Op::kMod;
    e = Bin(op, ctx, std::move(e), Concat(ctx->concat_expr(i)));
  }
  return e;
}

ast::ExprPtr Transformer::Concat(SQLParser::Concat_exprContext* ctx) {
  // A chain of n operands folds into n - 1 levels.
  Deeper chain(this, ctx->unary_expr().size() - 1);
  if (!DepthOk(ctx)) return Refused(ctx);
  ast::ExprPtr e = Unary(ctx->unary_expr(0));
  for (size_t i = 1; i < ctx->unary_expr().size(); ++i) {
    const int t = ctx->ops[i - 1]->getType();
    const ast::Op op = t == SQLParser::PIPE2    ? ast::Op::kConcat
                       : t == SQLParser::ARROW ? ast::Op::kJsonGet
                                               : ast::Op::kJsonGetText;
    e = Bin(op, ctx, std::move(e), Unary(ctx->unary_expr(i)));
  }
  return e;
}

// Whether `ctx` is the bare integer literal 9223372036854775808, which
// only fits an INTEGER negated.
bool IsInt64MinMagnitude(SQLParser::Unary_exprContext* ctx) {
  if (ctx->op != nullptr) return false;
  auto* lit = dynamic_cast<SQLParser::E_literalContext*>(ctx->primary());
  if (lit == nullptr) return false;
  antlr4::Token* token = lit->literal_value()->getStart();
  return token->getType() == SQLLexer::DIGITS && IsInt64MinDigits(token->getText());
}

ast::ExprPtr Transformer::Unary(SQLParser::Unary_exprContext* ctx) {
  if (ctx->op == nullptr) {
    ast::ExprPtr e = Primary(ctx->primary());
    if (ctx->collation != nullptr) e->collation = Name(ctx->collation);
    return e;
  }
  Deeper operand(this, 1);
  if (!DepthOk(ctx)) return Refused(ctx);
  ast::ExprPtr e = Make(ast::ExprKind::kUnary, ctx);
  switch (ctx->op->getType()) {
    case SQLParser::MINUS:
      e->op = ast::Op::kNegate;
      break;
    case SQLParser::PLUS:
      e->op = ast::Op::kPlus;
      break;
    default:
      e->op = ast::Op::kBitNot;
  }
  ast::ExprPtr child = Unary(ctx->unary_expr());
  if (e->op == ast::Op::kNegate && IsInt64MinMagnitude(ctx->unary_expr())) {
    // SQLite reads -9223372036854775808 as the smallest INTEGER, though its
    // digits alone overflow to REAL. The folded literal is kept from the
    // shape cache, which would refill it from the digits without the sign.
    if (literal_sink_ != nullptr && !literal_sink_->empty() &&
        literal_sink_->back().first == child.get()) {
      literal_sink_->pop_back();
    }
    child->literal = Value::Integer(std::numeric_limits<int64_t>::min());
    return child;
  }
  e->children.push_back(std::move(child));
  return e;
}

ast::ExprPtr Transformer::Primary(SQLParser::PrimaryContext* ctx) {
  using K = ast::ExprKind;
  if (auto* c = dynamic_cast<SQLParser::E_literalContext*>(ctx)) {
    ast::ExprPtr e = Make(K::kLiteral, c);
    current_literal_ = e.get();  // Literal() reports it to the sink
    e->literal = Literal(c->literal_value());
    current_literal_ = nullptr;
    return e;
  }
  if (auto* c = dynamic_cast<SQLParser::E_parameterContext*>(ctx)) {
    ast::ExprPtr e = Make(K::kParameter, c);
    auto* p = c->parameter();
    if (p->DIGITS() != nullptr) {
      int n = 0;
      if (!absl::SimpleAtoi(p->DIGITS()->getText(), &n) || n < 1 || n > 32766) {
        Fail(c, "parameter number out of range (1..32766)");
      }
      e->param_index = n;
      next_param_ = std::max(next_param_, n + 1);
    } else {
      e->param_index = next_param_++;
    }
    return e;
  }
  if (auto* c = dynamic_cast<SQLParser::E_columnContext*>(ctx)) {
    ast::ExprPtr e = Make(K::kColumnRef, c);
    e->table = Name(c->table);
    e->name = Name(c->column);
    return e;
  }
  if (auto* c = dynamic_cast<SQLParser::E_parenContext*>(ctx)) {
    if (c->expr().size() == 1) return Expr(c->expr(0));
    ast::ExprPtr e = Make(K::kRow, c);  // a row value
    for (auto* x : c->expr()) e->children.push_back(Expr(x));
    return e;
  }
  if (auto* c = dynamic_cast<SQLParser::E_subqueryContext*>(ctx)) {
    ast::ExprPtr e = Make(K::kSubquery, c);
    e->subquery = Select(c->select_stmt());
    return e;
  }
  if (auto* c = dynamic_cast<SQLParser::E_existsContext*>(ctx)) {
    ast::ExprPtr e = Make(K::kExists, c);
    e->subquery = Select(c->select_stmt());
    return e;
  }
  if (auto* c = dynamic_cast<SQLParser::E_caseContext*>(ctx)) {
    ast::ExprPtr e = Make(K::kCase, c);
    e->operand = Expr(c->operand);
    for (auto* w : c->case_when()) {
      e->whens.push_back(ast::CaseWhen{Expr(w->expr(0)), Expr(w->expr(1))});
    }
    e->else_expr = Expr(c->else_expr);
    return e;
  }
  if (auto* c = dynamic_cast<SQLParser::E_raiseContext*>(ctx)) {
    ast::ExprPtr e = Make(K::kRaise, c);
    if (c->action == nullptr) {
      e->name = "ignore";
    } else {
      e->name = absl::AsciiStrToLower(c->action->getText());
      const std::string quoted = c->message->getText();
      e->literal = Value::Text(absl::StrReplaceAll(quoted.substr(1, quoted.size() - 2), {{"''", "'"}}));
    }
    return e;
  }
  if (auto* c = dynamic_cast<SQLParser::E_castContext*>(ctx)) {
    ast::ExprPtr e = Make(K::kCast, c);
    e->children.push_back(Expr(c->expr()));
    e->cast_type = TypeOf(c->type_name());
    return e;
  }
  if (auto* c = dynamic_cast<SQLParser::E_like_callContext*>(ctx)) {
    // like(P, X [, E]) is X LIKE P [ESCAPE E]; glob(P, X) is X GLOB P.
    ast::ExprPtr e = Make(K::kLike, c);
    const bool glob = c->op->getType() == SQLParser::K_GLOB;
    e->op = glob ? ast::Op::kGlob : ast::Op::kLike;
    std::vector<SQLParser::ExprContext*> args = c->expr();
    if (glob && args.size() > 2) Fail(c, "wrong number of arguments to function glob()");
    e->children.push_back(Expr(args[1]));
    e->children.push_back(Expr(args[0]));
    if (args.size() > 2) e->children.push_back(Expr(args[2]));
    return e;
  }
  if (auto* c = dynamic_cast<SQLParser::E_functionContext*>(ctx)) {
    ast::ExprPtr e = Make(K::kFunction, c);
    e->name = absl::AsciiStrToLower(Name(c->func));
    e->distinct = c->K_DISTINCT() != nullptr;
    e->star = c->STAR() != nullptr;
    for (auto* a : c->expr()) e->children.push_back(Expr(a));
    if (auto* f = c->filter_clause()) e->filter = Expr(f->expr());
    if (auto* over = c->over_clause()) {
      e->over = std::make_unique<ast::WindowSpec>();
      if (over->window != nullptr) {
        e->over->name = Name(over->window);
      } else {
        *e->over = Window(over->window_spec());
      }
    }
    return e;
  }
  Fail(ctx, "unsupported expression");
  return Make(K::kLiteral, ctx);
}

std::unique_ptr<ast::SelectStmt> Transformer::Select(
    SQLParser::Select_stmtContext* ctx) {
  auto s = std::make_unique<ast::SelectStmt>();
  s->pos = Pos(ctx);
  // A query inside a query is a level: binding and planning recurse into
  // it. A compound's terms fold into a chain of plan nodes.
  const size_t terms = ctx->select_core().size();
  Deeper nested(this, terms);
  if (!CountOk(ctx, terms, kMaxCompoundTerms, "terms in a compound SELECT") || !DepthOk(ctx)) {
    return s;  // empty; the statement has failed
  }
  With(ctx->with_clause(), &s->with, &s->with_recursive);
  for (auto* core : ctx->select_core()) {
    s->cores.emplace_back();
    Core(core, &s->cores.back());
  }
  for (auto* op : ctx->compound_operator()) {
    if (op->K_UNION() != nullptr) {
      s->ops.push_back(op->K_ALL() != nullptr ? ast::SetOp::kUnionAll
                                               : ast::SetOp::kUnion);
    } else if (op->K_INTERSECT() != nullptr) {
      s->ops.push_back(ast::SetOp::kIntersect);
    } else {
      s->ops.push_back(ast::SetOp::kExcept);
    }
  }
  for (auto* term : ctx->ordering_term()) s->order_by.push_back(Ordering(term));
  if (ctx->K_LIMIT() != nullptr) {
    // The select_stmt's own expr() children are exactly LIMIT [, OFFSET].
    std::vector<SQLParser::ExprContext*> e = ctx->expr();
    if (ctx->K_OFFSET() == nullptr && e.size() == 2) {
      // LIMIT offset, count (SQLite/MySQL order).
      s->offset = Expr(e[0]);
      s->limit = Expr(e[1]);
    } else {
      s->limit = Expr(e[0]);
      if (e.size() > 1) s->offset = Expr(e[1]);
    }
  }
  return s;
}

void Transformer::Core(SQLParser::Select_coreContext* ctx,
                       ast::SelectCore* core) {
  if (auto* v = dynamic_cast<SQLParser::Select_valuesContext*>(ctx)) {
    core->is_values = true;
    for (auto* row : v->value_row()) core->values.push_back(Row(row));
    return;
  }
  auto* c = dynamic_cast<SQLParser::Select_simpleContext*>(ctx);
  core->distinct = c->K_DISTINCT() != nullptr;
  for (auto* rc : c->result_column()) core->columns.push_back(ResultColumn(rc));
  if (c->join_clause() != nullptr) core->from = Join(c->join_clause());
  core->where = Expr(c->where);
  for (auto* e : c->expr()) {
    if (e == c->where || e == c->having) continue;
    core->group_by.push_back(Expr(e));
  }
  core->having = Expr(c->having);
  for (auto* w : c->window_def()) {
    core->windows.emplace_back(Name(w->window), Window(w->window_spec()));
  }
}

ast::OrderingTerm Transformer::Ordering(SQLParser::Ordering_termContext* term) {
  ast::OrderingTerm t;
  t.expr = Expr(term->expr());
  t.descending = term->K_DESC() != nullptr;
  if (term->K_NULLS() != nullptr) t.nulls_first = term->K_FIRST() != nullptr;
  return t;
}

ast::WindowSpec Transformer::Window(SQLParser::Window_specContext* ctx) {
  ast::WindowSpec w;
  if (ctx->base != nullptr) w.name = Name(ctx->base);
  for (auto* e : ctx->expr()) w.partition_by.push_back(Expr(e));
  for (auto* term : ctx->ordering_term()) w.order_by.push_back(Ordering(term));
  if (auto* f = ctx->frame_spec()) {
    w.has_frame = true;
    w.unit = f->K_ROWS() != nullptr     ? ast::FrameUnit::kRows
             : f->K_GROUPS() != nullptr ? ast::FrameUnit::kGroups
                                        : ast::FrameUnit::kRange;
    auto bound = [&](SQLParser::Frame_boundContext* b) {
      ast::FrameBound out;
      if (dynamic_cast<SQLParser::Frame_unbounded_precedingContext*>(b) != nullptr) {
        out.kind = ast::FrameBoundKind::kUnboundedPreceding;
      } else if (dynamic_cast<SQLParser::Frame_unbounded_followingContext*>(b) != nullptr) {
        out.kind = ast::FrameBoundKind::kUnboundedFollowing;
      } else if (auto* p = dynamic_cast<SQLParser::Frame_precedingContext*>(b)) {
        out.kind = ast::FrameBoundKind::kPreceding;
        out.offset = Expr(p->expr());
      } else if (auto* fo = dynamic_cast<SQLParser::Frame_followingContext*>(b)) {
        out.kind = ast::FrameBoundKind::kFollowing;
        out.offset = Expr(fo->expr());
      }
      return out;
    };
    w.start = bound(f->start);
    // A lone bound is the start; the frame ends at the current row.
    if (f->end != nullptr) w.end = bound(f->end);
    if (f->K_EXCLUDE() != nullptr) {
      w.exclude = f->K_OTHERS() != nullptr ? ast::FrameExclude::kNoOthers
                  : f->K_ROW() != nullptr  ? ast::FrameExclude::kCurrentRow
                  : f->K_GROUP() != nullptr ? ast::FrameExclude::kGroup
                                            : ast::FrameExclude::kTies;
    }
  }
  return w;
}

ast::ResultColumn Transformer::ResultColumn(SQLParser::Result_columnContext* ctx) {
  ast::ResultColumn col;
  if (dynamic_cast<SQLParser::Result_starContext*>(ctx) != nullptr) {
    col.kind = ast::ResultColumn::Kind::kStar;
  } else if (auto* ts = dynamic_cast<SQLParser::Result_table_starContext*>(ctx)) {
    col.kind = ast::ResultColumn::Kind::kTableStar;
    col.table = Name(ts->name());
  } else {
    auto* re = dynamic_cast<SQLParser::Result_exprContext*>(ctx);
    const size_t literals_before = literal_sink_ != nullptr ? literal_sink_->size() : 0;
    col.expr = Expr(re->expr());
    col.alias = Name(re->alias);
    if (col.alias.empty() && col.expr != nullptr && col.expr->kind != ast::ExprKind::kColumnRef) {
      col.text = Text(re->expr());
      // The name holds this statement's literals: a tree the shape cache
      // reuses with other literals would keep it (ShapeCache::Parse).
      if (literal_sink_ != nullptr && literal_sink_->size() > literals_before) {
        named_by_literal_ = true;
      }
    }
  }
  return col;
}

std::vector<ast::ResultColumn> Transformer::Returning(SQLParser::Returning_clauseContext* ctx) {
  std::vector<ast::ResultColumn> out;
  if (ctx == nullptr) return out;
  for (auto* rc : ctx->result_column()) out.push_back(ResultColumn(rc));
  return out;
}

ast::TableRefPtr Transformer::TableOrSubquery(
    SQLParser::Table_or_subqueryContext* ctx) {
  if (auto* c = dynamic_cast<SQLParser::Table_name_refContext*>(ctx)) {
    auto t = std::make_unique<ast::TableRef>();
    t->kind = ast::TableRef::Kind::kTable;
    t->pos = Pos(c);
    TempSchema(c->schema_prefix());
    t->name = Name(c->name(0));
    t->alias = Name(c->alias);
    t->indexed_by = Name(c->index);
    t->not_indexed = c->K_INDEXED() != nullptr && c->K_NOT() != nullptr;
    return t;
  }
  if (auto* c = dynamic_cast<SQLParser::Table_functionContext*>(ctx)) {
    auto t = std::make_unique<ast::TableRef>();
    t->kind = ast::TableRef::Kind::kFunction;
    t->pos = Pos(c);
    t->name = Name(c->name(0));
    t->alias = Name(c->alias);
    for (SQLParser::ExprContext* e : c->expr()) t->args.push_back(Expr(e));
    return t;
  }
  if (auto* c = dynamic_cast<SQLParser::Table_subqueryContext*>(ctx)) {
    auto t = std::make_unique<ast::TableRef>();
    t->kind = ast::TableRef::Kind::kSubquery;
    t->pos = Pos(c);
    t->subquery = Select(c->select_stmt());
    t->alias = Name(c->alias);
    return t;
  }
  auto* c = dynamic_cast<SQLParser::Table_nested_joinContext*>(ctx);
  return Join(c->join_clause());
}

ast::TableRefPtr Transformer::Join(SQLParser::Join_clauseContext* ctx) {
  std::vector<SQLParser::Table_or_subqueryContext*> tables =
      ctx->table_or_subquery();
  std::vector<SQLParser::Join_operatorContext*> ops = ctx->join_operator();
  std::vector<SQLParser::Join_constraintContext*> constraints =
      ctx->join_constraint();
  // The tables fold into a left-deep chain of joins.
  Deeper chain(this, tables.size() - 1);
  if (!CountOk(ctx, tables.size(), kMaxJoinTables, "tables in a join") || !DepthOk(ctx)) {
    return TableOrSubquery(tables[0]);  // the statement has failed
  }
  ast::TableRefPtr left = TableOrSubquery(tables[0]);
  // Constraints are optional per join: match them by position in the text.
  size_t next_constraint = 0;
  for (size_t i = 0; i < ops.size(); ++i) {
    auto j = std::make_unique<ast::TableRef>();
    j->kind = ast::TableRef::Kind::kJoin;
    j->pos = Pos(ops[i]);
    SQLParser::Join_operatorContext* op = ops[i];
    if (op->COMMA() != nullptr) {
      j->join_type = ast::JoinType::kComma;
    } else if (op->K_LEFT() != nullptr) {
      j->join_type = ast::JoinType::kLeft;
    } else if (op->K_RIGHT() != nullptr) {
      j->join_type = ast::JoinType::kRight;
    } else if (op->K_FULL() != nullptr) {
      j->join_type = ast::JoinType::kFull;
    } else if (op->K_CROSS() != nullptr) {
      j->join_type = ast::JoinType::kCross;
    } else {
      j->join_type = ast::JoinType::kInner;
    }
    j->natural = op->K_NATURAL() != nullptr;
    j->left = std::move(left);
    j->right = TableOrSubquery(tables[i + 1]);
    size_t right_end = tables[i + 1]->getStop()->getStopIndex();
    size_t next_op_start = i + 1 < ops.size()
                               ? ops[i + 1]->getStart()->getStartIndex()
                               : SIZE_MAX;
    if (next_constraint < constraints.size()) {
      auto* jc = constraints[next_constraint];
      size_t at = jc->getStart()->getStartIndex();
      if (at > right_end && at < next_op_start) {
        if (jc->K_ON() != nullptr) {
          j->condition = Expr(jc->expr());
        } else {
          j->using_columns = Names(jc->name());
        }
        ++next_constraint;
      }
    }
    left = std::move(j);
  }
  return left;
}

ast::ColumnDef Transformer::ColumnDef(SQLParser::Column_defContext* ctx) {
  ast::ColumnDef col;
  col.name = Name(ctx->name());
  if (auto* t = ctx->type_name()) {
    col.type_text = Text(t);
    col.type = TypeOf(t);
  }
  for (auto* cc : ctx->column_constraint()) {
    auto* body = cc->column_constraint_body();
    if (auto* pk = dynamic_cast<SQLParser::Cc_primary_keyContext*>(body)) {
      col.primary_key = true;
      col.primary_key_desc = pk->K_DESC() != nullptr;
      col.autoincrement = pk->K_AUTOINCREMENT() != nullptr;
    } else if (dynamic_cast<SQLParser::Cc_not_nullContext*>(body)) {
      col.not_null = true;
    } else if (dynamic_cast<SQLParser::Cc_uniqueContext*>(body)) {
      col.unique = true;
    } else if (auto* ck = dynamic_cast<SQLParser::Cc_checkContext*>(body)) {
      col.checks.push_back(Expr(ck->expr()));
    } else if (auto* co = dynamic_cast<SQLParser::Cc_collateContext*>(body)) {
      col.collation = Name(co->name());
    } else if (auto* fk = dynamic_cast<SQLParser::Cc_referencesContext*>(body)) {
      col.foreign_key = ForeignKey(fk->foreign_key_clause(), {col.name});
    } else if (auto* g = dynamic_cast<SQLParser::Cc_generatedContext*>(body)) {
      col.generated = Expr(g->expr());
      col.generated_stored = g->K_STORED() != nullptr;
    } else if (auto* d = dynamic_cast<SQLParser::Cc_defaultContext*>(body)) {
      if (d->signed_number() != nullptr) {
        col.default_value = Make(ast::ExprKind::kLiteral, d);
        col.default_value->literal = SignedNumber(d->signed_number());
      } else if (d->literal_value() != nullptr) {
        col.default_value = Make(ast::ExprKind::kLiteral, d);
        col.default_value->literal = Literal(d->literal_value());
      } else if (d->name() != nullptr) {
        // CURRENT_TIMESTAMP, CURRENT_DATE, CURRENT_TIME: the moment of the
        // insert; another bare word is its text, as in SQLite.
        const std::string word = Name(d->name());
        const std::string lower = absl::AsciiStrToLower(word);
        if (lower == "current_timestamp" || lower == "current_date" || lower == "current_time") {
          col.default_value = Make(ast::ExprKind::kColumnRef, d);
          col.default_value->name = lower;
        } else {
          col.default_value = Make(ast::ExprKind::kLiteral, d);
          col.default_value->literal = Value::Text(word);
        }
      } else {
        col.default_value = Expr(d->expr());
      }
    }
  }
  return col;
}

std::vector<ast::IndexedColumn> Transformer::IndexedColumns(
    const std::vector<SQLParser::Indexed_columnContext*>& v) {
  std::vector<ast::IndexedColumn> out;
  for (auto* c : v) {
    out.push_back(ast::IndexedColumn{Name(c->name(0)), c->K_DESC() != nullptr,
                                     c->collation != nullptr ? Name(c->collation) : ""});
  }
  return out;
}

SQLParser::Select_stmtContext* Transformer::SubqueryOf(SQLParser::ExprContext* ctx) {
  // Down the grammar's one-child levels (or_expr ... primary) to a
  // parenthesized SELECT.
  antlr4::tree::ParseTree* node = ctx;
  while (node != nullptr) {
    if (auto* s = dynamic_cast<SQLParser::E_subqueryContext*>(node)) return s->select_stmt();
    if (node->children.size() != 1) return nullptr;
    node = node->children[0];
  }
  return nullptr;
}

std::vector<ast::Assignment> Transformer::Assignments(
    const std::vector<SQLParser::AssignmentContext*>& v) {
  std::vector<ast::Assignment> out;
  for (auto* a : v) {
    if (a->OPEN_PAR() == nullptr) {
      out.push_back(ast::Assignment{Name(a->name(0)), Expr(a->expr())});
      continue;
    }
    // SET (a, b) = (x, y): one assignment per column. SET (a, b) =
    // (SELECT x, y ...): one scalar subquery per column, each the SELECT
    // with only its column (no row: NULLs, as SQLite).
    ast::ExprPtr row = Expr(a->expr());
    if (row->kind == ast::ExprKind::kSubquery && a->name().size() > 1) {
      SQLParser::Select_stmtContext* select = SubqueryOf(a->expr());
      // Each column's copy must pick the same row: no compound SELECT, no
      // DISTINCT, no ORDER BY a result column's number.
      const ast::SelectStmt& whole = *row->subquery;
      const bool same_row =
          whole.cores.size() == 1 && !whole.cores[0].distinct &&
          std::none_of(whole.order_by.begin(), whole.order_by.end(), [](const ast::OrderingTerm& o) {
            return o.expr->kind == ast::ExprKind::kLiteral;
          });
      if (!same_row) {
        Fail(a, "SET (columns) = (SELECT ...) takes one SELECT without DISTINCT or ORDER BY "
                "a column number");
        continue;
      }
      for (size_t i = 0; select != nullptr && i < a->name().size(); ++i) {
        ast::ExprPtr one = Make(ast::ExprKind::kSubquery, a->expr());
        one->subquery = Select(select);
        for (ast::SelectCore& core : one->subquery->cores) {
          const bool star = std::any_of(core.columns.begin(), core.columns.end(),
                                        [](const ast::ResultColumn& c) {
                                          return c.kind != ast::ResultColumn::Kind::kExpr;
                                        });
          if (star || core.is_values || core.columns.size() != a->name().size()) {
            Fail(a, absl::StrFormat("%d columns assigned %d values", a->name().size(),
                                    core.is_values ? core.values.empty() ? 0 : core.values[0].size()
                                                   : core.columns.size()));
            break;
          }
          ast::ResultColumn kept = std::move(core.columns[i]);
          core.columns.clear();
          core.columns.push_back(std::move(kept));
        }
        out.push_back(ast::Assignment{Name(a->name(i)), std::move(one)});
      }
      continue;
    }
    // One value for one column: SET (a) = x.
    std::vector<ast::ExprPtr> values;
    if (row->kind == ast::ExprKind::kRow) {
      values = std::move(row->children);
    } else {
      values.push_back(std::move(row));
    }
    if (values.size() != a->name().size()) {
      Fail(a, absl::StrFormat("%d columns assigned %d values", a->name().size(), values.size()));
      continue;
    }
    for (size_t i = 0; i < values.size(); ++i) {
      out.push_back(ast::Assignment{Name(a->name(i)), std::move(values[i])});
    }
  }
  return out;
}

ast::ConflictAction ConflictFrom(antlr4::Token* t) {
  if (t == nullptr) return ast::ConflictAction::kNone;
  switch (t->getType()) {
    case SQLParser::K_REPLACE:
      return ast::ConflictAction::kReplace;
    case SQLParser::K_IGNORE:
      return ast::ConflictAction::kIgnore;
    case SQLParser::K_ABORT:
      return ast::ConflictAction::kAbort;
    case SQLParser::K_FAIL:
      return ast::ConflictAction::kFail;
    default:
      return ast::ConflictAction::kRollback;
  }
}

void Transformer::With(SQLParser::With_clauseContext* w, std::vector<ast::CommonTableExpr>* out,
                       bool* recursive) {
  if (w == nullptr) return;
  *recursive = w->K_RECURSIVE() != nullptr;
  for (auto* cte : w->common_table_expression()) {
    ast::CommonTableExpr e;
    std::vector<SQLParser::NameContext*> names = cte->name();
    e.name = Name(names[0]);
    for (size_t i = 1; i < names.size(); ++i) e.columns.push_back(Name(names[i]));
    e.query = Select(cte->select_stmt());
    out->push_back(std::move(e));
  }
}

ast::StatementPtr Transformer::Insert(SQLParser::Insert_stmtContext* ctx) {
  auto s = std::make_unique<ast::InsertStatement>();
  With(ctx->with_clause(), &s->with, &s->with_recursive);
  s->or_action = ctx->K_INSERT() == nullptr ? ast::ConflictAction::kReplace
                                            : ConflictFrom(ctx->conflict);
  TempSchema(ctx->schema_prefix());
  std::vector<SQLParser::NameContext*> names = ctx->name();
  s->table = Name(names[0]);
  for (size_t i = 1; i < names.size(); ++i) s->columns.push_back(Name(names[i]));
  for (auto* row : ctx->value_row()) s->values.push_back(Row(row));
  if (ctx->select_stmt() != nullptr) s->select = Select(ctx->select_stmt());
  s->default_values = ctx->K_DEFAULT() != nullptr;
  std::vector<SQLParser::Upsert_clauseContext*> upserts = ctx->upsert_clause();
  for (size_t i = 0; i < upserts.size(); ++i) {
    SQLParser::Upsert_clauseContext* u = upserts[i];
    ast::InsertStatement::Upsert out;
    out.conflict_target = Names(u->name());
    if (out.conflict_target.empty() && i + 1 < upserts.size()) {
      Fail(u, "only the last ON CONFLICT clause may omit its conflict target");
    }
    out.do_nothing = u->K_NOTHING() != nullptr;
    out.do_update = Assignments(u->assignment());
    out.do_update_where = Expr(u->expr());
    s->upserts.push_back(std::move(out));
  }
  s->returning = Returning(ctx->returning_clause());
  return s;
}

ast::StatementPtr Transformer::Update(SQLParser::Update_stmtContext* ctx) {
  auto s = std::make_unique<ast::UpdateStatement>();
  With(ctx->with_clause(), &s->with, &s->with_recursive);
  s->or_action = ConflictFrom(ctx->conflict);
  TempSchema(ctx->schema_prefix());
  s->table = Name(ctx->name());
  s->assignments = Assignments(ctx->assignment());
  if (ctx->join_clause() != nullptr) s->from = Join(ctx->join_clause());
  s->where = Expr(ctx->expr());
  s->returning = Returning(ctx->returning_clause());
  return s;
}

ast::StatementPtr Transformer::Delete(SQLParser::Delete_stmtContext* ctx) {
  auto s = std::make_unique<ast::DeleteStatement>();
  With(ctx->with_clause(), &s->with, &s->with_recursive);
  TempSchema(ctx->schema_prefix());
  s->table = Name(ctx->name());
  s->where = Expr(ctx->expr());
  s->returning = Returning(ctx->returning_clause());
  return s;
}

ast::StatementPtr Transformer::CreateTable(
    SQLParser::Create_table_stmtContext* ctx) {
  auto s = std::make_unique<ast::CreateTableStatement>();
  s->if_not_exists = ctx->K_EXISTS() != nullptr;
  s->temp = ctx->K_TEMP() != nullptr || ctx->K_TEMPORARY() != nullptr;
  if (TempSchema(ctx->schema_prefix())) s->temp = true;
  s->table = Name(ctx->name());
  if (ctx->select_stmt() != nullptr) {
    s->as_select = Select(ctx->select_stmt());
    return s;
  }
  if (!CountOk(ctx, ctx->column_def().size(), kMaxTableColumns, "columns in a table")) return s;
  for (auto* c : ctx->column_def()) s->columns.push_back(ColumnDef(c));
  for (auto* tc : ctx->table_constraint()) {
    auto* body = tc->table_constraint_body();
    if (auto* pk = dynamic_cast<SQLParser::Tc_primary_keyContext*>(body)) {
      if (!s->primary_key.empty()) Fail(pk, "table has more than one primary key");
      s->primary_key = IndexedColumns(pk->indexed_column());
    } else if (auto* u = dynamic_cast<SQLParser::Tc_uniqueContext*>(body)) {
      s->uniques.push_back(IndexedColumns(u->indexed_column()));
    } else if (auto* ck = dynamic_cast<SQLParser::Tc_checkContext*>(body)) {
      s->checks.push_back(Expr(ck->expr()));
    } else if (auto* fk = dynamic_cast<SQLParser::Tc_foreign_keyContext*>(body)) {
      s->foreign_keys.push_back(ForeignKey(fk->foreign_key_clause(), Names(fk->name())));
    }
  }
  for (auto* option : ctx->table_option()) {
    const std::string word = absl::AsciiStrToLower(Name(option->name()));
    if (option->K_WITHOUT() != nullptr && word == "rowid") {
      s->without_rowid = true;
    } else if (option->K_WITHOUT() == nullptr && word == "strict") {
      s->strict = true;
    } else {
      Fail(option, absl::StrCat("unknown table option: ", Text(option)));
    }
  }
  return s;
}

ast::StatementPtr Transformer::CreateIndex(
    SQLParser::Create_index_stmtContext* ctx) {
  auto s = std::make_unique<ast::CreateIndexStatement>();
  s->unique = ctx->K_UNIQUE() != nullptr;
  s->if_not_exists = ctx->K_EXISTS() != nullptr;
  TempSchema(ctx->schema_prefix());
  s->index = Name(ctx->name(0));
  s->table = Name(ctx->name(1));
  for (auto* key : ctx->index_key()) {
    if (key->indexed_column() != nullptr) {
      s->columns.push_back(IndexedColumns({key->indexed_column()})[0]);
      continue;
    }
    ast::ExprPtr e = Expr(key->expr());
    if (e == nullptr) return s;
    ast::IndexedColumn c;
    c.descending = key->K_DESC() != nullptr;
    c.collation = e->collation;
    e->collation.clear();
    if (e->kind == ast::ExprKind::kColumnRef && e->table.empty()) {
      c.name = e->name;  // a column after all (written with a COLLATE)
    } else {
      c.expression = ast::ToSql(*e);
    }
    s->columns.push_back(std::move(c));
  }
  if (ctx->expr() != nullptr) s->where = Expr(ctx->expr());
  return s;
}

ast::StatementPtr Transformer::CreateView(
    SQLParser::Create_view_stmtContext* ctx) {
  auto s = std::make_unique<ast::CreateViewStatement>();
  s->if_not_exists = ctx->K_EXISTS() != nullptr;
  s->temp = ctx->K_TEMP() != nullptr || ctx->K_TEMPORARY() != nullptr;
  if (TempSchema(ctx->schema_prefix())) s->temp = true;
  std::vector<SQLParser::NameContext*> names = ctx->name();
  s->view = Name(names[0]);
  for (size_t i = 1; i < names.size(); ++i) s->columns.push_back(Name(names[i]));
  s->select = Select(ctx->select_stmt());
  s->select_text = Text(ctx->select_stmt());
  return s;
}

ast::StatementPtr Transformer::CreateTrigger(
    SQLParser::Create_trigger_stmtContext* ctx) {
  auto s = std::make_unique<ast::CreateTriggerStatement>();
  s->if_not_exists = ctx->K_EXISTS() != nullptr;
  s->temp = ctx->K_TEMP() != nullptr || ctx->K_TEMPORARY() != nullptr;
  if (TempSchema(ctx->schema_prefix())) s->temp = true;
  std::vector<SQLParser::NameContext*> names = ctx->name();
  s->trigger = Name(names.front());
  s->table = Name(names.back());
  for (size_t i = 1; i + 1 < names.size(); ++i) {
    s->update_columns.push_back(Name(names[i]));
  }
  if (ctx->K_AFTER() != nullptr) {
    s->timing = ast::TriggerTiming::kAfter;
  } else if (ctx->K_INSTEAD() != nullptr) {
    s->timing = ast::TriggerTiming::kInsteadOf;
  }
  if (ctx->K_DELETE() != nullptr) {
    s->event = ast::TriggerEvent::kDelete;
  } else if (ctx->K_UPDATE() != nullptr) {
    s->event = ast::TriggerEvent::kUpdate;
  }
  s->when = Expr(ctx->expr());
  for (auto* b : ctx->trigger_body_stmt()) {
    // As in SQLite: a trigger's statements return nothing to anyone.
    SQLParser::Returning_clauseContext* returning =
        b->insert_stmt() != nullptr   ? b->insert_stmt()->returning_clause()
        : b->update_stmt() != nullptr ? b->update_stmt()->returning_clause()
        : b->delete_stmt() != nullptr ? b->delete_stmt()->returning_clause()
                                      : nullptr;
    if (returning != nullptr) Fail(returning, "cannot use RETURNING in a trigger");
    SQLParser::With_clauseContext* with =
        b->insert_stmt() != nullptr   ? b->insert_stmt()->with_clause()
        : b->update_stmt() != nullptr ? b->update_stmt()->with_clause()
        : b->delete_stmt() != nullptr ? b->delete_stmt()->with_clause()
                                      : nullptr;
    // As in SQLite.
    if (with != nullptr) Fail(with, "the WITH clause is not allowed in a trigger");
    if (b->select_stmt() != nullptr) {
      auto sel = std::make_unique<ast::SelectStatement>();
      sel->pos = Pos(b);
      sel->select = Select(b->select_stmt());
      s->body.push_back(std::move(sel));
    } else if (b->insert_stmt() != nullptr) {
      s->body.push_back(Insert(b->insert_stmt()));
    } else if (b->update_stmt() != nullptr) {
      s->body.push_back(Update(b->update_stmt()));
    } else {
      s->body.push_back(Delete(b->delete_stmt()));
    }
  }
  s->body_text = Span(ctx->K_BEGIN()->getSymbol()->getStartIndex(),
                      ctx->K_END()->getSymbol()->getStopIndex());
  s->full_text = Text(ctx);
  return s;
}

ast::StatementPtr Transformer::Drop(SQLParser::Drop_stmtContext* ctx) {
  auto s = std::make_unique<ast::DropStatement>();
  switch (ctx->object->getType()) {
    case SQLParser::K_INDEX:
      s->object = ast::ObjectKind::kIndex;
      break;
    case SQLParser::K_VIEW:
      s->object = ast::ObjectKind::kView;
      break;
    case SQLParser::K_TRIGGER:
      s->object = ast::ObjectKind::kTrigger;
      break;
    default:
      s->object = ast::ObjectKind::kTable;
  }
  s->if_exists = ctx->K_EXISTS() != nullptr;
  TempSchema(ctx->schema_prefix());
  s->name = Name(ctx->name());
  return s;
}

ast::StatementPtr Transformer::Alter(SQLParser::Alter_table_stmtContext* ctx) {
  if (auto* c = dynamic_cast<SQLParser::Alter_add_columnContext*>(ctx)) {
    TempSchema(c->schema_prefix());
    auto s = std::make_unique<ast::AlterAddColumnStatement>();
    s->table = Name(c->name());
    s->column = ColumnDef(c->column_def());
    return s;
  }
  if (auto* c = dynamic_cast<SQLParser::Alter_rename_tableContext*>(ctx)) {
    TempSchema(c->schema_prefix());
    auto s = std::make_unique<ast::AlterRenameStatement>();
    s->table = Name(c->table);
    s->new_name = Name(c->to);
    return s;
  }
  if (auto* c = dynamic_cast<SQLParser::Alter_rename_columnContext*>(ctx)) {
    TempSchema(c->schema_prefix());
    auto s = std::make_unique<ast::AlterRenameStatement>();
    s->table = Name(c->table);
    s->column = Name(c->column);
    s->new_name = Name(c->to);
    return s;
  }
  if (auto* c = dynamic_cast<SQLParser::Alter_drop_columnContext*>(ctx)) {
    TempSchema(c->schema_prefix());
    auto s = std::make_unique<ast::AlterDropColumnStatement>();
    s->table = Name(c->table);
    s->column = Name(c->column);
    return s;
  }
  auto* c = dynamic_cast<SQLParser::Alter_splitContext*>(ctx);
  auto s = std::make_unique<ast::AlterSplitStatement>();
  s->table = Name(c->name());
  for (auto* row : c->value_row()) s->split_points.push_back(Row(row));
  return s;
}

ast::StatementPtr Transformer::Statement(SQLParser::StatementContext* ctx) {
  ast::StatementPtr out;
  if (auto* c = ctx->explain_stmt()) {
    auto s = std::make_unique<ast::ExplainStatement>();
    s->analyze = c->K_ANALYZE() != nullptr;
    s->statement = Statement(c->statement());
    out = std::move(s);
  } else if (auto* c = ctx->select_stmt()) {
    auto s = std::make_unique<ast::SelectStatement>();
    s->select = Select(c);
    out = std::move(s);
  } else if (auto* c = ctx->insert_stmt()) {
    out = Insert(c);
  } else if (auto* c = ctx->update_stmt()) {
    out = Update(c);
  } else if (auto* c = ctx->delete_stmt()) {
    out = Delete(c);
  } else if (auto* c = ctx->create_table_stmt()) {
    out = CreateTable(c);
  } else if (auto* c = ctx->create_index_stmt()) {
    out = CreateIndex(c);
  } else if (auto* c = ctx->create_view_stmt()) {
    out = CreateView(c);
  } else if (auto* c = ctx->create_trigger_stmt()) {
    out = CreateTrigger(c);
  } else if (auto* c = ctx->drop_stmt()) {
    out = Drop(c);
  } else if (auto* c = ctx->alter_table_stmt()) {
    out = Alter(c);
  } else if (auto* c = ctx->vacuum_stmt()) {
    auto s = std::make_unique<ast::VacuumStatement>();
    if (c->name() != nullptr) {
      const std::string schema = absl::AsciiStrToLower(Name(c->name()));
      if (schema != "main" && schema != "temp") {
        Fail(c->name(), absl::StrCat("unknown database ", Name(c->name())));
      }
    }
    if (c->STRING_LITERAL() != nullptr) {
      const std::string quoted = c->STRING_LITERAL()->getText();
      s->into = absl::StrReplaceAll(quoted.substr(1, quoted.size() - 2), {{"''", "'"}});
      if (s->into.empty()) Fail(c, "VACUUM INTO needs a directory name");
    }
    out = std::move(s);
  } else if (auto* c = ctx->reindex_stmt()) {
    auto s = std::make_unique<ast::ReindexStatement>();
    s->name = Name(c->name());
    out = std::move(s);
  } else if (ctx->begin_stmt() != nullptr) {
    out = std::make_unique<ast::TransactionStatement>(ast::StatementKind::kBegin);
  } else if (ctx->commit_stmt() != nullptr) {
    out = std::make_unique<ast::TransactionStatement>(ast::StatementKind::kCommit);
  } else if (auto* c = ctx->rollback_stmt()) {
    auto s = std::make_unique<ast::TransactionStatement>(ast::StatementKind::kRollback);
    if (c->name() != nullptr) s->savepoint = Name(c->name());
    out = std::move(s);
  } else if (auto* c = ctx->savepoint_stmt()) {
    auto s = std::make_unique<ast::TransactionStatement>(ast::StatementKind::kSavepoint);
    s->savepoint = Name(c->name());
    out = std::move(s);
  } else if (auto* c = ctx->release_stmt()) {
    auto s = std::make_unique<ast::TransactionStatement>(ast::StatementKind::kRelease);
    s->savepoint = Name(c->name());
    out = std::move(s);
  } else if (auto* c = ctx->show_stmt()) {
    if (auto* r = dynamic_cast<SQLParser::Show_rangesContext*>(c)) {
      auto s = std::make_unique<ast::ShowStatement>(ast::StatementKind::kShowRanges);
      s->table = Name(r->name());
      out = std::move(s);
    } else if (auto* ix = dynamic_cast<SQLParser::Show_indexesContext*>(c)) {
      auto s = std::make_unique<ast::ShowStatement>(ast::StatementKind::kShowIndexes);
      if (ix->name() != nullptr) s->table = Name(ix->name());
      out = std::move(s);
    } else if (auto* cr = dynamic_cast<SQLParser::Show_createContext*>(c)) {
      auto s = std::make_unique<ast::ShowStatement>(ast::StatementKind::kShowCreate);
      s->table = Name(cr->name());
      out = std::move(s);
    } else if (dynamic_cast<SQLParser::Show_schemaContext*>(c) != nullptr) {
      out = std::make_unique<ast::ShowStatement>(ast::StatementKind::kShowSchema);
    } else {
      out = std::make_unique<ast::ShowStatement>(ast::StatementKind::kShowTables);
    }
  } else if (auto* c = ctx->analyze_stmt()) {
    auto s = std::make_unique<ast::ShowStatement>(ast::StatementKind::kAnalyze);
    if (!c->name().empty()) s->table = Name(c->name().back());
    out = std::move(s);
  } else if (auto* c = ctx->pragma_stmt()) {
    auto s = std::make_unique<ast::PragmaStatement>();
    s->name = absl::AsciiStrToLower(Name(c->pragma));
    if (auto* v = c->pragma_value()) {
      s->has_value = true;
      if (v->name() != nullptr) {
        s->value = Name(v->name());
      } else if (v->literal_value() != nullptr && v->literal_value()->STRING_LITERAL() != nullptr) {
        s->value = std::string(Literal(v->literal_value()).bytes());
      } else {
        s->value = Text(v);
      }
    }
    out = std::move(s);
  } else {
    Fail(ctx, "unsupported statement");
    return nullptr;
  }
  out->pos = Pos(ctx);
  return out;
}

// ------------------------------------------------------------ driver

// Runs `entry` on a parser over `sql`: first in fast SLL mode with a bailing
// error strategy; only if that fails, again in full LL mode, which also
// produces the best error message.
template <typename Entry>
absl::Status RunParser(absl::string_view sql, const StackBudget& budget, Entry entry) {
  if (absl::Status s = CheckUtf8(sql); !s.ok()) return s;
  antlr4::ANTLRInputStream input(sql.data(), sql.size());
  SQLLexer lexer(&input);
  FirstErrorListener listener;
  lexer.removeErrorListeners();
  lexer.addErrorListener(&listener);
  antlr4::CommonTokenStream tokens(&lexer);
  GuardedParser parser(&tokens, budget);
  parser.removeErrorListeners();
  parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(
      antlr4::atn::PredictionMode::SLL);
  parser.setErrorHandler(std::make_shared<antlr4::BailErrorStrategy>());
  try {
    entry(parser);
    if (listener.status().ok()) return absl::OkStatus();
  } catch (const ParserStackExhausted& e) {
    return TooComplex(e.line, e.column, kStackExhausted);
  } catch (const antlr4::ParseCancellationException&) {
  } catch (const antlr4::RecognitionException&) {
  }
  // Second stage.
  tokens.seek(0);
  lexer.reset();
  input.reset();
  tokens.setTokenSource(&lexer);
  FirstErrorListener ll_listener;
  lexer.removeErrorListeners();
  lexer.addErrorListener(&ll_listener);
  parser.reset();
  parser.addErrorListener(&ll_listener);
  parser.setErrorHandler(std::make_shared<antlr4::DefaultErrorStrategy>());
  parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(
      antlr4::atn::PredictionMode::LL);
  try {
    entry(parser);
  } catch (const ParserStackExhausted& e) {
    return TooComplex(e.line, e.column, kStackExhausted);
  } catch (const std::exception& e) {
    if (ll_listener.status().ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("syntax error: ", e.what()));
    }
  }
  return ll_listener.status();
}

}  // namespace

absl::StatusOr<std::vector<ast::StatementPtr>> Parse(absl::string_view sql) {
  int ignored = 0;
  return Parse(sql, &ignored);
}

namespace {

// Parses the statements of `sql`; with `literal_sink`, also reports each
// expression literal and its token (Transformer::literal_sink_).
absl::StatusOr<std::vector<ast::StatementPtr>> ParseScript(
    absl::string_view sql, std::vector<std::pair<ast::Expr*, size_t>>* literal_sink,
    int* max_parameter) {
  std::vector<ast::StatementPtr> out;
  // Most of this thread's remaining stack for the parser and the
  // transformer: they return it before the statement is bound and run.
  const StackBudget budget(0.75);
  Transformer transformer(sql, &budget);
  transformer.literal_sink_ = literal_sink;
  absl::Status s = RunParser(sql, budget, [&](SQLParser& parser) {
    out.clear();
    if (literal_sink != nullptr) literal_sink->clear();
    SQLParser::ScriptContext* tree = parser.script();
    if (parser.getNumberOfSyntaxErrors() > 0) return;
    for (auto* st : tree->statement()) out.push_back(transformer.Statement(st));
  });
  if (!s.ok()) return s;
  if (!transformer.status().ok()) return transformer.status();
  if (max_parameter != nullptr) *max_parameter = transformer.max_parameter();
  // A literal in a column's name cannot be refilled: an entry no literal
  // token maps to keeps the statement out of the shape cache.
  if (literal_sink != nullptr && transformer.named_by_literal_) {
    literal_sink->emplace_back(nullptr, std::numeric_limits<size_t>::max());
  }
  return out;
}

}  // namespace

absl::StatusOr<std::vector<ast::StatementPtr>> Parse(absl::string_view sql,
                                                     int* max_parameter) {
  return ParseScript(sql, nullptr, max_parameter);
}

// ------------------------------------------------------------ shapes

struct ShapeCache::Entry {
  std::vector<ast::StatementPtr> statements;
  // The literal expressions, in the order of their tokens in the text.
  std::vector<ast::Expr*> literals;
};

ShapeCache::ShapeCache(size_t capacity) : capacity_(capacity) {}
ShapeCache::~ShapeCache() = default;

namespace {

bool IsLiteralToken(size_t type) {
  return type == SQLLexer::DIGITS || type == SQLLexer::NUMERIC_LITERAL ||
         type == SQLLexer::STRING_LITERAL || type == SQLLexer::BLOB_LITERAL;
}

// The literal tokens ANTLR's lexer cuts from `sql`, in order, with their
// indexes in the token stream; false when the text does not lex cleanly.
// What QuickShape() must agree with before a shape is cached. `sql` has
// passed CheckUtf8 (it has just been parsed).
bool LexLiterals(absl::string_view sql, std::vector<std::pair<size_t, std::string>>* literals,
                 std::vector<size_t>* literal_indexes) {
  antlr4::ANTLRInputStream input(sql.data(), sql.size());
  SQLLexer lexer(&input);
  FirstErrorListener listener;
  lexer.removeErrorListeners();
  lexer.addErrorListener(&listener);
  std::vector<std::unique_ptr<antlr4::Token>> tokens = lexer.getAllTokens();
  if (!listener.status().ok()) return false;
  size_t previous = 0;
  for (size_t index = 0; index < tokens.size(); ++index) {
    const std::unique_ptr<antlr4::Token>& t = tokens[index];
    if (t->getChannel() != antlr4::Token::DEFAULT_CHANNEL) continue;
    const size_t type = t->getType();
    // `$1` and `?1` are parameters, not numbers.
    const bool parameter_number =
        type == SQLLexer::DIGITS && (previous == SQLLexer::DOLLAR || previous == SQLLexer::QMARK);
    if (IsLiteralToken(type) && !parameter_number) {
      literals->emplace_back(type, t->getText());
      // The index a token stream gives it: its place among all tokens.
      literal_indexes->push_back(index);
    }
    previous = type;
  }
  return true;
}

// The statement's shape, found without ANTLR, for cache lookups: the text
// with each run of whitespace collapsed to one space and each literal
// replaced by its token type; the literals cut exactly as SQL.g4's lexer rules cut them (longest
// match), so two texts with one quick shape lex into the same tokens but
// for the literals' values. False for text it does not vouch for (an
// unterminated string or quoted identifier).
bool QuickShape(absl::string_view sql, std::string* shape,
                std::vector<std::pair<size_t, absl::string_view>>* literals) {
  const size_t n = sql.size();
  auto at = [&](size_t i) { return i < n ? sql[i] : '\0'; };
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  auto hex = [&](char c) { return absl::ascii_isxdigit(static_cast<unsigned char>(c)); };
  auto word = [](char c) { return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  // The end of a valid EXPONENT starting at i, or i.
  auto exponent = [&](size_t i) {
    if (at(i) != 'e' && at(i) != 'E') return i;
    size_t j = i + 1;
    if (at(j) == '+' || at(j) == '-') ++j;
    if (!digit(at(j))) return i;
    while (digit(at(j))) ++j;
    return j;
  };
  // `$1` and `?1`: digits right after these (comments and spaces aside) are
  // a parameter number, not a literal.
  bool after_parameter_mark = false;
  auto literal = [&](size_t type, size_t begin, size_t end) {
    if (type == SQLLexer::DIGITS && after_parameter_mark) {
      absl::StrAppend(shape, sql.substr(begin, end - begin));
    } else {
      // The marker, then the token type as one character.
      static_assert(SQLLexer::BLOB_LITERAL < 256 && SQLLexer::DIGITS < 256 &&
                    SQLLexer::NUMERIC_LITERAL < 256 && SQLLexer::STRING_LITERAL < 256);
      shape->push_back('\x1f');
      shape->push_back(static_cast<char>(type));
      literals->emplace_back(type, sql.substr(begin, end - begin));
    }
    after_parameter_mark = false;
  };
  size_t i = 0;
  while (i < n) {
    const char c = sql[i];
    // The commonest characters of a multi-row VALUES list first.
    if (c == ',' || c == '(' || c == ')') {
      shape->push_back(c);
      after_parameter_mark = false;
      ++i;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v') {
      if (shape->empty() || shape->back() != ' ') shape->push_back(' ');
      ++i;
      continue;
    }
    if (c == '-' && at(i + 1) == '-') {
      size_t j = i;
      while (j < n && sql[j] != '\r' && sql[j] != '\n') ++j;
      absl::StrAppend(shape, sql.substr(i, j - i));
      i = j;
      continue;
    }
    if (c == '/' && at(i + 1) == '*') {
      size_t end = sql.find("*/", i + 2);
      size_t j = end == absl::string_view::npos ? n : end + 2;
      absl::StrAppend(shape, sql.substr(i, j - i));
      i = j;
      continue;
    }
    if (c == '\'') {
      size_t j = i + 1;
      while (true) {
        j = sql.find('\'', j);  // memchr
        if (j == absl::string_view::npos) return false;
        if (at(j + 1) == '\'') {
          j += 2;
          continue;
        }
        break;
      }
      literal(SQLLexer::STRING_LITERAL, i, j + 1);
      i = j + 1;
      continue;
    }
    if ((c == 'x' || c == 'X') && at(i + 1) == '\'') {
      size_t j = i + 2;
      while (hex(at(j))) ++j;
      if (at(j) == '\'') {
        literal(SQLLexer::BLOB_LITERAL, i, j + 1);
        i = j + 1;
        continue;
      }
      // Otherwise the identifier `x`, then a string.
    }
    if (absl::ascii_isalpha(static_cast<unsigned char>(c)) || c == '_') {
      size_t j = i + 1;
      while (word(at(j))) ++j;
      absl::StrAppend(shape, sql.substr(i, j - i));
      after_parameter_mark = false;
      i = j;
      continue;
    }
    if (c == '"' || c == '`' || c == '[') {
      const char close = c == '[' ? ']' : c;
      size_t j = i + 1;
      while (true) {
        if (j >= n) return false;
        if (sql[j] == close) {
          if (c != '[' && at(j + 1) == close) {
            j += 2;
            continue;
          }
          break;
        }
        ++j;
      }
      absl::StrAppend(shape, sql.substr(i, j + 1 - i));
      after_parameter_mark = false;
      i = j + 1;
      continue;
    }
    if (digit(c)) {
      if (c == '0' && (at(i + 1) == 'x' || at(i + 1) == 'X') && hex(at(i + 2))) {
        size_t j = i + 2;
        while (hex(at(j))) ++j;
        literal(SQLLexer::NUMERIC_LITERAL, i, j);
        i = j;
        continue;
      }
      size_t j = i;
      while (digit(at(j))) ++j;
      size_t type = SQLLexer::DIGITS;
      if (at(j) == '.') {
        ++j;
        while (digit(at(j))) ++j;
        j = exponent(j);
        type = SQLLexer::NUMERIC_LITERAL;
      } else if (size_t e = exponent(j); e != j) {
        j = e;
        type = SQLLexer::NUMERIC_LITERAL;
      }
      // Parsed as an INTEGER only after a minus sign (Transformer::Unary):
      // a cached tree could not redo that.
      if (type == SQLLexer::DIGITS && IsInt64MinDigits(sql.substr(i, j - i))) return false;
      literal(type, i, j);
      i = j;
      continue;
    }
    if (c == '.' && digit(at(i + 1))) {
      size_t j = i + 1;
      while (digit(at(j))) ++j;
      j = exponent(j);
      literal(SQLLexer::NUMERIC_LITERAL, i, j);
      i = j;
      continue;
    }
    // Operators and punctuation (a multi-character operator is copied
    // character by character: the same characters lex the same way). The
    // marker character cannot appear bare, so keys stay unambiguous.
    if (c == '\x1f') return false;
    shape->push_back(c);
    after_parameter_mark = c == '?' || c == '$';
    ++i;
  }
  return true;
}

bool Cacheable(const ast::Statement& st) {
  switch (st.kind) {
    case ast::StatementKind::kSelect:
    case ast::StatementKind::kInsert:
    case ast::StatementKind::kUpdate:
    case ast::StatementKind::kDelete:
      return true;
    default:
      return false;
  }
}

}  // namespace

absl::StatusOr<const std::vector<ast::StatementPtr>*> ShapeCache::Parse(absl::string_view sql) {
  // Before the cache too: a hit must not let through text a miss refuses.
  if (absl::Status s = CheckUtf8(sql); !s.ok()) return s;
  // A huge statement's scratch is not kept for the small ones after it.
  constexpr size_t kKeepScratchBytes = 64 << 10;
  if (shape_.capacity() > kKeepScratchBytes) shape_ = std::string();
  if (literals_.capacity() > kKeepScratchBytes / 16) literals_ = {};
  std::string& shape = shape_;
  std::vector<std::pair<size_t, absl::string_view>>& literals = literals_;
  shape.clear();
  shape.reserve(sql.size());
  literals.clear();
  literals.reserve(sql.size() / 8);
  const bool shaped = QuickShape(sql, &shape, &literals);
  if (shaped) {
    auto it = entries_.find(shape);
    if (it != entries_.end() && it->second->literals.size() == literals.size()) {
      Entry& e = *it->second;
      bool ok = true;
      // Straight into the cached tree: a literal that fails leaves it half
      // filled, which is harmless as every hit overwrites all literals.
      for (size_t i = 0; i < literals.size(); ++i) {
        if (QuickLiteral(literals[i].first, literals[i].second, &e.literals[i]->literal)) continue;
        absl::StatusOr<Value> v = LiteralFromToken(literals[i].first, literals[i].second);
        if (!v.ok()) {
          ok = false;  // the full parse reports it with its position
          break;
        }
        e.literals[i]->literal = *std::move(v);
      }
      if (ok) {
        ++hits_;
        return &e.statements;
      }
    }
  }
  // Parse, noting which expression each literal token became.
  std::vector<std::pair<ast::Expr*, size_t>> sink;
  absl::StatusOr<std::vector<ast::StatementPtr>> parsed = ParseScript(sql, &sink, nullptr);
  if (!parsed.ok()) return parsed.status();
  std::vector<ast::StatementPtr> out = *std::move(parsed);
  bool cacheable = shaped && out.size() == 1 && Cacheable(*out[0]);
  // The quick shape must cut the same literals as ANTLR's lexer does, and
  // every literal token must have become exactly one expression literal.
  std::vector<std::pair<size_t, std::string>> lexed;
  std::vector<size_t> literal_indexes;
  if (cacheable) {
    cacheable = LexLiterals(sql, &lexed, &literal_indexes) &&
                std::equal(lexed.begin(), lexed.end(), literals.begin(), literals.end(),
                           [](const auto& a, const auto& b) {
                             return a.first == b.first && a.second == b.second;
                           }) &&
                sink.size() == literal_indexes.size();
  }
  auto entry = std::make_unique<Entry>();
  if (cacheable) {
    absl::flat_hash_map<size_t, size_t> ordinal;  // token index -> literal ordinal
    for (size_t i = 0; i < literal_indexes.size(); ++i) ordinal[literal_indexes[i]] = i;
    entry->literals.assign(literal_indexes.size(), nullptr);
    for (const auto& [expr, token] : sink) {
      auto o = ordinal.find(token);
      if (o == ordinal.end() || entry->literals[o->second] != nullptr) {
        cacheable = false;
        break;
      }
      entry->literals[o->second] = expr;
    }
  }
  if (!cacheable) {
    uncached_ = std::move(out);
    return &uncached_;
  }
  if (entries_.size() >= capacity_) entries_.clear();
  entry->statements = std::move(out);
  Entry* e = entry.get();
  entries_[shape] = std::move(entry);
  return &e->statements;
}

namespace {

// A token's text, kept apart from the lexer (a token reads its text from
// the input stream, which goes with the lexer).
struct LexedToken {
  size_t type;
  size_t channel;
  std::string text;
};

// The name an identifier-like token stands for (unquoted), or nullopt for
// other tokens (literals, operators, spacing).
std::optional<std::string> NameOfToken(const LexedToken& token) {
  const size_t type = token.type;
  if (type == SQLLexer::QUOTED_IDENTIFIER) {
    const std::string& text = token.text;
    if (text.size() < 2) return std::nullopt;
    const char open = text[0];
    const char close = open == '[' ? ']' : open;
    std::string body = text.substr(1, text.size() - 2);
    if (open != '[') {
      body = absl::StrReplaceAll(body, {{std::string(2, close), std::string(1, close)}});
    }
    return body;
  }
  if (type == SQLLexer::BLOB_LITERAL || token.channel != antlr4::Token::DEFAULT_CHANNEL) {
    return std::nullopt;
  }
  const std::string& text = token.text;
  if (text.empty() || !(absl::ascii_isalpha(static_cast<unsigned char>(text[0])) || text[0] == '_')) {
    return std::nullopt;
  }
  return text;
}

// Every token of `sql`, spacing and comments included; false when it does
// not lex into SQL's tokens.
bool AllTokens(absl::string_view sql, std::vector<LexedToken>* tokens) {
  antlr4::ANTLRInputStream input(sql.data(), sql.size());
  SQLLexer lexer(&input);
  FirstErrorListener listener;
  lexer.removeErrorListeners();
  lexer.addErrorListener(&listener);
  bool ok = true;
  for (const std::unique_ptr<antlr4::Token>& t : lexer.getAllTokens()) {
    ok = ok && t->getType() != SQLLexer::UNEXPECTED_CHAR;  // e.g. an unterminated quote
    tokens->push_back({t->getType(), t->getChannel(), t->getText()});
  }
  return ok && listener.status().ok();
}

}  // namespace

bool MentionsName(absl::string_view sql, absl::string_view name) {
  std::vector<LexedToken> tokens;
  if (!AllTokens(sql, &tokens)) return true;
  for (const LexedToken& t : tokens) {
    std::optional<std::string> n = NameOfToken(t);
    if (n.has_value() && absl::EqualsIgnoreCase(*n, name)) return true;
  }
  return false;
}

absl::StatusOr<std::string> RenameIdentifier(absl::string_view sql, absl::string_view from,
                                             absl::string_view to) {
  std::vector<LexedToken> tokens;
  if (!AllTokens(sql, &tokens)) {
    return absl::InvalidArgumentError(absl::StrCat("cannot rename in text that does not lex: ", sql));
  }
  std::string out;
  out.reserve(sql.size());
  for (const LexedToken& t : tokens) {
    std::optional<std::string> n = NameOfToken(t);
    if (n.has_value() && absl::EqualsIgnoreCase(*n, from)) {
      absl::StrAppend(&out, SqlIdentifier(to));
    } else {
      absl::StrAppend(&out, t.text);
    }
  }
  return out;
}

absl::Status CheckCollation(absl::string_view name) {
  if (CollationNamed(name).has_value()) return absl::OkStatus();
  return absl::NotFoundError(absl::StrCat("no such collation sequence: ", name));
}

std::string SqlIdentifier(absl::string_view name) {
  bool plain = !name.empty() && !absl::ascii_isdigit(static_cast<unsigned char>(name[0]));
  for (char c : name) plain = plain && (absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_');
  if (plain) {
    // Keywords lex as themselves, not IDENTIFIER.
    antlr4::ANTLRInputStream input(name.data(), name.size());
    SQLLexer lexer(&input);
    lexer.removeErrorListeners();
    std::vector<std::unique_ptr<antlr4::Token>> tokens = lexer.getAllTokens();
    if (tokens.size() == 1 && tokens[0]->getType() == SQLLexer::IDENTIFIER) return std::string(name);
  }
  return absl::StrCat("\"", absl::StrReplaceAll(name, {{"\"", "\"\""}}), "\"");
}

absl::StatusOr<ast::StatementPtr> ParseOne(absl::string_view sql) {
  absl::StatusOr<std::vector<ast::StatementPtr>> all = Parse(sql);
  if (!all.ok()) return all.status();
  if (all->size() != 1) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "expected exactly one statement, found %d", all->size()));
  }
  return std::move(all->front());
}

absl::StatusOr<ast::ForeignKeyDef> ParseForeignKeyClause(absl::string_view clause) {
  absl::StatusOr<ast::StatementPtr> st = ParseOne(absl::StrCat("CREATE TABLE t(c ", clause, ")"));
  if (!st.ok()) return st.status();
  const auto* create = dynamic_cast<const ast::CreateTableStatement*>(st->get());
  if (create == nullptr || create->columns.size() != 1 || !create->columns[0].foreign_key) {
    return absl::InvalidArgumentError(absl::StrCat("not a REFERENCES clause: ", clause));
  }
  return *create->columns[0].foreign_key;
}

absl::StatusOr<ast::ExprPtr> ParseExpression(absl::string_view sql) {
  ast::ExprPtr out;
  const StackBudget budget(0.75);
  Transformer transformer(sql, &budget);
  absl::Status s = RunParser(sql, budget, [&](SQLParser& parser) {
    SQLParser::Standalone_exprContext* tree = parser.standalone_expr();
    if (parser.getNumberOfSyntaxErrors() > 0) return;
    out = transformer.Expr(tree->expr());
  });
  if (!s.ok()) return s;
  if (!transformer.status().ok()) return transformer.status();
  return out;
}

absl::Status StatementTooComplex(absl::string_view why) {
  return MakeTypedError(absl::StatusCode::kInvalidArgument,
                        absl::StrCat("statement too complex: ", why), ErrorKind::kTooComplex, "");
}

int MaxNestingDepth() {
  const size_t levels = StackRemaining() / (kStackPerNestingLevel * kFrameScale);
  return static_cast<int>(std::min<size_t>(kMaxNestingDepth, levels));
}

std::optional<SyntaxError> GetSyntaxError(const absl::Status& status) {
  std::optional<ErrorDetail> d = GetErrorDetail(status);
  if (!d.has_value() || d->kind != ErrorKind::kSyntaxError) return std::nullopt;
  absl::string_view in = d->bytes;
  uint64_t line = 0, column = 0;
  absl::string_view token;
  if (!GetVarint64(&in, &line).ok() || !GetVarint64(&in, &column).ok() ||
      !GetLengthPrefixed(&in, &token).ok()) {
    return std::nullopt;
  }
  return SyntaxError{static_cast<int>(line), static_cast<int>(column),
                     std::string(token)};
}

}  // namespace tessera::parser
