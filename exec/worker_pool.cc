#include "exec/worker_pool.h"

#include <algorithm>
#include <atomic>
#include <memory>
#include <thread>

namespace tessera::exec::internal {

WorkerPool& WorkerPool::Default() {
  // Never destroyed: workers may still be parked when the process exits.
  static WorkerPool* pool = new WorkerPool(
      std::max<size_t>(1, std::thread::hardware_concurrency()) - 1);
  return *pool;
}

WorkerPool::WorkerPool(size_t workers) : workers_(workers) {
  for (size_t i = 0; i < workers_; ++i) threads_.emplace_back([this] { WorkerLoop(); });
}

WorkerPool::~WorkerPool() {
  {
    absl::MutexLock l(&mu_);
    stopping_ = true;
  }
  for (std::thread& t : threads_) t.join();
}

void WorkerPool::WorkerLoop() {
  while (true) {
    std::function<void()> task;
    {
      absl::MutexLock l(&mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return !queue_.empty() || stopping_;
      };
      mu_.Await(absl::Condition(&ready));
      if (queue_.empty()) return;  // stopping
      task = std::move(queue_.back());
      queue_.pop_back();
    }
    task();
  }
}

void WorkerPool::ParallelFor(size_t n, absl::FunctionRef<void(size_t)> fn) {
  if (n == 0) return;
  // Shared with helpers that may start after this call returned: they then
  // find no index left and never touch `fn`.
  struct State {
    std::atomic<size_t> next{0};
    absl::Mutex mu;
    size_t completed ABSL_GUARDED_BY(mu) = 0;
  };
  auto state = std::make_shared<State>();
  const size_t total = n;
  auto run = [state, total, fn]() {
    size_t done = 0;
    for (size_t i; (i = state->next.fetch_add(1)) < total;) {
      fn(i);
      ++done;
    }
    if (done > 0) {
      absl::MutexLock l(&state->mu);
      state->completed += done;
    }
  };
  size_t helpers = std::min(workers_, n - 1);
  if (helpers > 0) {
    absl::MutexLock l(&mu_);
    for (size_t h = 0; h < helpers; ++h) queue_.push_back(run);
  }
  run();
  State* s = state.get();
  absl::MutexLock l(&s->mu);
  auto all_done = [s, total]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return s->completed == total; };
  s->mu.Await(absl::Condition(&all_done));
}

}  // namespace tessera::exec::internal
