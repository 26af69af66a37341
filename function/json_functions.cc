// JSON functions with SQLite 3.40's results: json, json_valid, json_type,
// json_extract, json_array, json_object, json_array_length, json_quote,
// json_insert, json_replace, json_set, json_remove, json_patch, and the
// `->` and `->>` operators (JsonArrow in value_ops.h); and the table-valued
// json_each and json_tree.
//
// JSON is TEXT (RFC 8259, no JSON5). A parsed document keeps each scalar's
// text as written: a number's digits, a string's contents with its escapes.
// So the parts of a document a function leaves alone come out exactly as
// they went in, minus the whitespace, as in SQLite. Object keys match path
// labels by those raw contents, as in SQLite (`$.a` does not find "\u0061").
//
// Where Tessera differs on purpose: an infinite REAL is written 9e999 (SQLite
// 3.40 writes Inf, which is not JSON); a string's lone surrogate escape reads
// as U+FFFD, so TEXT stays valid UTF-8; BOOLEAN is written true/false.

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/utf8.h"
#include "function/builtins.h"
#include "function/value_ops.h"

namespace tessera::function {

namespace {

using Args = absl::Span<const Value>;

// Deeper documents are malformed (SQLite's JSON_MAX_DEPTH); it also bounds
// the recursion of parsing and writing.
constexpr int kMaxDepth = 2000;

enum class JsonType : uint8_t { kNull, kTrue, kFalse, kInteger, kReal, kString, kArray, kObject };

struct JsonNode {
  JsonType type = JsonType::kNull;
  // Set on a node a json_set/insert/replace/patch call put in place: later
  // paths of the same call do not descend into it (SQLite's rule).
  bool replaced = false;
  bool removed = false;   // json_patch: dropped (not written)
  bool appended = false;  // json_patch: a member the patch added
  std::string text;               // kInteger, kReal: the number; kString: raw contents
  std::vector<JsonNode> items;    // kArray: elements; kObject: member values
  std::vector<std::string> keys;  // kObject: raw member names, beside items
};

// json_type()'s name of each JsonType.
constexpr const char* kTypeNames[] = {"null", "true",  "false", "integer",
                                      "real", "text", "array", "object"};

absl::Status Malformed() { return absl::InvalidArgumentError("malformed JSON"); }

absl::Status PathError(absl::string_view near) {
  return absl::InvalidArgumentError(absl::StrCat("JSON path error near '", near, "'"));
}

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHex(char c) { return absl::ascii_isxdigit(static_cast<unsigned char>(c)); }

// A recursive-descent parser of one document.
class Parser {
 public:
  explicit Parser(absl::string_view in) : in_(in) {}

  // Parses the whole input (surrounding whitespace allowed) into `out`.
  bool ParseDocument(JsonNode* out) {
    SkipSpace();
    if (!ParseValue(out, 0)) return false;
    SkipSpace();
    return pos_ == in_.size();
  }

