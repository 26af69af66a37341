#include "function/functions.h"

#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/container/flat_hash_map.h"
#include "common/errors.h"
#include "common/utf8.h"
#include "function/builtins.h"
#include "function/value_ops.h"

namespace tessera::function {

namespace {

using Args = absl::Span<const Value>;

absl::StatusOr<Value> Abs(Args a) {
  if (a[0].is_null()) return Value::Null();
  Value n = ToNumeric(a[0]);
  if (n.type() == Type::kInteger) {
    if (n.integer() == INT64_MIN) {
      return absl::InvalidArgumentError("integer overflow in abs()");
    }
    return Value::Integer(n.integer() < 0 ? -n.integer() : n.integer());
  }
  return Value::Real(std::fabs(n.real()));
}

absl::StatusOr<Value> Coalesce(Args a) {
  for (const Value& v : a) {
    if (!v.is_null()) return v;
  }
  return Value::Null();
}

absl::StatusOr<Value> NullIf(Args a) {
  std::optional<int> c = Compare(a[0], a[1]);
  if (c.has_value() && *c == 0) return Value::Null();
  return a[0];
}

absl::StatusOr<Value> Length(Args a) {
  const Value& v = a[0];
  if (v.is_null()) return Value::Null();
  if (v.type() == Type::kBlob) return Value::Integer(static_cast<int64_t>(v.bytes().size()));
  return Value::Integer(static_cast<int64_t>(utf8::CharCount(RenderText(v))));
}

absl::StatusOr<Value> Lower(Args a) {
  if (a[0].is_null()) return Value::Null();
  return Value::Text(absl::AsciiStrToLower(RenderText(a[0])));
}

absl::StatusOr<Value> Upper(Args a) {
  if (a[0].is_null()) return Value::Null();
  return Value::Text(absl::AsciiStrToUpper(RenderText(a[0])));
}

// substr(x, start [, length]) with SQLite's rules: 1-based; start 0 acts
// as a position before the first character; negative start counts from the
// end; negative length takes characters before start.
absl::StatusOr<Value> Substr(Args a) {
  for (const Value& v : a) {
    if (v.is_null()) return Value::Null();
  }
  const bool blob = a[0].type() == Type::kBlob;
  std::string s = RenderText(a[0]);
  int64_t len_chars = blob ? static_cast<int64_t>(s.size())
                           : static_cast<int64_t>(utf8::CharCount(s));
  int64_t start = Cast(a[1], Type::kInteger).integer();
  bool has_len = a.size() > 2;
  int64_t n = has_len ? Cast(a[2], Type::kInteger).integer() : len_chars;
  // Translate to a 0-based [from, to) window over characters. In 128 bits:
  // start and length may be anywhere in int64's range, and their sums must
  // not overflow (substr('x', -9223372036854775808, 9223372036854775807)).
  __int128 from;
  if (start > 0) {
    from = __int128{start} - 1;
  } else if (start < 0) {
    from = __int128{len_chars} + start;
  } else {
    from = -1;  // position 0 is before the first character
  }
  __int128 to;
  if (n >= 0) {
    to = from + n;
  } else {
    to = from;
    from = from + n;
  }
  from = std::max<__int128>(from, 0);
  to = std::min<__int128>(to, len_chars);
  if (to <= from) return blob ? Value::Blob("") : Value::Text("");
  if (blob) return Value::Blob(s.substr(static_cast<size_t>(from), static_cast<size_t>(to - from)));
  size_t b0 = utf8::PrefixBytes(s, static_cast<int64_t>(from)), b1 = utf8::PrefixBytes(s, static_cast<int64_t>(to));
  return Value::Text(s.substr(b0, b1 - b0));
}

absl::StatusOr<Value> TrimImpl(Args a, bool left, bool right) {
  if (a[0].is_null() || (a.size() > 1 && a[1].is_null())) return Value::Null();
  std::string s = RenderText(a[0]);
  std::string chars = a.size() > 1 ? RenderText(a[1]) : " ";
  size_t b = 0, e = s.size();
  if (left) {
    while (b < e && chars.find(s[b]) != std::string::npos) ++b;
  }
  if (right) {
    while (e > b && chars.find(s[e - 1]) != std::string::npos) --e;
  }
  return Value::Text(s.substr(b, e - b));
}

absl::StatusOr<Value> Trim(Args a) { return TrimImpl(a, true, true); }
absl::StatusOr<Value> LTrim(Args a) { return TrimImpl(a, true, false); }
absl::StatusOr<Value> RTrim(Args a) { return TrimImpl(a, false, true); }

absl::StatusOr<Value> Round(Args a) {
  if (a[0].is_null() || (a.size() > 1 && a[1].is_null())) return Value::Null();
  Value n = ToNumeric(a[0]);
  int64_t digits = a.size() > 1 ? Cast(a[1], Type::kInteger).integer() : 0;
  digits = std::clamp<int64_t>(digits, 0, 30);
  double d = n.type() == Type::kInteger ? static_cast<double>(n.integer()) : n.real();
  double scale = std::pow(10.0, static_cast<double>(digits));
  double r = std::round(d * scale) / scale;  // halves away from zero
  if (!std::isfinite(r)) r = d;
  return Value::Real(r);
}

absl::StatusOr<Value> TypeOf(Args a) {
  switch (a[0].type()) {
    case Type::kNumeric:  // no value has it
    case Type::kNull:
      return Value::Text("null");
    case Type::kInteger:
      return Value::Text("integer");
    case Type::kReal:
      return Value::Text("real");
    case Type::kText:
      return Value::Text("text");
    case Type::kBlob:
      return Value::Text("blob");
    case Type::kBoolean:
      return Value::Text("boolean");
  }
  return Value::Null();
}

// As SQLite checks them, in order: an empty pattern returns X itself, even
// when the replacement is NULL.
absl::StatusOr<Value> Replace(Args a) {
  if (a[0].is_null() || a[1].is_null()) return Value::Null();
  std::string from = RenderText(a[1]);
  if (from.empty()) return a[0];
  if (a[2].is_null()) return Value::Null();
  return Value::Text(absl::StrReplaceAll(RenderText(a[0]), {{from, RenderText(a[2])}}));
}

absl::StatusOr<Value> Instr(Args a) {
  if (a[0].is_null() || a[1].is_null()) return Value::Null();
  std::string hay = RenderText(a[0]), needle = RenderText(a[1]);
  size_t pos = hay.find(needle);
  if (pos == std::string::npos) return Value::Integer(0);
  return Value::Integer(static_cast<int64_t>(utf8::CharCount(hay.substr(0, pos))) + 1);
}

// Multi-argument min()/max(): NULL if any argument is NULL.
absl::StatusOr<Value> Extreme(Args a, int sign) {
  Value best = a[0];
  for (const Value& v : a) {
    if (v.is_null()) return Value::Null();
    if (*Compare(v, best) * sign > 0) best = v;
  }
  return best;
}
absl::StatusOr<Value> ScalarMin(Args a) { return Extreme(a, -1); }
absl::StatusOr<Value> ScalarMax(Args a) { return Extreme(a, 1); }

constexpr ScalarFunction kScalarFunctions[] = {
    {"abs", 1, 1, &Abs},
    {"coalesce", 2, -1, &Coalesce},
    {"ifnull", 2, 2, &Coalesce},
    {"nullif", 2, 2, &NullIf},
    {"length", 1, 1, &Length},
    {"lower", 1, 1, &Lower},
    {"upper", 1, 1, &Upper},
    {"substr", 2, 3, &Substr},
    {"substring", 2, 3, &Substr},
    {"trim", 1, 2, &Trim},
    {"ltrim", 1, 2, &LTrim},
    {"rtrim", 1, 2, &RTrim},
    {"round", 1, 2, &Round},
    {"typeof", 1, 1, &TypeOf},
    {"replace", 3, 3, &Replace},
    {"instr", 2, 2, &Instr},
    {"min", 2, -1, &ScalarMin},
    {"max", 2, -1, &ScalarMax},
};

}  // namespace

namespace {

template <Collation kCollation>
absl::StatusOr<Value> CollationKeyOf(absl::Span<const Value> args) {
  return Collate(kCollation, args[0]);
}

absl::StatusOr<Value> RaiseError(absl::Span<const Value> args) {
  const std::string action(args[0].bytes());
  return MakeTypedError(absl::StatusCode::kFailedPrecondition,
                        action == "ignore" ? "RAISE(IGNORE)" : args[1].bytes(), ErrorKind::kRaise,
                        action);
}

constexpr ScalarFunction kRaise = {"raise", 2, 2, &RaiseError, /*deterministic=*/false};

constexpr ScalarFunction kNoCaseKey = {"collate_nocase", 1, 1, &CollationKeyOf<Collation::kNoCase>};
constexpr ScalarFunction kRtrimKey = {"collate_rtrim", 1, 1, &CollationKeyOf<Collation::kRtrim>};

}  // namespace

const ScalarFunction* Raise() { return &kRaise; }

const ScalarFunction* CollationKey(Collation c) {
  switch (c) {
    case Collation::kBinary:
      return nullptr;
    case Collation::kNoCase:
      return &kNoCaseKey;
    case Collation::kRtrim:
      return &kRtrimKey;
  }
  return nullptr;
}

const ScalarFunction* FindScalarFunction(absl::string_view name) {
  static const auto* const kByName = [] {
    auto* m = new absl::flat_hash_map<absl::string_view, const ScalarFunction*>();
    for (absl::Span<const ScalarFunction> family :
         {absl::Span<const ScalarFunction>(kScalarFunctions), internal::TextFunctions(),
          internal::MathFunctions(), internal::DateTimeFunctions(),
          internal::JsonFunctions()}) {
      for (const ScalarFunction& f : family) m->emplace(f.name, &f);
    }
    return m;
  }();
  auto it = kByName->find(name);
  return it == kByName->end() ? nullptr : it->second;
}

std::optional<AggregateKind> FindAggregate(absl::string_view name, int num_args,
                                           bool star) {
  if (name == "count") {
    if (star && num_args == 0) return AggregateKind::kCountStar;
    if (!star && num_args == 1) return AggregateKind::kCount;
    return std::nullopt;
  }
  if (star) return std::nullopt;
  if (num_args == 1) {
    if (name == "sum") return AggregateKind::kSum;
    if (name == "total") return AggregateKind::kTotal;
    if (name == "avg") return AggregateKind::kAvg;
    if (name == "min") return AggregateKind::kMin;
    if (name == "max") return AggregateKind::kMax;
  }
  if (name == "group_concat" && (num_args == 1 || num_args == 2)) {
    return AggregateKind::kGroupConcat;
  }
  if (name == "json_group_array" && num_args == 1) return AggregateKind::kJsonGroupArray;
  if (name == "json_group_object" && num_args == 2) return AggregateKind::kJsonGroupObject;
  return std::nullopt;
}

namespace {

// SQLite's schema pragmas as table-valued functions: each PRAGMA's columns,
// then the hidden arg and schema.
constexpr const char* kTableInfoColumns[] = {"cid", "name", "type", "notnull",
                                             "dflt_value", "pk", "arg", "schema"};
constexpr const char* kTableXinfoColumns[] = {"cid", "name", "type", "notnull", "dflt_value",
                                              "pk", "hidden", "arg", "schema"};
constexpr const char* kIndexListColumns[] = {"seq", "name", "unique", "origin",
                                             "partial", "arg", "schema"};
constexpr const char* kIndexInfoColumns[] = {"seqno", "cid", "name", "arg", "schema"};
constexpr const char* kIndexXinfoColumns[] = {"seqno", "cid", "name", "desc",
                                              "coll", "key", "arg", "schema"};
constexpr const char* kForeignKeyListColumns[] = {"id", "seq", "table", "from", "to",
                                                  "on_update", "on_delete", "match",
                                                  "arg", "schema"};

// generate_series(START [, STOP [, STEP]]), the table-valued function of
// SQLite's shell (ext/misc/series.c): START, START+STEP, ... up to STOP
// (default 4294967295), STEP 1 by default (0 counts as 1); a negative
// STEP gives the same values in descending order. Arguments are read as
// integers (a REAL truncated, TEXT by its numeric prefix); a NULL one
// gives no rows. Unlike SQLite 3.40 it stops at the largest INTEGER
// instead of wrapping around.
constexpr const char* kSeriesColumns[] = {"value", "start", "stop", "step"};

absl::StatusOr<std::vector<std::vector<Value>>> GenerateSeries(absl::Span<const Value> args,
                                                               size_t max_rows) {
  std::vector<std::vector<Value>> rows;
  int64_t bound[3] = {0, 4294967295, 1};
  for (size_t i = 0; i < args.size() && i < 3; ++i) {
    if (args[i].is_null()) return rows;
    const Value v = Cast(args[i], Type::kInteger);
    bound[i] = v.type() == Type::kInteger ? v.integer() : 0;
  }
  const int64_t start = bound[0], stop = bound[1];
  const int64_t step = bound[2];
  if (start > stop) return rows;
  const uint64_t stride =
      step == 0 ? 1 : step > 0 ? static_cast<uint64_t>(step) : 0 - static_cast<uint64_t>(step);
  // The steps after the first; +1 cannot overflow once it is below the cap.
  const uint64_t steps = (static_cast<uint64_t>(stop) - static_cast<uint64_t>(start)) / stride;
  if (steps >= max_rows) {
    return absl::ResourceExhaustedError(
        absl::StrCat("generate_series() would give more than ", max_rows, " rows"));
  }
  const uint64_t count = steps + 1;
  rows.reserve(count);
  const Value start_v = Value::Integer(start), stop_v = Value::Integer(stop),
              step_v = Value::Integer(step == 0 ? 1 : step);
  for (uint64_t k = 0; k < count; ++k) {
    const uint64_t i = step < 0 ? count - 1 - k : k;
    const int64_t value =
        static_cast<int64_t>(static_cast<uint64_t>(start) + i * stride);
    rows.push_back({Value::Integer(value), start_v, stop_v, step_v});
  }
  return rows;
}

constexpr TableFunction kSeriesFunctions[] = {
    {"generate_series", 1, 3, kSeriesColumns, 3, GenerateSeries},
};

constexpr TableFunction kPragmaFunctions[] = {
    {"pragma_table_info", 0, 2, kTableInfoColumns, 2, nullptr},
    {"pragma_table_xinfo", 0, 2, kTableXinfoColumns, 2, nullptr},
    {"pragma_index_list", 0, 2, kIndexListColumns, 2, nullptr},
    {"pragma_index_info", 0, 2, kIndexInfoColumns, 2, nullptr},
    {"pragma_index_xinfo", 0, 2, kIndexXinfoColumns, 2, nullptr},
    {"pragma_foreign_key_list", 0, 2, kForeignKeyListColumns, 2, nullptr},
};

}  // namespace

const TableFunction* FindTableFunction(absl::string_view name) {
  for (absl::Span<const TableFunction> family :
       {internal::JsonTableFunctions(), absl::Span<const TableFunction>(kSeriesFunctions),
        absl::Span<const TableFunction>(kPragmaFunctions)}) {
    for (const TableFunction& f : family) {
      if (name == f.name) return &f;
    }
  }
  return nullptr;
}

bool IsAggregateName(absl::string_view name) {
  // Every aggregate takes one argument, or count(*), but json_group_object.
  return FindAggregate(name, 1, false).has_value() || FindAggregate(name, 0, true).has_value() ||
         FindAggregate(name, 2, false).has_value();
}

void AggregateUpdate(AggregateKind kind, const Value& input,
                     const Value& separator, AggregateState* st, Collation collation) {
  if (kind == AggregateKind::kCountStar) {
    ++st->count;
    return;
  }
  if (kind == AggregateKind::kJsonGroupArray || kind == AggregateKind::kJsonGroupObject) {
    if (st->count++ > 0) st->concat += ',';
    if (kind == AggregateKind::kJsonGroupObject) {
      st->concat.append(input.bytes().data(), input.bytes().size());  // JsonObjectMember's
    } else if (!internal::AppendJson(input, &st->concat).ok()) {
      st->error = "JSON cannot hold BLOB values";
    }
    return;
  }
  if (input.is_null()) return;
  switch (kind) {
    case AggregateKind::kCount:
      ++st->count;
      return;
    case AggregateKind::kSum:
    case AggregateKind::kTotal:
    case AggregateKind::kAvg: {
      ++st->count;
      Value n = ToNumeric(input);
      if (input.type() == Type::kInteger || input.type() == Type::kBoolean) {
        if (__builtin_add_overflow(st->int_sum, n.integer(), &st->int_sum)) {
          st->int_overflow = true;
        }
        st->real_sum += static_cast<double>(n.integer());
      } else {
        st->all_integral = false;
        st->real_sum += n.type() == Type::kInteger
                            ? static_cast<double>(n.integer())
                            : n.real();
      }
      return;
    }
    case AggregateKind::kMin:
    case AggregateKind::kMax: {
      if (st->count++ == 0) {
        st->extreme = input;
        return;
      }
      int c = collation != Collation::kBinary && input.type() == Type::kText &&
                       st->extreme.type() == Type::kText
                  ? CompareText(collation, input.bytes(), st->extreme.bytes())
                  : *Compare(input, st->extreme);
      if ((kind == AggregateKind::kMin && c < 0) ||
          (kind == AggregateKind::kMax && c > 0)) {
        st->extreme = input;
      }
      return;
    }
    case AggregateKind::kGroupConcat: {
      if (st->count++ > 0) {
        st->concat += separator.is_null() ? "," : RenderText(separator);
      }
      st->concat += RenderText(input);
      return;
    }
    case AggregateKind::kCountStar:
    case AggregateKind::kJsonGroupArray:
    case AggregateKind::kJsonGroupObject:
      return;
  }
}

void AggregateMerge(AggregateKind kind, const AggregateState& other,
                    const Value& separator, AggregateState* st, Collation collation) {
  switch (kind) {
    case AggregateKind::kCount:
    case AggregateKind::kCountStar:
      st->count += other.count;
      return;
    case AggregateKind::kSum:
    case AggregateKind::kTotal:
    case AggregateKind::kAvg:
      st->count += other.count;
      st->all_integral = st->all_integral && other.all_integral;
      st->int_overflow = st->int_overflow || other.int_overflow ||
                         __builtin_add_overflow(st->int_sum, other.int_sum,
                                                &st->int_sum);
      st->real_sum += other.real_sum;
      return;
    case AggregateKind::kMin:
    case AggregateKind::kMax:
      if (other.count > 0) AggregateUpdate(kind, other.extreme, separator, st, collation);
      return;
    case AggregateKind::kGroupConcat:
      if (other.count == 0) return;
      if (st->count > 0) {
        st->concat += separator.is_null() ? "," : RenderText(separator);
      }
      st->concat += other.concat;
      st->count += other.count;
      return;
    case AggregateKind::kJsonGroupArray:
    case AggregateKind::kJsonGroupObject:
      if (other.error != nullptr) st->error = other.error;
      if (other.count == 0) return;
      if (st->count > 0) st->concat += ',';
      st->concat += other.concat;
      st->count += other.count;
      return;
  }
}

absl::StatusOr<Value> AggregateFinish(AggregateKind kind,
                                      const AggregateState& st) {
  switch (kind) {
    case AggregateKind::kCount:
    case AggregateKind::kCountStar:
      return Value::Integer(st.count);
    case AggregateKind::kSum:
      if (st.count == 0) return Value::Null();
      if (st.all_integral) {
        if (st.int_overflow) return absl::InvalidArgumentError("integer overflow");
        return Value::Integer(st.int_sum);
      }
      return Value::Real(st.real_sum);
    case AggregateKind::kTotal:
      return Value::Real(st.real_sum);
    case AggregateKind::kAvg:
      if (st.count == 0) return Value::Null();
      return Value::Real(st.real_sum / static_cast<double>(st.count));
    case AggregateKind::kMin:
    case AggregateKind::kMax:
      return st.count == 0 ? Value::Null() : st.extreme;
    case AggregateKind::kGroupConcat:
      return st.count == 0 ? Value::Null() : Value::Text(st.concat);
    case AggregateKind::kJsonGroupArray:
    case AggregateKind::kJsonGroupObject: {
      if (st.error != nullptr) return absl::InvalidArgumentError(st.error);
      const bool array = kind == AggregateKind::kJsonGroupArray;
      std::string out = array ? "[" : "{";
      out += st.concat;
      out += array ? ']' : '}';
      if (absl::Status s = internal::CheckResultSize(out.size()); !s.ok()) return s;
      return Value::Json(out);
    }
  }
  return Value::Null();
}

}  // namespace tessera::function
