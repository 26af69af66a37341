#include "common/collation.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace tessera {

std::optional<Collation> CollationNamed(absl::string_view name) {
  if (absl::EqualsIgnoreCase(name, "binary")) return Collation::kBinary;
  if (absl::EqualsIgnoreCase(name, "nocase")) return Collation::kNoCase;
  if (absl::EqualsIgnoreCase(name, "rtrim")) return Collation::kRtrim;
  return std::nullopt;
}

const char* CollationName(Collation c) {
  switch (c) {
    case Collation::kBinary:
      return "BINARY";
    case Collation::kNoCase:
      return "NOCASE";
    case Collation::kRtrim:
      return "RTRIM";
  }
  return "BINARY";
}

bool FoldChanges(Collation c, absl::string_view text) {
  switch (c) {
    case Collation::kBinary:
      return false;
    case Collation::kNoCase:
      for (char ch : text) {
        if (ch >= 'A' && ch <= 'Z') return true;
      }
      return false;
    case Collation::kRtrim:
      return !text.empty() && text.back() == ' ';
  }
  return false;
}

std::string FoldText(Collation c, absl::string_view text) {
  switch (c) {
    case Collation::kBinary:
      break;
    case Collation::kNoCase:
      // absl's ASCII lowering leaves bytes >= 0x80 (UTF-8) alone, as
      // SQLite's NOCASE does.
      return absl::AsciiStrToLower(text);
    case Collation::kRtrim:
      while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
      break;
  }
  return std::string(text);
}

int CompareText(Collation c, absl::string_view a, absl::string_view b) {
  if (c == Collation::kRtrim) {
    while (!a.empty() && a.back() == ' ') a.remove_suffix(1);
    while (!b.empty() && b.back() == ' ') b.remove_suffix(1);
  }
  if (c != Collation::kNoCase) return a.compare(b);
  const size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    const unsigned char x = absl::ascii_tolower(static_cast<unsigned char>(a[i]));
    const unsigned char y = absl::ascii_tolower(static_cast<unsigned char>(b[i]));
    if (x != y) return x < y ? -1 : 1;
  }
  return a.size() < b.size() ? -1 : a.size() > b.size() ? 1 : 0;
}

Value Collate(Collation c, const Value& v) {
  if (v.type() != Type::kText || !FoldChanges(c, v.bytes())) return v;
  return Value::Text(FoldText(c, v.bytes()));
}

}  // namespace tessera
