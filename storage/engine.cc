#include "storage/engine.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "absl/container/inlined_vector.h"
#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/errors.h"
#include "common/keys.h"
#include "storage/mvcc_key.h"
#include "storage/verify.h"

namespace tessera::storage {

namespace {

constexpr char kMapFullPayload[] = "type.tessera.dev/tessera.LmdbMapFull";
constexpr size_t kGcKeysPerTxn = 1000;
// Steps through old versions before a seek is cheaper.
constexpr int kMaxVersionSteps = 8;

std::string GcThresholdKey() {
  return absl::StrCat(keys::kSystemPrefix, "gc-threshold");
}

bool IsMapFull(const absl::Status& s) {
  return !s.ok() && s.GetPayload(kMapFullPayload).has_value();
}

absl::string_view View(const MDB_val& v) {
  return absl::string_view(static_cast<const char*>(v.mv_data), v.mv_size);
}

MDB_val Val(absl::string_view s) {
  return MDB_val{s.size(), const_cast<char*>(s.data())};
}

absl::Status CorruptKey() {
  return absl::DataLossError("corrupt MVCC key in store (shorter than suffix)");
}

}  // namespace

absl::Status LmdbError(int rc, absl::string_view op) {
  const std::string what =
      absl::StrCat("LMDB ", std::string(op), ": ", mdb_strerror(rc));
  switch (rc) {
    case MDB_SUCCESS:
      return absl::OkStatus();
    case MDB_MAP_FULL: {
      absl::Status s = absl::ResourceExhaustedError(what);
      s.SetPayload(kMapFullPayload, absl::Cord("1"));
      return s;
    }
    case MDB_READERS_FULL:
      return absl::ResourceExhaustedError(absl::StrCat(
          what,
          " (too many concurrent readers; close idle snapshots or raise "
          "max_readers)"));
    case MDB_TXN_FULL:
      return absl::ResourceExhaustedError(
          absl::StrCat(what, " (batch too large for one transaction)"));
    case MDB_CORRUPTED:
    case MDB_PAGE_NOTFOUND:
    case MDB_INVALID:
    case MDB_VERSION_MISMATCH:
    case MDB_BAD_VALSIZE:
      return absl::DataLossError(
          absl::StrCat(what, " (the store file is damaged or not a store)"));
    case MDB_BAD_RSLOT:
    case MDB_BAD_TXN:
      return absl::InternalError(what);
    case ENOSPC:
      return absl::ResourceExhaustedError(
          absl::StrCat(what, " (disk full; nothing of this write was kept)"));
    case ENOENT:
      return absl::NotFoundError(what);
    case EACCES:
    case EPERM:
      return absl::PermissionDeniedError(what);
    case EIO:
      return absl::DataLossError(absl::StrCat(what, " (I/O error)"));
    default:
      return absl::InternalError(what);
  }
}

// ---------------------------------------------------------------------------
// Snapshot

Snapshot::Snapshot(Engine* engine, MDB_txn* txn, MDB_cursor* cursor)
    : engine_(engine), txn_(txn), cursor_(cursor) {}

Snapshot::~Snapshot() { engine_->ReturnReadTxn(txn_, cursor_); }

absl::Status Snapshot::CheckReadTimestamp(Timestamp ts) const {
  Timestamp threshold = engine_->gc_threshold();
  if (ts < threshold) {
    std::string detail;
    EncodeTimestamp(threshold, &detail);
    return MakeTypedError(
        absl::StatusCode::kFailedPrecondition,
        absl::StrFormat("read at %s is below the GC threshold %s: the versions "
                        "it needs may have been collected",
                        ts.ToString(), threshold.ToString()),
        ErrorKind::kReadBelowGc, detail);
  }
  return absl::OkStatus();
}

absl::Status Snapshot::Get(absl::string_view key, const ReadOptions& options,
                           std::string* value, bool* found,
                           Timestamp* version_ts) {
  *found = false;
  if (absl::Status s = CheckReadTimestamp(options.ts); !s.ok()) return s;
  seek_buf_.clear();
  AppendMvccKey(&seek_buf_, key, Timestamp::Max());
  MDB_val k = Val(seek_buf_), v;
  int rc = mdb_cursor_get(cursor_, &k, &v, MDB_SET_RANGE);
  bool reseeked = false;
  while (true) {
    if (rc == MDB_NOTFOUND) return absl::OkStatus();
    if (rc != MDB_SUCCESS) return LmdbError(rc, "get");
    absl::string_view uk;
    Timestamp ts;
    if (!SplitMvccKey(View(k), &uk, &ts)) return CorruptKey();
    if (uk != key) return absl::OkStatus();
    VersionView ver;
    if (absl::Status s = DecodeVersion(View(v), &ver); !s.ok()) return s;
    bool visible;
    if (IsIntent(ver.kind)) {
      if (options.txn != nullptr && ver.txn_id == options.txn->bytes()) {
        visible = true;
      } else if (ts <= options.ts) {
        return MakeIntentConflictError(key, *TxnId::FromBytes(ver.txn_id), ts);
      } else {
        visible = false;
      }
    } else {
      visible = ver.kind == VersionKind::kInline || ts <= options.ts;
    }
    if (visible) {
      if (IsTombstone(ver.kind)) return absl::OkStatus();
      *found = true;
      value->assign(ver.payload.data(), ver.payload.size());
      if (version_ts != nullptr) *version_ts = ts;
      return absl::OkStatus();
    }
    if (reseeked) {
      rc = mdb_cursor_get(cursor_, &k, &v, MDB_NEXT);
      continue;
    }
    // Jump straight to the newest version at or below the read timestamp.
    seek_buf_.clear();
    AppendMvccKey(&seek_buf_, key, options.ts);
    k = Val(seek_buf_);
    rc = mdb_cursor_get(cursor_, &k, &v, MDB_SET_RANGE);
    reseeked = true;
  }
}

absl::StatusOr<ScanResult> Snapshot::Scan(
    absl::string_view start, absl::string_view end, const ScanOptions& options,
    absl::FunctionRef<bool(absl::string_view, absl::string_view)> visit) {
  if (absl::Status s = CheckReadTimestamp(options.read.ts); !s.ok()) return s;
  ScanResult result;
  const ReadOptions& ro = options.read;
  auto own_intent = [&](const VersionView& ver) {
    return ro.txn != nullptr && ver.txn_id == ro.txn->bytes();
  };
  MDB_val k, v;
  int rc;

  if (!options.reverse) {
    seek_buf_.clear();
    AppendMvccKey(&seek_buf_, start, Timestamp::Max());
    k = Val(seek_buf_);
    rc = mdb_cursor_get(cursor_, &k, &v, MDB_SET_RANGE);
    // Every entry the cursor lands on is split exactly once, into uk/ts.
    absl::string_view uk;
    Timestamp ts;
    if (rc == MDB_SUCCESS && !SplitMvccKey(View(k), &uk, &ts)) {
      return CorruptKey();
    }
    while (rc == MDB_SUCCESS) {
      if (!end.empty() && uk >= end) break;
      const absl::string_view cur = uk;  // aliases the LMDB page
      // The cursor is on the newest version of cur: find the visible one.
      bool have = false;
      VersionView visible;
      while (true) {
        if (absl::Status s = DecodeVersion(View(v), &visible); !s.ok()) {
          return s;
        }
        if (IsIntent(visible.kind)) {
          if (own_intent(visible)) {
            have = true;
          } else if (ts <= ro.ts) {
            return MakeIntentConflictError(
                cur, *TxnId::FromBytes(visible.txn_id), ts);
          }
        } else if (ts <= ro.ts || visible.kind == VersionKind::kInline) {
          have = true;
        }
        if (have) break;
        rc = mdb_cursor_get(cursor_, &k, &v, MDB_NEXT);
        if (rc != MDB_SUCCESS) break;
        if (!SplitMvccKey(View(k), &uk, &ts)) return CorruptKey();
        if (uk != cur) break;
      }
      if (!have) continue;  // the cursor already sits on the next user key
      if (!IsTombstone(visible.kind)) {
        ++result.rows;
        bool keep_going = visit(cur, visible.payload);
        if (!keep_going ||
            (options.max_rows != 0 && result.rows >= options.max_rows)) {
          result.more = true;
          result.resume_key.assign(cur.data(), cur.size());
          result.resume_key.push_back('\0');  // the next possible key
          return result;
        }
      }
      // Skip the older versions of cur.
      for (int steps = 0;; ++steps) {
        if (steps == kMaxVersionSteps) {
          seek_buf_.assign(cur.data(), cur.size());
          AppendMvccKey(&seek_buf_, "", Timestamp::Min());
          k = Val(seek_buf_);
          rc = mdb_cursor_get(cursor_, &k, &v, MDB_SET_RANGE);
          if (rc == MDB_SUCCESS && View(k) == seek_buf_) {
            rc = mdb_cursor_get(cursor_, &k, &v, MDB_NEXT);
          }
          if (rc == MDB_SUCCESS && !SplitMvccKey(View(k), &uk, &ts)) {
            return CorruptKey();
          }
          break;
        }
        rc = mdb_cursor_get(cursor_, &k, &v, MDB_NEXT);
        if (rc != MDB_SUCCESS) break;
        if (!SplitMvccKey(View(k), &uk, &ts)) return CorruptKey();
        if (uk != cur) break;
      }
    }
    if (rc != MDB_SUCCESS && rc != MDB_NOTFOUND) return LmdbError(rc, "scan");
    return result;
  }

  // Reverse: walk backwards; each key's versions appear oldest first, so the
  // last candidate at or below the read timestamp is the visible one.
  if (end.empty()) {
    rc = mdb_cursor_get(cursor_, &k, &v, MDB_LAST);
  } else {
    seek_buf_.clear();
    AppendMvccKey(&seek_buf_, end, Timestamp::Max());
    k = Val(seek_buf_);
    rc = mdb_cursor_get(cursor_, &k, &v, MDB_SET_RANGE);
    if (rc == MDB_SUCCESS) {
      rc = mdb_cursor_get(cursor_, &k, &v, MDB_PREV);
    } else if (rc == MDB_NOTFOUND) {
      rc = mdb_cursor_get(cursor_, &k, &v, MDB_LAST);
    }
  }
  absl::string_view cur_uk;
  bool have_key = false, have_candidate = false;
  VersionView candidate;
  // Returns false when the scan must stop after emitting.
  auto emit = [&]() -> bool {
    if (!have_key || !have_candidate || IsTombstone(candidate.kind)) {
      return true;
    }
    ++result.rows;
    bool keep_going = visit(cur_uk, candidate.payload);
    if (!keep_going ||
        (options.max_rows != 0 && result.rows >= options.max_rows)) {
      result.more = true;
      result.resume_key.assign(cur_uk.data(), cur_uk.size());
      return false;
    }
    return true;
  };
  while (rc == MDB_SUCCESS) {
    absl::string_view uk;
    Timestamp ts;
    if (!SplitMvccKey(View(k), &uk, &ts)) return CorruptKey();
    if (uk < start) break;
    if (!have_key || uk != cur_uk) {
      if (!emit()) return result;
      cur_uk = uk;
      have_key = true;
      have_candidate = false;
    }
    VersionView ver;
    if (absl::Status s = DecodeVersion(View(v), &ver); !s.ok()) return s;
    if (IsIntent(ver.kind)) {
      if (own_intent(ver)) {
        candidate = ver;
        have_candidate = true;
      } else if (ts <= ro.ts) {
        return MakeIntentConflictError(uk, *TxnId::FromBytes(ver.txn_id), ts);
      }
    } else if (ver.kind == VersionKind::kInline || ts <= ro.ts) {
      candidate = ver;
      have_candidate = true;
    }
    rc = mdb_cursor_get(cursor_, &k, &v, MDB_PREV);
  }
  if (rc != MDB_SUCCESS && rc != MDB_NOTFOUND) return LmdbError(rc, "scan");
  emit();
  if (result.more && options.max_rows != 0 && result.rows < options.max_rows) {
    result.more = false;
  }
  return result;
}

absl::StatusOr<std::optional<std::string>> Snapshot::GetInline(
    absl::string_view key) {
  seek_buf_.clear();
  AppendMvccKey(&seek_buf_, key, Timestamp::Min());
  MDB_val k = Val(seek_buf_), v;
  int rc = mdb_get(txn_, engine_->dbi_, &k, &v);
  if (rc == MDB_NOTFOUND) return std::optional<std::string>();
  if (rc != MDB_SUCCESS) return LmdbError(rc, "get inline");
  VersionView ver;
  if (absl::Status s = DecodeVersion(View(v), &ver); !s.ok()) return s;
  if (ver.kind != VersionKind::kInline) {
    return absl::DataLossError("versioned value at an inline key");
  }
  return std::optional<std::string>(std::string(ver.payload));
}

ReadPin::~ReadPin() { engine_->Unpin(ts_); }

// ---------------------------------------------------------------------------
// Engine

struct Engine::PendingWrite {
  const WriteBatch* batch = nullptr;
  absl::Status status;
  bool done = false;
};

Engine::Engine(std::string dir, const EngineOptions& options)
    : dir_(std::move(dir)), options_(options) {
  read_pool_cap_ = std::min<size_t>(16, options.max_readers / 4);
}

absl::StatusOr<std::unique_ptr<Engine>> Engine::Open(
    const std::string& dir, const EngineOptions& options) {
  if (options.max_readers == 0) {
    return absl::InvalidArgumentError("max_readers must be at least 1");
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return absl::PermissionDeniedError(absl::StrFormat(
        "cannot create store directory %s: %s", dir, ec.message()));
  }
  std::unique_ptr<Engine> engine(new Engine(dir, options));
  if (absl::Status s = engine->Init(); !s.ok()) {
    return absl::Status(s.code(),
                        absl::StrCat("opening store ", dir, ": ", s.message()));
  }
  return engine;
}

absl::Status Engine::Init() {
  int rc = mdb_env_create(&env_);
  if (rc != MDB_SUCCESS) return LmdbError(rc, "env create");
  if ((rc = mdb_env_set_maxreaders(env_, options_.max_readers)) ||
      (rc = mdb_env_set_maxdbs(env_, 4)) ||
      (rc = mdb_env_set_mapsize(env_, options_.initial_map_size))) {
    return LmdbError(rc, "env setup");
  }
  unsigned flags = MDB_NOTLS;
  if (!options_.durable) flags |= MDB_NOSYNC;
  rc = mdb_env_open(env_, dir_.c_str(), flags, 0644);
  if (rc != MDB_SUCCESS) return LmdbError(rc, "env open");
  int stale = 0;
  mdb_reader_check(env_, &stale);
  if (options_.verify_on_open) {
    if (absl::Status v = VerifyFile(); !v.ok()) return v;
  }
  MDB_envinfo info;
  mdb_env_info(env_, &info);
  {
    absl::MutexLock l(&txn_mu_);
    map_size_ = info.me_mapsize;
  }
  max_key_size_ = mdb_env_get_maxkeysize(env_) - kTimestampSuffixSize;

  absl::Status s = RunWriteTxn([&](MDB_txn* txn) -> absl::Status {
    // Versions live in LMDB's main database. Stores created before
    // 2026-11-26 keep them in the named database "mvcc" and still do; a
    // named database costs every commit one more page write (the main
    // database's record of it). The lookup cannot mistake a version for
    // that record: every version key is longer than "mvcc".
    int r = mdb_dbi_open(txn, "mvcc", 0, &dbi_);
    if (r == MDB_NOTFOUND) r = mdb_dbi_open(txn, nullptr, 0, &dbi_);
    if (r != MDB_SUCCESS) return LmdbError(r, "open database");
    r = mdb_set_compare(txn, dbi_, &CompareMvccKeys);
    if (r != MDB_SUCCESS) return LmdbError(r, "set comparator");
    return absl::OkStatus();
  });
  if (!s.ok()) return s;

  absl::StatusOr<std::optional<std::string>> gc = GetInline(GcThresholdKey());
  if (!gc.ok()) return gc.status();
  if (gc->has_value()) {
    absl::string_view in = **gc;
    Timestamp ts;
    if (absl::Status d = DecodeTimestamp(&in, &ts); !d.ok()) return d;
    absl::MutexLock l(&gc_mu_);
    gc_threshold_ = ts;
  }
  return absl::OkStatus();
}

Engine::~Engine() {
  {
    absl::MutexLock l(&pool_mu_);
    for (auto& [txn, cursor] : read_pool_) {
      mdb_cursor_close(cursor);
      mdb_txn_abort(txn);
    }
    read_pool_.clear();
  }
  if (env_ != nullptr) mdb_env_close(env_);
}

void Engine::EnterTxn() {
  while (true) {
    open_txns_.fetch_add(1);
    if (!resizing_.load()) return;
    // A resize is waiting for transactions to drain: step back until it ends.
    ExitTxn();
    absl::MutexLock l(&txn_mu_);
    while (resizing_.load()) txn_cv_.Wait(&txn_mu_);
  }
}

void Engine::ExitTxn() {
  if (open_txns_.fetch_sub(1) == 1 && resizing_.load()) {
    absl::MutexLock l(&txn_mu_);
    txn_cv_.SignalAll();
  }
}

absl::Status Engine::GrowMap(size_t observed_size) {
  absl::MutexLock l(&txn_mu_);
  if (map_size_ > observed_size) return absl::OkStatus();  // grown meanwhile
  if (map_size_ >= options_.max_map_size) {
    return absl::ResourceExhaustedError(absl::StrFormat(
        "store %s is full: its map reached the configured maximum of %d bytes",
        dir_, options_.max_map_size));
  }
  resizing_.store(true);
  absl::Time deadline = absl::Now() + options_.resize_wait;
  while (open_txns_.load() != 0) {
    if (txn_cv_.WaitWithDeadline(&txn_mu_, deadline) &&
        open_txns_.load() != 0) {
      int open = open_txns_.load();
      resizing_.store(false);
      txn_cv_.SignalAll();
      return absl::ResourceExhaustedError(absl::StrFormat(
          "store %s needs a larger map but %d snapshots stayed open for %s; "
          "close long-lived snapshots and retry",
          dir_, open, absl::FormatDuration(options_.resize_wait)));
    }
  }
  size_t target = std::min(options_.max_map_size, map_size_ * 2);
  int rc = mdb_env_set_mapsize(env_, target);
  if (rc == MDB_SUCCESS) {
    MDB_envinfo info;
    mdb_env_info(env_, &info);
    map_size_ = info.me_mapsize;
    ++map_grows_;
  }
  resizing_.store(false);
  txn_cv_.SignalAll();
  return rc == MDB_SUCCESS ? absl::OkStatus() : LmdbError(rc, "grow map");
}

absl::Status Engine::RunWriteTxn(
    absl::FunctionRef<absl::Status(MDB_txn*)> fn) {
  while (true) {
    size_t observed;
    EnterTxn();
    {
      absl::MutexLock l(&txn_mu_);
      observed = map_size_;
    }
    MDB_txn* txn = nullptr;
    int rc = mdb_txn_begin(env_, nullptr, 0, &txn);
    absl::Status s;
    if (rc != MDB_SUCCESS) {
      s = LmdbError(rc, "begin write");
    } else {
      s = fn(txn);
      if (s.ok()) {
        rc = mdb_txn_commit(txn);
        if (rc != MDB_SUCCESS) s = LmdbError(rc, "commit");
      } else {
        mdb_txn_abort(txn);
      }
    }
    ExitTxn();
    if (!IsMapFull(s)) return s;
    if (absl::Status g = GrowMap(observed); !g.ok()) return g;
  }
}

absl::StatusOr<std::unique_ptr<Snapshot>> Engine::NewSnapshot() {
  EnterTxn();
  MDB_txn* txn = nullptr;
  MDB_cursor* cursor = nullptr;
  {
    absl::MutexLock l(&pool_mu_);
    if (!read_pool_.empty()) {
      std::tie(txn, cursor) = read_pool_.back();
      read_pool_.pop_back();
    }
  }
  if (txn != nullptr) {
    if (mdb_txn_renew(txn) != MDB_SUCCESS ||
        mdb_cursor_renew(txn, cursor) != MDB_SUCCESS) {
      mdb_cursor_close(cursor);
      mdb_txn_abort(txn);
      txn = nullptr;
    }
  }
  if (txn == nullptr) {
    int rc = mdb_txn_begin(env_, nullptr, MDB_RDONLY, &txn);
    if (rc != MDB_SUCCESS) {
      ExitTxn();
      return LmdbError(rc, "begin read");
    }
    rc = mdb_cursor_open(txn, dbi_, &cursor);
    if (rc != MDB_SUCCESS) {
      mdb_txn_abort(txn);
      ExitTxn();
      return LmdbError(rc, "open cursor");
    }
  }
  return std::unique_ptr<Snapshot>(new Snapshot(this, txn, cursor));
}

absl::Status Engine::VerifyFile() {
  // Under a read transaction: its snapshot stays put while it is read.
  EnterTxn();
  MDB_txn* txn = nullptr;
  int rc = mdb_txn_begin(env_, nullptr, MDB_RDONLY, &txn);
  if (rc != MDB_SUCCESS) {
    ExitTxn();
    return LmdbError(rc, "begin verify");
  }
  MDB_stat stat;
  mdb_env_stat(env_, &stat);
  absl::Status s = VerifyStoreFile(dir_ + "/data.mdb", stat.ms_psize, mdb_txn_id(txn));
  mdb_txn_abort(txn);
  ExitTxn();
  return s;
}

absl::Status Engine::CopyTo(const std::string& dir) {
  std::error_code ec;
  if (std::filesystem::exists(dir, ec) && !std::filesystem::is_empty(dir, ec)) {
    return absl::AlreadyExistsError(absl::StrFormat("output file already exists: %s", dir));
  }
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return absl::PermissionDeniedError(
        absl::StrFormat("cannot create directory %s: %s", dir, ec.message()));
  }
  EnterTxn();
  int rc = mdb_env_copy2(env_, dir.c_str(), MDB_CP_COMPACT);
  ExitTxn();
  if (rc != MDB_SUCCESS) {
    std::filesystem::remove(dir + "/data.mdb", ec);
    return LmdbError(rc, absl::StrCat("copy to ", dir));
  }
  // Flushed before it counts as written: the file, then its directory entry.
  for (const std::string& path : {dir + "/data.mdb", dir}) {
    const int fd = ::open(path.c_str(), O_RDONLY);
    if (fd < 0 || ::fsync(fd) != 0) {
      const int err = errno;
      if (fd >= 0) ::close(fd);
      return absl::InternalError(absl::StrFormat("flushing %s: %s", path, std::strerror(err)));
    }
    ::close(fd);
  }
  return absl::OkStatus();
}