 private:
  void SkipSpace() {
    while (pos_ < in_.size() && IsJsonSpace(in_[pos_])) ++pos_;
  }
  bool Literal(absl::string_view word) {
    if (in_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  bool ParseValue(JsonNode* out, int depth) {
    if (pos_ >= in_.size()) return false;
    switch (in_[pos_]) {
      case '{':
        return ParseObject(out, depth + 1);
      case '[':
        return ParseArray(out, depth + 1);
      case '"':
        out->type = JsonType::kString;
        return ParseString(&out->text);
      case 't':
        out->type = JsonType::kTrue;
        return Literal("true");
      case 'f':
        out->type = JsonType::kFalse;
        return Literal("false");
      case 'n':
        out->type = JsonType::kNull;
        return Literal("null");
      default:
        return ParseNumber(out);
    }
  }

  bool ParseArray(JsonNode* out, int depth) {
    if (depth > kMaxDepth) return false;
    out->type = JsonType::kArray;
    ++pos_;  // [
    SkipSpace();
    if (pos_ < in_.size() && in_[pos_] == ']') {
      ++pos_;
      return true;
    }
    for (;;) {
      out->items.emplace_back();
      if (!ParseValue(&out->items.back(), depth)) return false;
      SkipSpace();
      if (pos_ >= in_.size()) return false;
      const char c = in_[pos_++];
      if (c == ']') return true;
      if (c != ',') return false;
      SkipSpace();
    }
  }

  bool ParseObject(JsonNode* out, int depth) {
    if (depth > kMaxDepth) return false;
    out->type = JsonType::kObject;
    ++pos_;  // {
    SkipSpace();
    if (pos_ < in_.size() && in_[pos_] == '}') {
      ++pos_;
      return true;
    }
    for (;;) {
      if (pos_ >= in_.size() || in_[pos_] != '"') return false;
      out->keys.emplace_back();
      if (!ParseString(&out->keys.back())) return false;
      SkipSpace();
      if (pos_ >= in_.size() || in_[pos_] != ':') return false;
      ++pos_;
      SkipSpace();
      out->items.emplace_back();
      if (!ParseValue(&out->items.back(), depth)) return false;
      SkipSpace();
      if (pos_ >= in_.size()) return false;
      const char c = in_[pos_++];
      if (c == '}') return true;
      if (c != ',') return false;
      SkipSpace();
    }
  }

  // At the opening quote; `raw` gets the contents, escapes unchanged.
  bool ParseString(std::string* raw) {
    const size_t start = ++pos_;
    while (pos_ < in_.size()) {
      const unsigned char c = static_cast<unsigned char>(in_[pos_]);
      if (c == '"') {
        raw->assign(in_.data() + start, pos_ - start);
        ++pos_;
        return true;
      }
      if (c < 0x20) return false;
      if (c == '\\') {
        if (++pos_ >= in_.size()) return false;
        const char e = in_[pos_];
        if (e == 'u') {
          if (pos_ + 4 >= in_.size()) return false;
          for (int i = 1; i <= 4; ++i) {
            if (!IsHex(in_[pos_ + i])) return false;
          }
          pos_ += 5;
        } else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' ||
                   e == 'r' || e == 't') {
          ++pos_;
        } else {
          return false;
        }
      } else if (c >= 0x80) {
        // A BLOB read as JSON may hold bytes that are not UTF-8.
        utf8::CodePoint cp = utf8::First(in_.substr(pos_));
        if (cp.bytes == 1) return false;
        pos_ += cp.bytes;
      } else {
        ++pos_;
      }
    }
    return false;
  }

  // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
  bool ParseNumber(JsonNode* out) {
    const size_t start = pos_;
    bool real = false;
    if (pos_ < in_.size() && in_[pos_] == '-') ++pos_;
    if (pos_ >= in_.size() || !IsDigit(in_[pos_])) return false;
    if (in_[pos_] == '0') {
      ++pos_;
    } else {
      while (pos_ < in_.size() && IsDigit(in_[pos_])) ++pos_;
    }
    if (pos_ < in_.size() && in_[pos_] == '.') {
      real = true;
      ++pos_;
      if (pos_ >= in_.size() || !IsDigit(in_[pos_])) return false;
      while (pos_ < in_.size() && IsDigit(in_[pos_])) ++pos_;
    }
    if (pos_ < in_.size() && (in_[pos_] == 'e' || in_[pos_] == 'E')) {
      real = true;
      ++pos_;
      if (pos_ < in_.size() && (in_[pos_] == '+' || in_[pos_] == '-')) ++pos_;
      if (pos_ >= in_.size() || !IsDigit(in_[pos_])) return false;
      while (pos_ < in_.size() && IsDigit(in_[pos_])) ++pos_;
    }
    out->type = real ? JsonType::kReal : JsonType::kInteger;
    out->text.assign(in_.data() + start, pos_ - start);
    return true;
  }

  absl::string_view in_;
  size_t pos_ = 0;
};

// The text a JSON function reads: TEXT or BLOB bytes, a number's rendering.
// nullopt for NULL.
std::optional<std::string> JsonText(const Value& v) {
  if (v.is_null()) return std::nullopt;
  return RenderText(v);
}

absl::StatusOr<JsonNode> Parse(absl::string_view text) {
  JsonNode root;
  Parser parser(text);
  if (!parser.ParseDocument(&root)) return Malformed();
  return root;
}

void Write(const JsonNode& n, std::string* out) {
  switch (n.type) {
    case JsonType::kNull: out->append("null"); return;
    case JsonType::kTrue: out->append("true"); return;
    case JsonType::kFalse: out->append("false"); return;
    case JsonType::kInteger:
    case JsonType::kReal: out->append(n.text); return;
    case JsonType::kString:
      out->push_back('"');
      out->append(n.text);
      out->push_back('"');
      return;
    case JsonType::kArray:
      out->push_back('[');
      for (size_t i = 0; i < n.items.size(); ++i) {
        if (i > 0) out->push_back(',');
        Write(n.items[i], out);
      }
      out->push_back(']');
      return;
    case JsonType::kObject: {
      out->push_back('{');
      bool first = true;
      for (size_t i = 0; i < n.items.size(); ++i) {
        if (n.items[i].removed) continue;
        if (!first) out->push_back(',');
        first = false;
        out->push_back('"');
        out->append(n.keys[i]);
        out->append("\":");
        Write(n.items[i], out);
      }
      out->push_back('}');
      return;
    }
  }
}

absl::StatusOr<Value> JsonResult(const JsonNode& n) {
  std::string out;
  Write(n, &out);
  if (absl::Status s = internal::CheckResultSize(out.size()); !s.ok()) return s;
  return Value::Json(out);
}

// `s` escaped as the contents of a JSON string.
void AppendEscaped(absl::string_view s, std::string* out) {
  for (char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      default:
        if (c < 0x20) {
          absl::StrAppend(out, "\\u00", absl::Hex(c, absl::kZeroPad2));
        } else {
          out->push_back(ch);
        }
    }
  }
}

// The unescaped text of a string node's raw contents.
std::string Unescape(absl::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  auto hex4 = [&](size_t at) {
    uint32_t v = 0;
    for (size_t i = at; i < at + 4; ++i) {
      const char c = raw[i];
      v = v * 16 + (IsDigit(c) ? c - '0' : (absl::ascii_tolower(c) - 'a' + 10));
    }
    return v;
  };
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '\\') {
      out.push_back(raw[i]);
      continue;
    }
    const char e = raw[++i];  // the parser checked every escape
    switch (e) {
      case 'b': out.push_back('\b'); break;
      case 'f': out.push_back('\f'); break;
      case 'n': out.push_back('\n'); break;
      case 'r': out.push_back('\r'); break;
      case 't': out.push_back('\t'); break;
      case 'u': {
        uint32_t cp = hex4(i + 1);
        i += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 < raw.size() && raw[i + 1] == '\\' &&
            raw[i + 2] == 'u') {
          const uint32_t low = hex4(i + 3);
          if (low >= 0xDC00 && low <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            i += 6;
          }
        }
        utf8::Append(cp, &out);  // a lone surrogate becomes U+FFFD
        break;
      }
      default: out.push_back(e); break;  // " \ /
    }
  }
  return out;
}

