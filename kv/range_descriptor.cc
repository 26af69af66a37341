#include "kv/range_descriptor.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/coding.h"
#include "common/errors.h"
#include "common/keys.h"

namespace tessera::kv {

namespace {
constexpr uint8_t kDescriptorVersion = 1;
constexpr uint64_t kMaxReplicas = 64;
}  // namespace

std::string RangeDescriptor::ToString() const {
  std::vector<std::string> nodes;
  for (uint32_t n : node_ids) nodes.push_back(absl::StrCat("n", n));
  return absl::StrFormat("r%d [%s, %s) gen %d on %s", range_id,
                         keys::PrettyKey(start_key), keys::PrettyKey(end_key),
                         generation, absl::StrJoin(nodes, ","));
}

std::string EncodeRangeDescriptor(const RangeDescriptor& d) {
  std::string out;
  out.push_back(static_cast<char>(kDescriptorVersion));
  PutVarint64(&out, d.range_id);
  PutLengthPrefixed(&out, d.start_key);
  PutLengthPrefixed(&out, d.end_key);
  PutVarint64(&out, d.node_ids.size());
  for (uint32_t n : d.node_ids) PutVarint64(&out, n);
  PutVarint64(&out, d.generation);
  return out;
}

absl::StatusOr<RangeDescriptor> DecodeRangeDescriptor(absl::string_view in) {
  uint8_t version = 0;
  if (absl::Status s = GetByte(&in, &version); !s.ok()) return s;
  if (version != kDescriptorVersion) {
    return absl::DataLossError(
        absl::StrFormat("range descriptor has unknown version %d", version));
  }
  RangeDescriptor d;
  absl::string_view start, end;
  uint64_t count = 0;
  if (absl::Status s = GetVarint64(&in, &d.range_id); !s.ok()) return s;
  if (absl::Status s = GetLengthPrefixed(&in, &start); !s.ok()) return s;
  if (absl::Status s = GetLengthPrefixed(&in, &end); !s.ok()) return s;
  if (absl::Status s = GetVarint64(&in, &count); !s.ok()) return s;
  if (count > kMaxReplicas) {
    return absl::DataLossError("range descriptor lists too many nodes");
  }
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t n = 0;
    if (absl::Status s = GetVarint64(&in, &n); !s.ok()) return s;
    if (n > UINT32_MAX) return absl::DataLossError("node id out of range");
    d.node_ids.push_back(static_cast<uint32_t>(n));
  }
  if (absl::Status s = GetVarint64(&in, &d.generation); !s.ok()) return s;
  if (!in.empty()) return absl::DataLossError("trailing bytes in descriptor");
  d.start_key = std::string(start);
  d.end_key = std::string(end);
  if (d.start_key >= d.end_key) {
    return absl::DataLossError("range descriptor with start >= end");
  }
  return d;
}

absl::Status MakeRangeMovedError(absl::string_view key,
                                 const RangeDescriptor& owner) {
  return MakeTypedError(
      absl::StatusCode::kFailedPrecondition,
      absl::StrFormat("range moved: key %s now belongs to %s",
                      keys::PrettyKey(key), owner.ToString()),
      ErrorKind::kRangeMoved, EncodeRangeDescriptor(owner));
}

std::optional<RangeDescriptor> GetRangeMoved(const absl::Status& status) {
  std::optional<ErrorDetail> d = GetErrorDetail(status);
  if (!d.has_value() || d->kind != ErrorKind::kRangeMoved) return std::nullopt;
  absl::StatusOr<RangeDescriptor> desc = DecodeRangeDescriptor(d->bytes);
  if (!desc.ok()) return std::nullopt;
  return *desc;
}

}  // namespace tessera::kv