void Engine::ReturnReadTxn(MDB_txn* txn, MDB_cursor* cursor) {
  mdb_txn_reset(txn);
  bool pooled = false;
  {
    absl::MutexLock l(&pool_mu_);
    if (read_pool_.size() < read_pool_cap_) {
      read_pool_.emplace_back(txn, cursor);
      pooled = true;
    }
  }
  if (!pooled) {
    mdb_cursor_close(cursor);
    mdb_txn_abort(txn);
  }
  ExitTxn();
}

absl::StatusOr<std::optional<std::string>> Engine::Get(
    absl::string_view key, const ReadOptions& options) {
  absl::StatusOr<std::unique_ptr<Snapshot>> snap = NewSnapshot();
  if (!snap.ok()) return snap.status();
  std::string value;
  bool found = false;
  if (absl::Status s = (*snap)->Get(key, options, &value, &found); !s.ok()) {
    return s;
  }
  if (!found) return std::optional<std::string>();
  return std::optional<std::string>(std::move(value));
}

absl::StatusOr<std::optional<std::string>> Engine::GetInline(
    absl::string_view key) {
  absl::StatusOr<std::unique_ptr<Snapshot>> snap = NewSnapshot();
  if (!snap.ok()) return snap.status();
  return (*snap)->GetInline(key);
}

