// tessera: one binary, several subcommands.
//
//   tessera sql   [--store DIR | --host HOST:PORT]   the interactive SQL shell
//   tessera start --store DIR --listen HOST:PORT      a cluster node
//
// The SQL shell and the server arrive with their issues; today `tessera sql`
// opens (creating it on first use) the embedded store and reports its
// ranges, so the storage stack can be exercised from the command line.

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/hlc.h"
#include "kv/store.h"
#include "storage/engine.h"

ABSL_FLAG(std::string, store, "tessera-data",
          "Directory of the embedded store (created on first use).");
ABSL_FLAG(std::string, host, "",
          "HOST:PORT of a cluster node to connect to instead of the embedded "
          "store.");
ABSL_FLAG(std::string, listen, "127.0.0.1:26257",
          "tessera start: address the node listens on.");
ABSL_FLAG(std::string, join, "",
          "tessera start: address of a node of the cluster to join.");

namespace {

constexpr char kUsage[] =
    "a distributed SQL database.\n\n"
    "usage:\n"
    "  tessera sql   [--store DIR | --host HOST:PORT]   interactive SQL shell\n"
    "  tessera start --store DIR --listen HOST:PORT [--join HOST:PORT]\n"
    "                                                 run a cluster node\n"
    "  tessera --help                                 every flag\n";

int RunSql() {
  if (!absl::GetFlag(FLAGS_host).empty()) {
    std::fprintf(stderr,
                 "ERROR: connecting to a cluster (--host) is not yet "
                 "available in this build\n");
    return 1;
  }
  const std::string dir = absl::GetFlag(FLAGS_store);
  auto engine = tessera::storage::Engine::Open(dir);
  if (!engine.ok()) {
    std::fprintf(stderr, "ERROR: %s\n", engine.status().ToString().c_str());
    return 1;
  }
  tessera::HybridClock clock(tessera::SystemClock::Default(),
                             absl::Milliseconds(500));
  auto store = tessera::kv::Store::Open(1, engine->get(), &clock);
  if (!store.ok()) {
    std::fprintf(stderr, "ERROR: %s\n", store.status().ToString().c_str());
    return 1;
  }
  std::printf("tessera: store %s is open with %zu ranges:\n", dir.c_str(),
              (*store)->Ranges().size());
  for (const auto& r : (*store)->Ranges()) {
    std::printf("  %s\n", r.ToString().c_str());
  }
  std::printf(
      "The interactive SQL shell is not built yet (issue \"Client "
      "surfaces\");\nthis command will open it on the same store once it "
      "lands.\n");
  return 0;
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
  absl::SetFlagsUsageConfig(usage);
  std::vector<char*> rest = absl::ParseCommandLine(argc, argv);
  if (rest.size() < 2) {
    std::fprintf(stderr, "tessera: %s", kUsage);
    return 2;
  }
  std::string command = rest[1];
  if (command == "sql") return RunSql();
  if (command == "start") {
    std::fprintf(stderr,
                 "ERROR: tessera start (cluster nodes) is not yet available "
                 "in this build\n");
    return 1;
  }
  std::fprintf(stderr, "ERROR: unknown command \"%s\"\n\ntessera: %s",
               command.c_str(),
               kUsage);
  return 2;
}
