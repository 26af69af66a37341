// Helpers shared by storage and kv tests.

#ifndef TESSERA_STORAGE_TEST_UTIL_H_
#define TESSERA_STORAGE_TEST_UTIL_H_

#include <string>

namespace tessera::testing {

// A fresh empty directory under the test's temporary directory. Each call
// returns a new one.
std::string NewTempDir(const std::string& name);

}  // namespace tessera::testing

#endif  // TESSERA_STORAGE_TEST_UTIL_H_