// ---------------------------------------------------------------------------
// Writes

namespace {

struct Newest {
  bool exists = false;
  Timestamp ts;
  VersionView ver;
};

// Positions `c` on the newest version of `key` (any kind).
absl::Status FindNewest(MDB_cursor* c, std::string* buf, absl::string_view key,
                        Newest* out) {
  buf->clear();
  AppendMvccKey(buf, key, Timestamp::Max());
  MDB_val k = Val(*buf), v;
  int rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
  out->exists = false;
  if (rc == MDB_NOTFOUND) return absl::OkStatus();
  if (rc != MDB_SUCCESS) return LmdbError(rc, "seek");
  absl::string_view uk;
  if (!SplitMvccKey(View(k), &uk, &out->ts)) return CorruptKey();
  if (uk != key) return absl::OkStatus();
  if (absl::Status s = DecodeVersion(View(v), &out->ver); !s.ok()) return s;
  out->exists = true;
  return absl::OkStatus();
}

// Through the cursor the batch already positioned near the key (FindNewest),
// so LMDB usually finds the leaf page without descending from the root.
absl::Status PutVersion(MDB_cursor* c, std::string* buf,
                        absl::string_view key, Timestamp ts, VersionKind kind,
                        absl::string_view txn_id, absl::string_view payload) {
  buf->clear();
  AppendMvccKey(buf, key, ts);
  MDB_val k = Val(*buf);
  MDB_val v{EncodedVersionSize(kind, payload.size()), nullptr};
  int rc = mdb_cursor_put(c, &k, &v, MDB_RESERVE);
  if (rc != MDB_SUCCESS) return LmdbError(rc, "put");
  EncodeVersionInto(static_cast<char*>(v.mv_data), kind, txn_id, payload);
  return absl::OkStatus();
}

}  // namespace