// A REAL as JSON: SQLite's 15 significant digits, always with a '.' or an
// exponent so that it reads back as REAL.
std::string RealText(double d) {
  if (std::isinf(d)) return d > 0 ? "9e999" : "-9e999";
  if (std::isnan(d)) return "null";
  return RenderText(Value::Real(d));
}

// An SQL value as a JSON node: JSON-made TEXT parsed, other TEXT a string.
absl::StatusOr<JsonNode> NodeOf(const Value& v) {
  JsonNode n;
  switch (v.type()) {
    case Type::kNumeric:  // no value has it
    case Type::kNull: return n;
    case Type::kBoolean: n.type = v.boolean() ? JsonType::kTrue : JsonType::kFalse; return n;
    case Type::kInteger:
      n.type = JsonType::kInteger;
      n.text = absl::StrCat(v.integer());
      return n;
    case Type::kReal: {
      n.text = RealText(v.real());
      n.type = n.text == "null" ? JsonType::kNull : JsonType::kReal;
      return n;
    }
    case Type::kText:
      if (v.is_json()) return Parse(v.bytes());
      n.type = JsonType::kString;
      AppendEscaped(v.bytes(), &n.text);
      return n;
    case Type::kBlob: break;
  }
  return absl::InvalidArgumentError("JSON cannot hold BLOB values");
}

// Appends an SQL value as JSON (json_array, json_object, json_quote).
absl::Status AppendValue(const Value& v, std::string* out) {
  if (v.is_json()) {  // made by a JSON function: already JSON text
    out->append(v.bytes().data(), v.bytes().size());
    return absl::OkStatus();
  }
  absl::StatusOr<JsonNode> n = NodeOf(v);
  if (!n.ok()) return n.status();
  Write(*n, out);
  return absl::OkStatus();
}

// A node as an SQL value (json_extract, ->>): numbers as INTEGER or REAL,
// true/false as 1/0, strings unescaped, arrays and objects as JSON text.
absl::StatusOr<Value> SqlValueOf(const JsonNode& n, bool mark_json) {
  switch (n.type) {
    case JsonType::kNull: return Value::Null();
    case JsonType::kTrue: return Value::Integer(1);
    case JsonType::kFalse: return Value::Integer(0);
    case JsonType::kInteger: {
      int64_t i;
      if (absl::SimpleAtoi(n.text, &i)) return Value::Integer(i);
      return Value::Real(std::strtod(n.text.c_str(), nullptr));  // past int64
    }
    case JsonType::kReal: return Value::Real(std::strtod(n.text.c_str(), nullptr));
    case JsonType::kString: return Value::Text(Unescape(n.text));
    case JsonType::kArray:
    case JsonType::kObject: {
      if (mark_json) return JsonResult(n);
      std::string out;
      Write(n, &out);
      return Value::Text(out);
    }
  }
  return Value::Null();
}

// Where a path leads in a document.
struct Target {
  JsonNode* node = nullptr;    // nullptr: not there (and not created)
  JsonNode* parent = nullptr;  // nullptr for the root
  size_t index = 0;            // node's place in parent
  bool created = false;        // made by this lookup (create = true)
};

// One `.label` or `."label"` step at `p` (which starts with '.'): the label
// and the bytes it takes, or an error.
absl::StatusOr<std::pair<absl::string_view, size_t>> LabelStep(absl::string_view p) {
  absl::string_view rest = p.substr(1);
  if (!rest.empty() && rest[0] == '"') {
    const size_t close = rest.find('"', 1);
    if (close == absl::string_view::npos) return PathError(rest);
    return std::make_pair(rest.substr(1, close - 1), close + 2);
  }
  size_t n = 0;
  while (n < rest.size() && rest[n] != '.' && rest[n] != '[') ++n;
  if (n == 0) return PathError(rest);
  return std::make_pair(rest.substr(0, n), n + 1);
}

