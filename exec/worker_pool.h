// A process-wide pool of worker threads for running a query's independent
// pieces (range fragments) on several cores. Internal to exec/.

#ifndef TESSERA_EXEC_WORKER_POOL_H_
#define TESSERA_EXEC_WORKER_POOL_H_

#include <cstddef>
#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/synchronization/mutex.h"

namespace tessera::exec::internal {

// Thread-safe. Workers live for the whole process.
class WorkerPool {
 public:
  // The shared pool: one worker per hardware thread beyond the first (the
  // caller of ParallelFor is the other).
  static WorkerPool& Default();

  explicit WorkerPool(size_t workers);
  // Waits for queued work, then stops the workers.
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  size_t workers() const { return workers_; }

  // Runs fn(0) ... fn(n-1), each exactly once, on the calling thread and on
  // idle workers at once; returns when all have returned. `fn` must be
  // safe to call from several threads concurrently. Calls may nest (a
  // worker may call ParallelFor): the caller always makes progress itself.
  void ParallelFor(size_t n, absl::FunctionRef<void(size_t)> fn);

 private:
  void WorkerLoop();

  const size_t workers_;
  std::vector<std::thread> threads_;
  absl::Mutex mu_;
  std::vector<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace tessera::exec::internal

#endif  // TESSERA_EXEC_WORKER_POOL_H_
