// Window functions (the kWindow node). Each call puts the rows in order of
// (partition, order) and walks the partitions; a row's peers are the rows
// of its partition with equal ORDER BY values. Aggregates over a frame that
// starts at the partition's first row (the default frame among them) run
// incrementally; other frames are folded afresh for each row.

#include <algorithm>
#include <cmath>
#include <numeric>

#include "absl/strings/str_cat.h"
#include "exec/internal.h"
#include "function/value_ops.h"

namespace tessera::exec::internal {

namespace {

using ast::FrameBoundKind;
using planner::BoundFrameBound;
using planner::SortKey;
using planner::WindowCall;
using planner::WindowFunctionKind;

bool IsNumber(const Value& v) {
  return v.type() == Type::kInteger || v.type() == Type::kReal;
}

double NumberOf(const Value& v) {
  return v.type() == Type::kInteger ? static_cast<double>(v.integer()) : v.real();
}

// `v` as an integer when it is one (2, 2.0, '2'), as SQLite reads the
// window functions' integer arguments; else nullopt.
std::optional<int64_t> IntegerArgument(const Value& v) {
  std::optional<Value> n = function::ToNumberIfNumeric(v);
  if (!n.has_value()) return std::nullopt;
  if (n->type() == Type::kInteger) return n->integer();
  if (n->type() == Type::kReal && std::abs(n->real()) < 9.2e18 &&
      std::trunc(n->real()) == n->real()) {
    return static_cast<int64_t>(n->real());
  }
  return std::nullopt;
}

// One window call over all rows of the node's input.
class WindowRun {
 public:
  WindowRun(const WindowCall& call, const std::vector<Row>& rows, ExecContext* ctx)
      : call_(call), rows_(rows), ctx_(ctx) {}

  // Sets results[r] for every input row r and `order` to the rows in
  // (partition, order) order.
  absl::Status Run(std::vector<Value>* results, std::vector<size_t>* order) {
    if (absl::Status s = EvaluateInputs(); !s.ok()) return s;
    if (absl::Status s = EvaluateOffsets(); !s.ok()) return s;
    order_.resize(rows_.size());
    std::iota(order_.begin(), order_.end(), 0);
    std::stable_sort(order_.begin(), order_.end(), [&](size_t a, size_t b) {
      int c = ComparePartition(a, b);
      return c != 0 ? c < 0 : CompareOrder(a, b) < 0;
    });
    results->assign(rows_.size(), Value());
    for (size_t p0 = 0; p0 < order_.size();) {
      size_t p1 = p0 + 1;
      while (p1 < order_.size() && ComparePartition(order_[p0], order_[p1]) == 0) ++p1;
      if (absl::Status s = RunPartition(p0, p1, results); !s.ok()) return s;
      p0 = p1;
    }
    *order = std::move(order_);
    return absl::OkStatus();
  }

 private:
  const Value& Key(size_t row, size_t k) const { return keys_[row * key_width_ + k]; }
  const Value& Arg(size_t a, size_t row) const { return args_[a][row]; }

  absl::Status EvaluateInputs() {
    // Partition values equal under their collation are one partition.
    partition_keys_.clear();
    for (const planner::BoundPtr& p : call_.partition_by) {
      SortKey ascending{0, false, true};
      if (p->collation_strength != planner::kNoCollation) ascending.collation = p->collation;
      partition_keys_.push_back(ascending);
    }
    const size_t n = rows_.size();
    key_width_ = call_.partition_by.size() + call_.order_by.size();
    keys_.resize(n * key_width_);
    args_.assign(call_.args.size(), std::vector<Value>(n));
    skipped_.assign(n, false);
    for (size_t r = 0; r < n; ++r) {
      size_t k = 0;
      for (const auto* exprs : {&call_.partition_by, &call_.order_by}) {
        for (const planner::BoundPtr& e : *exprs) {
          absl::StatusOr<Value> v = EvaluateFast(*e, rows_[r]);
          if (!v.ok()) return v.status();
          keys_[r * key_width_ + k++] = *std::move(v);
        }
      }
      for (size_t a = 0; a < call_.args.size(); ++a) {
        absl::StatusOr<Value> v = EvaluateFast(*call_.args[a], rows_[r]);
        if (!v.ok()) return v.status();
        args_[a][r] = *std::move(v);
      }
      if (call_.filter) {
        absl::StatusOr<bool> keep = Holds(*call_.filter, rows_[r], ctx_);
        if (!keep.ok()) return keep.status();
        if (!*keep) skipped_[r] = true;
      }
    }
    return absl::OkStatus();
  }

