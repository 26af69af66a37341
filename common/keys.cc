#include "common/keys.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace tessera::keys {

std::string RangeMetaKey(absl::string_view end_key) {
  return absl::StrCat(kMetaPrefix, end_key);
}

bool IsMetaKey(absl::string_view key) {
  return key.substr(0, kMetaPrefix.size()) == kMetaPrefix;
}

absl::string_view EndKeyFromMetaKey(absl::string_view meta_key) {
  return meta_key.substr(kMetaPrefix.size());
}

std::string TxnRecordKey(absl::string_view txn_id) {
  return absl::StrCat(kSystemPrefix, "txn/", txn_id);
}

std::string ClockWatermarkKey() {
  return absl::StrCat(kSystemPrefix, "clock-watermark");
}

std::string RangeIdCounterKey() {
  return absl::StrCat(kSystemPrefix, "range-id");
}

namespace {
std::string Escape(absl::string_view bytes) {
  std::string out;
  for (char c : bytes) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f && u != '\\') {
      out.push_back(c);
    } else {
      absl::StrAppendFormat(&out, "\\x%02x", u);
    }
  }
  return out;
}
}  // namespace

std::string PrettyKey(absl::string_view key) {
  if (key.empty()) return "/Min";
  if (key == kKeyMax) return "/Max";
  if (IsMetaKey(key)) return absl::StrCat("/Meta/", Escape(EndKeyFromMetaKey(key)));
  if (key.substr(0, kSystemPrefix.size()) == kSystemPrefix) {
    return absl::StrCat("/System/", Escape(key.substr(kSystemPrefix.size())));
  }
  if (key >= kTableDataStart) return absl::StrCat("/Table/", Escape(key));
  return absl::StrCat("/Local/", Escape(key));
}

}  // namespace tessera::keys