// Builds in `top` the nodes a missing path `rest` names below a new member
// or element, as SQLite does: `.label` makes an object, `[0]` an array. Any
// other step makes nothing and gives false (not an error). Each container
// built holds one node, the last of them the null placeholder the value
// goes into.
absl::StatusOr<bool> BuildMissing(absl::string_view rest, int depth, JsonNode* top) {
  JsonNode* cur = top;
  while (!rest.empty()) {
    if (++depth > kMaxDepth) return absl::InvalidArgumentError("JSON nested too deeply");
    size_t used = 3;
    if (rest[0] == '.') {
      absl::StatusOr<std::pair<absl::string_view, size_t>> step = LabelStep(rest);
      if (!step.ok()) return step.status();
      cur->type = JsonType::kObject;
      cur->keys.emplace_back();
      AppendEscaped(step->first, &cur->keys.back());
      used = step->second;
    } else if (absl::StartsWith(rest, "[0]")) {
      cur->type = JsonType::kArray;
    } else {
      return false;
    }
    rest.remove_prefix(used);
    cur->items.emplace_back();
    cur = &cur->items.back();
  }
  return true;
}

// Appends `fresh` (built by BuildMissing) to `container` and returns the
// target at its placeholder.
Target Attach(JsonNode* container, JsonNode&& fresh) {
  container->items.push_back(std::move(fresh));
  JsonNode* leaf = &container->items.back();
  while (!leaf->items.empty()) leaf = &leaf->items.back();
  return Target{leaf, nullptr, 0, true};
}

// Follows `path` (which must start with '$') in `root`. With `create`, a
// missing last member, or an element just past an array's end, is made
// (with the containers the rest of the path names), as json_set does.
absl::StatusOr<Target> Lookup(JsonNode* root, absl::string_view path, bool create) {
  if (path.empty() || path[0] != '$') return PathError(path);
  absl::string_view p = path.substr(1);
  Target t;
  t.node = root;
  int depth = 0;
  while (!p.empty()) {
    JsonNode* cur = t.node;
    if (cur->replaced) return Target();
    ++depth;
    if (p[0] == '.') {
      absl::StatusOr<std::pair<absl::string_view, size_t>> step = LabelStep(p);
      if (cur->type != JsonType::kObject) return Target();
      if (!step.ok()) return step.status();
      p.remove_prefix(step->second);
      size_t i = 0;
      while (i < cur->keys.size() && cur->keys[i] != step->first) ++i;
      if (i < cur->keys.size()) {
        t = Target{&cur->items[i], cur, i, false};
        continue;
      }
      if (!create) return Target();
      JsonNode fresh;
      absl::StatusOr<bool> built = BuildMissing(p, depth, &fresh);
      if (!built.ok()) return built.status();
      if (!*built) return Target();
      cur->keys.emplace_back();
      AppendEscaped(step->first, &cur->keys.back());
      return Attach(cur, std::move(fresh));
    }
    if (p[0] != '[') return PathError(p);
    size_t j = 1;
    uint64_t index = 0;
    while (j < p.size() && IsDigit(p[j])) {
      index = std::min<uint64_t>(index * 10 + (p[j] - '0'), uint64_t{1} << 40);
      ++j;
    }
    if (j < 2 || j >= p.size() || p[j] != ']') {
      if (p.size() < 2 || p[1] != '#') return PathError(p);
      if (cur->type != JsonType::kArray) return Target();
      index = cur->items.size();
      j = 2;
      if (p.size() > 3 && p[2] == '-' && IsDigit(p[3])) {
        uint64_t back = 0;
        j = 3;
        while (j < p.size() && IsDigit(p[j])) {
          back = std::min<uint64_t>(back * 10 + (p[j] - '0'), uint64_t{1} << 40);
          ++j;
        }
        if (back > index) return Target();
        index -= back;
      }
      if (j >= p.size() || p[j] != ']') return PathError(p);
    }
    if (cur->type != JsonType::kArray) return Target();
    p.remove_prefix(j + 1);
    if (index < cur->items.size()) {
      t = Target{&cur->items[index], cur, static_cast<size_t>(index), false};
      continue;
    }
    if (index != cur->items.size() || !create) return Target();
    JsonNode fresh;
    absl::StatusOr<bool> built = BuildMissing(p, depth, &fresh);
    if (!built.ok()) return built.status();
    if (!*built) return Target();
    return Attach(cur, std::move(fresh));
  }
  return t;
}

// The first argument parsed, or nullopt for NULL.
absl::StatusOr<std::optional<JsonNode>> ParseArg(const Value& v) {
  std::optional<std::string> text = JsonText(v);
  if (!text.has_value()) return std::optional<JsonNode>();
  absl::StatusOr<JsonNode> n = Parse(*text);
  if (!n.ok()) return n.status();
  return std::optional<JsonNode>(std::move(*n));
}