  // `e` over `row`, through the integer fast path where it applies.
  absl::StatusOr<Value> EvaluateFast(const planner::BoundExpr& e, const Row& row) const {
    if (int64_t i; EvaluateInteger(e, row, &i)) return Value::Integer(i);
    return Evaluate(e, row, ctx_);
  }

  // The frame's offsets, once: ROWS and GROUPS take non-negative integers,
  // RANGE non-negative numbers (SQLite's rules and messages).
  absl::Status EvaluateOffsets() {
    for (auto [bound, offset, which] :
         {std::tuple{&call_.start, &start_offset_, "starting"},
          std::tuple{&call_.end, &end_offset_, "ending"}}) {
      if (!bound->offset) continue;
      absl::StatusOr<Value> v = Evaluate(*bound->offset, Row(), ctx_);
      if (!v.ok()) return v.status();
      if (call_.unit == ast::FrameUnit::kRange) {
        std::optional<double> d = function::ToDoubleIfNumeric(*v);
        if (!d.has_value() || *d < 0) {
          return absl::InvalidArgumentError(
              absl::StrCat("frame ", which, " offset must be a non-negative number"));
        }
        *offset = *d;
      } else {
        std::optional<int64_t> n = IntegerArgument(*v);
        if (!n.has_value() || *n < 0) {
          return absl::InvalidArgumentError(
              absl::StrCat("frame ", which, " offset must be a non-negative integer"));
        }
        *offset = static_cast<double>(*n);
      }
    }
    return absl::OkStatus();
  }

  int ComparePartition(size_t a, size_t b) const {
    for (size_t k = 0; k < partition_keys_.size(); ++k) {
      if (int c = CompareUnder(Key(a, k), Key(b, k), partition_keys_[k]); c != 0) return c;
    }
    return 0;
  }

  int CompareOrder(size_t a, size_t b) const {
    const size_t np = call_.partition_by.size();
    for (size_t k = 0; k < call_.order.size(); ++k) {
      if (int c = CompareUnder(Key(a, np + k), Key(b, np + k), call_.order[k]); c != 0) return c;
    }
    return 0;
  }

  // The partition at sorted positions [p0, p1).
  absl::Status RunPartition(size_t p0, size_t p1, std::vector<Value>* results) {
    // Peer groups: groups_[g] is the first position of group g; the last
    // entry is p1. group_of_[i - p0] is position i's group.
    groups_.clear();
    group_of_.resize(p1 - p0);
    for (size_t i = p0; i < p1; ++i) {
      if (i == p0 || CompareOrder(order_[i - 1], order_[i]) != 0) groups_.push_back(i);
      group_of_[i - p0] = groups_.size() - 1;
    }
    groups_.push_back(p1);
    const int64_t m = static_cast<int64_t>(p1 - p0);
    // Incremental aggregate state (frames that start at the partition).
    function::AggregateState running;
    size_t added = p0;
    for (size_t i = p0; i < p1; ++i) {
      const size_t row = order_[i];
      const size_t g = group_of_[i - p0];
      Value& out = (*results)[row];
      switch (call_.kind) {
        case WindowFunctionKind::kRowNumber:
          out = Value::Integer(static_cast<int64_t>(i - p0) + 1);
          break;
        case WindowFunctionKind::kRank:
          out = Value::Integer(static_cast<int64_t>(groups_[g] - p0) + 1);
          break;
        case WindowFunctionKind::kDenseRank:
          out = Value::Integer(static_cast<int64_t>(g) + 1);
          break;
        case WindowFunctionKind::kPercentRank:
          out = Value::Real(m > 1 ? static_cast<double>(groups_[g] - p0) / static_cast<double>(m - 1)
                                  : 0.0);
          break;
        case WindowFunctionKind::kCumeDist:
          out = Value::Real(static_cast<double>(groups_[g + 1] - p0) / static_cast<double>(m));
          break;
        case WindowFunctionKind::kNtile: {
          std::optional<int64_t> buckets = IntegerArgument(Arg(0, row));
          if (!buckets.has_value() || *buckets <= 0) {
            return absl::InvalidArgumentError("argument of ntile must be a positive integer");
          }
          out = Value::Integer(Ntile(static_cast<int64_t>(i - p0), m, *buckets));
          break;
        }
        case WindowFunctionKind::kLag:
        case WindowFunctionKind::kLead: {
          // As SQLite: a negative offset looks the other way, one that is
          // no integer (or NULL) finds no row. Past any partition's size
          // an offset only needs to stay out of it (and not overflow).
          int64_t offset = 1;
          if (call_.args.size() > 1) {
            std::optional<int64_t> o = IntegerArgument(Arg(1, row));
            if (!o.has_value()) break;
            constexpr int64_t kFar = int64_t{1} << 40;
            offset = std::clamp(*o, -kFar, kFar);
          }
          const int64_t at = static_cast<int64_t>(i) +
                             (call_.kind == WindowFunctionKind::kLag ? -offset : offset);
          if (at >= static_cast<int64_t>(p0) && at < static_cast<int64_t>(p1)) {
            out = Arg(0, order_[at]);
          } else if (call_.args.size() > 2) {
            out = Arg(2, row);
          }
          break;
        }
        case WindowFunctionKind::kFirstValue:
        case WindowFunctionKind::kLastValue:
        case WindowFunctionKind::kNthValue: {
          int64_t nth = 1;
          if (call_.kind == WindowFunctionKind::kNthValue) {
            std::optional<int64_t> n = IntegerArgument(Arg(1, row));
            if (!n.has_value() || *n <= 0) {
              return absl::InvalidArgumentError(
                  "second argument to nth_value must be a positive integer");
            }
            nth = *n;
          }
          // The nth row of the frame that EXCLUDE leaves, counted from
          // its end for last_value.
          const auto [fs, fe] = Frame(i, p0, p1, g);
          const bool from_end = call_.kind == WindowFunctionKind::kLastValue;
          for (ptrdiff_t j = from_end ? fe : fs; from_end ? j >= fs : j <= fe;
               j += from_end ? -1 : 1) {
            if (!Excluded(j, i, g) && --nth == 0) {
              out = Arg(0, order_[j]);
              break;
            }
          }
          break;
        }
        case WindowFunctionKind::kAggregate: {
          const auto [fs, fe] = Frame(i, p0, p1, g);
          absl::StatusOr<Value> v;
          if (call_.start.kind == FrameBoundKind::kUnboundedPreceding &&
              call_.exclude == ast::FrameExclude::kNoOthers) {
            // The frame only grows: add the rows it gained.
            for (; static_cast<ptrdiff_t>(added) <= fe; ++added) Fold(order_[added], &running);
            v = function::AggregateFinish(call_.aggregate, running);
          } else {
            function::AggregateState state;
            for (ptrdiff_t j = fs; j <= fe; ++j) {
              if (!Excluded(j, i, g)) Fold(order_[j], &state);
            }
            v = function::AggregateFinish(call_.aggregate, state);
          }
          if (!v.ok()) return v.status();
          out = *std::move(v);
          break;
        }
      }
    }
    return absl::OkStatus();
  }

