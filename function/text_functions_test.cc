// Expected values are SQLite 3.40's answers to the same calls, except where
// text_functions.cc says Tessera differs on purpose.

#include <gtest/gtest.h>

#include <string>

#include "function/functions.h"
#include "function/testing.h"

namespace tessera::function {
namespace {

using namespace test_support;  // NOLINT(build/namespaces): test helpers

TEST(TextFunctionsTest, CharAndUnicode) {
  EXPECT_EQ(Call("char", {I(72), I(0xe9), I(0x263a)}), T("H\xc3\xa9\xe2\x98\xba"));
  EXPECT_EQ(Call("char", {}), T(""));
  EXPECT_EQ(Call("char", {I(65), N, I(66)}), Value::Text(std::string("A\0B", 3)));
  // Out of range, negative and surrogates: U+FFFD (TEXT stays UTF-8).
  EXPECT_EQ(Call("char", {I(-1), I(0x110000), I(0xD800)}),
            T("\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"));
  EXPECT_EQ(Call("char", {I(0x1F600)}), T("\xf0\x9f\x98\x80"));
  EXPECT_EQ(Call("unicode", {T("\xc3\xa9t\xc3\xa9")}), I(0xe9));
  EXPECT_EQ(Call("unicode", {T("\xf0\x9f\x98\x80")}), I(0x1F600));
  EXPECT_EQ(Call("unicode", {I(7)}), I('7'));
  EXPECT_TRUE(Call("unicode", {T("")}).is_null());
  EXPECT_TRUE(Call("unicode", {N}).is_null());
  // A lone continuation or truncated sequence: its first byte.
  EXPECT_EQ(Call("unicode", {B("\xc3")}), I(0xc3));
}

TEST(TextFunctionsTest, Likelihood) {
  EXPECT_EQ(Call("likelihood", {T("a"), R(0.25)}), T("a"));
  EXPECT_EQ(Call("likelihood", {I(5), I(1)}), I(5));
  for (const Value& p : {R(1.5), R(-0.1), T("0.5"), N}) {
    EXPECT_FALSE(TryCall("likelihood", {I(1), p}).ok()) << p.ToString();
  }
}

TEST(TextFunctionsTest, HexAndQuote) {
  EXPECT_EQ(Call("hex", {B(std::string("\x00\xff\x10", 3))}), T("00FF10"));
  EXPECT_EQ(Call("hex", {T("\xc3\xa9")}), T("C3A9"));
  EXPECT_EQ(Call("hex", {I(-1)}), T("2D31"));
  EXPECT_EQ(Call("hex", {R(3.5)}), T("332E35"));
  EXPECT_EQ(Call("hex", {N}), T(""));
  EXPECT_EQ(Call("quote", {N}), T("NULL"));
  EXPECT_EQ(Call("quote", {I(-42)}), T("-42"));
  EXPECT_EQ(Call("quote", {T("it's")}), T("'it''s'"));
  EXPECT_EQ(Call("quote", {B(std::string("\x00\xab", 2))}), T("X'00AB'"));
  EXPECT_EQ(Call("quote", {B("")}), T("X''"));
  EXPECT_EQ(Call("quote", {Value::Boolean(true)}), T("TRUE"));
  // A REAL reads back as the same REAL: a '.', all digits when needed.
  EXPECT_EQ(Call("quote", {R(1.5)}), T("1.5"));
  EXPECT_EQ(Call("quote", {R(2.0)}), T("2.0"));
  EXPECT_EQ(Call("quote", {R(-0.0)}), T("-0.0"));
  EXPECT_EQ(Call("quote", {R(1.0 / 3)}), T("0.33333333333333331"));
  for (double d : {0.1, 1.0 / 3, 2.0 / 3, 1e300, 5e-324, -123.456, 1e15, 1e16}) {
    std::string q(Call("quote", {R(d)}).bytes());
    EXPECT_EQ(std::strtod(q.c_str(), nullptr), d) << q;
    EXPECT_NE(q.find_first_of(".e"), std::string::npos) << q;
  }
}

TEST(TextFunctionsTest, Printf) {
  auto p = [](std::vector<Value> args) { return Call("printf", std::move(args)); };
  EXPECT_EQ(p({T("%5s|%-5s|%.2s"), T("ab"), T("cd"), T("xyz")}), T("   ab|cd   |xy"));
  EXPECT_EQ(p({T("%d %i %d"), T("12abc"), R(3.9), N}), T("12 3 0"));
  EXPECT_EQ(p({T("%x %X %o %#x %u"), I(255), I(255), I(8), I(255), I(-7)}),
            T("ff FF 10 0xff 18446744073709551609"));
  EXPECT_EQ(p({T("%,d|%,d|%+d|% d|%05d"), I(1234567), I(-1234), I(5), I(5), I(-42)}),
            T("1,234,567|-1,234|+5| 5|-0042"));
  EXPECT_EQ(p({T("%10.3f|%e|%g|%.3g"), R(-3.14159), R(12345.678), R(0.0001), I(1234567)}),
            T("    -3.142|1.234568e+04|0.0001|1.23e+06"));
  EXPECT_EQ(p({T("%q|%Q|%w|%Q"), T("it's"), T("it's"), T("a\"b"), N}),
            T("it''s|'it''s'|a\"\"b|NULL"));
  EXPECT_EQ(p({T("%s|%d|%f|%q|%c|"), N, N, N, N, N}), T("|0|0.000000|(NULL)||"));
  EXPECT_EQ(p({T("%*d|%-*d|%.*f"), I(5), I(1), I(4), I(2), I(2), R(3.14159)}),
            T("    1|2   |3.14"));
  EXPECT_EQ(p({T("%c%c|%.3c|%5c|"), T("hello"), T(""), T("x"), T("\xc3\xa9")}),
            T("h|xxx|    \xc3\xa9|"));
  // Precision cuts bytes, or characters with '!'; never half a character.
  EXPECT_EQ(p({T("%.2s|%!.2s|%.1s|"), T("\xc3\xa9\xc3\xa8"), T("\xc3\xa9\xc3\xa8\xc3\xa0"),
               T("\xc3\xa9")}),
            T("\xc3\xa9|\xc3\xa9\xc3\xa8||"));
  EXPECT_EQ(p({T("%%|%5%|%lld|%s %s"), I(5), I(1)}), T("%|    %|5|1 "));
  // A lone '%' at the end stays; an unknown conversion ends the output.
  EXPECT_EQ(p({T("ab%")}), T("ab%"));
  EXPECT_EQ(p({T("a%yb")}), T("a"));
  EXPECT_TRUE(p({N, I(1)}).is_null());
  EXPECT_EQ(Call("format", {T("%d-%s"), I(1), T("x")}), T("1-x"));
}

TEST(TextFunctionsTest, ResultsLongerThanTheLimitAreErrors) {
  absl::StatusOr<Value> r = TryCall("printf", {T("%2000000000d"), I(1)});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("string or blob too big"), std::string::npos);
  EXPECT_FALSE(TryCall("printf", {T("%.*f"), I(2000000000), R(1)}).ok());
  EXPECT_FALSE(TryCall("printf", {T("%99999999999999999999999d"), I(1)}).ok());
  EXPECT_FALSE(TryCall("zeroblob", {I(int64_t{1} << 40)}).ok());
  // Refused before the repeated character is built (2 GB).
  EXPECT_FALSE(TryCall("printf", {T("%.999999999c"), T("\xc3\xa9")}).ok());
  EXPECT_FALSE(TryCall("randomblob", {I(int64_t{1} << 40)}).ok());
  // A negative '*' width pads on the right, as '-' does.
  EXPECT_EQ(Call("printf", {T("%*d|"), I(-3), I(1)}), T("1  |"));
  EXPECT_FALSE(TryCall("printf", {T("%*d|"), I(INT64_MIN), I(1)}).ok());
}

TEST(TextFunctionsTest, ConcatAndLengths) {
  EXPECT_EQ(Call("concat", {T("a"), N, I(2), R(1.5)}), T("a21.5"));
  EXPECT_EQ(Call("concat", {N}), T(""));
  EXPECT_EQ(Call("concat_ws", {T("-"), T("a"), N, T("b")}), T("a-b"));
  EXPECT_TRUE(Call("concat_ws", {N, T("a")}).is_null());
  EXPECT_EQ(Call("octet_length", {T("\xc3\xa9")}), I(2));
  EXPECT_EQ(Call("octet_length", {I(-12)}), I(3));
  EXPECT_TRUE(Call("octet_length", {N}).is_null());
}

TEST(TextFunctionsTest, BlobsAndRandomness) {
  EXPECT_EQ(Call("zeroblob", {I(3)}), B(std::string(3, '\0')));
  EXPECT_EQ(Call("zeroblob", {I(-5)}), B(""));
  EXPECT_EQ(Call("randomblob", {I(0)}).bytes().size(), 1u);
  EXPECT_EQ(Call("randomblob", {I(16)}).bytes().size(), 16u);
  // 2^-128 chance of a false failure.
  EXPECT_NE(Call("randomblob", {I(16)}), Call("randomblob", {I(16)}));
  EXPECT_EQ(Call("random", {}).type(), Type::kInteger);
  EXPECT_NE(Call("random", {}), Call("random", {}));  // 2^-64
  EXPECT_FALSE(FindScalarFunction("random")->deterministic);
  EXPECT_FALSE(FindScalarFunction("randomblob")->deterministic);
  EXPECT_TRUE(FindScalarFunction("hex")->deterministic);
  EXPECT_EQ(Call("version", {}), T("Tessera 0.1.0"));
  EXPECT_EQ(Call("likely", {T("a")}), T("a"));
  EXPECT_EQ(Call("unlikely", {I(3)}), I(3));
}

}  // namespace
}  // namespace tessera::function
