// tessera: one binary, several subcommands.
//
//   tessera sql   [--store DIR | --host HOST:PORT] [-e SQL]... [-f FILE]
//   tessera start --store DIR --listen HOST:PORT [--join HOST:PORT]
//
// `tessera sql` opens the embedded store (created on first use) and runs the
// SQL shell: interactive on a terminal, script mode otherwise.

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/version.h"
#include "session/database.h"
#include "shell/shell.h"

ABSL_FLAG(std::string, store, "tessera-data",
          "Directory of the embedded store (created on first use).");
ABSL_FLAG(std::string, host, "",
          "HOST:PORT of a cluster node to connect to instead of the embedded "
          "store.");
ABSL_FLAG(std::string, format, "table",
          "tessera sql: output format: table, csv, tsv, json or line.");
ABSL_FLAG(bool, keep_going, false,
          "tessera sql: in scripts, continue after a failing statement.");
ABSL_FLAG(std::string, null, "NULL", "tessera sql: how NULL is shown.");
ABSL_FLAG(std::string, listen, "127.0.0.1:26257",
          "tessera start: address the node listens on.");
ABSL_FLAG(std::string, join, "",
          "tessera start: address of a node of the cluster to join.");

namespace {

constexpr char kUsage[] =
    "a distributed SQL database.\n\n"
    "usage:\n"
    "  tessera sql   [--store DIR | --host HOST:PORT] [-e SQL]... [-f FILE]\n"
    "                [--format table|csv|tsv|json|line] [--keep-going]\n"
    "                interactive SQL shell (script mode when stdin is not a\n"
    "                terminal, or with -e / -f)\n"
    "  tessera start --store DIR --listen HOST:PORT [--join HOST:PORT]\n"
    "                run a cluster node\n"
    "  tessera --help                                 every flag\n";

int RunSql(const std::vector<std::string>& scripts,
           const std::vector<std::string>& files) {
  if (!absl::GetFlag(FLAGS_host).empty()) {
    std::fprintf(stderr,
                 "ERROR: connecting to a cluster (--host) is not yet "
                 "available in this build\n");
    return 1;
  }
  const std::string format = absl::GetFlag(FLAGS_format);
  if (!tessera::shell::Shell::IsFormat(format)) {
    std::fprintf(stderr, "ERROR: --format takes table, csv, tsv, json or line, not \"%s\"\n",
                 format.c_str());
    return 2;
  }
  const std::string dir = absl::GetFlag(FLAGS_store);
  auto db = tessera::session::Database::Open(dir);
  if (!db.ok()) {
    std::fprintf(stderr, "ERROR: %s\n", db.status().ToString().c_str());
    return 1;
  }
  tessera::shell::ShellOptions options;
  options.format = format;
  options.keep_going = absl::GetFlag(FLAGS_keep_going);
  options.null_text = absl::GetFlag(FLAGS_null);
  tessera::shell::Shell shell(db->get(), options, std::cout, std::cerr);
  if (!scripts.empty() || !files.empty()) {
    int status = 0;
    for (const std::string& sql : scripts) {
      std::string text = sql;
      // -e "SELECT 1" needs no ';'; a meta-command (.read FILE) takes none.
      const bool meta = !text.empty() && (text[0] == '.' || text[0] == '\\');
      if (!meta && !tessera::shell::Shell::StatementComplete(text)) text += ";";
      status |= shell.RunScript(text);
      if (status != 0 && !options.keep_going) return status;
    }
    for (const std::string& f : files) {
      status |= shell.RunFile(f);
      if (status != 0 && !options.keep_going) return status;
    }
    return status;
  }
  if (isatty(STDIN_FILENO)) {
    const char* home = std::getenv("HOME");
    return shell.RunInteractive(home != nullptr ? absl::StrCat(home, "/.tessera_history")
                                                : "");
  }
  std::stringstream text;
  text << std::cin.rdbuf();
  return shell.RunScript(text.str());
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  absl::SetProgramUsageMessage(kUsage);
  absl::FlagsUsageConfig usage;
  usage.contains_help_flags = [](absl::string_view file) {
    return absl::StrContains(file, "server/");
  };
  usage.contains_helpshort_flags = usage.contains_help_flags;
  usage.version_string = [] { return absl::StrCat("tessera ", tessera::kVersion, "\n"); };
  absl::SetFlagsUsageConfig(usage);
  // -e SQL and -f FILE (repeatable) are taken out before flag parsing: SQL
  // text may contain anything, including commas and dashes.
  std::vector<std::string> scripts, files;
  std::vector<char*> rest_args;
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "-e" || a == "-f") {
      if (i + 1 == argc) {
        std::fprintf(stderr, "ERROR: %s needs %s\n", a.c_str(),
                     a == "-e" ? "an SQL text" : "a file name");
        return 2;
      }
      (a == "-e" ? scripts : files).push_back(argv[++i]);
      continue;
    }
    if (a == "--keep-going") a = "--keep_going";
    rest_args.push_back(argv[i]);
    if (a == "--keep_going") rest_args.back() = const_cast<char*>("--keep_going");
  }
  std::vector<char*> rest =
      absl::ParseCommandLine(static_cast<int>(rest_args.size()), rest_args.data());
  if (rest.size() < 2) {
    std::fprintf(stderr, "tessera: %s", kUsage);
    return 2;
  }
  std::string command = rest[1];
  if (command == "sql") return RunSql(scripts, files);
  if (command == "start") {
    std::fprintf(stderr,
                 "ERROR: tessera start (cluster nodes) is not yet available "
                 "in this build\n");
    return 1;
  }
  std::fprintf(stderr, "ERROR: unknown command \"%s\"\n\ntessera: %s",
               command.c_str(), kUsage);
  return 2;
}
