// Group commit: concurrent committers share LMDB transactions and syncs.

#include <gtest/gtest.h>

#include <thread>

#include "absl/strings/str_cat.h"
#include "storage/engine.h"
#include "storage/test_util.h"

namespace tessera::storage {
namespace {

TEST(GroupCommitTest, ConcurrentCommitsShareSyncs) {
  auto e = Engine::Open(testing::NewTempDir("group"));  // durable: real fsync
  ASSERT_TRUE(e.ok()) << e.status();
  Engine* engine = e->get();
  constexpr int kThreads = 8, kPerThread = 40;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        WriteBatch b;
        b.Put(absl::StrCat("t", t, "/", i), Timestamp{1 + i, 0}, "v");
        b.Put(absl::StrCat("t", t, "/", i, "/second"), Timestamp{1 + i, 0}, "w");
        if (!engine->Write(b).ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EngineStats st = engine->stats();
  EXPECT_EQ(st.batches_committed, uint64_t{kThreads * kPerThread});
  EXPECT_LT(st.syncs, st.batches_committed) << "no commit was grouped";
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kPerThread; ++i) {
      auto v = engine->Get(absl::StrCat("t", t, "/", i, "/second"),
                           ReadOptions{Timestamp{1000, 0}});
      ASSERT_TRUE(v.ok() && v->has_value());
    }
  }
}

// Writers that commit in rounds arrive together after each shared sync; the
// leader waits for as many as were active, so they keep sharing one sync
// instead of splitting into a lone batch and the rest (which averages
// about two batches per sync with four writers).
TEST(GroupCommitTest, ConcurrentWritersKeepFillingGroups) {
  EngineOptions options;
  options.group_wait = absl::Milliseconds(50);  // generous: arrivals take microseconds
  auto e = Engine::Open(testing::NewTempDir("group-fill"), options);  // durable
  ASSERT_TRUE(e.ok()) << e.status();
  Engine* engine = e->get();
  constexpr int kThreads = 4, kPerThread = 30;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        WriteBatch b;
        b.Put(absl::StrCat("w", t, "/", i), Timestamp{1 + i, 0}, "v");
        ASSERT_TRUE(engine->Write(b).ok());
      }
    });
  }
  for (auto& th : threads) th.join();
  EngineStats st = engine->stats();
  EXPECT_EQ(st.batches_committed, uint64_t{kThreads * kPerThread});
  EXPECT_LE(st.syncs * 10, st.batches_committed * 4)
      << st.syncs << " syncs for " << st.batches_committed << " batches";
}

// A lone writer never waits for company, however long the wait may be.
TEST(GroupCommitTest, LoneWriterDoesNotWait) {
  EngineOptions options;
  options.group_wait = absl::Seconds(10);
  auto e = Engine::Open(testing::NewTempDir("group-lone"), options);
  ASSERT_TRUE(e.ok()) << e.status();
  absl::Time start = absl::Now();
  for (int i = 0; i < 20; ++i) {
    WriteBatch b;
    b.Put(absl::StrCat("k", i), Timestamp{1 + i, 0}, "v");
    ASSERT_TRUE((*e)->Write(b).ok());
  }
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));  // one wait would be 10 s
}

TEST(GroupCommitTest, RejectedBatchDoesNotSpoilItsGroup) {
  EngineOptions o;
  auto e = Engine::Open(testing::NewTempDir("group-fail"), o);
  ASSERT_TRUE(e.ok());
  Engine* engine = e->get();
  WriteBatch seed;
  seed.Put("contended", Timestamp{1000, 0}, "newest");
  ASSERT_TRUE(engine->Write(seed).ok());
  constexpr int kThreads = 8, kPerThread = 30;
  std::atomic<int> ok{0}, rejected{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        WriteBatch b;
        b.Put(absl::StrCat("good/", t, "/", i), Timestamp{5, 0}, "v");
        if (i % 3 == 0) b.Put("contended", Timestamp{5, 0}, "too old");
        absl::Status s = engine->Write(b);
        if (s.ok()) {
          ++ok;
        } else {
          ++rejected;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(rejected.load(), kThreads * 10);
  EXPECT_EQ(ok.load(), kThreads * 20);
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kPerThread; ++i) {
      auto v = engine->Get(absl::StrCat("good/", t, "/", i),
                           ReadOptions{Timestamp{10, 0}});
      ASSERT_TRUE(v.ok());
      EXPECT_EQ(v->has_value(), i % 3 != 0) << t << "/" << i;
    }
  }
  EngineStats st = engine->stats();
  EXPECT_EQ(st.batches_failed, uint64_t{kThreads * 10});
}

}  // namespace
}  // namespace tessera::storage
