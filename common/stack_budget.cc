#include "common/stack_budget.h"

#include <pthread.h>

#include <algorithm>

namespace tessera {
namespace {

constexpr size_t kUnknownStack = size_t{256} << 10;

uintptr_t Here() {
  // The address of a local: close enough to the caller's stack pointer.
  volatile char marker = 0;
  return reinterpret_cast<uintptr_t>(&marker);
}

// The lowest address of the calling thread's stack, or 0 when unknown.
// glibc reads /proc/self/maps for the main thread: look it up once per
// thread.
uintptr_t StackLow() {
  thread_local const uintptr_t low = [] {
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) != 0) return uintptr_t{0};
    void* addr = nullptr;
    size_t size = 0;
    int rc = pthread_attr_getstack(&attr, &addr, &size);
    pthread_attr_destroy(&attr);
    if (rc != 0 || addr == nullptr || size == 0) return uintptr_t{0};
    return reinterpret_cast<uintptr_t>(addr);
  }();
  return low;
}

}  // namespace

size_t StackRemaining() {
  const uintptr_t low = StackLow();
  const uintptr_t here = Here();
  if (low == 0 || here <= low) return kUnknownStack;
  return here - low;
}

StackBudget::StackBudget(double fraction)
    : StackBudget(Here(), std::min<size_t>(static_cast<size_t>(StackRemaining() * fraction),
                                           kMaxBytes)) {}

StackBudget StackBudget::OfBytes(size_t bytes) { return StackBudget(Here(), bytes); }

StackBudget::StackBudget(uintptr_t start, size_t bytes)
    : limit_(start > bytes ? start - bytes : 0) {}

bool StackBudget::Exceeded() const { return Here() < limit_; }

}  // namespace tessera
