#include "storage/verify.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "storage/engine.h"
#include "storage/test_util.h"

namespace tessera::storage {
namespace {

constexpr int kRows = 20000;

// A store of kRows versions (a three-level tree of some 500 pages), closed.
std::string MakeStore() {
  std::string dir = testing::NewTempDir("verify");
  EngineOptions options;
  options.durable = false;
  auto engine = Engine::Open(dir, options);
  EXPECT_TRUE(engine.ok()) << engine.status();
  for (int i = 0; i < kRows; i += 1000) {
    WriteBatch b;
    for (int j = i; j < i + 1000; ++j) {
      b.Put(absl::StrFormat("key%06d", j), Timestamp{10, 0}, std::string(40, 'v'));
    }
    EXPECT_TRUE((*engine)->Write(b).ok());
  }
  return dir;
}

// Opens `dir` and scans every row: the row count, or the error of either.
absl::StatusOr<size_t> OpenAndScan(const std::string& dir) {
  EngineOptions options;
  options.durable = false;
  absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Open(dir, options);
  if (!engine.ok()) return engine.status();
  absl::StatusOr<std::unique_ptr<Snapshot>> snap = (*engine)->NewSnapshot();
  if (!snap.ok()) return snap.status();
  ScanOptions scan;
  scan.read.ts = Timestamp{100, 0};
  absl::StatusOr<ScanResult> r =
      (*snap)->Scan("", "", scan, [](absl::string_view, absl::string_view) { return true; });
  if (!r.ok()) return r.status();
  return r->rows;
}

void Overwrite(const std::string& file, uint64_t offset, const std::string& bytes) {
  FILE* f = std::fopen(file.c_str(), "r+b");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(std::fseek(f, static_cast<long>(offset), SEEK_SET), 0);
  ASSERT_EQ(std::fwrite(bytes.data(), 1, bytes.size(), f), bytes.size());
  std::fclose(f);
}

TEST(VerifyTest, AHealthyStoreOpensAndReadsWhole) {
  std::string dir = MakeStore();
  absl::StatusOr<size_t> rows = OpenAndScan(dir);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(*rows, static_cast<size_t>(kRows));
}

TEST(VerifyTest, ATruncatedFileIsAnErrorNotABusError) {
  std::string dir = MakeStore();
  const std::string file = dir + "/data.mdb";
  const auto size = std::filesystem::file_size(file);
  for (uint64_t keep : {size - 4096, size / 2, uint64_t{3 * 4096}}) {
    std::filesystem::resize_file(file, keep);
    absl::StatusOr<size_t> rows = OpenAndScan(dir);
    ASSERT_FALSE(rows.ok()) << keep;
    EXPECT_EQ(rows.status().code(), absl::StatusCode::kDataLoss) << rows.status();
    EXPECT_TRUE(absl::StrContains(rows.status().message(), "truncated")) << rows.status();
  }
}

// Garbage over one page the tree reaches made LMDB read out of bounds or
// fail an assertion (25 of 60 such pages crashed the shell). Every one of
// these must now open cleanly or fail with an error: a crash fails the test.
TEST(VerifyTest, DamagedPagesAreErrorsNotCrashes) {
  const std::string healthy = MakeStore();
  const auto size = std::filesystem::file_size(healthy + "/data.mdb");
  std::mt19937 rng(2026);
  int refused = 0;
  for (int trial = 0; trial < 40; ++trial) {
    std::string dir = testing::NewTempDir("verify-damaged");
    std::filesystem::remove_all(dir);
    std::filesystem::copy(healthy, dir);
    const uint64_t page = 2 + rng() % (size / 4096 - 2);
    const uint64_t at = page * 4096 + std::vector<uint64_t>{0, 8, 16, 64, 512}[rng() % 5];
    std::string garbage(std::vector<size_t>{8, 64, 4096}[rng() % 3], '\0');
    for (char& c : garbage) c = static_cast<char>(rng());
    if (at + garbage.size() > size) garbage.resize(size - at);
    Overwrite(dir + "/data.mdb", at, garbage);
    absl::StatusOr<size_t> rows = OpenAndScan(dir);
    if (!rows.ok()) {
      ++refused;
      EXPECT_EQ(rows.status().code(), absl::StatusCode::kDataLoss) << rows.status();
    }
  }
  // Most pages of this store are reachable: most trials hit one.
  EXPECT_GT(refused, 20);
}

TEST(VerifyTest, NamesTheDamage) {
  std::string dir = MakeStore();
  const std::string file = dir + "/data.mdb";
  // The main tree's root, from the newer meta page (LMDB's layout: the
  // main database's record at byte 88 of the meta, its root at 40 in it).
  uint64_t roots[2], txns[2];
  FILE* f = std::fopen(file.c_str(), "rb");
  ASSERT_NE(f, nullptr);
  for (int m = 0; m < 2; ++m) {
    char meta[160];
    ASSERT_EQ(std::fseek(f, m * 4096, SEEK_SET), 0);
    ASSERT_EQ(std::fread(meta, 1, sizeof meta, f), sizeof meta);
    std::memcpy(&roots[m], meta + 88 + 40, 8);
    std::memcpy(&txns[m], meta + 144, 8);
  }
  std::fclose(f);
  const uint64_t root = txns[0] > txns[1] ? roots[0] : roots[1];
  // Its first node's offset points past the page.
  Overwrite(file, root * 4096 + 16, std::string("\xff\x0f", 2));
  absl::StatusOr<size_t> rows = OpenAndScan(dir);
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_TRUE(absl::StrContains(rows.status().message(),
                                absl::StrFormat("page %d: a node outside the page", root)))
      << rows.status();
}

}  // namespace
}  // namespace tessera::storage