absl::StatusOr<Value> Json(Args a) {
  absl::StatusOr<std::optional<JsonNode>> doc = ParseArg(a[0]);
  if (!doc.ok()) return doc.status();
  if (!doc->has_value()) return Value::Null();
  return JsonResult(**doc);
}

absl::StatusOr<Value> JsonValid(Args a) {
  if (a[0].is_null()) return Value::Integer(0);
  JsonNode root;
  const std::string text = RenderText(a[0]);
  return Value::Integer(Parser(text).ParseDocument(&root) ? 1 : 0);
}

// The node `a[1]` (a path, if given) names in document `a[0]`; sets
// `*absent` when the document, the path or the node is missing.
absl::StatusOr<JsonNode*> Find(Args a, std::optional<JsonNode>* doc, bool* absent) {
  absl::StatusOr<std::optional<JsonNode>> parsed = ParseArg(a[0]);
  if (!parsed.ok()) return parsed.status();
  *doc = std::move(*parsed);
  *absent = true;
  if (!doc->has_value()) return nullptr;
  if (a.size() < 2) {
    *absent = false;
    return &**doc;
  }
  std::optional<std::string> path = JsonText(a[1]);
  if (!path.has_value()) return nullptr;
  absl::StatusOr<Target> t = Lookup(&**doc, *path, false);
  if (!t.ok()) return t.status();
  *absent = t->node == nullptr;
  return t->node;
}

absl::StatusOr<Value> JsonTypeOf(Args a) {
  std::optional<JsonNode> doc;
  bool absent;
  absl::StatusOr<JsonNode*> n = Find(a, &doc, &absent);
  if (!n.ok()) return n.status();
  if (absent) return Value::Null();
  return Value::Text(kTypeNames[static_cast<int>((*n)->type)]);
}

absl::StatusOr<Value> JsonArrayLength(Args a) {
  std::optional<JsonNode> doc;
  bool absent;
  absl::StatusOr<JsonNode*> n = Find(a, &doc, &absent);
  if (!n.ok()) return n.status();
  if (absent) return Value::Null();
  return Value::Integer((*n)->type == JsonType::kArray
                            ? static_cast<int64_t>((*n)->items.size())
                            : 0);
}

absl::StatusOr<Value> JsonExtract(Args a) {
  absl::StatusOr<std::optional<JsonNode>> doc = ParseArg(a[0]);
  if (!doc.ok()) return doc.status();
  if (!doc->has_value()) return Value::Null();
  if (a.size() == 2) {
    std::optional<std::string> path = JsonText(a[1]);
    if (!path.has_value()) return Value::Null();
    absl::StatusOr<Target> t = Lookup(&**doc, *path, false);
    if (!t.ok()) return t.status();
    if (t->node == nullptr) return Value::Null();
    return SqlValueOf(*t->node, /*mark_json=*/true);
  }
  // Several paths: a JSON array of what each names (null when absent).
  std::string out = "[";
  for (size_t i = 1; i < a.size(); ++i) {
    if (i > 1) out.push_back(',');
    std::optional<std::string> path = JsonText(a[i]);
    JsonNode* found = nullptr;
    if (path.has_value()) {
      absl::StatusOr<Target> t = Lookup(&**doc, *path, false);
      if (!t.ok()) return t.status();
      found = t->node;
    }
    if (found == nullptr) {
      out.append("null");
    } else {
      Write(*found, &out);
    }
  }
  out.push_back(']');
  if (absl::Status s = internal::CheckResultSize(out.size()); !s.ok()) return s;
  return Value::Json(out);
}

absl::StatusOr<Value> JsonArray(Args a) {
  std::string out = "[";
  for (size_t i = 0; i < a.size(); ++i) {
    if (i > 0) out.push_back(',');
    if (absl::Status s = AppendValue(a[i], &out); !s.ok()) return s;
  }
  out.push_back(']');
  if (absl::Status s = internal::CheckResultSize(out.size()); !s.ok()) return s;
  return Value::Json(out);
}

absl::StatusOr<Value> JsonObject(Args a) {
  if (a.size() % 2 != 0) {
    return absl::InvalidArgumentError("json_object() requires an even number of arguments");
  }
  std::string out = "{";
  for (size_t i = 0; i < a.size(); i += 2) {
    if (a[i].type() != Type::kText) {
      return absl::InvalidArgumentError("json_object() labels must be TEXT");
    }
    if (i > 0) out.push_back(',');
    out.push_back('"');
    AppendEscaped(a[i].bytes(), &out);
    out.append("\":");
    if (absl::Status s = AppendValue(a[i + 1], &out); !s.ok()) return s;
  }
  out.push_back('}');
  if (absl::Status s = internal::CheckResultSize(out.size()); !s.ok()) return s;
  return Value::Json(out);
}

