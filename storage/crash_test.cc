// Crash durability: a child process writes acknowledged batches and is
// SIGKILLed at a random moment; after reopening, every acknowledged batch is
// whole and no batch is partly visible. Repeated many times on one store.

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "storage/engine.h"
#include "storage/test_util.h"

namespace tessera::storage {
namespace {

constexpr int kKeysPerBatch = 8;

std::string WriterPath() {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* ws = std::getenv("TEST_WORKSPACE");
  if (srcdir != nullptr && ws != nullptr) {
    return absl::StrCat(srcdir, "/", ws, "/storage/crash_writer");
  }
  return "storage/crash_writer";
}

// Runs the writer for `run_ms`, kills it, returns the highest acknowledged
// batch (or first - 1 when none was).
long RunAndKill(const std::string& dir, long first, int run_ms) {
  int out[2];
  EXPECT_EQ(pipe(out), 0);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    close(out[1]);
    std::string first_s = std::to_string(first);
    std::string path = WriterPath();
    execl(path.c_str(), path.c_str(), dir.c_str(), first_s.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  fcntl(out[0], F_SETFL, O_NONBLOCK);
  std::string acked;
  auto drain = [&] {
    char buf[4096];
    ssize_t n;
    while ((n = read(out[0], buf, sizeof buf)) > 0) acked.append(buf, n);
  };
  for (int waited = 0; waited < run_ms; waited += 1) {
    usleep(1000);
    drain();
  }
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  drain();  // acknowledgements written before the kill
  close(out[0]);
  EXPECT_TRUE(WIFSIGNALED(status)) << "writer exited on its own: " << status;
  // Only complete lines count: a torn last line was not fully printed.
  acked.resize(acked.rfind('\n') == std::string::npos ? 0 : acked.rfind('\n'));
  long last = first - 1;
  for (absl::string_view line : absl::StrSplit(acked, '\n')) {
    long n;
    if (absl::SimpleAtoi(line, &n)) last = std::max(last, n);
  }
  return last;
}

TEST(CrashTest, AcknowledgedBatchesSurviveSigkillAndNoneIsPartial) {
  std::string dir = testing::NewTempDir("crash");
  std::mt19937 rng(20261125);
  long next = 0;
  long total_acked = 0;
  constexpr int kRounds = 30;
  for (int round = 0; round < kRounds; ++round) {
    long last_acked = RunAndKill(dir, next, 5 + rng() % 60);
    total_acked += last_acked - next + 1;
    std::printf("round %d: acknowledged up to batch %ld\n", round, last_acked);
    auto engine = Engine::Open(dir);
    ASSERT_TRUE(engine.ok()) << engine.status();
    auto snap = (*engine)->NewSnapshot();
    ASSERT_TRUE(snap.ok());
    // Count keys per batch over everything written so far, plus a margin of
    // batches that may have committed without their acknowledgement.
    std::map<long, int> keys_per_batch;
    auto r = (*snap)->Scan(
        "batch/", "batch0", ScanOptions{ReadOptions{Timestamp::Max().Prev()}},
        [&](absl::string_view k, absl::string_view v) {
          std::vector<absl::string_view> parts = absl::StrSplit(k, '/');
          long b;
          EXPECT_EQ(parts.size(), 3u);
          EXPECT_TRUE(absl::SimpleAtoi(parts[1], &b));
          EXPECT_TRUE(absl::StartsWith(v, absl::StrCat(b, ":", parts[2])));
          ++keys_per_batch[b];
          return true;
        });
    ASSERT_TRUE(r.ok()) << r.status();
    long highest_present = -1;
    for (auto& [b, n] : keys_per_batch) {
      ASSERT_EQ(n, kKeysPerBatch) << "batch " << b << " is partial";
      highest_present = std::max(highest_present, b);
    }
    for (long b = 0; b <= last_acked; ++b) {
      ASSERT_EQ(keys_per_batch.count(b), 1u)
          << "acknowledged batch " << b << " lost in round " << round;
    }
    // Batches are written in order, so what is present is a prefix.
    ASSERT_EQ(static_cast<long>(keys_per_batch.size()), highest_present + 1);
    next = highest_present + 1;
  }
  EXPECT_GT(total_acked, kRounds) << "the writer barely ran";
}

}  // namespace
}  // namespace tessera::storage
