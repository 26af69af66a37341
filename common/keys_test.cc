#include "common/keys.h"

#include <gtest/gtest.h>

namespace tessera::keys {
namespace {

TEST(KeysTest, SpansAreOrdered) {
  EXPECT_LT(std::string(kKeyMin), std::string(kMetaPrefix));
  EXPECT_LT(RangeMetaKey(kKeyMax), std::string(kSystemPrefix));
  EXPECT_LT(TxnRecordKey("0123456789abcdef"), std::string(kTableDataStart));
  EXPECT_LT(std::string(kTableDataStart), std::string(kKeyMax));
}

TEST(KeysTest, MetaKeyRoundTrip) {
  std::string k = RangeMetaKey("\x05table");
  EXPECT_TRUE(IsMetaKey(k));
  EXPECT_EQ(EndKeyFromMetaKey(k), "\x05table");
  EXPECT_FALSE(IsMetaKey("\x02txn"));
  // Meta keys sort like the end keys they carry.
  EXPECT_LT(RangeMetaKey("a"), RangeMetaKey("b"));
}

TEST(KeysTest, PrettyKey) {
  EXPECT_EQ(PrettyKey(""), "/Min");
  EXPECT_EQ(PrettyKey(kKeyMax), "/Max");
  EXPECT_EQ(PrettyKey(RangeMetaKey("\x03" "a")), "/Meta/\\x03a");
  EXPECT_EQ(PrettyKey(RangeIdCounterKey()), "/System/range-id");
  EXPECT_EQ(PrettyKey("\x20\x01"), "/Table/ \\x01");
}

}  // namespace
}  // namespace tessera::keys
