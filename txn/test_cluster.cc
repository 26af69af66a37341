#include "txn/test_cluster.h"

#include <cstdio>
#include <cstdlib>

#include "storage/test_util.h"

namespace tessera::txn {

TestCluster::TestCluster(const std::string& name) {
  storage::EngineOptions o;
  o.durable = false;
  auto e = storage::Engine::Open(testing::NewTempDir(name), o);
  if (!e.ok()) {
    std::fprintf(stderr, "%s\n", e.status().ToString().c_str());
    std::abort();
  }
  engine = std::move(*e);
  auto s = kv::Store::Open(1, engine.get(), &clock);
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.status().ToString().c_str());
    std::abort();
  }
  store = std::move(*s);
  transport.AddStore(store.get());
  sender = std::make_unique<kv::DistSender>(&transport, 1);
  coordinator = std::make_unique<TxnCoordinator>(sender.get(), &transport, 1);
}

}  // namespace tessera::txn
