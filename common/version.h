// The release this build is, as `tessera --version` and tsr_version() say.

#ifndef TESSERA_COMMON_VERSION_H_
#define TESSERA_COMMON_VERSION_H_

namespace tessera {

inline constexpr char kVersion[] = "0.1.0";

}  // namespace tessera

#endif  // TESSERA_COMMON_VERSION_H_