  // SQLite's ntile: `buckets` groups as even as can be, the larger first.
  static int64_t Ntile(int64_t r, int64_t m, int64_t buckets) {
    const int64_t size = m / buckets, extra = m % buckets;
    if (size == 0) return r + 1;
    const int64_t big = extra * (size + 1);
    return r < big ? r / (size + 1) + 1 : extra + (r - big) / size + 1;
  }

  void Fold(size_t row, function::AggregateState* state) const {
    if (skipped_[row]) return;  // FILTER (WHERE ...) does not hold
    const Value input = call_.args.empty() ? Value() : Arg(0, row);
    const Value separator = call_.args.size() > 1 ? Arg(1, row) : Value();
    function::AggregateUpdate(call_.aggregate, input, separator, state);
  }

  bool Excluded(ptrdiff_t j, size_t i, size_t g) const {
    const bool peer = j >= static_cast<ptrdiff_t>(groups_[g]) &&
                      j < static_cast<ptrdiff_t>(groups_[g + 1]);
    switch (call_.exclude) {
      case ast::FrameExclude::kNoOthers:
        return false;
      case ast::FrameExclude::kCurrentRow:
        return j == static_cast<ptrdiff_t>(i);
      case ast::FrameExclude::kGroup:
        return peer;
      case ast::FrameExclude::kTies:
        return peer && j != static_cast<ptrdiff_t>(i);
    }
    return false;
  }

  // The frame of position i (group g) in the partition [p0, p1): the
  // positions [first, last], empty when last < first.
  std::pair<ptrdiff_t, ptrdiff_t> Frame(size_t i, size_t p0, size_t p1, size_t g) const {
    const ptrdiff_t first = Bound(call_.start, start_offset_, true, i, p0, p1, g);
    const ptrdiff_t last = Bound(call_.end, end_offset_, false, i, p0, p1, g);
    return {std::max(first, static_cast<ptrdiff_t>(p0)),
            std::min(last, static_cast<ptrdiff_t>(p1) - 1)};
  }

