// Scans allocate nothing per row: counted with a replaced operator new.

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "absl/strings/str_cat.h"
#include "storage/engine.h"
#include "storage/test_util.h"

namespace {
std::atomic<long> g_allocations{0};
}  // namespace

void* operator new(size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace tessera::storage {
namespace {

TEST(ScanAllocTest, NoHeapAllocationPerRow) {
  EngineOptions o;
  o.durable = false;
  auto e = Engine::Open(testing::NewTempDir("alloc"), o);
  ASSERT_TRUE(e.ok());
  for (int ts = 1; ts <= 3; ++ts) {  // several versions per key
    WriteBatch b;
    for (int i = 0; i < 1000; ++i) {
      b.Put(absl::StrCat("row", 10000 + i), Timestamp{ts, 0},
            absl::StrCat("value-", ts, "-", i));
    }
    ASSERT_TRUE((*e)->Write(b).ok());
  }
  auto snap = (*e)->NewSnapshot();
  ASSERT_TRUE(snap.ok());
  for (bool reverse : {false, true}) {
    ScanOptions opts;
    opts.read.ts = Timestamp{2, 0};
    opts.reverse = reverse;
    size_t rows = 0, bytes = 0;
    long before = g_allocations.load();
    auto r = (*snap)->Scan("", "", opts,
                           [&](absl::string_view k, absl::string_view v) {
                             ++rows;
                             bytes += k.size() + v.size();
                             return true;
                           });
    long during = g_allocations.load() - before;
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(rows, 1000u);
    EXPECT_GT(bytes, 0u);
    EXPECT_LE(during, 4) << "allocations during a 1000-row scan";
  }
}

}  // namespace
}  // namespace tessera::storage