namespace {

// Visits the key and timestamp of every version in [start, end) in key
// order (end "" : the versions of the single key `start`) until `visit`
// returns false.
absl::Status ForEachVersion(MDB_cursor* c, std::string* buf, absl::string_view start,
                            absl::string_view end,
                            absl::FunctionRef<bool(absl::string_view, Timestamp)> visit) {
  const bool point = end.empty();
  buf->clear();
  AppendMvccKey(buf, start, Timestamp::Max());
  MDB_val k = Val(*buf), v;
  int rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
  for (; rc == MDB_SUCCESS; rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
    absl::string_view uk;
    Timestamp ts;
    if (!SplitMvccKey(View(k), &uk, &ts)) return CorruptKey();
    if (point ? uk != start : uk >= end) break;
    if (!visit(uk, ts)) break;
  }
  if (rc != MDB_SUCCESS && rc != MDB_NOTFOUND) return LmdbError(rc, "scan versions");
  return absl::OkStatus();
}

absl::Status CheckNoWritesAfter(MDB_cursor* c, std::string* buf,
                                absl::string_view start, absl::string_view end,
                                Timestamp ts) {
  absl::Status conflict;
  absl::Status s = ForEachVersion(c, buf, start, end, [&](absl::string_view uk, Timestamp vts) {
    if (vts <= ts) return true;
    conflict = absl::AbortedError(absl::StrFormat(
        "restart transaction: key %s was written at %s, after this "
        "transaction's read timestamp %s (SQLSTATE 40001)",
        keys::PrettyKey(uk), vts.ToString(), ts.ToString()));
    return false;
  });
  return s.ok() ? conflict : s;
}

}  // namespace

