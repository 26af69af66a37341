// The SQL shell behind `tessera sql`: reads statements, runs them on a
// session, prints results as aligned tables (or CSV/TSV/JSON/line), and
// reports errors as "ERROR: message (SQLSTATE xxxxx)" with a caret under a
// syntax error's position.
//
// Thread-safety: one Shell per thread.

#ifndef TESSERA_SHELL_SHELL_H_
#define TESSERA_SHELL_SHELL_H_

#include <iosfwd>
#include <string>

#include "absl/strings/string_view.h"
#include "session/session.h"

namespace tessera::shell {

struct ShellOptions {
  std::string format = "table";  // table | csv | tsv | json | line
  bool headers = true;
  std::string null_text = "NULL";
  bool timer = false;
  bool keep_going = false;  // script mode: continue after an error
};

class Shell {
 public:
  // Neither `db` nor the streams are owned.
  Shell(session::Database* db, ShellOptions options, std::ostream& out,
        std::ostream& err);

  // Script mode: runs every statement and meta-command of `text`. Returns
  // the process exit status: 0, or 1 after an error (unless keep_going).
  int RunScript(absl::string_view text);
  // RunScript on the contents of file `path` (`-f`, `.read`); a file that
  // cannot be read is an error, status 1.
  int RunFile(const std::string& path);

  // Interactive mode on the terminal: line editing and history (libedit),
  // multi-line statements ending at ';', Ctrl-C drops the pending input,
  // Ctrl-D leaves. Returns the exit status.
  int RunInteractive(const std::string& history_file);

  // True when `buffer` ends a statement: a ';' outside quotes and comments
  // is its last significant character.
  static bool StatementComplete(absl::string_view buffer);

  // True for an output format: table, csv, tsv, json or line.
  static bool IsFormat(absl::string_view format);

 private:
  // Runs one chunk (statements or one meta-command). False on error.
  bool Run(absl::string_view chunk);
  bool Meta(absl::string_view line);
  // Reads all of file `path` into *text; false (and an error printed) if
  // it cannot be read.
  bool ReadFile(const std::string& path, std::string* text);
  // .dump [TABLE]: the schema and rows (of one table and what is defined on
  // it) as SQL that rebuilds them, in one transaction.
  bool Dump(const std::string& table);
  // Appends an INSERT for each row of table `table` (its name as stored,
  // not quoted) to `out`, with the values of the columns an INSERT without
  // a column list fills (not generated ones); prints the error and returns
  // false when a query fails.
  bool AppendRows(const std::string& table, std::string* out);
  // .import FILE TABLE: CSV records (TSV in .mode tsv) as rows of `table`,
  // created from the first record's names when it does not exist; the first
  // `skip` records are left out. All rows or none.
  bool Import(const std::string& path, const std::string& table, int64_t skip);
  void Print(const session::ResultSet& rs);
  void PrintError(const absl::Status& status, absl::string_view sql);

  session::Database* const db_;
  session::Session session_;
  ShellOptions options_;
  std::ostream& out_;
  std::ostream& err_;
  bool quit_ = false;
  int read_depth_ = 0;  // .read files inside .read files, now
};

}  // namespace tessera::shell

#endif  // TESSERA_SHELL_SHELL_H_
