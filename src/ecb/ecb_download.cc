#include "ecb/ecb_download.h"

#include <chrono>

#include "core/target_calendar.h"

namespace billflow {
namespace {

Result<std::string> Download(HttpClient& http, const std::string& url) {
  HttpRequest request;
  request.url = url;
  request.timeout = std::chrono::seconds(120);
  std::string body;
  auto response = http.SendStreaming(request, [&body](std::string_view chunk) -> Status {
    if (body.size() + chunk.size() > kMaxEcbDocumentBytes) {
      return Fail(ErrorCode::kLimitExceeded,
                  "larger than " + std::to_string(kMaxEcbDocumentBytes) + " bytes");
    }
    body.append(chunk);
    return Ok();
  });
  if (!response) {
    if (response.error().code == ErrorCode::kLimitExceeded) {
      return Fail(ErrorCode::kLimitExceeded, "GET " + url + ": " + response.error().message);
    }
    return tl::unexpected(response.error());
  }
  if (!response->ok()) {
    return Fail(ErrorCode::kUnavailable,
                "GET " + url + ": HTTP " + std::to_string(response->status));
  }
  return body;
}

// Whether a feed starting on `first` continues a history ending on `newest_stored`.
bool Continues(CivilDate first, CivilDate newest_stored) {
  if (first <= newest_stored) return true;
  const std::int64_t after = newest_stored.DaysSinceEpoch() + 1;
  const std::int64_t before = first.DaysSinceEpoch() - 1;
  return MissingTargetWorkingDays({}, CivilDate::FromDaysSinceEpoch(after),
                                  CivilDate::FromDaysSinceEpoch(before))
      .empty();
}

Result<EcbDownload> DownloadOne(HttpClient& http, const std::string& url, EcbDownload so_far) {
  auto body = Download(http, url);
  so_far.urls.push_back(url);
  if (!body) return tl::unexpected(body.error());
  auto document = ParseEcbDocument(*body, url);
  if (!document) return tl::unexpected(document.error());
  so_far.url = url;
  so_far.document = std::move(*document);
  return so_far;
}

}  // namespace

Status ValidateEcbLocation(std::string_view location) {
  if (location.starts_with("https://")) return Ok();
  return Fail(ErrorCode::kInvalidArgument,
              "ECB URL \"" + std::string(location) +
                  "\" is not https://: rates are downloaded over verified TLS only");
}

Result<EcbDownload> DownloadEcbRates(HttpClient& http, std::string_view location,
                                     std::optional<CivilDate> newest_stored) {
  BILLFLOW_TRY(ValidateEcbLocation(location));
  const std::string base(location);
  if (!base.ends_with("/")) return DownloadOne(http, base, {});
  if (newest_stored) {
    auto recent = DownloadOne(http, base + kEcbLast90DaysXml, {});
    if (!recent) return recent;
    if (Continues(*recent->document.rates.first_date, *newest_stored)) return recent;
    return DownloadOne(http, base + kEcbHistoryZip, std::move(*recent));
  }
  return DownloadOne(http, base + kEcbHistoryZip, {});
}

}  // namespace billflow