absl::Status Engine::ApplyOp(MDB_txn* txn, MDB_cursor* c, const WriteBatch::Op& op,
                             std::string* buffer, std::string* saved) {
  std::string& buf = *buffer;
  std::string& saved_payload = *saved;
  absl::Status status;
  int rc;
  absl::string_view key = op.key;
  if (key.size() > max_key_size_) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "key of %d bytes exceeds the maximum of %d", key.size(),
        max_key_size_));
  }
  using T = WriteBatch::OpType;
  if (op.type == T::kPutInline || op.type == T::kDeleteInline) {
    if (op.type == T::kPutInline) {
      status = PutVersion(c, &buf, key, Timestamp::Min(),
                          VersionKind::kInline, "", op.value);
    } else {
      buf.clear();
      AppendMvccKey(&buf, key, Timestamp::Min());
      MDB_val k = Val(buf);
      rc = mdb_del(txn, dbi_, &k, nullptr);
      if (rc != MDB_SUCCESS && rc != MDB_NOTFOUND) {
        status = LmdbError(rc, "delete inline");
      }
    }
    return status;
  }
  if (op.type == T::kCheckNoWritesAfter) {
    // Below the GC threshold the versions written after `op.ts` may be
    // gone (a tombstone collected with what it hid): the span would look
    // untouched. The transaction restarts instead. Deletions run in later
    // LMDB write transactions than the threshold's raise, so a check that
    // passes here saw every version it needs.
    if (const Timestamp threshold = gc_threshold(); op.ts < threshold) {
      return absl::AbortedError(absl::StrFormat(
          "restart transaction: its read timestamp %s is below the GC threshold %s, so its "
          "reads cannot be validated (SQLSTATE 40001)",
          op.ts.ToString(), threshold.ToString()));
    }
    for (const WatchedSpan& w : watched_) {
      if (w.start == key && w.end == op.value && w.newest <= op.ts) return absl::OkStatus();
    }
    return CheckNoWritesAfter(c, &buf, key, op.value, op.ts);
  }
  if (op.type != T::kResolveIntent && op.ts.IsZero()) {
    return absl::InvalidArgumentError(
        "versioned writes need a non-zero timestamp");
  }
  Newest newest;
  if (status = FindNewest(c, &buf, key, &newest); !status.ok()) return status;
  const bool is_intent_write =
      op.type == T::kPutIntent || op.type == T::kDeleteIntent;
  switch (op.type) {
    case T::kPut:
    case T::kDelete:
    case T::kPutIntent:
    case T::kDeleteIntent: {
      if (newest.exists) {
        if (newest.ver.kind == VersionKind::kInline) {
          status = absl::InvalidArgumentError(
              "key holds an unversioned system value");
          break;
        }
        if (IsIntent(newest.ver.kind)) {
          if (!is_intent_write || newest.ver.txn_id != op.txn.bytes()) {
            status = MakeIntentConflictError(
                key, *TxnId::FromBytes(newest.ver.txn_id), newest.ts);
            break;
          }
          // Our own earlier intent: replace it.
          if (newest.ts != op.ts) {
            rc = mdb_cursor_del(c, 0);
            if (rc != MDB_SUCCESS) {
              status = LmdbError(rc, "replace intent");
              break;
            }
          }
        } else if (newest.ts >= op.ts) {
          status = MakeWriteTooOldError(key, op.ts, newest.ts);
          break;
        } else if (op.must_be_absent && newest.ver.kind == VersionKind::kValue) {
          status = absl::AlreadyExistsError(
              absl::StrFormat("key %s already exists", keys::PrettyKey(key)));
          break;
        }
      }
      VersionKind kind = op.type == T::kDelete        ? VersionKind::kTombstone
                         : op.type == T::kPutIntent    ? VersionKind::kIntentValue
                         : op.type == T::kDeleteIntent ? VersionKind::kIntentTombstone
                                                       : VersionKind::kValue;
      status = PutVersion(c, &buf, key, op.ts, kind, op.txn.bytes(),
                          op.value);
      if (status.ok()) NoteVersionWritten(key, op.ts);
      break;
    }
    case T::kResolveIntent: {
      if (!newest.exists || !IsIntent(newest.ver.kind) ||
          newest.ver.txn_id != op.txn.bytes()) {
        break;  // already resolved (or never written): nothing to do
      }
      if (op.commit && op.ts < newest.ts) {
        status = absl::InvalidArgumentError(absl::StrFormat(
            "commit timestamp %s is below the intent's timestamp %s",
            op.ts.ToString(), newest.ts.ToString()));
        break;
      }
      VersionKind kind = newest.ver.kind == VersionKind::kIntentValue
                             ? VersionKind::kValue
                             : VersionKind::kTombstone;
      saved_payload.assign(newest.ver.payload.data(),
                           newest.ver.payload.size());
      rc = mdb_cursor_del(c, 0);
      if (rc != MDB_SUCCESS) {
        status = LmdbError(rc, "resolve intent");
        break;
      }
      if (op.commit) {
        status = PutVersion(c, &buf, key, op.ts, kind, "",
                            saved_payload);
        if (status.ok()) NoteVersionWritten(key, op.ts);
      }
      break;
    }
    default:
      break;
  }
  return status;
}

