#include "shell/shell.h"

#include <editline/readline.h>
#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/utf8.h"
#include "function/value_ops.h"
#include "parser/parser.h"

namespace tessera::shell {

namespace {

constexpr char kHelp[] =
    "Statements end with ';'. Meta-commands:\n"
    "  .tables | \\dt            list tables\n"
    "  .schema [t] | \\d [t]     show CREATE statements\n"
    "  .indexes [t]             list indexes\n"
    "  .dump [t]                the schema and rows as SQL that rebuilds them\n"
    "  .import [--skip N] FILE t  load CSV (TSV in .mode tsv) rows into t; a new\n"
    "                           table takes its columns from the first row\n"
    "  .mode table|csv|tsv|json|line\n"
    "  .headers on|off\n"
    "  .timer on|off | \\timing  print elapsed time\n"
    "  .read FILE | \\i FILE     run a script\n"
    "  .help | \\?               this text\n"
    "  .quit | \\q               leave\n";

std::string Render(const Value& v, const std::string& null_text) {
  if (v.is_null()) return null_text;
  // A REAL as SQLite's shell writes it: always with a '.' or an exponent
  // (7.0, not 7; 1.0e+300), so a REAL never reads as an INTEGER.
  if (v.type() == Type::kReal) return function::RenderText(v);
  return v.ToString();
}

std::string CsvField(const std::string& s, char sep) {
  if (s.find_first_of(std::string(1, sep) + "\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          absl::StrAppendFormat(&out, "\\u%04x", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

volatile sig_atomic_t g_interrupted = 0;
void OnInterrupt(int) { g_interrupted = 1; }

}  // namespace

Shell::Shell(session::Database* db, ShellOptions options, std::ostream& out,
             std::ostream& err)
    : db_(db), session_(db), options_(std::move(options)), out_(out), err_(err) {}

bool Shell::IsFormat(absl::string_view format) {
  return format == "table" || format == "csv" || format == "tsv" || format == "json" ||
         format == "line";
}

bool Shell::ReadFile(const std::string& path, std::string* text) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    err_ << "ERROR: cannot open " << path << ": " << std::strerror(errno) << "\n";
    return false;
  }
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text->append(buf, n);
  const int error = std::ferror(f) != 0 ? errno : 0;
  std::fclose(f);
  if (error != 0) {
    err_ << "ERROR: cannot read " << path << ": " << std::strerror(error) << "\n";
    return false;
  }
  return true;
}

int Shell::RunFile(const std::string& path) {
  std::string text;
  if (!ReadFile(path, &text)) return 1;
  return RunScript(text);
}

bool Shell::Dump(const std::string& table) {
  absl::StatusOr<session::ResultSet> schema = session_.Execute("SHOW SCHEMA");
  if (!schema.ok()) {
    PrintError(schema.status(), "");
    return false;
  }
  auto wanted = [&](const std::vector<Value>& row) {  // type, name, tbl_name, sql
    return table.empty() || absl::EqualsIgnoreCase(row[2].bytes(), table);
  };
  // Tables with their rows first; indexes, views and triggers after the
  // rows (an index builds once, a trigger does not fire on the load).
  std::string out = "BEGIN;\n";
  bool found = false;
  bool sequences = false;
  for (const std::vector<Value>& row : schema->rows) {
    if (row[0].bytes() != "table" || !wanted(row)) continue;
    found = true;
    // sqlite_sequence is made by the first AUTOINCREMENT table; its rows
    // come after every table's, as SQLite's .dump writes them.
    const bool sequence_table = row[1].bytes() == "sqlite_sequence";
    if (sequence_table) {
      sequences = true;
      continue;
    }
    absl::StrAppend(&out, row[3].bytes(), "\n");
    if (!AppendRows(std::string(row[1].bytes()), &out)) return false;
  }
  if (sequences && table.empty()) {
    out += "DELETE FROM sqlite_sequence;\n";
    if (!AppendRows("sqlite_sequence", &out)) return false;
  }
  for (const char* type : {"index", "view", "trigger"}) {
    for (const std::vector<Value>& row : schema->rows) {
      if (row[0].bytes() != type || !wanted(row)) continue;
      found = true;
      absl::StrAppend(&out, row[3].bytes(), "\n");
    }
  }
  if (!found && !table.empty()) {
    err_ << "ERROR: no such table: " << table << "\n";
    return false;
  }
  out_ << out << "COMMIT;\n";
  return true;
}

bool Shell::AppendRows(const std::string& table, std::string* out) {
  const std::string name = parser::SqlIdentifier(table);
  // The columns an INSERT without a column list fills: table_info leaves
  // out the hidden rowid and generated columns, as SQLite's .dump does.
  absl::StatusOr<session::ResultSet> columns = session_.Execute(
      absl::StrCat("PRAGMA table_info('", absl::StrReplaceAll(table, {{"'", "''"}}), "')"));
  if (!columns.ok()) {
    PrintError(columns.status(), "");
    return false;
  }
  // Each value as the SQL literal that reads back as it (quote()).
  std::vector<std::string> quoted;
  for (const std::vector<Value>& c : columns->rows) {
    quoted.push_back(absl::StrCat("quote(", parser::SqlIdentifier(c[1].bytes()), ")"));
  }
  absl::StatusOr<session::ResultSet> rows = session_.Execute(
      absl::StrCat("SELECT ", absl::StrJoin(quoted, ", "), " FROM ", name));
  if (!rows.ok()) {
    PrintError(rows.status(), "");
    return false;
  }
  for (const std::vector<Value>& r : rows->rows) {
    absl::StrAppend(out, "INSERT INTO ", name, " VALUES(");
    for (size_t i = 0; i < r.size(); ++i) absl::StrAppend(out, i ? "," : "", r[i].bytes());
    *out += ");\n";
  }
  return true;
}

bool Shell::Import(const std::string& path, const std::string& table, int64_t skip) {
  std::string text;
  if (!ReadFile(path, &text)) return false;
  const char sep = options_.format == "tsv" ? '\t' : ',';
  // RFC 4180: fields in double quotes may hold the separator, newlines
  // and doubled quotes; a record ends at a newline outside quotes.
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false, in_field = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c != '"') {
        field += c;
      } else if (i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else {
        quoted = false;
      }
      continue;
    }
    if (c == '"' && field.empty()) {
      quoted = in_field = true;
    } else if (c == sep) {
      record.push_back(std::move(field));
      field.clear();
      in_field = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      if (in_field || !field.empty() || !record.empty()) {
        record.push_back(std::move(field));
        records.push_back(std::move(record));
      }
      record.clear();
      field.clear();
      in_field = false;
    } else {
      field += c;
      in_field = true;
    }
  }
  if (quoted) {
    err_ << "ERROR: " << path << ": a quoted field does not end\n";
    return false;
  }
  if (in_field || !field.empty() || !record.empty()) {
    record.push_back(std::move(field));
    records.push_back(std::move(record));
  }
  size_t first = std::min(records.size(), static_cast<size_t>(skip));
  const std::string name = parser::SqlIdentifier(table);
  absl::StatusOr<session::ResultSet> probe =
      session_.Execute(absl::StrCat("SELECT * FROM ", name, " LIMIT 0"));
  const bool own_transaction = !session_.in_transaction();
  std::vector<std::string> statements;
  size_t width = 0;
  if (probe.ok()) {
    width = probe->columns.size();
  } else if (session::SqlState(probe.status()) == "42P01") {
    // A new table: the first record names its columns, as in SQLite.
    if (first >= records.size()) {
      err_ << "ERROR: " << path << ": no header row to name the columns of " << table << "\n";
      return false;
    }
    std::vector<std::string> columns;
    for (const std::string& c : records[first]) {
      columns.push_back(absl::StrCat(parser::SqlIdentifier(c), " TEXT"));
    }
    statements.push_back(
        absl::StrCat("CREATE TABLE ", name, " (", absl::StrJoin(columns, ", "), ")"));
    width = records[first].size();
    ++first;
  } else {
    PrintError(probe.status(), "");
    return false;
  }
  std::vector<std::string> marks(width, "?");
  absl::StatusOr<std::shared_ptr<const session::PreparedSql>> insert = session::Session::Prepare(
      absl::StrCat("INSERT INTO ", name, " VALUES (", absl::StrJoin(marks, ", "), ")"));
  if (!insert.ok()) {
    PrintError(insert.status(), "");
    return false;
  }
  // All rows or none: one transaction (unless the user has one open).
  if (own_transaction) statements.insert(statements.begin(), "BEGIN");
  for (const std::string& sql : statements) {
    if (absl::Status s = session_.Execute(sql).status(); !s.ok()) {
      PrintError(s, sql);
      if (own_transaction && session_.in_transaction()) (void)session_.Execute("ROLLBACK");
      return false;
    }
  }
  std::vector<Value> params(width);
  for (size_t n = first; n < records.size(); ++n) {
    const std::vector<std::string>& rec = records[n];
    if (rec.size() != width) {
      err_ << path << ": record " << n + 1 << " has " << rec.size() << " fields, the table "
           << width << (rec.size() < width ? " (the rest are NULL)\n" : " (the rest are left out)\n");
    }
    for (size_t i = 0; i < width; ++i) {
      params[i] = i < rec.size() ? Value::Text(rec[i]) : Value::Null();
    }
    absl::StatusOr<session::ResultSet> r = session_.ExecutePrepared(**insert, params);
    if (!r.ok()) {
      err_ << path << ": record " << n + 1 << ":\n";
      PrintError(r.status(), "");
      if (own_transaction) (void)session_.Execute("ROLLBACK");
      return false;
    }
  }
  if (own_transaction) {
    if (absl::Status s = session_.Execute("COMMIT").status(); !s.ok()) {
      PrintError(s, "COMMIT");
      return false;
    }
  }
  return true;
}

