#include "tests/slt_format.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace tessera::slt {

namespace {

absl::Status Malformed(int line, absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrFormat("line %d: malformed record: %s", line, what));
}

// "%.3f" as SQLite's printf renders it: never more than 16 significant
// digits; digits past them print as zeros (-9223372036854775808 prints as
// -9223372036854776000.000).
std::string FormatReal3(double d) {
  if (!std::isfinite(d)) return d > 0 ? "Inf" : (d < 0 ? "-Inf" : "NaN");
  double a = std::fabs(d);
  if (a < 1e13) return absl::StrFormat("%.3f", d);
  std::string e = absl::StrFormat("%.15e", a);  // d.ddddddddddddddde+XX
  size_t epos = e.find('e');
  std::string digits = e.substr(0, 1) + e.substr(2, epos - 2);  // 16 digits
  int exp = std::stoi(e.substr(epos + 1));
  std::string int_part;
  for (int i = 0; i <= exp; ++i) {
    int_part.push_back(i < static_cast<int>(digits.size()) ? digits[i] : '0');
  }
  std::string frac;
  for (int i = exp + 1; i < exp + 4; ++i) {
    frac.push_back(i < static_cast<int>(digits.size()) ? digits[i] : '0');
  }
  return absl::StrCat(d < 0 ? "-" : "", int_part, ".", frac);
}

}  // namespace

absl::StatusOr<std::vector<Record>> ParseRecords(absl::string_view contents) {
  std::vector<std::string> lines;
  for (absl::string_view l : absl::StrSplit(contents, '\n')) {
    absl::ConsumeSuffix(&l, "\r");
    lines.emplace_back(l);
  }
  std::vector<Record> out;
  size_t i = 0;
  auto blank = [&](size_t k) {
    return k >= lines.size() ||
           absl::StripAsciiWhitespace(lines[k]).empty();
  };
  while (i < lines.size()) {
    if (blank(i) || absl::StartsWith(lines[i], "#")) {
      ++i;
      continue;
    }
    Record r;
    r.line = static_cast<int>(i) + 1;
    // Guards.
    while (i < lines.size()) {
      std::vector<std::string> w = absl::StrSplit(
          lines[i], absl::ByAnyChar(" \t"), absl::SkipEmpty());
      if (w.size() >= 2 && (w[0] == "skipif" || w[0] == "onlyif")) {
        r.guards.emplace_back(w[0] == "onlyif", w[1]);
        ++i;
      } else {
        break;
      }
    }
    if (i >= lines.size()) break;
    std::vector<std::string> head = absl::StrSplit(
        lines[i], absl::ByAnyChar(" \t"), absl::SkipEmpty());
    if (head.empty()) return Malformed(static_cast<int>(i) + 1, "empty header");
    const int head_line = static_cast<int>(i) + 1;
    ++i;
    if (head[0] == "halt") {
      r.kind = Record::Kind::kHalt;
      out.push_back(std::move(r));
      continue;
    }
    if (head[0] == "hash-threshold") {
      r.kind = Record::Kind::kHashThreshold;
      if (head.size() < 2 || !absl::SimpleAtoi(head[1], &r.threshold)) {
        return Malformed(head_line, "hash-threshold needs a number");
      }
      out.push_back(std::move(r));
      continue;
    }
    if (head[0] == "statement") {
      r.kind = Record::Kind::kStatement;
      if (head.size() < 2 || (head[1] != "ok" && head[1] != "error")) {
        return Malformed(head_line, "statement ok|error");
      }
      r.expect_error = head[1] == "error";
      std::vector<std::string> sql;
      while (!blank(i)) sql.push_back(lines[i++]);
      r.sql = absl::StrJoin(sql, "\n");
      out.push_back(std::move(r));
      continue;
    }
    if (head[0] == "query") {
      r.kind = Record::Kind::kQuery;
      if (head.size() < 2) return Malformed(head_line, "query needs types");
      r.types = head[1];
      if (head.size() >= 3) {
        if (head[2] == "nosort") {
          r.sort = SortMode::kNoSort;
        } else if (head[2] == "rowsort") {
          r.sort = SortMode::kRowSort;
        } else if (head[2] == "valuesort") {
          r.sort = SortMode::kValueSort;
        } else {
          return Malformed(head_line, "unknown sort mode " + head[2]);
        }
      }
      if (head.size() >= 4) r.label = head[3];
      std::vector<std::string> sql;
      while (!blank(i) && lines[i] != "----") sql.push_back(lines[i++]);
      r.sql = absl::StrJoin(sql, "\n");
      if (i < lines.size() && lines[i] == "----") {
        ++i;
        std::vector<std::string> results;
        while (!blank(i)) results.push_back(lines[i++]);
        std::vector<std::string> hw =
            results.size() == 1 ? absl::StrSplit(results[0], ' ')
                                : std::vector<std::string>();
        if (hw.size() == 5 && hw[1] == "values" && hw[2] == "hashing" &&
            hw[3] == "to" && absl::SimpleAtoi(hw[0], &r.expected_count)) {
          r.expected_is_hash = true;
          r.expected_hash = hw[4];
        } else {
          r.expected = std::move(results);  // one value per line
        }
      }
      out.push_back(std::move(r));
      continue;
    }
    return Malformed(head_line, "unknown record type " + head[0]);
  }
  return out;
}