void Engine::NoteVersionWritten(absl::string_view key, Timestamp ts) {
  for (WatchedSpan& w : watched_) {
    if (key >= w.start && key < w.end && w.newest < ts) w.newest = ts;
  }
}

absl::Status Engine::WatchWrites(absl::string_view start, absl::string_view end) {
  return RunWriteTxn([&](MDB_txn* txn) -> absl::Status {
    absl::MutexLock l(&watch_mu_);
    for (const WatchedSpan& w : watched_) {
      if (w.start == start && w.end == end) return absl::OkStatus();
    }
    WatchedSpan span{std::string(start), std::string(end), Timestamp::Min()};
    MDB_cursor* c = nullptr;
    int rc = mdb_cursor_open(txn, dbi_, &c);
    if (rc != MDB_SUCCESS) return LmdbError(rc, "open cursor");
    std::string buf;
    absl::Status status = ForEachVersion(c, &buf, start, end, [&](absl::string_view, Timestamp ts) {
      if (span.newest < ts) span.newest = ts;
      return true;
    });
    mdb_cursor_close(c);
    if (status.ok()) watched_.push_back(std::move(span));
    return status;
  });
}

absl::Status Engine::ApplyBatch(MDB_txn* txn, const WriteBatch& batch) {
  absl::MutexLock watch(&watch_mu_);
  MDB_cursor* c = nullptr;
  int rc = mdb_cursor_open(txn, dbi_, &c);
  if (rc != MDB_SUCCESS) return LmdbError(rc, "open cursor");
  std::string buf, saved_payload;
  buf.reserve(64);  // a versioned key: most user keys and their timestamp
  absl::Status status;
  for (const WriteBatch::Op& op : batch.ops()) {
    if (op.type != WriteBatch::OpType::kWrites) {
      status = ApplyOp(txn, c, op, &buf, &saved_payload);
    } else {
      // Each write as its own committed Put or Delete at op.ts.
      WriteBatch::Op one;
      one.ts = op.ts;
      for (const Mutation& m : op.writes) {
        one.type = m.deletion ? WriteBatch::OpType::kDelete : WriteBatch::OpType::kPut;
        one.must_be_absent = m.must_be_absent;
        one.key = m.key;
        one.value = m.value;
        status = ApplyOp(txn, c, one, &buf, &saved_payload);
        if (!status.ok()) break;
      }
    }
    if (!status.ok()) break;
  }
  mdb_cursor_close(c);
  return status;
}

