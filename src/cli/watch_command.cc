// billflow watch DIR: the inbox watcher (inbox_watcher.h) on the configured database.
#include "cli/commands.h"
#include "cli/dialect_chooser.h"
#include "cli/inbox_watcher.h"
#include "cli/open_database.h"

namespace billflow {

int RunWatch(const Config& config, const Logger& log, const std::atomic<bool>& stop) {
  if (config.paths.size() != 1) {
    log.Error("watch needs exactly one directory");
    return kExitUsage;
  }
  if (auto chooser = MakeDialectChooser(config); !chooser) {  // a bad profile is a usage error
    log.Error(chooser.error().message);
    return kExitUsage;
  }
  auto connect = MakeDatabaseFactory(config);  // checks the URL without connecting
  if (!connect) {
    log.Error(connect.error().message);
    return kExitUsage;
  }
  InboxWatcher watcher(config, log, stop, std::move(*connect));
  return watcher.Run();
}

}  // namespace billflow