bool Shell::StatementComplete(absl::string_view buffer) {
  char quote = 0;
  bool complete = false;
  for (size_t i = 0; i < buffer.size(); ++i) {
    char c = buffer[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '\'' || c == '"' || c == '`') {
      quote = c;
      complete = false;
    } else if (c == '-' && i + 1 < buffer.size() && buffer[i + 1] == '-') {
      while (i < buffer.size() && buffer[i] != '\n') ++i;
    } else if (c == '/' && i + 1 < buffer.size() && buffer[i + 1] == '*') {
      size_t end = buffer.find("*/", i + 2);
      if (end == absl::string_view::npos) return false;
      i = end + 1;
    } else if (c == ';') {
      complete = true;
    } else if (!absl::ascii_isspace(static_cast<unsigned char>(c))) {
      complete = false;
    }
  }
  return complete && quote == 0;
}

void Shell::PrintError(const absl::Status& status, absl::string_view sql) {
  err_ << "ERROR: " << status.message() << " (SQLSTATE " << session::SqlState(status)
       << ")\n";
  std::optional<parser::SyntaxError> syntax = parser::GetSyntaxError(status);
  if (!syntax.has_value()) return;
  std::vector<std::string> lines = absl::StrSplit(sql, '\n');
  if (syntax->line < 1 || syntax->line > static_cast<int>(lines.size())) return;
  const std::string& line = lines[syntax->line - 1];
  err_ << line << "\n" << std::string(std::max(0, syntax->column - 1), ' ') << "^\n";
}

