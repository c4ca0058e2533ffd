#ifndef BILLFLOW_TESTS_FUZZ_FUZZ_CHECK_H_
#define BILLFLOW_TESTS_FUZZ_FUZZ_CHECK_H_

#include <cstdio>
#include <cstdlib>

// An invariant of a fuzz target. A violation aborts, which libFuzzer reports as a crash and
// saves the input; the replay executables report it the same way.
#define FUZZ_CHECK(condition)                                                                \
  do {                                                                                       \
    if (!(condition)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                          \
    }                                                                                        \
  } while (false)

#endif  // BILLFLOW_TESTS_FUZZ_FUZZ_CHECK_H_
