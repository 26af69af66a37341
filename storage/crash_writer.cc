// Test helper for crash_test: writes numbered batches to a store forever and
// prints each batch number to stdout once Write() has acknowledged it.
//
//   crash_writer DIR FIRST_BATCH
//
// Batch i writes kKeysPerBatch keys "batch/<i>/<j>" with value "<i>:<j>".

#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "storage/engine.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: crash_writer DIR FIRST_BATCH\n");
    return 2;
  }
  constexpr int kKeysPerBatch = 8;
  tessera::storage::EngineOptions options;
  options.initial_map_size = 1 << 20;  // small, so crashes also hit growth
  auto engine = tessera::storage::Engine::Open(argv[1], options);
  if (!engine.ok()) {
    std::fprintf(stderr, "open: %s\n", engine.status().ToString().c_str());
    return 1;
  }
  long first = std::atol(argv[2]);
  for (long i = first;; ++i) {
    tessera::storage::WriteBatch b;
    for (int j = 0; j < kKeysPerBatch; ++j) {
      b.Put(absl::StrCat("batch/", i, "/", j), tessera::Timestamp{i + 1, 0},
            absl::StrCat(i, ":", j, std::string(100 + (i * 37 + j) % 900, '.')));
    }
    absl::Status s = (*engine)->Write(b);
    if (!s.ok()) {
      std::fprintf(stderr, "write %ld: %s\n", i, s.ToString().c_str());
      return 1;
    }
    std::printf("%ld\n", i);
    std::fflush(stdout);
  }
}