absl::StatusOr<Value> JsonQuote(Args a) {
  std::string out;
  if (absl::Status s = AppendValue(a[0], &out); !s.ok()) return s;
  if (absl::Status s = internal::CheckResultSize(out.size()); !s.ok()) return s;
  return Value::Json(out);
}

enum class Edit { kInsert, kReplace, kSet };

absl::StatusOr<Value> EditPaths(Args a, Edit edit, const char* name) {
  if (a.size() % 2 == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, "() needs an odd number of arguments"));
  }
  absl::StatusOr<std::optional<JsonNode>> doc = ParseArg(a[0]);
  if (!doc.ok()) return doc.status();
  if (!doc->has_value()) return Value::Null();
  JsonNode& root = **doc;
  for (size_t i = 1; i + 1 < a.size(); i += 2) {
    std::optional<std::string> path = JsonText(a[i]);
    if (!path.has_value()) continue;
    absl::StatusOr<Target> t = Lookup(&root, *path, edit != Edit::kReplace);
    if (!t.ok()) return t.status();
    if (t->node == nullptr) continue;
    if (!t->created && edit == Edit::kInsert) continue;
    absl::StatusOr<JsonNode> value = NodeOf(a[i + 1]);
    if (!value.ok()) return value.status();
    *t->node = std::move(*value);
    t->node->replaced = true;
  }
  return JsonResult(root);
}

absl::StatusOr<Value> JsonInsert(Args a) { return EditPaths(a, Edit::kInsert, "json_insert"); }
absl::StatusOr<Value> JsonReplace(Args a) { return EditPaths(a, Edit::kReplace, "json_replace"); }
absl::StatusOr<Value> JsonSet(Args a) { return EditPaths(a, Edit::kSet, "json_set"); }

absl::StatusOr<Value> JsonRemove(Args a) {
  absl::StatusOr<std::optional<JsonNode>> doc = ParseArg(a[0]);
  if (!doc.ok()) return doc.status();
  if (!doc->has_value()) return Value::Null();
  JsonNode& root = **doc;
  bool root_removed = false;
  for (size_t i = 1; i < a.size(); ++i) {
    std::optional<std::string> path = JsonText(a[i]);
    if (!path.has_value()) return Value::Null();
    absl::StatusOr<Target> t = Lookup(&root, *path, false);
    if (!t.ok()) return t.status();  // a malformed path, also after the root went
    if (root_removed || t->node == nullptr) continue;
    if (t->parent == nullptr) {
      root_removed = true;
      continue;
    }
    JsonNode* parent = t->parent;
    parent->items.erase(parent->items.begin() + t->index);
    if (parent->type == JsonType::kObject) parent->keys.erase(parent->keys.begin() + t->index);
  }
  if (root_removed) return Value::Null();
  return JsonResult(root);
}

// `n` with the null members of its objects dropped, at every depth.
void DropNulls(JsonNode* n) {
  if (n->type != JsonType::kObject) return;
  size_t out = 0;
  for (size_t i = 0; i < n->items.size(); ++i) {
    if (n->items[i].type == JsonType::kNull) continue;
    DropNulls(&n->items[i]);
    if (out != i) {
      n->items[out] = std::move(n->items[i]);
      n->keys[out] = std::move(n->keys[i]);
    }
    ++out;
  }
  n->items.resize(out);
  n->keys.resize(out);
}

// RFC 7396: `patch` merged into the object `target`, with SQLite's rules
// for a key named twice: a patch member finds the target's first member of
// that key that the patch did not append; once that member is replaced or
// removed, later patch members of the key do nothing. Removed members stay
// (flagged) until the call ends, so that they are still found.
void MergePatch(JsonNode* target, JsonNode&& patch) {
  for (size_t i = 0; i < patch.items.size(); ++i) {
    const std::string& key = patch.keys[i];
    JsonNode& value = patch.items[i];
    size_t j = 0;
    while (j < target->keys.size() && (target->items[j].appended || target->keys[j] != key)) ++j;
    if (j == target->keys.size()) {
      if (value.type == JsonType::kNull) continue;
      DropNulls(&value);
      target->keys.push_back(key);
      target->items.push_back(std::move(value));
      target->items.back().appended = true;
      continue;
    }
    JsonNode& member = target->items[j];
    if (member.removed || member.replaced) continue;
    if (value.type == JsonType::kNull) {
      member.removed = true;
    } else if (value.type == JsonType::kObject && member.type == JsonType::kObject) {
      MergePatch(&member, std::move(value));
    } else {
      DropNulls(&value);
      member = std::move(value);
      member.replaced = true;
    }
  }
}