void Shell::Print(const session::ResultSet& rs) {
  if (!rs.has_rows) {
    if (rs.rows_affected > 0) out_ << rs.rows_affected << (rs.rows_affected == 1 ? " row" : " rows") << " affected\n";
    return;
  }
  std::vector<std::vector<std::string>> cells;
  for (const auto& row : rs.rows) {
    std::vector<std::string> r;
    for (const Value& v : row) r.push_back(Render(v, options_.null_text));
    cells.push_back(std::move(r));
  }
  const std::string& f = options_.format;
  if (f == "csv" || f == "tsv") {
    char sep = f == "csv" ? ',' : '\t';
    if (options_.headers) {
      std::vector<std::string> h;
      for (const std::string& c : rs.columns) h.push_back(CsvField(c, sep));
      out_ << absl::StrJoin(h, std::string(1, sep)) << "\n";
    }
    for (const auto& r : cells) {
      std::vector<std::string> e;
      for (const std::string& c : r) e.push_back(CsvField(c, sep));
      out_ << absl::StrJoin(e, std::string(1, sep)) << "\n";
    }
    return;
  }
  if (f == "json") {
    out_ << "[";
    for (size_t i = 0; i < rs.rows.size(); ++i) {
      out_ << (i ? ",\n " : "") << "{";
      for (size_t c = 0; c < rs.columns.size(); ++c) {
        const Value& v = rs.rows[i][c];
        std::string val;
        if (v.is_null()) {
          val = "null";
        } else if (v.type() == Type::kInteger || v.type() == Type::kReal) {
          val = v.ToString();
        } else if (v.type() == Type::kBoolean) {
          val = v.boolean() ? "true" : "false";
        } else {
          val = JsonString(cells[i][c]);
        }
        out_ << (c ? ", " : "") << JsonString(rs.columns[c]) << ": " << val;
      }
      out_ << "}";
    }
    out_ << "]\n";
    return;
  }
  if (f == "line") {
    size_t w = 0;
    for (const std::string& c : rs.columns) w = std::max(w, utf8::CharCount(c));
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i) out_ << "\n";
      for (size_t c = 0; c < rs.columns.size(); ++c) {
        out_ << std::string(w - utf8::CharCount(rs.columns[c]), ' ') << rs.columns[c] << " = "
             << cells[i][c] << "\n";
      }
    }
    return;
  }
  // Aligned table: numbers right-aligned, text left-aligned.
  std::vector<size_t> width(rs.columns.size(), 0);
  for (size_t c = 0; c < rs.columns.size(); ++c) {
    if (options_.headers) width[c] = utf8::CharCount(rs.columns[c]);
    for (const auto& r : cells) width[c] = std::max(width[c], utf8::CharCount(r[c]));
  }
  auto rule = [&] {
    std::string s = "+";
    for (size_t w : width) s += std::string(w + 2, '-') + "+";
    return s + "\n";
  };
  out_ << rule();
  if (options_.headers) {
    out_ << "|";
    for (size_t c = 0; c < width.size(); ++c) {
      out_ << " " << rs.columns[c] << std::string(width[c] - utf8::CharCount(rs.columns[c]), ' ') << " |";
    }
    out_ << "\n" << rule();
  }
  for (size_t i = 0; i < cells.size(); ++i) {
    out_ << "|";
    for (size_t c = 0; c < width.size(); ++c) {
      const Value& v = rs.rows[i][c];
      std::string pad(width[c] - utf8::CharCount(cells[i][c]), ' ');
      bool right = v.type() == Type::kInteger || v.type() == Type::kReal;
      out_ << " " << (right ? pad + cells[i][c] : cells[i][c] + pad) << " |";
    }
    out_ << "\n";
  }
  if (!cells.empty()) out_ << rule();
  out_ << "(" << cells.size() << (cells.size() == 1 ? " row)" : " rows)") << "\n";
}

