#include "common/utf8.h"

#include <gtest/gtest.h>

namespace tessera::utf8 {
namespace {

TEST(Utf8Test, CountsAndCutsCharacters) {
  const std::string s = "a\xc3\xa9\xe2\x98\xba\xf0\x9f\x98\x80z";  // a é ☺ 😀 z
  EXPECT_EQ(CharCount(s), 5u);
  EXPECT_EQ(PrefixBytes(s, 0), 0u);
  EXPECT_EQ(PrefixBytes(s, 2), 3u);
  EXPECT_EQ(PrefixBytes(s, 4), 10u);
  EXPECT_EQ(PrefixBytes(s, 99), s.size());
  EXPECT_EQ(Decode(s), (std::vector<uint32_t>{'a', 0xE9, 0x263A, 0x1F600, 'z'}));
}

TEST(Utf8Test, MalformedBytesAreCharactersOfTheirOwn) {
  EXPECT_EQ(Decode("\xff" "a"), (std::vector<uint32_t>{0xFF, 'a'}));
  EXPECT_EQ(Decode("\xc3"), (std::vector<uint32_t>{0xC3}));  // truncated
  EXPECT_EQ(Decode("\xc3" "a"), (std::vector<uint32_t>{0xC3, 'a'}));
  EXPECT_EQ(First("\xe2\x98").bytes, 1u);
  EXPECT_EQ(First("\xe2\x98\xba").value, 0x263Au);
}

TEST(Utf8Test, AppendEncodesAndReplacesWhatIsNoCharacter) {
  std::string out;
  for (uint32_t cp : {0x41u, 0xE9u, 0x263Au, 0x1F600u}) Append(cp, &out);
  EXPECT_EQ(out, "A\xc3\xa9\xe2\x98\xba\xf0\x9f\x98\x80");
  out.clear();
  Append(0xD800, &out);
  Append(0x110000, &out);
  EXPECT_EQ(out, "\xef\xbf\xbd\xef\xbf\xbd");
}

}  // namespace
}  // namespace tessera::utf8