absl::StatusOr<Value> JsonPatch(Args a) {
  absl::StatusOr<std::optional<JsonNode>> target = ParseArg(a[0]);
  if (!target.ok()) return target.status();
  absl::StatusOr<std::optional<JsonNode>> patch = ParseArg(a[1]);
  if (!patch.ok()) return patch.status();
  if (!target->has_value() || !patch->has_value()) return Value::Null();
  JsonNode& doc = **target;
  if (patch->value().type != JsonType::kObject || doc.type != JsonType::kObject) {
    doc = std::move(**patch);
    DropNulls(&doc);
  } else {
    MergePatch(&doc, std::move(**patch));
  }
  return JsonResult(doc);
}

absl::StatusOr<Value> ObjectMember(Args a) {
  if (a[0].is_null()) {
    return absl::InvalidArgumentError("json_group_object() labels must not be NULL");
  }
  std::string out = "\"";
  AppendEscaped(RenderText(a[0]), &out);
  out.append("\":");
  if (absl::Status s = AppendValue(a[1], &out); !s.ok()) return s;
  return Value::Text(out);
}

// --- json_each and json_tree ---

// Their columns: key, value, type, atom, id, parent, fullkey, path, and the
// hidden json (the first argument) and root (the path it starts at).
constexpr const char* kEachColumns[] = {"key", "value",   "type", "atom", "id",
                                        "parent", "fullkey", "path", "json", "root"};

bool IsContainer(const JsonNode& n) {
  return n.type == JsonType::kArray || n.type == JsonType::kObject;
}

// A member label as a path step: `.label` when it is a letter followed by
// letters and digits, else `."label"` with the label as written (SQLite's
// rule).
void AppendLabelStep(absl::string_view raw, std::string* out) {
  bool plain = !raw.empty() && absl::ascii_isalpha(static_cast<unsigned char>(raw[0]));
  for (size_t i = 1; plain && i < raw.size(); ++i) {
    plain = absl::ascii_isalnum(static_cast<unsigned char>(raw[i]));
  }
  if (plain) {
    absl::StrAppend(out, ".", raw);
  } else {
    absl::StrAppend(out, ".\"", raw, "\"");
  }
}

// Where a node sits: its container (null for the document's root), that
// container's id and path, and the node's place in it.
struct Place {
  const JsonNode* container = nullptr;
  int64_t container_id = 0;
  const std::string* container_path = nullptr;
  size_t index = 0;
};

// One walk of a document in document order, numbering its nodes as SQLite
// does (each node, and each object member's label, takes the next id) and
// emitting the rows of json_each (the children of `target`, or `target`
// itself when it is no container) or json_tree (`target` and every node
// below it).
class EachWalk {
 public:
  EachWalk(bool recursive, const JsonNode* target, Value json, std::string root)
      : recursive_(recursive), target_(target), json_(std::move(json)), root_(std::move(root)) {}

