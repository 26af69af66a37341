// Text and blob functions with SQLite's results: char, hex, unicode, quote,
// printf/format, concat, concat_ws, octet_length, zeroblob, randomblob,
// random, likely, unlikely, likelihood; and version() (PostgreSQL's name).
//
// Where Tessera differs on purpose: TEXT stays valid UTF-8, so char() turns
// surrogate code points into U+FFFD as it does code points out of range, and
// printf's precision never cuts a character in two; printf's %c of NULL or
// '' writes nothing (SQLite writes a NUL character); quote(TRUE) is TRUE.
// printf's %f/%e/%g use the C library's correctly rounded conversion, where
// SQLite rounds a tie away from zero (printf('%.0f', 2.5): SQLite 3, here 2).

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/utf8.h"
#include "common/version.h"
#include "function/builtins.h"
#include "function/value_ops.h"

namespace tessera::function::internal {

namespace {

using Args = absl::Span<const Value>;

// The longest prefix of `s` of at most `bytes` bytes that ends on a
// character boundary.
size_t PrefixOnBoundary(absl::string_view s, size_t bytes) {
  if (bytes >= s.size()) return s.size();
  while (bytes > 0 && (static_cast<unsigned char>(s[bytes]) & 0xC0) == 0x80) --bytes;
  return bytes;
}

absl::StatusOr<Value> Char(Args a) {
  std::string out;
  for (const Value& v : a) {
    int64_t cp = v.is_null() ? 0 : Cast(v, Type::kInteger).integer();
    utf8::Append(cp < 0 || cp > 0x10FFFF ? 0xFFFD : static_cast<uint32_t>(cp), &out);
  }
  return Value::Text(out);
}

absl::StatusOr<Value> Hex(Args a) {
  if (a[0].is_null()) return Value::Text("");
  std::string bytes = RenderText(a[0]);
  if (absl::Status s = CheckResultSize(2 * bytes.size()); !s.ok()) return s;
  return Value::Text(absl::AsciiStrToUpper(absl::BytesToHexString(bytes)));
}

absl::StatusOr<Value> Unicode(Args a) {
  if (a[0].is_null()) return Value::Null();
  std::string s = RenderText(a[0]);
  if (s.empty()) return Value::Null();
  return Value::Integer(utf8::First(s).value);
}

absl::StatusOr<Value> Quote(Args a) {
  const Value& v = a[0];
  switch (v.type()) {
    case Type::kNumeric:  // no value has it
    case Type::kNull:
      return Value::Text("NULL");
    case Type::kInteger:
      return Value::Text(absl::StrCat(v.integer()));
    case Type::kReal:
      return Value::Text(RealLiteral(v.real()));
    case Type::kBoolean:
      return Value::Text(v.boolean() ? "TRUE" : "FALSE");
    case Type::kText: {
      std::string out = absl::StrCat("'", absl::StrReplaceAll(v.bytes(), {{"'", "''"}}), "'");
      if (absl::Status s = CheckResultSize(out.size()); !s.ok()) return s;
      return Value::Text(out);
    }
    case Type::kBlob: {
      if (absl::Status s = CheckResultSize(2 * v.bytes().size() + 3); !s.ok()) return s;
      return Value::Text(
          absl::StrCat("X'", absl::AsciiStrToUpper(absl::BytesToHexString(v.bytes())), "'"));
    }
  }
  return Value::Null();
}

absl::StatusOr<Value> ZeroBlob(Args a) {
  int64_t n = a[0].is_null() ? 0 : Cast(a[0], Type::kInteger).integer();
  n = std::max<int64_t>(n, 0);
  if (absl::Status s = CheckResultSize(static_cast<uint64_t>(n)); !s.ok()) return s;
  return Value::Blob(std::string(static_cast<size_t>(n), '\0'));
}

absl::BitGen& Generator() {
  thread_local absl::BitGen gen;
  return gen;
}

absl::StatusOr<Value> RandomBlob(Args a) {
  int64_t n = a[0].is_null() ? 1 : Cast(a[0], Type::kInteger).integer();
  n = std::max<int64_t>(n, 1);
  if (absl::Status s = CheckResultSize(static_cast<uint64_t>(n)); !s.ok()) return s;
  std::string out(static_cast<size_t>(n), '\0');
  absl::BitGen& gen = Generator();
  for (char& c : out) c = static_cast<char>(absl::Uniform<uint8_t>(gen));
  return Value::Blob(out);
}

absl::StatusOr<Value> Random(Args) {
  return Value::Integer(static_cast<int64_t>(absl::Uniform<uint64_t>(Generator())));
}

absl::StatusOr<Value> Identity(Args a) { return a[0]; }

// likelihood(X, P): X; P, the planner hint, must be a probability.
absl::StatusOr<Value> Likelihood(Args a) {
  const Value& p = a[1];
  if (!p.is_numeric() || p.AsDouble() < 0.0 || p.AsDouble() > 1.0) {
    return absl::InvalidArgumentError(
        "second argument to likelihood() must be a constant between 0.0 and 1.0");
  }
  return a[0];
}

absl::StatusOr<Value> Version(Args) { return Value::Text(absl::StrCat("Tessera ", kVersion)); }

absl::StatusOr<Value> Concat(Args a) {
  std::string out;
  for (const Value& v : a) {
    if (v.is_null()) continue;
    absl::StrAppend(&out, RenderText(v));
    if (absl::Status s = CheckResultSize(out.size()); !s.ok()) return s;
  }
  return Value::Text(out);
}

absl::StatusOr<Value> ConcatWs(Args a) {
  if (a[0].is_null()) return Value::Null();
  const std::string sep = RenderText(a[0]);
  std::string out;
  bool first = true;
  for (const Value& v : a.subspan(1)) {
    if (v.is_null()) continue;
    absl::StrAppend(&out, first ? "" : sep, RenderText(v));
    first = false;
    if (absl::Status s = CheckResultSize(out.size()); !s.ok()) return s;
  }
  return Value::Text(out);
}

absl::StatusOr<Value> OctetLength(Args a) {
  if (a[0].is_null()) return Value::Null();
  if (a[0].type() == Type::kBlob || a[0].type() == Type::kText) {
    return Value::Integer(static_cast<int64_t>(a[0].bytes().size()));
  }
  return Value::Integer(static_cast<int64_t>(RenderText(a[0]).size()));
}

// ---------------------------------------------------------------- printf

// One conversion's flags, width and precision.
struct Spec {
  bool left = false, plus = false, space = false, zero = false, alt = false;
  bool comma = false, bang = false;
  int64_t width = 0;
  int64_t precision = -1;  // none
};

// snprintf with a format built from a validated Spec: the only way to reach
// the C library's integer and floating-point conversions.
template <typename T>
std::string CFormat(const Spec& s, const char* length, char conv, T value) {
  std::string f = "%";
  if (s.left) f += '-';
  if (s.plus) f += '+';
  if (s.space) f += ' ';
  if (s.zero) f += '0';
  if (s.alt) f += '#';
  if (s.width > 0) absl::StrAppend(&f, s.width);
  if (s.precision >= 0) absl::StrAppend(&f, ".", s.precision);
  f += length;
  f += conv;
  int n = std::snprintf(nullptr, 0, f.c_str(), value);
  if (n <= 0) return "";
  std::string out(static_cast<size_t>(n), '\0');
  std::snprintf(out.data(), out.size() + 1, f.c_str(), value);
  return out;
}

// Pads `body` with spaces to the width, on the left unless `left`. `len` is
// the body's length in the unit the width counts.
void AppendPadded(const Spec& s, absl::string_view body, size_t len, std::string* out) {
  size_t pad = s.width > static_cast<int64_t>(len) ? static_cast<size_t>(s.width) - len : 0;
  if (!s.left) out->append(pad, ' ');
  out->append(body.data(), body.size());
  if (s.left) out->append(pad, ' ');
}

// "1234567" -> "1,234,567"
std::string GroupThousands(absl::string_view digits) {
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// A text argument cut to the precision: bytes, or characters with '!'.
std::string CutToPrecision(const Spec& s, std::string text) {
  if (s.precision < 0) return text;
  size_t keep = s.bang ? utf8::PrefixBytes(text, s.precision)
                       : PrefixOnBoundary(text, static_cast<size_t>(s.precision));
  text.resize(keep);
  return text;
}

absl::StatusOr<Value> Printf(Args a) {
  if (a[0].is_null()) return Value::Null();
  const std::string fmt = RenderText(a[0]);
  size_t next_arg = 1;
  auto next = [&]() -> Value { return next_arg < a.size() ? a[next_arg++] : Value::Null(); };
  auto as_int = [](const Value& v) -> int64_t {
    return v.is_null() ? 0 : Cast(v, Type::kInteger).integer();
  };
  std::string out;
  size_t i = 0;
  while (i < fmt.size()) {
    if (fmt[i] != '%') {
      size_t end = fmt.find('%', i);
      if (end == std::string::npos) end = fmt.size();
      out.append(fmt, i, end - i);
      i = end;
      continue;
    }
    if (++i == fmt.size()) {
      out += '%';  // a lone '%' at the end stays, as in SQLite
      break;
    }
    Spec s;
    for (; i < fmt.size(); ++i) {
      const char f = fmt[i];
      if (f == '-') {
        s.left = true;
      } else if (f == '+') {
        s.plus = true;
      } else if (f == ' ') {
        s.space = true;
      } else if (f == '0') {
        s.zero = true;
      } else if (f == '#') {
        s.alt = true;
      } else if (f == ',') {
        s.comma = true;
      } else if (f == '!') {
        s.bang = true;
      } else {
        break;
      }
    }
    // Width and precision: digits, or '*' for the next argument.
    auto number = [&](int64_t* out_value) -> absl::Status {
      if (i < fmt.size() && fmt[i] == '*') {
        ++i;
        *out_value = as_int(next());
        return absl::OkStatus();
      }
      int64_t v = 0;
      while (i < fmt.size() && absl::ascii_isdigit(static_cast<unsigned char>(fmt[i]))) {
        v = v * 10 + (fmt[i++] - '0');
        if (absl::Status st = CheckResultSize(static_cast<uint64_t>(v)); !st.ok()) return st;
      }
      *out_value = v;
      return absl::OkStatus();
    };
    if (absl::Status st = number(&s.width); !st.ok()) return st;
    if (s.width < 0) {
      s.left = true;
      s.width = s.width == INT64_MIN ? INT64_MAX : -s.width;
    }
    if (i < fmt.size() && fmt[i] == '.') {
      ++i;
      if (absl::Status st = number(&s.precision); !st.ok()) return st;
      if (s.precision < 0) s.precision = -1;
    }
    if (absl::Status st = CheckResultSize(static_cast<uint64_t>(s.width));
        !st.ok()) {
      return st;
    }
    if (absl::Status st = CheckResultSize(static_cast<uint64_t>(std::max<int64_t>(s.precision, 0)));
        !st.ok()) {
      return st;
    }
    while (i < fmt.size() && fmt[i] == 'l') ++i;
    if (i == fmt.size()) break;
    const char conv = fmt[i++];
    switch (conv) {
      case 'd':
      case 'i': {
        int64_t v = as_int(next());
        if (!s.comma) {
          out += CFormat(s, "ll", 'd', static_cast<long long>(v));
          break;
        }
        uint64_t mag = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
        std::string body = GroupThousands(absl::StrCat(mag));
        if (v < 0) {
          body.insert(0, "-");
        } else if (s.plus) {
          body.insert(0, "+");
        } else if (s.space) {
          body.insert(0, " ");
        }
        AppendPadded(s, body, body.size(), &out);
        break;
      }
      case 'u':
      case 'x':
      case 'X':
      case 'o':
        out += CFormat(s, "ll", conv, static_cast<unsigned long long>(as_int(next())));
        break;
      case 'f':
      case 'e':
      case 'E':
      case 'g':
      case 'G': {
        Value v = next();
        out += CFormat(s, "", conv, v.is_null() ? 0.0 : Cast(v, Type::kReal).real());
        break;
      }
      case 's':
      case 'z': {
        Value v = next();
        std::string text = CutToPrecision(s, v.is_null() ? "" : RenderText(v));
        AppendPadded(s, text, s.bang ? utf8::CharCount(text) : text.size(), &out);
        break;
      }
      case 'q':
      case 'Q':
      case 'w': {
        Value v = next();
        std::string body;
        if (v.is_null()) {
          body = conv == 'Q' ? "NULL" : "(NULL)";
        } else {
          const char* quote = conv == 'w' ? "\"" : "'";
          const char* doubled = conv == 'w' ? "\"\"" : "''";
          body = absl::StrReplaceAll(CutToPrecision(s, RenderText(v)), {{quote, doubled}});
          if (conv == 'Q') body = absl::StrCat("'", body, "'");
        }
        AppendPadded(s, body, s.bang ? utf8::CharCount(body) : body.size(), &out);
        break;
      }
      case 'c': {
        Value v = next();
        std::string text = v.is_null() ? "" : RenderText(v);
        std::string one = text.substr(0, utf8::PrefixBytes(text, 1));
        int64_t times = one.empty() ? 0 : std::max<int64_t>(s.precision, 1);
        // Checked before building it: 'é' a billion times is 2 GB.
        if (absl::Status st = CheckResultSize(out.size() + static_cast<uint64_t>(times) * one.size());
            !st.ok()) {
          return st;
        }
        std::string body;
        for (int64_t k = 0; k < times; ++k) body += one;
        AppendPadded(s, body, static_cast<size_t>(times), &out);
        break;
      }
      case '%':
        AppendPadded(s, "%", 1, &out);
        break;
      default:
        // SQLite ends the output at a conversion it does not know.
        return Value::Text(out);
    }
    if (absl::Status st = CheckResultSize(out.size()); !st.ok()) return st;
  }
  return Value::Text(out);
}

constexpr ScalarFunction kTextFunctions[] = {
    {"char", 0, -1, &Char},
    {"hex", 1, 1, &Hex},
    {"unicode", 1, 1, &Unicode},
    {"quote", 1, 1, &Quote},
    {"printf", 1, -1, &Printf},
    {"format", 1, -1, &Printf},
    {"concat", 1, -1, &Concat},
    {"concat_ws", 2, -1, &ConcatWs},
    {"octet_length", 1, 1, &OctetLength},
    {"zeroblob", 1, 1, &ZeroBlob},
    {"randomblob", 1, 1, &RandomBlob, /*deterministic=*/false},
    {"random", 0, 0, &Random, /*deterministic=*/false},
    {"likely", 1, 1, &Identity},
    {"likelihood", 2, 2, &Likelihood},
    {"unlikely", 1, 1, &Identity},
    {"version", 0, 0, &Version},
};

}  // namespace

absl::Span<const ScalarFunction> TextFunctions() { return kTextFunctions; }

absl::Status CheckResultSize(size_t bytes) {
  if (bytes <= kMaxResultBytes) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("string or blob too big: ", bytes, " bytes, the limit is ", kMaxResultBytes));
}

}  // namespace tessera::function::internal