bool Engine::ApplyGroup(std::vector<PendingWrite*>& group) {
  absl::InlinedVector<absl::Status, 4> results(group.size());
  absl::Status s = RunWriteTxn([&](MDB_txn* txn) -> absl::Status {
    if (group.size() == 1) {
      results[0] = ApplyBatch(txn, *group[0]->batch);
      return results[0];
    }
    for (size_t i = 0; i < group.size(); ++i) {
      // Each batch in its own nested transaction, so a rejected batch
      // leaves the others of the group intact.
      MDB_txn* child = nullptr;
      int rc = mdb_txn_begin(env_, txn, 0, &child);
      if (rc != MDB_SUCCESS) return LmdbError(rc, "begin nested");
      absl::Status r = ApplyBatch(child, *group[i]->batch);
      if (r.ok()) {
        rc = mdb_txn_commit(child);
        if (rc != MDB_SUCCESS) r = LmdbError(rc, "commit nested");
      } else {
        mdb_txn_abort(child);
      }
      if (IsMapFull(r)) return r;
      results[i] = r;
    }
    return absl::OkStatus();
  });
  // The waiters read their status only after seeing `done`, which the
  // leader sets under commit_mu_ after this.
  for (size_t i = 0; i < group.size(); ++i) group[i]->status = s.ok() ? results[i] : s;
  return s.ok();
}

absl::Status Engine::Write(const WriteBatch& batch) {
  if (batch.empty()) return absl::OkStatus();
  PendingWrite w;
  w.batch = &batch;
  commit_mu_.Lock();
  queue_.push_back(&w);
  return LeadOrWait(&w);
}

absl::Status Engine::Write(WriteBatch* batch,
                           absl::FunctionRef<void(WriteBatch*)> fill) {
  PendingWrite w;
  w.batch = batch;
  commit_mu_.Lock();
  fill(batch);
  if (batch->empty()) {
    commit_mu_.Unlock();
    return absl::OkStatus();
  }
  queue_.push_back(&w);
  return LeadOrWait(&w);
}

absl::Status Engine::LeadOrWait(PendingWrite* w) {
  while (!w->done && leader_active_) commit_cv_.Wait(&commit_mu_);
  if (w->done) {
    commit_mu_.Unlock();
    return w->status;
  }
  // Become the leader: commit everything queued so far in one transaction.
  leader_active_ = true;
  // Concurrent writers tend to arrive together (their previous commits
  // finished together): the first to arrive would otherwise commit alone
  // and the rest wait a whole sync for the next group.
  const size_t expected = active_writers_;
  if (expected > 1 && queue_.size() < expected && options_.durable) {
    auto enough = [this, expected]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(commit_mu_) {
      return queue_.size() >= expected;
    };
    commit_mu_.AwaitWithTimeout(absl::Condition(&enough), options_.group_wait);
  }
  leading_.swap(queue_);
  commit_mu_.Unlock();

  const bool synced = ApplyGroup(leading_);

  commit_mu_.Lock();
  if (synced) ++syncs_;
  for (PendingWrite* p : leading_) {
    if (p->status.ok()) {
      ++batches_committed_;
    } else {
      ++batches_failed_;
    }
    p->done = true;
  }
  active_writers_ = leading_.size() + queue_.size();
  leading_.clear();
  leader_active_ = false;
  commit_cv_.SignalAll();
  commit_mu_.Unlock();
  return w->status;
}

