// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast and fully specified, so the same seed
// yields the same bytes everywhere. Every random choice of billflow_gen comes from it and never
// from <random> distributions (whose output differs between standard libraries).
#ifndef BILLFLOW_BENCH_GEN_SPLIT_MIX64_H_
#define BILLFLOW_BENCH_GEN_SPLIT_MIX64_H_

#include <array>
#include <cstddef>
#include <cstdint>

namespace billflow_gen {

class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}

  uint64_t Next() {
    state_ += 0x9E3779B97F4A7C15ULL;
    uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  // A value in [0, bound), bound > 0. Multiply-high instead of modulo; the
  // bias (< bound / 2^64) is irrelevant for test data.
  uint64_t Below(uint64_t bound) {
    const unsigned __int128 wide = static_cast<unsigned __int128>(Next()) * bound;
    return static_cast<uint64_t>(wide >> 64);
  }

  // True with probability parts_per_billion / 10^9.
  bool Chance(uint64_t parts_per_billion) { return Below(1'000'000'000) < parts_per_billion; }

  template <typename T, size_t kSize>
  const T& Pick(const std::array<T, kSize>& items) {
    return items[Below(kSize)];
  }

 private:
  uint64_t state_;
};

}  // namespace billflow_gen

#endif  // BILLFLOW_BENCH_GEN_SPLIT_MIX64_H_
