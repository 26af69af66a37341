#include "exec/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace tessera::exec::internal {
namespace {

TEST(WorkerPoolTest, RunsEveryIndexExactlyOnce) {
  WorkerPool pool(3);
  for (size_t n : {0, 1, 2, 7, 1000}) {
    std::vector<std::atomic<int>> hits(n);
    pool.ParallelFor(n, [&](size_t i) { hits[i].fetch_add(1); });
    for (size_t i = 0; i < n; ++i) EXPECT_EQ(hits[i].load(), 1) << n << " " << i;
  }
}

TEST(WorkerPoolTest, UsesSeveralThreadsAndReturnsAfterAllFinish) {
  WorkerPool pool(3);
  absl::Mutex mu;
  std::set<std::thread::id> threads;
  std::atomic<int> finished{0};
  pool.ParallelFor(64, [&](size_t) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    {
      absl::MutexLock l(&mu);
      threads.insert(std::this_thread::get_id());
    }
    finished.fetch_add(1);
  });
  EXPECT_EQ(finished.load(), 64);  // nothing still running after return
  EXPECT_GT(threads.size(), 1u);
}

TEST(WorkerPoolTest, NestedCallsFinishEvenWhenEveryWorkerIsBusy) {
  WorkerPool pool(1);
  std::atomic<int> inner{0};
  pool.ParallelFor(4, [&](size_t) {
    pool.ParallelFor(5, [&](size_t) { inner.fetch_add(1); });
  });
  EXPECT_EQ(inner.load(), 20);
}

TEST(WorkerPoolTest, PoolWithoutWorkersRunsOnTheCaller) {
  WorkerPool pool(0);
  std::thread::id self = std::this_thread::get_id();
  int n = 0;
  pool.ParallelFor(10, [&](size_t) {
    EXPECT_EQ(std::this_thread::get_id(), self);
    ++n;
  });
  EXPECT_EQ(n, 10);
}

}  // namespace
}  // namespace tessera::exec::internal
