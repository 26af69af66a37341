#include "storage/verify.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <vector>

#include "absl/strings/str_format.h"

namespace tessera::storage {
namespace {

// LMDB 0.9's file format (lmdb's mdb.c), little-endian, 64-bit pgno_t.
constexpr size_t kPageHeader = 16;  // pgno 8, pad 2, flags 2, lower 2, upper 2
constexpr size_t kNodeHeader = 8;   // lo 2, hi 2, flags 2, ksize 2
constexpr uint16_t kBranch = 0x01, kLeaf = 0x02, kOverflow = 0x04, kMeta = 0x08;
constexpr uint16_t kBigData = 0x01, kSubData = 0x02;
constexpr uint32_t kMagic = 0xBEEFC0DE;
constexpr size_t kDbRecord = 48;      // MDB_db
constexpr size_t kMetaDbs = kPageHeader + 24;  // after magic, version, address, mapsize
constexpr uint64_t kNoRoot = ~uint64_t{0};

template <typename T>
T Load(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

struct Db {
  uint16_t depth = 0;
  uint64_t root = kNoRoot;
};

Db LoadDb(const char* record) {
  return Db{Load<uint16_t>(record + 6), Load<uint64_t>(record + 40)};
}

class Verifier {
 public:
  Verifier(int fd, std::string path, uint32_t page_size)
      : fd_(fd), path_(std::move(path)), psize_(page_size) {}
  ~Verifier() {
    if (map_ != nullptr) munmap(const_cast<char*>(map_), map_size_);
  }

  absl::Status Run(uint64_t txn_id) {
    struct stat st;
    if (fstat(fd_, &st) != 0) return Damaged(0, "cannot stat the file");
    if (static_cast<uint64_t>(st.st_size) < 2 * uint64_t{psize_}) {
      return Damaged(0, "shorter than its two meta pages");
    }
    // The file is mapped only up to its size: no page read here can fault.
    if (!Map(2 * uint64_t{psize_})) return Damaged(0, "the meta pages cannot be read");
    const char* chosen = nullptr;
    for (uint64_t m = 0; m < 2; ++m) {
      const char* p = map_ + m * psize_;
      if (Load<uint32_t>(p + kPageHeader) == kMagic &&
          (Load<uint16_t>(p + 10) & kMeta) != 0 &&
          Load<uint64_t>(p + kMetaDbs + 2 * kDbRecord + 8) == txn_id) {
        chosen = p;
      }
    }
    // A writer in another process has moved on twice since our snapshot
    // began: that process holds the file open, so it is no torn copy, and
    // there is no fixed state to check.
    if (chosen == nullptr) return absl::OkStatus();
    last_ = Load<uint64_t>(chosen + kMetaDbs + 2 * kDbRecord);
    if (last_ < 1 || last_ > (uint64_t{1} << 40)) return Damaged(0, "the meta page is damaged");
    const uint64_t needed = (last_ + 1) * psize_;
    if (static_cast<uint64_t>(st.st_size) < needed) {
      return absl::DataLossError(absl::StrFormat(
          "store file %s is truncated: %d bytes, its last committed state needs %d", path_,
          st.st_size, needed));
    }
    // Copy the chosen meta's fields before remapping.
    const Db free_db = LoadDb(chosen + kMetaDbs), main_db = LoadDb(chosen + kMetaDbs + kDbRecord);
    if (!Map(needed)) return Damaged(0, "cannot be mapped for reading");
    seen_.assign(last_ + 1, false);
    if (absl::Status s = Tree(free_db, /*free_db=*/true); !s.ok()) return s;
    return Tree(main_db, /*free_db=*/false);
  }

 private:
  absl::Status Damaged(uint64_t pgno, absl::string_view what) const {
    return absl::DataLossError(absl::StrFormat(
        "store file %s is damaged (page %d: %s); restore it from a backup", path_, pgno, what));
  }

  bool Map(uint64_t bytes) {
    if (map_ != nullptr) munmap(const_cast<char*>(map_), map_size_);
    void* m = mmap(nullptr, bytes, PROT_READ, MAP_SHARED, fd_, 0);
    if (m == MAP_FAILED) {
      map_ = nullptr;
      return false;
    }
    madvise(m, bytes, MADV_WILLNEED);
    map_ = static_cast<const char*>(m);
    map_size_ = bytes;
    return true;
  }

  // Page `pgno` (and `pages` - 1 after it), or null past the mapped end.
  const char* Page(uint64_t pgno, uint64_t pages = 1) const {
    if (pages == 0 || pgno >= map_size_ / psize_ || pages > map_size_ / psize_ - pgno) {
      return nullptr;
    }
    return map_ + pgno * psize_;
  }

  // Claims `count` pages from `pgno` for one owner; false if any is out of
  // range or already claimed (a cycle or a shared page).
  bool Claim(uint64_t pgno, uint64_t count) {
    if (pgno < 2 || count == 0 || pgno > last_ || count > last_ + 1 - pgno) return false;
    for (uint64_t p = pgno; p < pgno + count; ++p) {
      if (seen_[p]) return false;
      seen_[p] = true;
    }
    return true;
  }

  // Every page of one B-tree, level by level from its root.
  absl::Status Tree(const Db& db, bool free_db) {
    if (db.root == kNoRoot) {
      return db.depth == 0 ? absl::OkStatus() : Damaged(0, "a database has depth but no root");
    }
    if (db.depth == 0 || db.depth > 64) return Damaged(db.root, "impossible tree depth");
    if (!Claim(db.root, 1)) return Damaged(db.root, "a root page out of range or shared");
    std::vector<std::pair<uint64_t, int>> pending = {{db.root, 1}};
    while (!pending.empty()) {
      auto [pgno, level] = pending.back();
      pending.pop_back();
      const char* p = Page(pgno);
      if (p == nullptr) return Damaged(pgno, "past the file's end");
      if (Load<uint64_t>(p) != pgno) return Damaged(pgno, "holds another page's number");
      // Without the bits LMDB only sets in memory (dirty, loose, keep).
      const uint16_t flags = Load<uint16_t>(p + 10) & ~uint16_t{0xC010};
      const bool leaf = level == db.depth;
      if (flags != (leaf ? kLeaf : kBranch)) return Damaged(pgno, "wrong page kind for its level");
      const uint16_t lower = Load<uint16_t>(p + 12), upper = Load<uint16_t>(p + 14);
      if (lower < kPageHeader || lower > upper || upper > psize_ || (lower - kPageHeader) % 2 != 0) {
        return Damaged(pgno, "page bounds out of range");
      }
      const size_t keys = (lower - kPageHeader) / 2;
      if (!leaf && keys == 0) return Damaged(pgno, "a branch page without children");
      for (size_t i = 0; i < keys; ++i) {
        const uint16_t at = Load<uint16_t>(p + kPageHeader + 2 * i);
        if (at < upper || at % 2 != 0 || size_t{at} + kNodeHeader > psize_) {
          return Damaged(pgno, "a node outside the page");
        }
        const char* node = p + at;
        const uint16_t lo = Load<uint16_t>(node), hi = Load<uint16_t>(node + 2);
        const uint16_t node_flags = Load<uint16_t>(node + 4);
        const uint16_t ksize = Load<uint16_t>(node + 6);
        const size_t key_end = size_t{at} + kNodeHeader + ksize;
        if (key_end > psize_) return Damaged(pgno, "a key past the page's end");
        if (!leaf) {
          const uint64_t child = lo | (uint64_t{hi} << 16) | (uint64_t{node_flags} << 32);
          if (!Claim(child, 1)) return Damaged(pgno, "a child page out of range or shared");
          pending.push_back({child, level + 1});
          continue;
        }
        const uint64_t dsize = lo | (uint64_t{hi} << 16);
        if (node_flags & ~(kBigData | kSubData)) return Damaged(pgno, "unknown node flags");
        if (node_flags & kBigData) {
          if (key_end + 8 > psize_) return Damaged(pgno, "a value reference past the page's end");
          if (absl::Status s = Overflow(pgno, Load<uint64_t>(p + key_end), dsize, free_db);
              !s.ok()) {
            return s;
          }
          continue;
        }
        if (key_end + dsize > psize_) return Damaged(pgno, "a value past the page's end");
        if (node_flags & kSubData) {
          // A named database (stores made before 2026-11-26 keep their
          // versions in one): its record leads to a tree of its own.
          if (free_db || dsize != kDbRecord) return Damaged(pgno, "a malformed database record");
          pending_dbs_.push_back(LoadDb(p + key_end));
          continue;
        }
        if (free_db) {
          if (absl::Status s = FreeList(pgno, p + key_end, dsize); !s.ok()) return s;
        }
      }
    }
    while (!pending_dbs_.empty()) {
      Db sub = pending_dbs_.back();
      pending_dbs_.pop_back();
      if (absl::Status s = Tree(sub, false); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

  // A value stored on overflow pages, referenced from leaf `from`.
  absl::Status Overflow(uint64_t from, uint64_t pgno, uint64_t dsize, bool free_db) {
    const char* p = pgno < 2 || pgno > last_ ? nullptr : Page(pgno);
    if (p == nullptr) return Damaged(from, "a value's overflow page out of range");
    const uint32_t pages = Load<uint32_t>(p + 12);
    if (Load<uint64_t>(p) != pgno || (Load<uint16_t>(p + 10) & ~uint16_t{0xC010}) != kOverflow ||
        dsize > uint64_t{pages} * psize_ - kPageHeader || !Claim(pgno, pages)) {
      return Damaged(pgno, "a malformed overflow page");
    }
    if (!free_db) return absl::OkStatus();
    const char* all = Page(pgno, pages);
    if (all == nullptr) return Damaged(pgno, "past the file's end");
    return FreeList(pgno, all + kPageHeader, dsize);
  }

  // A free-page record: a count, then that many page numbers LMDB will
  // write to.
  absl::Status FreeList(uint64_t pgno, const char* data, uint64_t dsize) const {
    if (dsize < 8) return Damaged(pgno, "a malformed free-page list");
    const uint64_t n = Load<uint64_t>(data);
    if (n > (dsize - 8) / 8) return Damaged(pgno, "a malformed free-page list");
    for (uint64_t i = 1; i <= n; ++i) {
      const uint64_t free_page = Load<uint64_t>(data + 8 * i);
      if (free_page < 2 || free_page > last_) return Damaged(pgno, "a free page out of range");
    }
    return absl::OkStatus();
  }

  const int fd_;
  const std::string path_;
  const uint32_t psize_;
  const char* map_ = nullptr;
  uint64_t map_size_ = 0;
  uint64_t last_ = 0;
  std::vector<bool> seen_;
  std::vector<Db> pending_dbs_;
};

}  // namespace

absl::Status VerifyStoreFile(const std::string& path, uint32_t page_size, uint64_t txn_id) {
  if (page_size < 512 || page_size > (1u << 16)) {
    return absl::InvalidArgumentError(absl::StrFormat("page size %d", page_size));
  }
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return absl::DataLossError(absl::StrFormat("cannot read store file %s: %s", path,
                                               std::strerror(errno)));
  }
  absl::Status s = Verifier(fd, path, page_size).Run(txn_id);
  close(fd);
  return s;
}

}  // namespace tessera::storage
