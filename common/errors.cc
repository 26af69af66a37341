#include "common/errors.h"

#include "absl/strings/cord.h"

namespace tessera {

namespace {
constexpr char kPayloadUrl[] = "type.tessera.dev/tessera.ErrorDetail";
}  // namespace

absl::Status MakeTypedError(absl::StatusCode code, absl::string_view message,
                            ErrorKind kind, absl::string_view detail) {
  absl::Status status(code, message);
  std::string payload;
  payload.push_back(static_cast<char>(kind));
  payload.append(detail.data(), detail.size());
  status.SetPayload(kPayloadUrl, absl::Cord(payload));
  return status;
}

std::optional<ErrorDetail> GetErrorDetail(const absl::Status& status) {
  if (status.ok()) return std::nullopt;
  absl::optional<absl::Cord> payload = status.GetPayload(kPayloadUrl);
  if (!payload.has_value() || payload->empty()) return std::nullopt;
  std::string flat(*payload);
  ErrorDetail detail{static_cast<ErrorKind>(static_cast<uint8_t>(flat[0])),
                     flat.substr(1)};
  return detail;
}

bool HasErrorKind(const absl::Status& status, ErrorKind kind) {
  std::optional<ErrorDetail> d = GetErrorDetail(status);
  return d.has_value() && d->kind == kind;
}

}  // namespace tessera