  ptrdiff_t Bound(const BoundFrameBound& b, double offset, bool start, size_t i, size_t p0,
                  size_t p1, size_t g) const {
    const ptrdiff_t pos = static_cast<ptrdiff_t>(i);
    const ptrdiff_t groups = static_cast<ptrdiff_t>(groups_.size()) - 1;
    const ptrdiff_t gi = static_cast<ptrdiff_t>(g);
    // Far enough out that clamping to the partition keeps it whole.
    const ptrdiff_t k = offset > 1e15 ? static_cast<ptrdiff_t>(1e15) : static_cast<ptrdiff_t>(offset);
    switch (b.kind) {
      case FrameBoundKind::kUnboundedPreceding:
        return static_cast<ptrdiff_t>(p0);
      case FrameBoundKind::kUnboundedFollowing:
        return static_cast<ptrdiff_t>(p1) - 1;
      case FrameBoundKind::kCurrentRow:
        if (call_.unit == ast::FrameUnit::kRows) return pos;
        return start ? static_cast<ptrdiff_t>(groups_[g]) : static_cast<ptrdiff_t>(groups_[g + 1]) - 1;
      case FrameBoundKind::kPreceding:
      case FrameBoundKind::kFollowing:
        break;
    }
    const bool preceding = b.kind == FrameBoundKind::kPreceding;
    switch (call_.unit) {
      case ast::FrameUnit::kRows:
        return preceding ? pos - k : pos + k;
      case ast::FrameUnit::kGroups: {
        const ptrdiff_t target = preceding ? gi - k : gi + k;
        if (start) {
          if (target < 0) return static_cast<ptrdiff_t>(p0);
          if (target >= groups) return static_cast<ptrdiff_t>(p1);  // empty
          return static_cast<ptrdiff_t>(groups_[target]);
        }
        if (target < 0) return static_cast<ptrdiff_t>(p0) - 1;  // empty
        if (target >= groups) return static_cast<ptrdiff_t>(p1) - 1;
        return static_cast<ptrdiff_t>(groups_[target + 1]) - 1;
      }
      case ast::FrameUnit::kRange:
        break;
    }
    // RANGE n PRECEDING / FOLLOWING: rows whose one ORDER BY value lies
    // within n of this row's. A NULL or non-numeric value has only its
    // peers.
    const size_t np = call_.partition_by.size();
    const SortKey& sk = call_.order[0];
    const Value& v = Key(order_[i], np);
    if (!IsNumber(v)) {
      return start ? static_cast<ptrdiff_t>(groups_[g]) : static_cast<ptrdiff_t>(groups_[g + 1]) - 1;
    }
    // "Preceding" values come earlier in the sort: smaller ascending,
    // larger descending.
    const double toward_start = sk.descending ? NumberOf(v) + offset : NumberOf(v) - offset;
    const double toward_end = sk.descending ? NumberOf(v) - offset : NumberOf(v) + offset;
    const Value target = Value::Real(preceding ? toward_start : toward_end);
    auto begin = order_.begin() + static_cast<ptrdiff_t>(p0);
    auto end = order_.begin() + static_cast<ptrdiff_t>(p1);
    if (start) {
      auto it = std::partition_point(begin, end, [&](size_t row) {
        return CompareUnder(Key(row, np), target, sk) < 0;
      });
      return it - order_.begin();
    }
    auto it = std::partition_point(begin, end, [&](size_t row) {
      return CompareUnder(Key(row, np), target, sk) <= 0;
    });
    return (it - order_.begin()) - 1;
  }

  const WindowCall& call_;
  const std::vector<Row>& rows_;
  ExecContext* const ctx_;
  size_t key_width_ = 0;
  std::vector<SortKey> partition_keys_;    // how each partition value compares
  std::vector<Value> keys_;                // per row: partition ++ order values
  std::vector<std::vector<Value>> args_;   // per argument, per row
  std::vector<bool> skipped_;              // per row: an aggregate's FILTER skips it
  double start_offset_ = 0, end_offset_ = 0;
  std::vector<size_t> order_;              // rows in (partition, order) order
  std::vector<size_t> groups_;             // the current partition's peer groups
  std::vector<size_t> group_of_;
};

}  // namespace

absl::StatusOr<std::vector<Row>> Window(const planner::LogicalOp& op, std::vector<Row> rows,
                                        ExecContext* ctx) {
  std::vector<size_t> order(rows.size());
  std::iota(order.begin(), order.end(), 0);
  std::vector<Value> results;
  for (const WindowCall& call : op.windows) {
    WindowRun run(call, rows, ctx);
    if (absl::Status s = run.Run(&results, &order); !s.ok()) return s;
    for (size_t r = 0; r < rows.size(); ++r) rows[r].push_back(std::move(results[r]));
  }
  // Rows leave in the last call's order, as SQLite's do.
  std::vector<Row> out;
  out.reserve(rows.size());
  for (size_t r : order) out.push_back(std::move(rows[r]));
  return out;
}

}  // namespace tessera::exec::internal
