#ifndef BILLFLOW_CORE_RESULT_H_
#define BILLFLOW_CORE_RESULT_H_

#include <string>
#include <tl/expected.hpp>
#include <utility>

#include "core/error.h"

namespace billflow {

template <typename T>
using Result = tl::expected<T, Error>;
using Status = Result<void>;

// `return Fail(ErrorCode::kIo, "cannot open x");` from any function returning Result<T>.
inline tl::unexpected<Error> Fail(ErrorCode code, std::string message) {
  return tl::unexpected<Error>(Error{code, std::move(message)});
}

inline Status Ok() { return {}; }

}  // namespace billflow

// Evaluates a Status/Result expression; returns its error from the enclosing function.
#define BILLFLOW_TRY(expr)                                                               \
  do {                                                                                   \
    if (auto billflow_try_result_ = (expr); !billflow_try_result_) {                     \
      return tl::unexpected<::billflow::Error>(std::move(billflow_try_result_).error()); \
    }                                                                                    \
  } while (false)

#endif  // BILLFLOW_CORE_RESULT_H_
