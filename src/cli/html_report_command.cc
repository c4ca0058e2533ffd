// billflow report --format html: the self-contained page of report/html_report.h.
#include <ctime>
#include <fstream>

#include "cli/commands.h"
#include "cli/open_database.h"
#include "report/html_report.h"

namespace billflow {

int RunHtmlReport(const Config& config, const Logger& log) {
  auto opened = OpenDatabase(config);
  if (!opened) {
    log.Error(opened.error().message);
    return opened.error().code == ErrorCode::kInvalidArgument ? kExitUsage : kExitFileFailed;
  }
  Database& db = **opened;
  HtmlReportInput input;
  auto by_month = db.Totals(GroupBy::kMonth);
  auto by_product = db.Totals(GroupBy::kProductLine);
  auto rejects = db.Rejects(std::nullopt);
  auto files = db.Files();
  for (const Error* error :
       {by_month ? nullptr : &by_month.error(), by_product ? nullptr : &by_product.error(),
        rejects ? nullptr : &rejects.error(), files ? nullptr : &files.error()}) {
    if (error != nullptr) {
      log.Error(error->message);
      return kExitFileFailed;
    }
  }
  input.by_month = std::move(*by_month);
  input.by_product_line = std::move(*by_product);
  std::vector<std::string> reasons;
  reasons.reserve(rejects->size());
  for (StoredReject& r : *rejects) reasons.push_back(std::move(r.reason));
  input.rejects = CountRejectReasons(reasons);
  for (const StoredFile& f : *files) {
    (f.status == "failed" ? input.files_failed : input.files_loaded) += 1;
  }
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char when[32];
  std::strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", &tm);
  input.subtitle = config.db_url + " \xC2\xB7 generated " + when;

  const auto rendered = RenderHtml(input);
  if (!rendered) {
    log.Error(rendered.error().message);
    return kExitFileFailed;
  }
  const std::string& html = *rendered;
  if (config.out.empty()) {
    std::fwrite(html.data(), 1, html.size(), stdout);
    return kExitOk;
  }
  std::ofstream out(config.out, std::ios::binary | std::ios::trunc);
  out << html;
  if (!out.flush()) {
    log.Error("--out " + config.out + ": cannot write");
    return kExitFileFailed;
  }
  log.Info("wrote " + config.out);
  return kExitOk;
}

}  // namespace billflow
