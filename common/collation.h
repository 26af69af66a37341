// Collating sequences: how TEXT values compare. Tessera has SQLite's three
// built-in ones:
//   BINARY  bytewise (the default);
//   NOCASE  bytewise after folding ASCII A-Z to a-z (other bytes as they are);
//   RTRIM   bytewise after dropping trailing spaces (U+0020 only).
// Each is a bytewise comparison of a folded text, so a collation is applied
// by folding: two TEXT values compare under collation C as Fold(C, a) and
// Fold(C, b) compare under BINARY. Index keys of a collated column hold the
// folded text, which keeps their byte order the collation's order. Values
// of other types are never folded. Everything here is pure and thread-safe.

#ifndef TESSERA_COMMON_COLLATION_H_
#define TESSERA_COMMON_COLLATION_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "common/value.h"

namespace tessera {

// Stored in descriptors: the numbers must not change.
enum class Collation : uint8_t { kBinary = 0, kNoCase = 1, kRtrim = 2 };

// The collation called `name` (case-insensitive), or nullopt.
std::optional<Collation> CollationNamed(absl::string_view name);

// "BINARY", "NOCASE" or "RTRIM".
const char* CollationName(Collation c);

// True when `text` and its fold under `c` may differ (NOCASE: it has an
// ASCII capital; RTRIM: it ends in a space). BINARY never folds.
bool FoldChanges(Collation c, absl::string_view text);

// `text` folded under `c`.
std::string FoldText(Collation c, absl::string_view text);

// `v` folded under `c` when it is TEXT; any other value as it is.
Value Collate(Collation c, const Value& v);

// <0, 0 or >0 as `a` sorts before, with or after `b` under `c`: the
// bytewise comparison of their folds, without making them.
int CompareText(Collation c, absl::string_view a, absl::string_view b);

}  // namespace tessera

#endif  // TESSERA_COMMON_COLLATION_H_
