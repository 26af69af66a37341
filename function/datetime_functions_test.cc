// Expected values are SQLite 3.40's answers to the same calls
// (tests/sqlite_diff.py --dates compares many more).

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "function/functions.h"
#include "function/testing.h"

namespace tessera::function {
namespace {

using namespace test_support;  // NOLINT(build/namespaces): test helpers

Value Fn(const char* name, std::vector<Value> args) { return Call(name, std::move(args)); }

TEST(DateTimeFunctionsTest, ParsesTheTimeValueFormats) {
  EXPECT_EQ(Fn("datetime", {T("2023-03-05")}), T("2023-03-05 00:00:00"));
  EXPECT_EQ(Fn("datetime", {T("2023-03-05T07:08")}), T("2023-03-05 07:08:00"));
  EXPECT_EQ(Fn("datetime", {T("2023-03-05 07:08:09.123")}), T("2023-03-05 07:08:09"));
  EXPECT_EQ(Fn("datetime", {T("12:34:56.789")}), T("2000-01-01 12:34:56"));
  EXPECT_EQ(Fn("time", {T("12:34")}), T("12:34:00"));
  // A zone suffix converts to UTC.
  EXPECT_EQ(Fn("datetime", {T("2023-03-05 07:08:09+02:00")}), T("2023-03-05 05:08:09"));
  EXPECT_EQ(Fn("date", {T("2023-03-05 23:00-02:00")}), T("2023-03-06"));
  EXPECT_EQ(Fn("datetime", {T("2023-03-05 07:08:09Z")}), T("2023-03-05 07:08:09"));
  // As written while nothing moves it: SQLite keeps Feb 30 and 24:00.
  EXPECT_EQ(Fn("date", {T("2023-02-30")}), T("2023-02-30"));
  EXPECT_EQ(Fn("datetime", {T("2023-03-05 24:00:00")}), T("2023-03-05 24:00:00"));
  EXPECT_EQ(Fn("date", {B("2023-01-01")}), T("2023-01-01"));
  // Numbers are Julian days.
  EXPECT_EQ(Fn("datetime", {I(0)}), T("-4713-11-24 12:00:00"));
  EXPECT_EQ(Fn("datetime", {R(2460000.25)}), T("2023-02-24 18:00:00"));
  EXPECT_EQ(Fn("date", {Value::Boolean(true)}), T("-4713-11-25"));
  EXPECT_EQ(Fn("date", {T("-0001-12-31")}), T("-0001-12-31"));
}

TEST(DateTimeFunctionsTest, MalformedOrOutOfRangeIsNull) {
  for (const char* bad : {"2023-02-32", "2023-3-5", " 2023-03-05", "2023-13-01", "23:60:00",
                          "23:59:60", "2023-03-05 07:08:09 -0130", "garbage", "",
                          "2023-03-05 07:08:09+15:00", "12:3"}) {
    EXPECT_TRUE(Fn("date", {T(bad)}).is_null()) << bad;
  }
  EXPECT_EQ(Fn("date", {T("2023-03-05 ")}), T("2023-03-05"));  // trailing spaces are fine
  EXPECT_EQ(Fn("date", {T("2023-03-05T")}), T("2023-03-05"));
  EXPECT_TRUE(Fn("date", {N}).is_null());
  EXPECT_TRUE(Fn("date", {I(-1)}).is_null());
  EXPECT_TRUE(Fn("date", {I(20230101)}).is_null());
  EXPECT_TRUE(Fn("date", {T("9999-12-31"), T("+1 day")}).is_null());
  EXPECT_TRUE(Fn("date", {T("2023-03-05"), N}).is_null());
  // Out of range on the way is out of range, whatever comes after.
  EXPECT_TRUE(Fn("date", {T("0000-01-01"), T("+10000 years"), T("-1 day")}).is_null());
  for (const char* bad : {"bogus", "+3 day ", "3days", "+", "weekday 7", "weekday 1.5",
                          "start of week", "+5:30", "unixepoch", "julianday", "+1 fortnight"}) {
    EXPECT_TRUE(Fn("date", {T("2023-03-05"), T(bad)}).is_null()) << bad;
  }
}

TEST(DateTimeFunctionsTest, Modifiers) {
  const Value d = T("2023-03-05 13:14:15");
  EXPECT_EQ(Fn("datetime", {d, T("+1.5 days")}), T("2023-03-07 01:14:15"));
  EXPECT_EQ(Fn("datetime", {d, T("-90 minutes")}), T("2023-03-05 11:44:15"));
  EXPECT_EQ(Fn("datetime", {d, T("+3 DAYS")}), T("2023-03-08 13:14:15"));
  EXPECT_EQ(Fn("datetime", {d, T("3 days")}), T("2023-03-08 13:14:15"));
  EXPECT_EQ(Fn("datetime", {d, T("start of day")}), T("2023-03-05 00:00:00"));
  EXPECT_EQ(Fn("datetime", {d, T("start of month")}), T("2023-03-01 00:00:00"));
  EXPECT_EQ(Fn("datetime", {d, T("start of year")}), T("2023-01-01 00:00:00"));
  EXPECT_EQ(Fn("date", {d, T("start of month"), T("+1 month"), T("-1 day")}), T("2023-03-31"));
  EXPECT_EQ(Fn("date", {d, T("weekday 0")}), T("2023-03-05"));  // a Sunday
  EXPECT_EQ(Fn("date", {d, T("weekday 1")}), T("2023-03-06"));
  EXPECT_EQ(Fn("datetime", {d, T("+01:30")}), T("2023-03-05 14:44:15"));
  EXPECT_EQ(Fn("datetime", {d, T("-11:59:59.5")}), T("2023-03-05 01:14:15"));
  // Months and years keep the day and let it overflow; fractions of them
  // count 30 and 365 days.
  EXPECT_EQ(Fn("date", {T("2023-01-31"), T("+1 month")}), T("2023-03-03"));
  EXPECT_EQ(Fn("date", {T("2024-02-29"), T("+1 year")}), T("2025-03-01"));
  EXPECT_EQ(Fn("datetime", {T("2024-01-31 10:00"), T("+1.5 months")}), T("2024-03-17 10:00:00"));
  EXPECT_EQ(Fn("datetime", {T("2023-06-15 12:00:00"), T("+1.5 years")}),
            T("2024-12-15 00:00:00"));
  EXPECT_EQ(Fn("date", {T("0000-01-01"), T("-1 day")}), T("-0001-12-31"));
  // How to read a number: only as the first modifier.
  EXPECT_EQ(Fn("datetime", {I(1700000000), T("unixepoch")}), T("2023-11-14 22:13:20"));
  EXPECT_EQ(Fn("datetime", {T("1700000000"), T("unixepoch")}), T("2023-11-14 22:13:20"));
  EXPECT_EQ(Fn("datetime", {R(1700000000.5), T("unixepoch")}), T("2023-11-14 22:13:20"));
  EXPECT_EQ(Fn("datetime", {I(1700000000), T("auto")}), T("2023-11-14 22:13:20"));
  EXPECT_EQ(Fn("datetime", {I(2460000), T("auto")}), T("2023-02-24 12:00:00"));
  EXPECT_EQ(Fn("datetime", {R(2460000.5), T("julianday")}), T("2023-02-25 00:00:00"));
  EXPECT_TRUE(Fn("datetime", {I(5), T("+1 day"), T("unixepoch")}).is_null());
  EXPECT_TRUE(Fn("datetime", {I(20230101), T("+1 day")}).is_null());
  EXPECT_EQ(Fn("datetime", {I(-210866760000), T("unixepoch")}), T("-4713-11-24 12:00:00"));
  EXPECT_EQ(Fn("datetime", {I(253402300799), T("unixepoch")}), T("9999-12-31 23:59:59"));
  EXPECT_TRUE(Fn("datetime", {I(253402300800), T("unixepoch")}).is_null());
}

TEST(DateTimeFunctionsTest, JulianDayUnixEpochAndStrftime) {
  EXPECT_EQ(Fn("julianday", {T("2000-01-01 12:00")}), R(2451545.0));
  EXPECT_EQ(Fn("unixepoch", {T("1970-01-02")}), I(86400));
  EXPECT_EQ(Fn("unixepoch", {T("1969-12-31 23:59:59.5")}), I(-1));  // floor
  EXPECT_EQ(Fn("strftime", {T("%Y-%m-%d %H:%M:%f %j %J %s %w %W %%"),
                            T("2023-03-05 07:08:09.123")}),
            T("2023-03-05 07:08:09.123 064 2460008.797327812 1678000089 0 09 %"));
  EXPECT_EQ(Fn("strftime", {T("%W"), T("2023-01-01")}), T("00"));
  EXPECT_EQ(Fn("strftime", {T("%W"), T("2023-01-02")}), T("01"));
  EXPECT_EQ(Fn("strftime", {T("%j"), T("2024-12-31")}), T("366"));
  EXPECT_EQ(Fn("strftime", {T("%f"), T("2023-01-01 00:00:01.9999")}), T("02.000"));
  EXPECT_TRUE(Fn("strftime", {T("%Q"), T("2023-01-01")}).is_null());
  EXPECT_TRUE(Fn("strftime", {T("%"), T("2023-01-01")}).is_null());
  EXPECT_TRUE(Fn("strftime", {N, T("2023-01-01")}).is_null());
}

TEST(DateTimeFunctionsTest, NowIsTheClock) {
  const int64_t before = absl::ToUnixSeconds(absl::Now());
  const Value now = Fn("unixepoch", {});
  const int64_t after = absl::ToUnixSeconds(absl::Now());
  ASSERT_EQ(now.type(), Type::kInteger);
  EXPECT_GE(now.integer(), before);
  EXPECT_LE(now.integer(), after);
  EXPECT_EQ(Fn("unixepoch", {T("NOW")}).type(), Type::kInteger);
  EXPECT_EQ(Fn("date", {}).bytes().size(), 10u);
  EXPECT_FALSE(FindScalarFunction("date")->deterministic);
  EXPECT_FALSE(FindScalarFunction("strftime")->deterministic);
}

TEST(DateTimeFunctionsTest, LocaltimeAndUtcUseTheTimeZone) {
  if (!std::filesystem::exists("/usr/share/zoneinfo/America/New_York")) {
    GTEST_SKIP() << "no tzdata";
  }
  const char* old = std::getenv("TZ");
  const std::string saved = old == nullptr ? "" : old;
  setenv("TZ", "America/New_York", 1);
  EXPECT_EQ(Fn("datetime", {T("2023-07-01 12:00"), T("localtime")}), T("2023-07-01 08:00:00"));
  EXPECT_EQ(Fn("datetime", {T("2023-01-01 12:00"), T("localtime")}), T("2023-01-01 07:00:00"));
  EXPECT_EQ(Fn("datetime", {T("2023-07-01 08:00"), T("utc")}), T("2023-07-01 12:00:00"));
  EXPECT_EQ(Fn("datetime", {T("2023-07-01 12:00:00"), T("localtime"), T("utc")}),
            T("2023-07-01 12:00:00"));
  if (old == nullptr) {
    unsetenv("TZ");
  } else {
    setenv("TZ", saved.c_str(), 1);
  }
}

}  // namespace
}  // namespace tessera::function