  absl::Status Walk(const JsonNode& n, const std::string& path, const Place& place,
                    bool inside) {
    const int64_t id = next_id_++;
    const bool is_target = &n == target_;
    if (recursive_ && (is_target || inside)) {
      // The first row has no parent; a container root that is an object
      // member is keyed by its label, any other root by NULL, as in SQLite.
      Value key = Value::Null();
      if (place.container != nullptr &&
          (!is_target || (IsContainer(n) && place.container->type == JsonType::kObject))) {
        key = KeyOf(place);
      }
      std::string up = place.container_path != nullptr ? *place.container_path : "$";
      absl::Status s =
          Emit(n, id, std::move(key),
               is_target ? Value::Null() : Value::Integer(place.container_id), path, up);
      if (!s.ok()) return s;
    } else if (!recursive_ && is_target && !IsContainer(n)) {
      if (absl::Status s = Emit(n, id, Value::Null(), Value::Null(), root_, root_); !s.ok()) {
        return s;
      }
    } else if (!recursive_ && place.container == target_ && place.container != nullptr) {
      std::string fullkey = root_;
      AppendStep(place, &fullkey);
      absl::Status s = Emit(n, id, KeyOf(place), Value::Null(), fullkey, root_);
      if (!s.ok()) return s;
    }
    if (!IsContainer(n)) return absl::OkStatus();
    for (size_t i = 0; i < n.items.size(); ++i) {
      if (n.type == JsonType::kObject) ++next_id_;  // the member's label
      const JsonNode& child = n.items[i];
      Place at{&n, id, &path, i};
      // Paths from the document's root are json_tree's only.
      std::string child_path;
      if (recursive_) {
        child_path = path;
        AppendStep(at, &child_path);
      }
      if (absl::Status s = Walk(child, child_path, at, inside || is_target); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

  std::vector<std::vector<Value>> TakeRows() { return std::move(rows_); }

 private:
  static Value KeyOf(const Place& place) {
    if (place.container->type == JsonType::kObject) {
      return Value::Text(Unescape(place.container->keys[place.index]));
    }
    return Value::Integer(static_cast<int64_t>(place.index));
  }

  static void AppendStep(const Place& place, std::string* path) {
    if (place.container->type == JsonType::kObject) {
      AppendLabelStep(place.container->keys[place.index], path);
    } else {
      absl::StrAppend(path, "[", place.index, "]");
    }
  }

  absl::Status Emit(const JsonNode& n, int64_t id, Value key, Value parent, std::string fullkey,
                    std::string path) {
    absl::StatusOr<Value> value = SqlValueOf(n, /*mark_json=*/true);
    if (!value.ok()) return value.status();
    std::vector<Value> row;
    row.reserve(std::size(kEachColumns));
    row.push_back(std::move(key));
    row.push_back(*value);
    row.push_back(Value::Text(kTypeNames[static_cast<int>(n.type)]));
    row.push_back(IsContainer(n) ? Value::Null() : *std::move(value));
    row.push_back(Value::Integer(id));
    row.push_back(std::move(parent));
    row.push_back(Value::Text(fullkey));
    row.push_back(Value::Text(path));
    row.push_back(json_);
    row.push_back(Value::Text(root_));
    rows_.push_back(std::move(row));
    return absl::OkStatus();
  }

  const bool recursive_;
  const JsonNode* const target_;
  const Value json_;
  const std::string root_;
  int64_t next_id_ = 0;
  std::vector<std::vector<Value>> rows_;
};

absl::StatusOr<std::vector<std::vector<Value>>> EachRows(Args a, bool recursive) {
  absl::StatusOr<std::optional<JsonNode>> doc = ParseArg(a[0]);
  if (!doc.ok()) return doc.status();
  if (!doc->has_value()) return std::vector<std::vector<Value>>();
  std::string root = "$";
  const JsonNode* target = &**doc;
  if (a.size() > 1) {
    std::optional<std::string> path = JsonText(a[1]);
    if (!path.has_value()) return std::vector<std::vector<Value>>();
    absl::StatusOr<Target> t = Lookup(&**doc, *path, false);
    if (!t.ok()) return t.status();
    if (t->node == nullptr) return std::vector<std::vector<Value>>();
    target = t->node;
    root = *std::move(path);
  }
  EachWalk walk(recursive, target, a[0], std::move(root));
  if (absl::Status s = walk.Walk(**doc, "$", Place(), false); !s.ok()) return s;
  return walk.TakeRows();
}

// A document's rows are as many as its nodes: the executor checks the
// count against its budget once they are made.
absl::StatusOr<std::vector<std::vector<Value>>> JsonEach(Args a, size_t) {
  return EachRows(a, false);
}
absl::StatusOr<std::vector<std::vector<Value>>> JsonTree(Args a, size_t) {
  return EachRows(a, true);
}

constexpr TableFunction kJsonTableFunctions[] = {
    {"json_each", 1, 2, kEachColumns, 2, JsonEach},
    {"json_tree", 1, 2, kEachColumns, 2, JsonTree},
};

constexpr ScalarFunction kObjectMember = {"json_group_object", 2, 2, ObjectMember};

constexpr ScalarFunction kJsonFunctions[] = {
    {"json", 1, 1, Json},
    {"json_array", 0, -1, JsonArray},
    {"json_array_length", 1, 2, JsonArrayLength},
    {"json_extract", 2, -1, JsonExtract},
    {"json_insert", 1, -1, JsonInsert},
    {"json_object", 0, -1, JsonObject},
    {"json_patch", 2, 2, JsonPatch},
    {"json_quote", 1, 1, JsonQuote},
    {"json_remove", 1, -1, JsonRemove},
    {"json_replace", 1, -1, JsonReplace},
    {"json_set", 1, -1, JsonSet},
    {"json_type", 1, 2, JsonTypeOf},
    {"json_valid", 1, 1, JsonValid},
};

}  // namespace

namespace internal {
absl::Span<const ScalarFunction> JsonFunctions() { return kJsonFunctions; }
absl::Span<const TableFunction> JsonTableFunctions() { return kJsonTableFunctions; }
absl::Status AppendJson(const Value& v, std::string* out) { return AppendValue(v, out); }
}  // namespace internal

const ScalarFunction* JsonObjectMember() { return &kObjectMember; }

absl::StatusOr<Value> JsonArrow(const Value& json, const Value& path, bool sql_value) {
  if (json.is_null() || path.is_null()) return Value::Null();
  // The right side is a path, an array index, or an object label.
  std::string p = RenderText(path);
  if (p.empty() || p[0] != '$') {
    if (!p.empty() && IsDigit(p[0])) {
      p = absl::StrCat("$[", p, "]");
    } else if (!p.empty() && p[0] == '[') {
      p = absl::StrCat("$", p);
    } else {
      p = absl::StrCat("$.", p);
    }
  }
  absl::StatusOr<JsonNode> doc = Parse(RenderText(json));
  if (!doc.ok()) return doc.status();
  absl::StatusOr<Target> t = Lookup(&*doc, p, false);
  if (!t.ok()) return t.status();
  if (t->node == nullptr) return Value::Null();
  if (sql_value) return SqlValueOf(*t->node, /*mark_json=*/false);
  return JsonResult(*t->node);
}

}  // namespace tessera::function
