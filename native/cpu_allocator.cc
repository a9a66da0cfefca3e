// Tensors of a training step are allocated and freed by the hundred, in the same sizes every
// step. glibc serves blocks this large with fresh mmaps and unmaps them on free, so each step
// page-faults its activations back in (millions of faults an epoch; a third of the CPU time
// was the kernel's). Keeping them in glibc's heap instead removed the churn but let an
// out-of-bounds write in Debian's oneDNN 2.6.3 convolution backward corrupt heap metadata and
// abort long runs.
//
// So blocks of 1 MiB and more get mappings of their own here, with 64 KiB of slack past the
// end (an overrun lands there, in no other block) and an inaccessible guard page beyond it (an
// overrun past the slack faults instead of corrupting anything). Freed blocks are kept by size
// for reuse, least recently freed evicted first, up to STRAND_CPU_CACHE_MB (default a quarter
// of physical memory, at least 1 GiB; 0 keeps none). A cap below a training step's working set
// (a 12-block conv-lm at 16 x 1 kb frees ~1.5 GB of activations a step) sends every step back
// to fresh, zeroed pages: a quarter of the step's CPU time was the kernel clearing them.
// Smaller blocks come from malloc, as libtorch's own allocator serves them.
#include "cpu_allocator.h"

#include <c10/core/CPUAllocator.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <list>
#include <mutex>
#include <new>
#include <unordered_map>
#include <vector>

namespace strand {

namespace {

constexpr size_t kSmallest = size_t{1} << 20;
constexpr size_t kSlack = size_t{64} << 10;
// Each mapping starts with the block's size, so the data pointer alone frees it (oneDNN frees
// through raw_deleter, with no context); data stays 64-byte aligned as libtorch's.
constexpr size_t kHeader = 64;
constexpr size_t kHugePage = size_t{2} << 20;

size_t PageSize() {
  static const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  return page;
}

size_t RoundUp(size_t n, size_t to) { return (n + to - 1) / to * to; }

// What a freed block is remembered by: where its mapping starts and the usable size it serves.
struct Block {
  void* base;
  size_t size;
};

class BlockCache {
 public:
  explicit BlockCache(size_t capacity) : capacity_(capacity) {}

  void* Take(size_t size) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto found = bySize_.find(size);
      if (found != bySize_.end() && !found->second.empty()) {
        auto entry = found->second.back();
        found->second.pop_back();
        void* base = entry->base;
        cached_ -= size;
        lru_.erase(entry);
        return base;
      }
    }
    return Map(size);
  }

  void Give(void* base, size_t size) {
    std::vector<Block> evicted;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (size > capacity_) {
        evicted.push_back({base, size});
      } else {
        lru_.push_front({base, size});
        bySize_[size].push_back(lru_.begin());
        cached_ += size;
        while (cached_ > capacity_) {
          Block oldest = lru_.back();
          auto& same = bySize_[oldest.size];
          for (auto it = same.begin(); it != same.end(); ++it) {
            if ((*it)->base == oldest.base) {
              same.erase(it);
              break;
            }
          }
          lru_.pop_back();
          cached_ -= oldest.size;
          evicted.push_back(oldest);
        }
      }
    }
    for (const Block& b : evicted) Unmap(b.base, b.size);
  }

 private:
  static size_t Mapped(size_t size) { return RoundUp(kHeader + size + kSlack, PageSize()) + PageSize(); }

  static void* Map(size_t size) {
    size_t total = Mapped(size);
    void* base = mmap(nullptr, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) throw std::bad_alloc();
    if (total >= kHugePage) madvise(base, total, MADV_HUGEPAGE);
    mprotect(static_cast<char*>(base) + total - PageSize(), PageSize(), PROT_NONE);
    return base;
  }

  static void Unmap(void* base, size_t size) { munmap(base, Mapped(size)); }

  const size_t capacity_;
  std::mutex mutex_;
  std::list<Block> lru_;  // most recently freed first
  std::unordered_map<size_t, std::vector<std::list<Block>::iterator>> bySize_;
  size_t cached_ = 0;
};

class CachingCpuAllocator final : public c10::Allocator {
 public:
  explicit CachingCpuAllocator(size_t capacity) : cache_(capacity) {}

  c10::DataPtr allocate(size_t n) const override {
    void* data = Allocate(n);
    return {data, data, &Free, c10::Device(c10::DeviceType::CPU)};
  }

  // oneDNN frees what it allocates through this, with the data pointer alone.
  c10::DeleterFnPtr raw_deleter() const override { return &Free; }

 private:
  // A size of 0 in the header marks a small block from malloc.
  void* Allocate(size_t n) const {
    if (n == 0) return nullptr;
    char* base;
    size_t size = 0;
    if (n < kSmallest) {
      base = static_cast<char*>(std::aligned_alloc(kHeader, RoundUp(kHeader + n, kHeader)));
      if (base == nullptr) throw std::bad_alloc();
    } else {
      size = RoundUp(n, PageSize());
      base = static_cast<char*>(cache_.Take(size));
    }
    *reinterpret_cast<size_t*>(base) = size;
    return base + kHeader;
  }

  static void Free(void* data);

  mutable BlockCache cache_;
};

CachingCpuAllocator* instance = nullptr;

void CachingCpuAllocator::Free(void* data) {
  if (data == nullptr) return;
  char* base = static_cast<char*>(data) - kHeader;
  size_t size = *reinterpret_cast<size_t*>(base);
  if (size == 0) std::free(base);
  else instance->cache_.Give(base, size);
}

size_t DefaultCapacity() {
  long pages = sysconf(_SC_PHYS_PAGES);
  size_t quarter = pages > 0 ? static_cast<size_t>(pages) * PageSize() / 4 : 0;
  return std::max(quarter, size_t{1024} << 20);
}

size_t CapacityFromEnv() {
  const char* text = std::getenv("STRAND_CPU_CACHE_MB");
  if (text == nullptr || text[0] == '\0') return DefaultCapacity();
  char* end = nullptr;
  unsigned long long mb = std::strtoull(text, &end, 10);
  return end != text ? static_cast<size_t>(mb) << 20 : DefaultCapacity();
}

}  // namespace

void InstallCpuAllocator() {
  if (instance != nullptr) return;
  // Never freed: tensors may outlive any static destructor order.
  instance = new CachingCpuAllocator(CapacityFromEnv());
  c10::SetCPUAllocator(instance, /*priority=*/1);
}

}  // namespace strand