bool Shell::Meta(absl::string_view line) {
  std::vector<std::string> w = absl::StrSplit(absl::StripAsciiWhitespace(line),
                                              absl::ByAnyChar(" \t"), absl::SkipEmpty());
  const std::string& cmd = w[0];
  auto arg = [&](size_t i) { return i < w.size() ? w[i] : std::string(); };
  if (cmd == ".quit" || cmd == ".exit" || cmd == "\\q") {
    quit_ = true;
    return true;
  }
  if (cmd == ".help" || cmd == "\\?") {
    out_ << kHelp;
    return true;
  }
  if (cmd == ".tables" || cmd == "\\dt") return Run("SHOW TABLES;");
  if (cmd == ".indexes") {
    return Run(arg(1).empty() ? "SHOW INDEXES;"
                              : absl::StrCat("SHOW INDEXES FROM ", parser::SqlIdentifier(arg(1)), ";"));
  }
  if (cmd == ".schema" || cmd == "\\d") {
    absl::StatusOr<session::ResultSet> schema = session_.Execute("SHOW SCHEMA");
    if (!schema.ok()) {
      PrintError(schema.status(), "");
      return false;
    }
    bool found = arg(1).empty();
    for (const auto& row : schema->rows) {  // type, name, tbl_name, sql
      if (!arg(1).empty() && !absl::EqualsIgnoreCase(row[2].bytes(), arg(1))) continue;
      found = true;
      out_ << row[3].bytes() << "\n";
    }
    if (!found) {
      err_ << "ERROR: no such table: " << arg(1) << "\n";
      return false;
    }
    return true;
  }
  if (cmd == ".dump") return Dump(arg(1));
  if (cmd == ".import") {
    size_t at = 1;
    int64_t skip = 0;
    if (arg(at) == "--skip") {
      if (!absl::SimpleAtoi(arg(at + 1), &skip) || skip < 0) {
        err_ << "ERROR: .import --skip takes a number of lines\n";
        return false;
      }
      at += 2;
    }
    if (arg(at).empty() || arg(at + 1).empty() || !arg(at + 2).empty()) {
      err_ << "ERROR: usage: .import [--skip N] FILE TABLE\n";
      return false;
    }
    return Import(arg(at), arg(at + 1), skip);
  }
  if (cmd == ".mode") {
    std::string m = absl::AsciiStrToLower(arg(1));
    if (!IsFormat(m)) {
      err_ << "ERROR: .mode takes table, csv, tsv, json or line\n";
      return false;
    }
    options_.format = m;
    return true;
  }
  if (cmd == ".headers") {
    options_.headers = absl::AsciiStrToLower(arg(1)) != "off";
    return true;
  }
  if (cmd == ".timer" || cmd == "\\timing") {
    options_.timer = cmd == "\\timing" ? !options_.timer : absl::AsciiStrToLower(arg(1)) != "off";
    out_ << "Timing is " << (options_.timer ? "on" : "off") << ".\n";
    return true;
  }
  if (cmd == ".nullvalue") {
    options_.null_text = arg(1);
    return true;
  }
  if (cmd == ".read" || cmd == "\\i") {
    // As the sqlite3 shell: a file that reads itself must not recurse
    // until the stack runs out.
    constexpr int kMaxReadDepth = 25;
    if (read_depth_ >= kMaxReadDepth) {
      err_ << "ERROR: .read nested more than " << kMaxReadDepth
           << " deep (does a file read itself?)\n";
      return false;
    }
    ++read_depth_;
    const bool ok = RunFile(arg(1)) == 0;
    --read_depth_;
    return ok;
  }
  err_ << "ERROR: unknown command " << cmd << " (try .help)\n";
  return false;
}

