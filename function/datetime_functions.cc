// Date and time functions with SQLite's results: date, time, datetime,
// julianday, unixepoch, strftime (docs/sql-functions.md lists the formats
// and modifiers).
//
// A moment is kept as SQLite keeps it: milliseconds since the Julian day
// epoch (-4713-11-24 12:00 UTC), together with the calendar fields it was
// written as. The fields win while they are valid, so date('2023-02-30') is
// '2023-02-30' as in SQLite, and any modifier that moves the moment
// recomputes them (normalizing, as Abseil's civil time does: Feb 30 is
// Mar 2). Valid moments run from -4713-11-24 12:00 to 9999-12-31 23:59:59.999;
// anything else, a malformed value or an unknown modifier gives NULL.
//
// 'now' reads the clock at each call (SQLite holds it for a statement), so
// these functions are never folded into constants.

#include <cmath>
#include <cstdio>
#include <optional>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "function/builtins.h"
#include "function/value_ops.h"

namespace tessera::function::internal {

namespace {

using Args = absl::Span<const Value>;

constexpr int64_t kMsPerDay = 86'400'000;
// 1970-01-01 00:00 UTC, in milliseconds since the Julian day epoch.
constexpr int64_t kUnixEpochMs = 210'866'760'000'000;
// 9999-12-31 23:59:59.999.
constexpr int64_t kMaxMs = 464'269'060'799'999;

struct Moment {
  int64_t jd = 0;  // ms since the Julian day epoch, when valid_jd
  int64_t year = 2000;
  int month = 1, day = 1;
  int hour = 0, minute = 0;
  double second = 0;
  int tz_minutes = 0;  // a "+HH:MM" suffix not yet applied to jd
  bool valid_jd = false, valid_ymd = false, valid_hms = false;
  // The value was a number: 'unixepoch', 'auto' and 'julianday' may still
  // say how to read it. A number outside the Julian day range is an error
  // unless one of them does.
  bool raw = false;
  double raw_number = 0;
  bool error = false;
};

void ClearFields(Moment* m) {
  m->valid_ymd = false;
  m->valid_hms = false;
  m->tz_minutes = 0;
}

void ComputeJd(Moment* m) {
  if (m->valid_jd) return;
  // A year out of range is an error at once, even if a later modifier would
  // bring the moment back ('+10000 years', '-1 day' is NULL in SQLite too).
  if (m->valid_ymd && (m->year < -4713 || m->year > 9999)) {
    m->error = true;
    return;
  }
  const absl::CivilDay day = m->valid_ymd ? absl::CivilDay(m->year, m->month, m->day)
                                          : absl::CivilDay(2000, 1, 1);
  m->jd = kUnixEpochMs + (day - absl::CivilDay(1970, 1, 1)) * kMsPerDay;
  if (m->valid_hms) {
    m->jd += m->hour * int64_t{3'600'000} + m->minute * int64_t{60'000} +
             static_cast<int64_t>(m->second * 1000 + 0.5);
  }
  m->valid_jd = true;
  if (m->tz_minutes != 0) {
    m->jd -= m->tz_minutes * int64_t{60'000};
    ClearFields(m);
  }
}

bool InRange(int64_t jd) { return jd >= 0 && jd <= kMaxMs; }

void ComputeYmd(Moment* m) {
  if (m->valid_ymd) return;
  if (!m->valid_jd) {
    m->year = 2000;
    m->month = 1;
    m->day = 1;
  } else if (!InRange(m->jd)) {
    m->error = true;
    return;
  } else {
    // Julian days start at noon: +12 h puts midnight on a day boundary.
    const int64_t days = (m->jd + kMsPerDay / 2) / kMsPerDay - 2'440'588;
    const absl::CivilDay d = absl::CivilDay(1970, 1, 1) + days;
    m->year = d.year();
    m->month = d.month();
    m->day = d.day();
  }
  m->valid_ymd = true;
}

void ComputeHms(Moment* m) {
  if (m->valid_hms) return;
  ComputeJd(m);
  const int64_t ms = (m->jd + kMsPerDay / 2) % kMsPerDay;
  m->hour = static_cast<int>(ms / 3'600'000);
  m->minute = static_cast<int>(ms / 60'000 % 60);
  m->second = static_cast<double>(ms % 60'000) / 1000.0;
  m->valid_hms = true;
}

void ComputeAll(Moment* m) {
  ComputeYmd(m);
  ComputeHms(m);
}

// ------------------------------------------------------------------ parsing

// Reads exactly `n` digits at s[*i] as a number in [lo, hi].
bool Digits(absl::string_view s, size_t* i, int n, int lo, int hi, int* out) {
  int v = 0;
  for (int k = 0; k < n; ++k) {
    if (*i >= s.size() || !absl::ascii_isdigit(static_cast<unsigned char>(s[*i]))) return false;
    v = v * 10 + (s[(*i)++] - '0');
  }
  if (v < lo || v > hi) return false;
  *out = v;
  return true;
}

void SkipSpaces(absl::string_view s, size_t* i) {
  while (*i < s.size() && absl::ascii_isspace(static_cast<unsigned char>(s[*i]))) ++*i;
}

// Optional "Z" or "[+-]HH:MM" after spaces, then only spaces to the end.
bool ParseZone(absl::string_view s, size_t i, Moment* m) {
  SkipSpaces(s, &i);
  m->tz_minutes = 0;
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    const int sign = s[i++] == '-' ? -1 : 1;
    int h, mi;
    if (!Digits(s, &i, 2, 0, 14, &h) || i >= s.size() || s[i++] != ':' ||
        !Digits(s, &i, 2, 0, 59, &mi)) {
      return false;
    }
    m->tz_minutes = sign * (h * 60 + mi);
  }
  SkipSpaces(s, &i);
  return i == s.size();
}

// "HH:MM[:SS[.fff]]" and an optional zone, to the end of `s`.
bool ParseTime(absl::string_view s, size_t i, Moment* m) {
  int h, mi, sec = 0;
  if (!Digits(s, &i, 2, 0, 24, &h) || i >= s.size() || s[i++] != ':' ||
      !Digits(s, &i, 2, 0, 59, &mi)) {
    return false;
  }
  double fraction = 0;
  if (i < s.size() && s[i] == ':') {
    ++i;
    if (!Digits(s, &i, 2, 0, 59, &sec)) return false;
    if (i + 1 < s.size() && s[i] == '.' && absl::ascii_isdigit(static_cast<unsigned char>(s[i + 1]))) {
      double scale = 1;
      for (++i; i < s.size() && absl::ascii_isdigit(static_cast<unsigned char>(s[i])); ++i) {
        fraction = fraction * 10 + (s[i] - '0');
        scale *= 10;
      }
      fraction /= scale;
    }
  }
  if (!ParseZone(s, i, m)) return false;
  m->hour = h;
  m->minute = mi;
  m->second = sec + fraction;
  m->valid_hms = true;
  m->valid_jd = false;
  return true;
}

// "[-]YYYY-MM-DD", then spaces or 'T', then a time or nothing.
bool ParseDate(absl::string_view s, Moment* m) {
  size_t i = 0;
  const bool negative = !s.empty() && s[0] == '-';
  if (negative) ++i;
  int y, mo, d;
  if (!Digits(s, &i, 4, 0, 9999, &y) || i >= s.size() || s[i++] != '-' ||
      !Digits(s, &i, 2, 1, 12, &mo) || i >= s.size() || s[i++] != '-' ||
      !Digits(s, &i, 2, 1, 31, &d)) {
    return false;
  }
  while (i < s.size() && (absl::ascii_isspace(static_cast<unsigned char>(s[i])) || s[i] == 'T')) ++i;
  if (i < s.size()) {
    if (!ParseTime(s, i, m)) return false;
  } else {
    m->valid_hms = false;
  }
  m->year = negative ? -y : y;
  m->month = mo;
  m->day = d;
  m->valid_ymd = true;
  m->valid_jd = false;
  return true;
}

void SetNumber(double r, Moment* m) {
  m->raw = true;
  m->raw_number = r;
  if (r >= 0 && r < 5'373'484.5) {
    m->jd = static_cast<int64_t>(r * kMsPerDay + 0.5);
    m->valid_jd = true;
  }
}

bool ParseText(absl::string_view s, Moment* m) {
  if (Moment t; ParseDate(s, &t)) {
    *m = t;
    return true;
  }
  if (Moment t; ParseTime(s, 0, &t)) {
    *m = t;
    return true;
  }
  if (absl::EqualsIgnoreCase(s, "now")) {
    m->jd = kUnixEpochMs + absl::ToUnixMillis(absl::Now());
    m->valid_jd = true;
    return true;
  }
  std::optional<double> r = ToDoubleIfNumeric(Value::Text(s));
  if (!r.has_value()) return false;
  SetNumber(*r, m);
  return true;
}

// Reads the time value: text (or a BLOB of it), or a number. A zone suffix
// applies at once: the moment is UTC.
bool ParseValue(const Value& v, Moment* m) {
  if (v.is_null()) return false;
  if (v.type() != Type::kText && v.type() != Type::kBlob) {
    SetNumber(*ToDoubleIfNumeric(v), m);  // INTEGER, REAL, BOOLEAN
    return true;
  }
  if (!ParseText(v.bytes(), m)) return false;
  if (m->tz_minutes != 0) ComputeJd(m);
  return true;
}

// ---------------------------------------------------------------- modifiers

// Reinterprets a number given as the time value as Unix seconds.
bool FromUnixSeconds(Moment* m) {
  const double r = m->raw_number * 1000.0 + static_cast<double>(kUnixEpochMs);
  if (!(r >= 0.0 && r < static_cast<double>(kMaxMs) + 1)) return false;
  ClearFields(m);
  m->jd = static_cast<int64_t>(r + 0.5);
  m->valid_jd = true;
  m->raw = false;
  return true;
}

// The UTC offset of the local time zone at `unix_ms`, in milliseconds.
int64_t LocalOffsetMs(int64_t unix_ms) {
  return int64_t{absl::LocalTimeZone().At(absl::FromUnixMillis(unix_ms)).offset} * 1000;
}

struct Unit {
  const char* name;
  double limit;    // |NNN| must stay below it
  double seconds;  // a month is 30 days, a year 365 (for fractions of them)
};
constexpr Unit kUnits[] = {
    {"second", 464'269'060'800.0, 1.0},   {"minute", 7'737'817'680.0, 60.0},
    {"hour", 128'963'628.0, 3600.0},      {"day", 5'373'485.0, 86400.0},
    {"month", 176'546.0, 2'592'000.0},    {"year", 14'713.0, 31'536'000.0},
};

// "[+-]NNN unit(s)" or "[+-]HH:MM[:SS[.fff]]".
bool ApplyOffset(absl::string_view mod, Moment* m) {
  size_t n = 1;
  while (n < mod.size() && mod[n] != ':' && !absl::ascii_isspace(static_cast<unsigned char>(mod[n]))) {
    ++n;
  }
  if (n < mod.size() && mod[n] == ':') {
    Moment t;
    const size_t start = absl::ascii_isdigit(static_cast<unsigned char>(mod[0])) ? 0 : 1;
    if (!ParseTime(mod, start, &t)) return false;
    int64_t ms = t.hour * int64_t{3'600'000} + t.minute * int64_t{60'000} +
                 static_cast<int64_t>(t.second * 1000 + 0.5);
    ms %= kMsPerDay;
    if (mod[0] == '-') ms = -ms;
    ComputeJd(m);
    ClearFields(m);
    m->jd += ms;
    return true;
  }
  std::optional<double> number = ToDoubleIfNumeric(Value::Text(mod.substr(0, n)));
  if (!number.has_value()) return false;
  double r = *number;
  absl::string_view unit = mod.substr(n);
  while (!unit.empty() && absl::ascii_isspace(static_cast<unsigned char>(unit[0]))) unit.remove_prefix(1);
  if (unit.size() < 3 || unit.size() > 10) return false;
  if (unit.back() == 's') unit.remove_suffix(1);
  // As SQLite: the moment is fixed first, so a time of 24:00 with no date
  // (2000-01-02 00:00) still says 24:00 when months or years are added.
  ComputeJd(m);
  const double rounder = r < 0 ? -0.5 : 0.5;
  for (const Unit& u : kUnits) {
    if (unit != u.name || !(r > -u.limit && r < u.limit)) continue;
    if (unit == "month") {
      ComputeAll(m);
      const int64_t months = m->month + static_cast<int64_t>(r);
      const int64_t carry = months > 0 ? (months - 1) / 12 : (months - 12) / 12;
      m->year += carry;
      m->month = static_cast<int>(months - carry * 12);
      m->valid_jd = false;
      r -= static_cast<int64_t>(r);
    } else if (unit == "year") {
      ComputeAll(m);
      m->year += static_cast<int64_t>(r);
      m->valid_jd = false;
      r -= static_cast<int64_t>(r);
    }
    ComputeJd(m);
    m->jd += static_cast<int64_t>(r * 1000.0 * u.seconds + rounder);
    ClearFields(m);
    return true;
  }
  return false;
}

bool ApplyModifier(const Value& v, size_t index, Moment* m) {
  if (v.is_null()) return false;
  const std::string mod = absl::AsciiStrToLower(RenderText(v));
  // Only the three that say how to read a number may see one out of range.
  if (m->raw && !m->valid_jd && mod != "unixepoch" && mod != "auto") return false;
  if (mod == "unixepoch") return m->raw && index == 0 && FromUnixSeconds(m);
  if (mod == "auto") {
    if (index > 0) return false;
    if (!m->raw || m->valid_jd) {
      m->raw = false;
      return true;
    }
    return m->raw_number >= -210'866'760'000.0 && m->raw_number <= 253'402'300'799.0 &&
           FromUnixSeconds(m);
  }
  if (mod == "julianday") {
    if (index > 0 || !m->raw || !m->valid_jd) return false;
    m->raw = false;
    return true;
  }
  if (mod == "localtime" || mod == "utc") {
    ComputeJd(m);
    if (!InRange(m->jd)) return false;
    if (mod == "localtime") {
      m->jd += LocalOffsetMs(m->jd - kUnixEpochMs);
    } else {
      // The moment's fields are local time: find the UTC instant they name.
      ComputeAll(m);
      const absl::CivilSecond local(m->year, m->month, m->day, m->hour, m->minute,
                                    static_cast<int>(m->second));
      const int64_t ms_in_second = (m->jd + kMsPerDay / 2) % 1000;
      m->jd = kUnixEpochMs + absl::ToUnixMillis(absl::LocalTimeZone().At(local).pre) + ms_in_second;
    }
    ClearFields(m);
    return true;
  }
  if (absl::StartsWith(mod, "weekday ")) {
    std::optional<double> n = ToDoubleIfNumeric(Value::Text(absl::string_view(mod).substr(8)));
    if (!n.has_value()) return false;
    const double r = *n;
    if (!(r >= 0 && r < 7) || r != std::floor(r)) return false;
    ComputeAll(m);
    if (m->error) return false;
    m->tz_minutes = 0;
    m->valid_jd = false;
    ComputeJd(m);
    int64_t wday = (m->jd + 129'600'000) / kMsPerDay % 7;  // 0 is Sunday
    if (wday > static_cast<int64_t>(r)) wday -= 7;
    m->jd += (static_cast<int64_t>(r) - wday) * kMsPerDay;
    ClearFields(m);
    return true;
  }
  if (absl::StartsWith(mod, "start of ")) {
    const absl::string_view what = absl::string_view(mod).substr(9);
    if (what != "month" && what != "year" && what != "day") return false;
    ComputeYmd(m);
    if (m->error) return false;
    m->valid_hms = true;
    m->hour = m->minute = 0;
    m->second = 0;
    m->raw = false;
    m->tz_minutes = 0;
    m->valid_jd = false;
    if (what != "day") m->day = 1;
    if (what == "year") m->month = 1;
    return true;
  }
  if (!mod.empty() && (mod[0] == '+' || mod[0] == '-' ||
                       absl::ascii_isdigit(static_cast<unsigned char>(mod[0])))) {
    return ApplyOffset(mod, m);
  }
  return false;
}

// The moment named by args (a time value and modifiers; none means 'now'),
// or nullopt for NULL.
std::optional<Moment> Resolve(Args args) {
  Moment m;
  if (args.empty()) {
    if (!ParseValue(Value::Text("now"), &m)) return std::nullopt;
  } else if (!ParseValue(args[0], &m)) {
    return std::nullopt;
  }
  for (size_t i = 1; i < args.size(); ++i) {
    if (!ApplyModifier(args[i], i - 1, &m) || m.error) return std::nullopt;
  }
  if (m.raw && !m.valid_jd) return std::nullopt;
  ComputeJd(&m);
  if (m.error || !InRange(m.jd)) return std::nullopt;
  return m;
}

// ---------------------------------------------------------------- functions

std::string DateText(const Moment& m) {
  return m.year < 0 ? absl::StrFormat("-%04d-%02d-%02d", -m.year, m.month, m.day)
                    : absl::StrFormat("%04d-%02d-%02d", m.year, m.month, m.day);
}

std::string TimeText(const Moment& m) {
  return absl::StrFormat("%02d:%02d:%02d", m.hour, m.minute, static_cast<int>(m.second));
}

int64_t UnixSeconds(const Moment& m) { return m.jd / 1000 - kUnixEpochMs / 1000; }

absl::StatusOr<Value> Date(Args a) {
  std::optional<Moment> m = Resolve(a);
  if (!m.has_value()) return Value::Null();
  ComputeYmd(&*m);
  return Value::Text(DateText(*m));
}

absl::StatusOr<Value> Time(Args a) {
  std::optional<Moment> m = Resolve(a);
  if (!m.has_value()) return Value::Null();
  ComputeHms(&*m);
  return Value::Text(TimeText(*m));
}

absl::StatusOr<Value> DateTime(Args a) {
  std::optional<Moment> m = Resolve(a);
  if (!m.has_value()) return Value::Null();
  ComputeAll(&*m);
  return Value::Text(DateText(*m) + " " + TimeText(*m));
}

absl::StatusOr<Value> JulianDay(Args a) {
  std::optional<Moment> m = Resolve(a);
  if (!m.has_value()) return Value::Null();
  return Value::Real(static_cast<double>(m->jd) / kMsPerDay);
}

absl::StatusOr<Value> UnixEpoch(Args a) {
  std::optional<Moment> m = Resolve(a);
  if (!m.has_value()) return Value::Null();
  return Value::Integer(UnixSeconds(*m));
}

absl::StatusOr<Value> StrFTime(Args a) {
  if (a[0].is_null()) return Value::Null();
  const std::string fmt = RenderText(a[0]);
  std::optional<Moment> m = Resolve(a.subspan(1));
  if (!m.has_value()) return Value::Null();
  ComputeAll(&*m);
  // Days since 1 January of the moment's year (the time of day cancels out).
  auto day_of_year = [&]() {
    Moment jan1 = *m;
    jan1.month = 1;
    jan1.day = 1;
    jan1.valid_jd = false;
    ComputeJd(&jan1);
    return (m->jd - jan1.jd + kMsPerDay / 2) / kMsPerDay;
  };
  std::string out;
  for (size_t i = 0; i < fmt.size(); ++i) {
    if (fmt[i] != '%') {
      out += fmt[i];
      continue;
    }
    if (++i == fmt.size()) return Value::Null();
    switch (fmt[i]) {
      case 'd':
        out += absl::StrFormat("%02d", m->day);
        break;
      case 'f':
        out += absl::StrFormat("%06.3f", std::min(m->second, 59.999));
        break;
      case 'H':
        out += absl::StrFormat("%02d", m->hour);
        break;
      case 'j':
        out += absl::StrFormat("%03d", day_of_year() + 1);
        break;
      case 'W': {
        const int64_t monday_based = (m->jd + kMsPerDay / 2) / kMsPerDay % 7;  // 0 is Monday
        out += absl::StrFormat("%02d", (day_of_year() + 7 - monday_based) / 7);
        break;
      }
      case 'J': {
        char buf[40];
        std::snprintf(buf, sizeof(buf), "%.16g", static_cast<double>(m->jd) / kMsPerDay);
        out += buf;
        break;
      }
      case 'm':
        out += absl::StrFormat("%02d", m->month);
        break;
      case 'M':
        out += absl::StrFormat("%02d", m->minute);
        break;
      case 's':
        out += absl::StrFormat("%d", UnixSeconds(*m));
        break;
      case 'S':
        out += absl::StrFormat("%02d", static_cast<int>(m->second));
        break;
      case 'w':
        out += static_cast<char>('0' + (m->jd + 129'600'000) / kMsPerDay % 7);
        break;
      case 'Y':
        out += absl::StrFormat("%04d", m->year);
        break;
      case '%':
        out += '%';
        break;
      default:
        return Value::Null();  // as SQLite does for a conversion it lacks
    }
  }
  return Value::Text(out);
}

// Not deterministic: 'now' and 'localtime' depend on when and where.
constexpr ScalarFunction kDateTimeFunctions[] = {
    {"date", 0, -1, &Date, false},          {"time", 0, -1, &Time, false},
    {"datetime", 0, -1, &DateTime, false},  {"julianday", 0, -1, &JulianDay, false},
    {"unixepoch", 0, -1, &UnixEpoch, false}, {"strftime", 1, -1, &StrFTime, false},
};

}  // namespace

absl::Span<const ScalarFunction> DateTimeFunctions() { return kDateTimeFunctions; }

}  // namespace tessera::function::internal
