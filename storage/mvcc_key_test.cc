#include "storage/mvcc_key.h"

#include <gtest/gtest.h>

#include <random>

namespace tessera::storage {
namespace {

MDB_val Val(const std::string& s) {
  return MDB_val{s.size(), const_cast<char*>(s.data())};
}

int Cmp(const std::string& a, const std::string& b) {
  MDB_val va = Val(a), vb = Val(b);
  int c = CompareMvccKeys(&va, &vb);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

std::string K(absl::string_view user, Timestamp ts) {
  std::string s;
  AppendMvccKey(&s, user, ts);
  return s;
}

TEST(MvccKeyTest, SplitRoundTrip) {
  const std::string user("user\0key", 8);
  std::string k = K(user, Timestamp{123456789, 42});
  absl::string_view uk;
  Timestamp ts;
  ASSERT_TRUE(SplitMvccKey(k, &uk, &ts));
  EXPECT_EQ(uk, user);
  EXPECT_EQ(ts, (Timestamp{123456789, 42}));
  EXPECT_FALSE(SplitMvccKey("short", &uk, &ts));
}

TEST(MvccKeyTest, NewestVersionFirstThenNextKey) {
  EXPECT_LT(Cmp(K("a", Timestamp{5, 0}), K("a", Timestamp{4, 9})), 0);
  EXPECT_LT(Cmp(K("a", Timestamp{5, 1}), K("a", Timestamp{5, 0})), 0);
  EXPECT_LT(Cmp(K("a", Timestamp::Min()), K("b", Timestamp::Max())), 0);
  // A user key that is a prefix of another sorts first, whatever the suffix.
  EXPECT_LT(Cmp(K("a", Timestamp::Min()), K(std::string("a\0", 2), Timestamp::Max())), 0);
  EXPECT_LT(Cmp(K("ab", Timestamp::Min()), K("abc", Timestamp::Max())), 0);
  EXPECT_EQ(Cmp(K("a", Timestamp{1, 1}), K("a", Timestamp{1, 1})), 0);
}

TEST(MvccKeyTest, ComparatorMatchesModelOrder) {
  std::mt19937_64 rng(5);
  auto rand_key = [&] {
    std::string s;
    for (size_t i = 0, n = rng() % 4; i < n; ++i) {
      s.push_back("\x00\x01\xff" "ab"[rng() % 5]);
    }
    return s;
  };
  for (int i = 0; i < 20000; ++i) {
    std::string ua = rand_key(), ub = rand_key();
    Timestamp ta{static_cast<int64_t>(rng() % 4), static_cast<uint32_t>(rng() % 3)};
    Timestamp tb{static_cast<int64_t>(rng() % 4), static_cast<uint32_t>(rng() % 3)};
    int want = ua < ub ? -1 : ua > ub ? 1 : (ta > tb ? -1 : ta < tb ? 1 : 0);
    ASSERT_EQ(Cmp(K(ua, ta), K(ub, tb)), want);
  }
}

TEST(MvccKeyTest, VersionEncodingRoundTrip) {
  std::string txn(kTxnIdSize, '\x07');
  for (VersionKind kind :
       {VersionKind::kValue, VersionKind::kTombstone, VersionKind::kIntentValue,
        VersionKind::kIntentTombstone, VersionKind::kInline}) {
    absl::string_view payload = IsTombstone(kind) ? "" : "payload";
    std::string buf(EncodedVersionSize(kind, payload.size()), '\0');
    EncodeVersionInto(buf.data(), kind, txn, payload);
    VersionView view;
    ASSERT_TRUE(DecodeVersion(buf, &view).ok());
    EXPECT_EQ(view.kind, kind);
    EXPECT_EQ(view.payload, payload);
    EXPECT_EQ(view.txn_id, IsIntent(kind) ? absl::string_view(txn) : "");
  }
}

TEST(MvccKeyTest, CorruptVersionsAreErrors) {
  VersionView view;
  EXPECT_FALSE(DecodeVersion("", &view).ok());
  EXPECT_FALSE(DecodeVersion("\x09xyz", &view).ok());
  EXPECT_FALSE(DecodeVersion("\x03short", &view).ok());
  EXPECT_FALSE(DecodeVersion("\x02not-empty", &view).ok());
}

}  // namespace
// The comparator agrees with the order it defines (user key bytes, then
// the suffix bytes) on random keys of many lengths, sharing prefixes.
TEST(MvccKeyTest, ComparatorMatchesReferenceOrder) {
  std::mt19937 rng(21);
  auto random_key = [&] {
    std::string k(rng() % 24 + kTimestampSuffixSize, '\0');
    for (char& c : k) c = static_cast<char>(rng() % 4 == 0 ? 0xff : rng() % 3);
    return k;
  };
  auto reference = [](const std::string& a, const std::string& b) {
    absl::string_view ua(a.data(), a.size() - kTimestampSuffixSize);
    absl::string_view ub(b.data(), b.size() - kTimestampSuffixSize);
    if (ua != ub) return ua < ub ? -1 : 1;
    int c = a.compare(a.size() - kTimestampSuffixSize, kTimestampSuffixSize, b,
                      b.size() - kTimestampSuffixSize, kTimestampSuffixSize);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  };
  for (int i = 0; i < 100000; ++i) {
    std::string a = random_key(), b = i % 3 == 0 ? a : random_key();
    if (i % 5 == 0 && !b.empty()) b[rng() % b.size()] ^= 1;
    MDB_val va{a.size(), a.data()}, vb{b.size(), b.data()};
    int c = CompareMvccKeys(&va, &vb);
    ASSERT_EQ(c < 0 ? -1 : (c > 0 ? 1 : 0), reference(a, b)) << i;
  }
}

}  // namespace tessera::storage
