// Typed error details carried inside absl::Status.
//
// Layers report conditions a caller must act on (a range moved, a conflicting
// intent, a write below a newer version) as an ordinary Status whose payload
// names the kind and carries kind-specific bytes. A Status survives every
// boundary unchanged (and maps onto a gRPC status with details later), so the
// receiver recovers the kind with GetErrorDetail() instead of parsing text.

#ifndef TESSERA_COMMON_ERRORS_H_
#define TESSERA_COMMON_ERRORS_H_

#include <optional>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"

namespace tessera {

enum class ErrorKind : uint8_t {
  kRangeMoved = 1,      // detail: the encoded RangeDescriptor now owning the key
  kIntentConflict = 2,  // detail: encoded IntentConflict (storage/)
  kWriteTooOld = 3,     // detail: encoded timestamp of the newer version
  kReadBelowGc = 4,     // detail: encoded GC threshold
  kSyntaxError = 5,     // detail: line, column, offending token (parser/)
  kTooComplex = 6,      // a statement nested too deeply to run (parser/); no detail
  kRaise = 7,           // RAISE() in a trigger program; detail: "ignore", "rollback", "abort", "fail"
};

struct ErrorDetail {
  ErrorKind kind;
  std::string bytes;
};

// Returns a Status with `code` and `message` that carries (kind, detail).
absl::Status MakeTypedError(absl::StatusCode code, absl::string_view message,
                            ErrorKind kind, absl::string_view detail);

// Returns the typed detail of `status`, or nullopt when it has none (or is OK).
std::optional<ErrorDetail> GetErrorDetail(const absl::Status& status);

// True when `status` carries a detail of `kind`.
bool HasErrorKind(const absl::Status& status, ErrorKind kind);

}  // namespace tessera

#endif  // TESSERA_COMMON_ERRORS_H_