bool ShouldRun(const Record& record, absl::string_view engine) {
  for (const auto& [onlyif, name] : record.guards) {
    if (onlyif && name != engine) return false;
    if (!onlyif && name == engine) return false;
  }
  return true;
}

std::string FormatValue(const Value& v, char type) {
  if (v.is_null()) return "NULL";
  switch (type) {
    case 'I': {
      switch (v.type()) {
        case Type::kInteger:
          return absl::StrCat(v.integer());
        case Type::kReal: {
          double d = v.real();
          if (std::isnan(d)) return "0";
          if (d >= 9.2e18) return absl::StrCat(INT64_MAX);
          if (d <= -9.2e18) return absl::StrCat(INT64_MIN);
          return absl::StrCat(static_cast<int64_t>(d));
        }
        case Type::kBoolean:
          return v.boolean() ? "1" : "0";
        default:
          return "0";
      }
    }
    case 'R': {
      double d = v.type() == Type::kInteger ? static_cast<double>(v.integer())
                 : v.type() == Type::kReal  ? v.real()
                 : v.type() == Type::kBoolean ? (v.boolean() ? 1.0 : 0.0)
                                              : 0.0;
      return FormatReal3(d);
    }
    default: {
      std::string s;
      if (v.type() == Type::kText || v.type() == Type::kBlob) {
        s = std::string(v.bytes());
      } else if (v.type() == Type::kBoolean) {
        s = v.boolean() ? "1" : "0";
      } else {
        s = v.ToString();
      }
      if (s.empty()) return "(empty)";
      for (char& c : s) {
        unsigned char u = static_cast<unsigned char>(c);
        if (u < 0x20 || u > 0x7e) c = '@';
      }
      return s;
    }
  }
}

std::vector<std::string> FormatResult(
    const std::vector<std::vector<Value>>& rows, const std::string& types,
    SortMode sort) {
  std::vector<std::vector<std::string>> printed;
  printed.reserve(rows.size());
  for (const std::vector<Value>& row : rows) {
    std::vector<std::string> p;
    for (size_t c = 0; c < row.size(); ++c) {
      p.push_back(FormatValue(row[c], c < types.size() ? types[c] : 'T'));
    }
    printed.push_back(std::move(p));
  }
  if (sort == SortMode::kRowSort) std::sort(printed.begin(), printed.end());
  std::vector<std::string> flat;
  for (auto& row : printed) {
    for (auto& v : row) flat.push_back(std::move(v));
  }
  if (sort == SortMode::kValueSort) std::sort(flat.begin(), flat.end());
  return flat;
}

std::string HashValues(const std::vector<std::string>& values) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_md5(), nullptr);
  for (const std::string& v : values) {
    EVP_DigestUpdate(ctx, v.data(), v.size());
    EVP_DigestUpdate(ctx, "\n", 1);
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, digest, &len);
  EVP_MD_CTX_free(ctx);
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) absl::StrAppendFormat(&hex, "%02x", digest[i]);
  return hex;
}

}  // namespace tessera::slt