bool Shell::Run(absl::string_view chunk) {
  absl::string_view trimmed = absl::StripAsciiWhitespace(chunk);
  if (trimmed.empty()) return true;
  if (trimmed[0] == '.' || trimmed[0] == '\\') return Meta(trimmed);
  absl::Time start = absl::Now();
  absl::Status s = session_.ExecuteEach(chunk, [&](const session::ResultSet& rs) { Print(rs); });
  if (options_.timer) {
    out_ << "Time: " << absl::FormatDuration(absl::Now() - start) << "\n";
  }
  if (!s.ok()) {
    PrintError(s, chunk);
    return false;
  }
  return true;
}

int Shell::RunScript(absl::string_view text) {
  // Meta-commands take whole lines; SQL runs up to each complete statement.
  std::string pending;
  int status = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    absl::string_view t = absl::StripLeadingAsciiWhitespace(line);
    if (pending.empty() && !t.empty() && (t[0] == '.' || t[0] == '\\')) {
      if (!Run(t)) {
        status = 1;
        if (!options_.keep_going) return status;
      }
      if (quit_) return status;
      continue;
    }
    absl::StrAppend(&pending, line, "\n");
    if (StatementComplete(pending)) {
      if (!Run(pending)) {
        status = 1;
        if (!options_.keep_going) return status;
      }
      pending.clear();
    }
  }
  if (!absl::StripAsciiWhitespace(pending).empty() && !Run(pending)) status = 1;
  return status;
}

int Shell::RunInteractive(const std::string& history_file) {
  using_history();
  if (!history_file.empty()) read_history(history_file.c_str());
  struct sigaction sa = {};
  sa.sa_handler = OnInterrupt;
  sigaction(SIGINT, &sa, nullptr);
  out_ << "tessera " << "— type .help for help, .quit to leave.\n";
  std::string pending;
  while (!quit_) {
    std::string prompt = pending.empty()
                             ? (session_.in_transaction() ? "tessera*> " : "tessera> ")
                             : (session_.in_transaction() ? "       *-> " : "       -> ");
    out_.flush();
    g_interrupted = 0;
    char* raw = readline(prompt.c_str());
    if (raw == nullptr) {
      if (g_interrupted) {  // Ctrl-C: drop the pending input, stay
        pending.clear();
        out_ << "\n";
        continue;
      }
      out_ << "\n";
      break;  // Ctrl-D
    }
    std::string line(raw);
    free(raw);
    if (g_interrupted) {
      // Ctrl-C while reading: what was pending before is dropped; the line
      // typed after it is new input.
      pending.clear();
      g_interrupted = 0;
    }
    absl::string_view t = absl::StripLeadingAsciiWhitespace(line);
    if (pending.empty() && !t.empty() && (t[0] == '.' || t[0] == '\\')) {
      add_history(line.c_str());
      Run(t);
      continue;
    }
    absl::StrAppend(&pending, line, "\n");
    if (StatementComplete(pending)) {
      std::string entry(absl::StripTrailingAsciiWhitespace(pending));
      add_history(entry.c_str());
      Run(pending);
      pending.clear();
    }
  }
  if (!history_file.empty()) write_history(history_file.c_str());
  return 0;
}

}  // namespace tessera::shell
