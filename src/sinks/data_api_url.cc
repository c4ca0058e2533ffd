#include "sinks/data_api_url.h"

#include <string>

#include "http/url.h"

namespace billflow {

Result<DataApiUrl> ParseDataApiUrl(std::string_view url) {
  constexpr std::string_view kScheme = "data-api://";
  const std::string usage = "expected data-api://CLUSTER_ARN?secret=SECRET_ARN&database=DB";
  if (!url.starts_with(kScheme)) {
    return Fail(ErrorCode::kInvalidArgument, "\"" + std::string(url) + "\": " + usage);
  }
  std::string_view rest = url.substr(kScheme.size());
  std::size_t question = rest.find('?');
  DataApiUrl parsed;
  DataApiTarget& target = parsed.target;
  Result<std::string> cluster = PercentDecode(rest.substr(0, question), false);
  if (!cluster) return Fail(ErrorCode::kInvalidArgument, cluster.error().message);
  target.resource_arn = std::move(*cluster);
  std::string_view query = question == std::string_view::npos ? "" : rest.substr(question + 1);
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view item = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    std::size_t equals = item.find('=');
    std::string_view name = item.substr(0, equals);
    Result<std::string> value = PercentDecode(
        equals == std::string_view::npos ? std::string_view() : item.substr(equals + 1), false);
    if (!value) return Fail(ErrorCode::kInvalidArgument, value.error().message);
    if (name == "secret")
      target.secret_arn = std::move(*value);
    else if (name == "database")
      target.database = std::move(*value);
    else if (name == "engine" && (*value == "postgres" || *value == "postgresql"))
      parsed.dialect = SqlDialect::kPostgres;
    else if (name == "engine" && *value == "mysql")
      parsed.dialect = SqlDialect::kMysql;
    else if (name == "engine")
      return Fail(ErrorCode::kInvalidArgument,
                  "data-api URL: engine=\"" + *value +
                      "\" is not an Aurora engine; use engine=mysql (the default) or "
                      "engine=postgres");
    else
      return Fail(ErrorCode::kInvalidArgument,
                  "data-api URL: unknown parameter \"" + std::string(name) + "\"; " + usage);
  }
  if (!target.resource_arn.starts_with("arn:")) {
    return Fail(ErrorCode::kInvalidArgument,
                "data-api URL: \"" + target.resource_arn + "\" is not a cluster ARN; " + usage);
  }
  if (target.secret_arn.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "data-api URL: no secret=SECRET_ARN; " + usage);
  }
  return parsed;
}

}  // namespace billflow
