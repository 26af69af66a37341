#include "common/collation.h"

#include "gtest/gtest.h"

namespace tessera {
namespace {

TEST(CollationTest, NamesAreCaseInsensitiveAndUnknownOnesAreNot) {
  EXPECT_EQ(CollationNamed("nocase"), Collation::kNoCase);
  EXPECT_EQ(CollationNamed("NoCase"), Collation::kNoCase);
  EXPECT_EQ(CollationNamed("RTRIM"), Collation::kRtrim);
  EXPECT_EQ(CollationNamed("binary"), Collation::kBinary);
  EXPECT_EQ(CollationNamed("unicode"), std::nullopt);
  EXPECT_STREQ(CollationName(Collation::kNoCase), "NOCASE");
}

TEST(CollationTest, NoCaseFoldsAsciiCapitalsOnly) {
  EXPECT_EQ(FoldText(Collation::kNoCase, "Hello WORLD 42"), "hello world 42");
  // Non-ASCII letters are not folded (SQLite's NOCASE is ASCII-only).
  EXPECT_EQ(FoldText(Collation::kNoCase, "\xC3\x84pfel"), "\xC3\x84pfel");
  EXPECT_TRUE(FoldChanges(Collation::kNoCase, "aBc"));
  EXPECT_FALSE(FoldChanges(Collation::kNoCase, "abc \xC3\x84"));
}

TEST(CollationTest, RtrimDropsTrailingSpacesOnly) {
  EXPECT_EQ(FoldText(Collation::kRtrim, " a b  "), " a b");
  EXPECT_EQ(FoldText(Collation::kRtrim, "a\t"), "a\t");
  EXPECT_EQ(FoldText(Collation::kRtrim, "   "), "");
  EXPECT_TRUE(FoldChanges(Collation::kRtrim, "x "));
  EXPECT_FALSE(FoldChanges(Collation::kRtrim, " x"));
}

TEST(CollationTest, BinaryAndOtherTypesAreLeftAlone) {
  EXPECT_EQ(FoldText(Collation::kBinary, "AbC "), "AbC ");
  EXPECT_EQ(Collate(Collation::kNoCase, Value::Blob("AB")), Value::Blob("AB"));
  EXPECT_EQ(Collate(Collation::kNoCase, Value::Integer(7)), Value::Integer(7));
  EXPECT_TRUE(Collate(Collation::kNoCase, Value()).is_null());
  EXPECT_EQ(Collate(Collation::kNoCase, Value::Text("AB")), Value::Text("ab"));
}

TEST(CollationTest, FoldedOrderIsTheCollationsOrder) {
  // NOCASE: 'a' < 'B' < 'c' (BINARY would put 'B' first).
  EXPECT_LT(FoldText(Collation::kNoCase, "a"), FoldText(Collation::kNoCase, "B"));
  EXPECT_LT(FoldText(Collation::kNoCase, "B"), FoldText(Collation::kNoCase, "c"));
  // RTRIM: 'ab  ' equals 'ab', sorts before 'ab!'.
  EXPECT_EQ(FoldText(Collation::kRtrim, "ab  "), FoldText(Collation::kRtrim, "ab"));
  EXPECT_LT(FoldText(Collation::kRtrim, "ab  "), FoldText(Collation::kRtrim, "ab!"));
}

// CompareText agrees with comparing the folds, in sign.
TEST(CollationTest, CompareTextIsTheFoldsOrder) {
  const char* texts[] = {"", " ", "a", "A", "a ", "A  ", "ab", "aB", "b", "B", "_", "[", "Z",
                         "\xC3\x84", "\xC3\xA4", "a\tb"};
  for (Collation c : {Collation::kBinary, Collation::kNoCase, Collation::kRtrim}) {
    for (const char* a : texts) {
      for (const char* b : texts) {
        const int folded = FoldText(c, a).compare(FoldText(c, b));
        const int direct = CompareText(c, a, b);
        EXPECT_EQ((folded > 0) - (folded < 0), (direct > 0) - (direct < 0))
            << CollationName(c) << " '" << a << "' '" << b << "'";
      }
    }
  }
}

}  // namespace
}  // namespace tessera
