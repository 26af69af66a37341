// Table-valued functions in FROM (json_each, json_tree): run once, or once
// per row of the FROM items before them when their arguments read those.

#include "absl/strings/str_cat.h"
#include "exec/internal.h"

namespace tessera::exec::internal {

namespace {

// The function's rows for arguments evaluated over `row`.
absl::StatusOr<std::vector<Row>> Call(const planner::LogicalOp& op, const Row& row,
                                      ExecContext* ctx) {
  std::vector<Value> args;
  args.reserve(op.exprs.size());
  for (const planner::BoundPtr& e : op.exprs) {
    absl::StatusOr<Value> v = Evaluate(*e, row, ctx);
    if (!v.ok()) return v.status();
    args.push_back(*std::move(v));
  }
  const function::TableFunction& f = *op.table_function;
  absl::StatusOr<std::vector<Row>> rows;
  if (f.rows != nullptr) {
    rows = f.rows(args, ctx->options.max_rows);
  } else {
    // A schema pragma: its rows, then the hidden arg and schema.
    if (ctx->pragma_rows == nullptr) {
      return absl::FailedPreconditionError(absl::StrCat(f.name, "() cannot run here"));
    }
    const Value arg = args.empty() ? Value::Null() : args[0];
    rows = ctx->pragma_rows(ctx->txn,
                            absl::string_view(f.name).substr(function::kPragmaFunctionPrefix.size()),
                            arg);
    if (rows.ok()) {
      for (Row& r : *rows) {
        r.push_back(arg);
        r.push_back(Value::Null());
      }
    }
  }
  if (absl::IsResourceExhausted(rows.status()) ||
      (rows.ok() && rows->size() > ctx->options.max_rows)) {
    return TooManyRows(ctx);
  }
  return rows;
}

}  // namespace

absl::StatusOr<std::vector<Row>> TableFunction(const planner::LogicalOp& op,
                                               const std::vector<Row>* input, ExecContext* ctx) {
  if (input == nullptr) return Call(op, Row(), ctx);
  const size_t function_width = op.table_function->columns.size();
  std::vector<Row> out;
  for (const Row& left : *input) {
    absl::StatusOr<std::vector<Row>> rows = Call(op, left, ctx);
    if (!rows.ok()) return rows.status();
    bool matched = false;
    for (Row& r : *rows) {
      Row joined = left;
      joined.insert(joined.end(), std::make_move_iterator(r.begin()),
                    std::make_move_iterator(r.end()));
      if (op.predicate) {
        absl::StatusOr<bool> h = Holds(*op.predicate, joined, ctx);
        if (!h.ok()) return h.status();
        if (!*h) continue;
      }
      matched = true;
      if (out.size() >= ctx->options.max_rows) return TooManyRows(ctx);
      out.push_back(std::move(joined));
    }
    if (!matched && op.join_type == ast::JoinType::kLeft) {
      if (out.size() >= ctx->options.max_rows) return TooManyRows(ctx);
      Row joined = left;
      joined.resize(joined.size() + function_width);
      out.push_back(std::move(joined));
    }
  }
  return out;
}

}  // namespace tessera::exec::internal
