// The test suites' one way to open a sink: the Open result checked, then Migrate, each failure
// reported with its message; nullptr when the sink did not open.
#ifndef BILLFLOW_TESTS_INTEGRATION_MIGRATED_SINK_H_
#define BILLFLOW_TESTS_INTEGRATION_MIGRATED_SINK_H_

#include <gtest/gtest.h>

#include <memory>

#include "core/result.h"

namespace billflow::testing {

template <typename Sink>
std::unique_ptr<Sink> Migrated(Result<std::unique_ptr<Sink>> sink) {
  EXPECT_TRUE(sink) << sink.error().message;
  if (!sink) return nullptr;
  auto migrated = (*sink)->Migrate();
  EXPECT_TRUE(migrated) << migrated.error().message;
  return std::move(*sink);
}

}  // namespace billflow::testing

#endif  // BILLFLOW_TESTS_INTEGRATION_MIGRATED_SINK_H_