// ---------------------------------------------------------------------------
// GC

std::unique_ptr<ReadPin> Engine::PinReads(Timestamp ts) {
  Pin(ts);
  return std::unique_ptr<ReadPin>(new ReadPin(this, ts));
}

void Engine::Pin(Timestamp ts) {
  absl::MutexLock l(&gc_mu_);
  pins_.insert(ts);
}

void Engine::Unpin(Timestamp ts) {
  absl::MutexLock l(&gc_mu_);
  auto it = pins_.find(ts);
  if (it != pins_.end()) pins_.erase(it);
}

Timestamp Engine::gc_threshold() const {
  absl::MutexLock l(&gc_mu_);
  return gc_threshold_;
}

absl::StatusOr<GcStats> Engine::GarbageCollect(Timestamp threshold) {
  GcStats stats;
  {
    absl::MutexLock l(&gc_mu_);
    if (!pins_.empty() && *pins_.begin() < threshold) {
      threshold = *pins_.begin();
    }
    if (threshold < gc_threshold_) threshold = gc_threshold_;
    // Raised before anything is removed: from now on reads below it fail.
    gc_threshold_ = threshold;
  }
  stats.threshold = threshold;
  std::string persisted;
  EncodeTimestamp(threshold, &persisted);
  WriteBatch mark;
  mark.PutInline(GcThresholdKey(), persisted);
  if (absl::Status s = Write(mark); !s.ok()) return s;

  std::string resume;  // next user key to examine
  bool done = false;
  while (!done) {
    GcStats chunk;
    std::string chunk_resume;
    absl::Status s = RunWriteTxn([&](MDB_txn* txn) -> absl::Status {
      chunk = GcStats();
      chunk_resume.clear();
      MDB_cursor* c = nullptr;
      int rc = mdb_cursor_open(txn, dbi_, &c);
      if (rc != MDB_SUCCESS) return LmdbError(rc, "open cursor");
      std::string seek;
      AppendMvccKey(&seek, resume, Timestamp::Max());
      MDB_val k = Val(seek), v;
      rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
      std::string cur_key;
      bool have_key = false, covered = false;
      absl::Status st;
      while (rc == MDB_SUCCESS) {
        absl::string_view uk;
        Timestamp ts;
        if (!SplitMvccKey(View(k), &uk, &ts)) {
          st = CorruptKey();
          break;
        }
        if (!have_key || uk != cur_key) {
          if (chunk.keys_examined >= kGcKeysPerTxn) {
            chunk_resume.assign(uk.data(), uk.size());
            break;
          }
          cur_key.assign(uk.data(), uk.size());
          have_key = true;
          covered = false;
          ++chunk.keys_examined;
        }
        VersionView ver;
        if (st = DecodeVersion(View(v), &ver); !st.ok()) break;
        bool remove = false;
        if (!IsIntent(ver.kind) && ver.kind != VersionKind::kInline) {
          if (covered) {
            remove = true;  // hidden below the version readers at threshold see
          } else if (ts <= threshold) {
            covered = true;
            remove = ver.kind == VersionKind::kTombstone;
          }
        }
        if (remove) {
          rc = mdb_cursor_del(c, 0);
          if (rc != MDB_SUCCESS) {
            st = LmdbError(rc, "gc delete");
            break;
          }
          ++chunk.versions_removed;
          // After a delete MDB_NEXT yields the entry that followed it.
          rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
          continue;
        }
        rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
      }
      mdb_cursor_close(c);
      if (!st.ok()) return st;
      if (rc != MDB_SUCCESS && rc != MDB_NOTFOUND) return LmdbError(rc, "gc");
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
    stats.versions_removed += chunk.versions_removed;
    stats.keys_examined += chunk.keys_examined;
    if (chunk_resume.empty()) {
      done = true;
    } else {
      resume = chunk_resume;
    }
  }
  return stats;
}

void PutTxnRecord(WriteBatch* batch, const TxnRecord& record) {
  batch->PutInline(keys::TxnRecordKey(record.id.bytes()),
                   EncodeTxnRecord(record));
}

absl::StatusOr<std::optional<TxnRecord>> ReadTxnRecord(Engine* engine,
                                                       const TxnId& id) {
  absl::StatusOr<std::optional<std::string>> raw =
      engine->GetInline(keys::TxnRecordKey(id.bytes()));
  if (!raw.ok()) return raw.status();
  if (!raw->has_value()) return std::optional<TxnRecord>();
  absl::StatusOr<TxnRecord> record = DecodeTxnRecord(**raw);
  if (!record.ok()) {
    return absl::DataLossError(absl::StrFormat(
        "transaction record of %s: %s", id.Short(), record.status().message()));
  }
  if (record->id != id) {
    return absl::DataLossError(absl::StrFormat(
        "transaction record under %s names transaction %s", id.Short(),
        record->id.Short()));
  }
  return std::optional<TxnRecord>(*std::move(record));
}

EngineStats Engine::stats() const {
  EngineStats st;
  {
    absl::MutexLock l(&commit_mu_);
    st.batches_committed = batches_committed_;
    st.batches_failed = batches_failed_;
    st.syncs = syncs_;
  }
  absl::MutexLock l(&txn_mu_);
  st.map_grows = map_grows_;
  st.map_size = map_size_;
  return st;
}

}  // namespace tessera::storage
