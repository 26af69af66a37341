// A bound on how deep code may recurse over user input (nested SQL), set
// from the calling thread's real stack, so that such input fails with an
// error instead of overflowing the stack (as PostgreSQL's
// check_stack_depth does).

#ifndef TESSERA_COMMON_STACK_BUDGET_H_
#define TESSERA_COMMON_STACK_BUDGET_H_

#include <cstddef>
#include <cstdint>

namespace tessera {

// AddressSanitizer makes every frame several times larger: budgets counted
// in frames or levels shrink by this factor.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr size_t kFrameScale = 4;
#else
inline constexpr size_t kFrameScale = 1;
#endif

// Bytes of stack the calling thread has below the caller's frame (stacks
// grow down here). When the thread's stack cannot be determined, a
// conservative 256 KiB.
size_t StackRemaining();

// Cheap to copy; used on the thread that made it.
class StackBudget {
 public:
  // A budget of `fraction` of the stack left below the constructing frame
  // (the rest stays for the work after the recursion returns), at most
  // kMaxBytes.
  explicit StackBudget(double fraction = 0.5);
  // A budget of exactly `bytes` below the constructing frame (tests).
  static StackBudget OfBytes(size_t bytes);

  // True once the calling frame lies deeper than the budget allows.
  bool Exceeded() const;

  static constexpr size_t kMaxBytes = size_t{16} << 20;

 private:
  StackBudget(uintptr_t start, size_t bytes);
  uintptr_t limit_;  // the lowest stack address the recursion may reach
};

}  // namespace tessera

#endif  // TESSERA_COMMON_STACK_BUDGET_H_
