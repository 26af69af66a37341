#include "common/arena.h"

#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace tessera {
namespace {

TEST(ArenaTest, CopiesStayIntactWhileMoreAreAdded) {
  Arena arena(256);
  std::mt19937 rng(3);
  std::vector<std::string> originals;
  std::vector<absl::string_view> copies;
  size_t total = 0;
  for (int i = 0; i < 5000; ++i) {
    // Sizes from empty to several blocks, so small strings share blocks and
    // big ones get their own.
    std::string s(rng() % (i % 50 == 0 ? 1000 : 40), 'a');
    for (char& c : s) c = static_cast<char>(rng());
    absl::string_view copy = arena.Copy(s);
    ASSERT_EQ(copy, s);
    if (!s.empty()) {
      EXPECT_NE(copy.data(), s.data());
    }
    total += s.size();
    originals.push_back(std::move(s));
    copies.push_back(copy);
  }
  for (size_t i = 0; i < copies.size(); ++i) ASSERT_EQ(copies[i], originals[i]) << i;
  EXPECT_EQ(arena.used(), total);
  arena.Clear();
  EXPECT_EQ(arena.used(), 0u);
  EXPECT_EQ(arena.Copy("again"), "again");
}

bool Inside(const Arena& arena, absl::string_view v) {
  const char* begin = reinterpret_cast<const char*>(&arena);
  return v.data() >= begin && v.data() + v.size() <= begin + sizeof(Arena);
}

TEST(ArenaTest, FirstBytesLiveInTheArenaItself) {
  Arena arena;
  std::string key(100, 'k'), value(Arena::kInlineBytes - 100, 'v');
  absl::string_view k = arena.Copy(key), v = arena.Copy(value);
  EXPECT_TRUE(Inside(arena, k));
  EXPECT_TRUE(Inside(arena, v));
  // The next byte no longer fits: a heap block, the inline copies intact.
  absl::string_view more = arena.Copy("x");
  EXPECT_FALSE(Inside(arena, more));
  EXPECT_EQ(k, key);
  EXPECT_EQ(v, value);
  EXPECT_EQ(more, "x");
  arena.Clear();
  EXPECT_TRUE(Inside(arena, arena.Copy(key)));
}

}  // namespace
}  // namespace tessera
