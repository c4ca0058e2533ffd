// billflow watch DIR: the inbox watcher (inbox_watcher.h) on the configured database.
#include "cli/commands.h"
#include "cli/inbox_watcher.h"
#include "cli/ingest_settings.h"
#include "cli/open_database.h"

namespace billflow {

int RunWatch(const Config& config, const Logger& log, const std::atomic<bool>& stop) {
  if (config.paths.size() != 1) {
    log.Error("watch needs exactly one directory");
    return kExitUsage;
  }
  auto connect = MakeDatabaseFactory(config);  // checks the URL without connecting
  if (!connect) {
    log.Error(connect.error().message);
    return kExitUsage;
  }
  auto settings = MakeIngestSettings(config);
  if (!settings) {
    log.Error(settings.error().message);
    return kExitUsage;
  }
  InboxWatcher watcher(config, log, stop, std::move(*connect), std::move(*settings));
  return watcher.Run();
}

}  // namespace billflow
