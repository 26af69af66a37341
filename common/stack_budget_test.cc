#include "common/stack_budget.h"

#include <pthread.h>

#include "gtest/gtest.h"

namespace tessera {
namespace {

// Recurses, 512 bytes of locals a frame, until the budget says stop (or
// a cap, so a budget that never stops fails instead of hanging); the depth
// reached.
int Recurse(const StackBudget& budget, int depth) {
  volatile char frame[512];
  frame[0] = 1;
  if (budget.Exceeded() || depth >= 100000) return depth;
  int reached = Recurse(budget, depth + 1);
  return reached + frame[0] - 1;  // the frame lives past the call
}

TEST(StackBudgetTest, StopsARecursionNearItsBudget) {
  // About 512 bytes a frame: a 1 MiB budget allows 1,000-2,100 frames.
  int depth = Recurse(StackBudget::OfBytes(1 << 20), 0);
  EXPECT_GT(depth, 1000);
  EXPECT_LT(depth, 2100);
}

TEST(StackBudgetTest, TheMainThreadHasMostOfItsStackLeft) {
  size_t remaining = StackRemaining();
  EXPECT_GT(remaining, size_t{1} << 20);  // Linux's default is 8 MiB
}

void* SmallStackThread(void* out) {
  // Half of what is left of a 256 KiB stack: the recursion stops well
  // before the stack ends (the test would crash otherwise).
  *static_cast<int*>(out) = Recurse(StackBudget(0.5), 0);
  return nullptr;
}

TEST(StackBudgetTest, ASmallThreadStackGetsASmallBudget) {
  pthread_attr_t attr;
  ASSERT_EQ(pthread_attr_init(&attr), 0);
  ASSERT_EQ(pthread_attr_setstacksize(&attr, 256 << 10), 0);
  pthread_t thread;
  int depth = 0;
  ASSERT_EQ(pthread_create(&thread, &attr, &SmallStackThread, &depth), 0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
  EXPECT_GT(depth, 50);
  EXPECT_LT(depth, 300);
}

}  // namespace
}  // namespace tessera
