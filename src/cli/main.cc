// billflow: billing CSV files into SQL, every amount converted to USD exactly.
// The only place that reads argv and the environment; everything below gets a Config.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "cli/commands.h"
#include "cli/ingest_settings.h"

extern char** environ;  // POSIX; declared here so main.cc alone reads the environment

namespace {

std::atomic<bool> g_stop{false};

void OnSignal(int) { g_stop.store(true); }

std::optional<std::string> Env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

// libpq reads PG* variables (PGSSLMODE, PGHOST, PGPASSWORD, PGSERVICE, …) for every setting
// not passed explicitly: a stray PGSSLMODE=disable must not weaken a postgres:// URL, and no
// password may come from anywhere but BILLFLOW_DB_PASSWORD, --password-file or a secret. The
// sink passes every setting it uses; the rest are removed here, before any connection.
void RemoveLibpqEnvironment() {
  std::vector<std::string> names;
  for (char** e = ::environ; *e != nullptr; ++e) {
    const std::string_view entry(*e);
    if (!entry.starts_with("PG")) continue;
    names.emplace_back(entry.substr(0, entry.find('=')));
  }
  for (const std::string& name : names) ::unsetenv(name.c_str());
}

// Fills the parts of Config that come from the environment.
void ReadEnvironment(billflow::Config* config) {
  RemoveLibpqEnvironment();
  if (auto db = Env("BILLFLOW_DB")) config->db_url = *db;
  if (auto password = Env("BILLFLOW_DB_PASSWORD")) config->db_password = *password;
  if (auto ecb_url = Env("BILLFLOW_ECB_URL")) config->ecb_url = *ecb_url;
  config->stderr_is_tty = ::isatty(STDERR_FILENO) != 0;
  config->log_format =
      config->stderr_is_tty ? billflow::LogFormat::kText : billflow::LogFormat::kJson;
  if (auto format = Env("BILLFLOW_LOG_FORMAT")) {
    config->log_format =
        *format == "json" ? billflow::LogFormat::kJson : billflow::LogFormat::kText;
  }
  for (char** e = ::environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    const auto eq = entry.find('=');
    if (eq == std::string::npos) continue;
    const std::string key = entry.substr(0, eq);
    if (key.rfind("AWS_", 0) == 0 || key.rfind("BILLFLOW_", 0) == 0 || key == "_HANDLER" ||
        key == "SSL_CERT_FILE" || key == "CURL_CA_BUNDLE" || key == "LAMBDA_TASK_ROOT" ||
        key == "HOME") {
      config->environment[key] = entry.substr(eq + 1);
    }
  }
}

constexpr char kIngestExamples[] = R"(
Examples:
  billflow ingest examples/                      load every *.csv in a folder into sqlite:billflow.db
  billflow ingest --db sqlite:/data/bills.db a.csv b.csv
  billflow ingest --rates rates.csv --max-rejects 100 --json inbox/
  cat bills.csv | billflow ingest -               read standard input
  billflow ingest s3://bucket/inbox/              every *.csv under an S3 prefix
  billflow ingest --event event.json              an S3/SQS event, exactly as the Lambda handles it
  BILLFLOW_DB_PASSWORD=… billflow ingest --db mysql://loader@db.internal/billing bills.csv

A bad row is stored in billing_rejects with its line and reason; the rest of the file loads.
A file is one transaction: loading the same content again changes nothing.
Exit codes: 0 all files loaded or unchanged, 1 a file failed (others still loaded), 2 usage.)";

constexpr char kReportExamples[] = R"(
Examples:
  billflow report                                  USD totals by currency
  billflow report --by month --format csv --out by-month.csv
  billflow report --by file --format json
  billflow report --format html --out report.html   one self-contained page with charts
  billflow report --reconversions                  the recorded `billflow reconvert` runs)";

constexpr char kWatchExamples[] = R"(
Examples:
  billflow watch /srv/inbox                        load what is there, then each file as it arrives
  billflow watch --db sqlite:/data/bills.db --settle-ms 2000 /srv/sftp/billing
  systemctl start billflow-watch                   see deploy/systemd/billflow-watch.service

A file is loaded once its writer has closed it (or it was moved in) and it has not changed for
--settle-ms; names starting with '.' or ending in .tmp/.part are ignored until renamed. Each file
then moves to DIR/processed/, or to DIR/failed/ with NAME.error.txt saying why. A lost
connection or a failover is retried for --retry-window-seconds; a file whose window ran out
stays in DIR and is tried again. SIGTERM/SIGINT finishes or rolls back the current file and
exits 0.)";

constexpr char kRatesExamples[] = R"(
Examples:
  billflow rates import --ecb eurofxref-hist.zip     the ECB's history, as downloaded (zip or .csv)
  billflow rates import --ecb eurofxref-daily.xml    one day's rates (or eurofxref-hist-90d.xml)
  billflow rates import --csv corrections.csv        currency,rate_to_usd,valid_from (finance's own)
  billflow rates fetch                               download the latest ECB rates and import them
  billflow rates fetch --ecb-url https://mirror.internal/eurofxref/    a mirror of the ECB's folder
  billflow rates show                                the rate in force for each currency
  billflow rates show --currency EUR                 one currency's history, newest first

ECB quotes are per EUR; each becomes a USD rate (EUR is the ECB's own USD quote). Importing the
same rates again changes nothing. Each import prints dates added, rates added / changed
(old -> new) / unchanged, and gaps: TARGET working days without ECB rates in the span imported
(weekends, 1 Jan, Good Friday, Easter Monday, 1 May, 25 and 26 Dec are never gaps).
fetch takes eurofxref-hist-90d.xml from https://www.ecb.europa.eu/stats/eurofxref/ when it
reaches back to the newest stored ECB date, else eurofxref-hist.zip; --ecb-url (or
BILLFLOW_ECB_URL) names one feed file or a base URL ending in '/'. HTTPS only; the server's
certificate is verified against the system CAs, or SSL_CERT_FILE when set.
A row's rate is the latest one on or before its bill_date, so a weekend bill uses Friday's
rate. USD converts at exactly 1 and needs no rate. After storing rates, import and fetch run
`billflow rejects retry`: rate-missing rejects the new rates cover move into billing_data
(--rounding and --max-rate-age-days apply as in an ingest).)";

constexpr char kRejectsExamples[] = R"(
Examples:
  billflow rejects --out rejects.csv               every rejected row: source, line, reason, raw line
  billflow rejects --source inbox/bakery.csv       rejects of one file (a path or a stored URI)

Text cells starting with = + - @ are prefixed with ' so spreadsheets never run them.)";

constexpr char kRejectsRetryHelp[] = R"(
Examples:
  billflow rejects retry                 settle the rate-missing rejects that stored rates now cover

A row rejected only because no rate existed for its currency on its bill_date (or only one
older than the rate-age limit) keeps its fields. This validates each such row again with the
database's fx_rates, the same rate choice and age limit as an ingest (--rounding,
--max-rate-age-days), and, per file in one transaction, moves those that now convert from
billing_rejects into billing_data, updating the file's rows_loaded, rows_rejected and
usd_total exactly. Every other reject stays; running it again changes nothing. It runs by
itself after every `rates import` and `rates fetch`, in `watch` after it stores --rates, and
in the Lambda after its scheduled rates fetch.)";

constexpr char kReconvertHelp[] = R"(
Examples:
  billflow reconvert --currency EUR --from 2025-06-01 --dry-run   what a corrected EUR rate changes
  billflow reconvert --currency EUR --from 2025-06-01             apply it
  billflow report --reconversions                                 every recorded run

Importing a rate that differs from a stored one changes no loaded row: the import reports how
many rows used the old value. reconvert recomputes fx_rate, fx_rate_date, fx_rate_source and
bill_amount_usd of the loaded rows selected (all, or one currency and/or a bill_date range)
from the stored fx_rates, with the rate choice and age limit of an ingest (--rounding,
--max-rate-age-days); a row without a usable rate now keeps its values. One transaction per
file, whose usd_total moves by exactly the change. Each run (when, the filter, files, rows,
old and new USD totals of the changed rows) is recorded in fx_reconversions; `billflow report
--reconversions` lists them. --dry-run changes and records nothing.)";

constexpr char kLambdaHelp[] = R"(
Environment (set by Lambda and by deploy/terraform):
  AWS_LAMBDA_RUNTIME_API   the runtime API address (Lambda sets it)
  AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN   (Lambda sets them)
  BILLFLOW_DB              data-api://CLUSTER_ARN?secret=SECRET_ARN&database=DB (or mysql://…)
  BILLFLOW_LOG_FORMAT      json (default outside a terminal)
  BILLFLOW_MAX_REJECTS, BILLFLOW_ROUNDING, BILLFLOW_MAX_RECORD_BYTES, BILLFLOW_MAX_INFLATED_BYTES,
  BILLFLOW_RETRY_WINDOW_SECONDS   as the ingest flags of the same names (retries end with the
                           invocation's deadline)
  AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL_RDS_DATA, AWS_ENDPOINT_URL_SECRETS_MANAGER   local tests only
Each S3 event record (or SQS message carrying one) names a file; every file is loaded as one
transaction. A failed file fails the invocation (S3) or is listed in batchItemFailures (SQS),
so AWS delivers it again. No file starts in the last tenth of the invocation's time (at most
5 s), and one still running then is rolled back. SIGTERM while waiting for an invocation exits
at once; during one, the file in progress is rolled back and the loop ends.

Example (local, against emulators):
  AWS_LAMBDA_RUNTIME_API=127.0.0.1:9001 BILLFLOW_DB=sqlite:/tmp/b.db billflow lambda)";

constexpr char kMigrateExamples[] = R"(
Examples:
  billflow migrate --db sqlite:billflow.db         create or upgrade the schema (ingest does it too))";

}  // namespace

int main(int argc, char** argv) {
  try {
    billflow::Config config;
    ReadEnvironment(&config);

    CLI::App app{
        "billflow: load billing CSV files into SQL with every amount converted to USD exactly"};
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string("billflow ") + BILLFLOW_VERSION);
    app.footer(
        "Run 'billflow COMMAND --help' for a command's options and examples.\n"
        "Environment: BILLFLOW_DB (default --db), BILLFLOW_DB_PASSWORD, "
        "BILLFLOW_LOG_FORMAT=json|text, BILLFLOW_ECB_URL (rates fetch).");
    std::string password_file;
    std::string group_by = "currency";
    const auto add_db = [&](CLI::App* cmd) {
      cmd->add_option("--db", config.db_url,
                      "database URL: sqlite:PATH | mysql://USER@HOST[:PORT]/DB[?tls=…] | "
                      "postgres://USER@HOST[:PORT]/DB[?sslmode=…] | "
                      "data-api://CLUSTER_ARN?secret=SECRET_ARN&database=DB (env BILLFLOW_DB)")
          ->capture_default_str();
      cmd->add_option("--password-file", password_file,
                      "read the database password from this file (never from argv)");
    };

    CLI::App* ingest = app.add_subcommand("ingest", "load CSV files, folders, stdin or S3 objects");
    add_db(ingest);
    auto* paths_option = ingest->add_option(
        "PATH", config.paths,
        "file, folder (its *.csv), '-' for stdin, s3://bucket/key or s3://bucket/prefix/");
    ingest
        ->add_option("--event", config.event_file,
                     "process an S3 or SQS event JSON file as the Lambda would (keys URL-decoded, "
                     "every record)")
        ->excludes(paths_option);
    ingest->add_option("--rates", config.rates,
                       "exchange rates CSV file or s3://bucket/key "
                       "(currency,rate_to_usd,valid_from); default: the database's "
                       "fx_rates, else USD 1, CAD 0.79, MXN 0.05");
    ingest->add_flag("--json", config.json, "print one JSON summary object on stdout");
    ingest->add_flag("--dry-run", config.dry_run, "parse, validate and convert; write nothing");
    billflow::AddIngestFlags(ingest, &config);
    ingest->add_flag("-q,--quiet", config.quiet, "no progress line and no per-row reject messages");
    ingest->footer(kIngestExamples);

    CLI::App* report = app.add_subcommand("report", "exact USD totals of what is loaded");
    add_db(report);
    report
        ->add_option("--by", group_by,
                     "group rows by month, currency, country, product_line, company or file")
        ->check(CLI::IsMember({"month", "currency", "country", "product_line", "company", "file"}))
        ->capture_default_str();
    report->add_option("--format", config.format, "table, csv, json or html (charts; ignores --by)")
        ->check(CLI::IsMember({"table", "csv", "json", "html"}))
        ->capture_default_str();
    report->add_option("--out", config.out, "write to this file instead of stdout");
    report->add_flag("--reconversions", config.reconversions,
                     "list the recorded reconvert runs (fx_reconversions) instead of totals");
    report->footer(kReportExamples);

    CLI::App* reconvert = app.add_subcommand(
        "reconvert", "apply corrected rates to loaded rows, one transaction per file, audited");
    add_db(reconvert);
    reconvert->add_option("--currency", config.currency, "only rows in this currency");
    reconvert->add_option("--from", config.reconvert_from,
                          "only rows billed on or after this date");
    reconvert->add_option("--to", config.reconvert_to, "only rows billed on or before this date");
    reconvert->add_flag("--dry-run", config.dry_run, "report what would change; change nothing");
    billflow::AddConversionFlags(reconvert, &config);
    reconvert->footer(kReconvertHelp);

    CLI::App* watch = app.add_subcommand("watch", "load files as they arrive in a folder");
    add_db(watch);
    watch->add_option("DIR", config.paths, "the inbox folder")->required()->expected(1);
    watch->add_option("--rates", config.rates,
                      "exchange rates CSV; default: the database's fx_rates");
    watch
        ->add_option("--settle-ms", config.settle_ms,
                     "wait this long after a file is closed, with no change, before loading it")
        ->capture_default_str();
    billflow::AddIngestFlags(watch, &config);
    watch->add_flag("-q,--quiet", config.quiet, "no progress line");
    watch->footer(kWatchExamples);

    CLI::App* rates_cmd = app.add_subcommand("rates", "import, fetch and show exchange rates");
    rates_cmd->require_subcommand(1);
    rates_cmd->footer(kRatesExamples);
    CLI::App* rates_import = rates_cmd->add_subcommand(
        "import", "store ECB reference rates or a rates CSV as USD rates");
    add_db(rates_import);
    auto* ecb_option = rates_import->add_option(
        "--ecb", config.ecb_file,
        "ECB reference rates: eurofxref-hist.zip, eurofxref-hist.csv, or an XML feed "
        "(eurofxref-daily.xml, eurofxref-hist-90d.xml, eurofxref-hist.xml)");
    rates_import
        ->add_option("--csv", config.rates_csv_file,
                     "rates CSV currency,rate_to_usd,valid_from (the --rates layout)")
        ->excludes(ecb_option);
    billflow::AddConversionFlags(rates_import, &config);
    rates_import->footer(kRatesExamples);
    CLI::App* rates_fetch = rates_cmd->add_subcommand(
        "fetch", "download the ECB reference rates over HTTPS and import them");
    add_db(rates_fetch);
    rates_fetch->add_option("--ecb-url", config.ecb_url,
                            "one feed's https:// URL, or a base URL ending in '/' holding "
                            "eurofxref-hist-90d.xml and eurofxref-hist.zip (env BILLFLOW_ECB_URL; "
                            "default https://www.ecb.europa.eu/stats/eurofxref/)");
    billflow::AddConversionFlags(rates_fetch, &config);
    rates_fetch->footer(kRatesExamples);
    CLI::App* rates_show = rates_cmd->add_subcommand("show", "print stored rates");
    add_db(rates_show);
    rates_show->add_option("--currency", config.currency,
                           "one currency's history instead of the latest of each");
    rates_show->footer(kRatesExamples);

    CLI::App* rejects = app.add_subcommand("rejects", "export rejected rows as CSV");
    add_db(rejects);
    rejects->add_option("--source", config.rejects_source, "only this file (path or stored URI)");
    rejects->add_option("--out", config.out, "write to this file instead of stdout");
    rejects->footer(kRejectsExamples);
    CLI::App* rejects_retry = rejects->add_subcommand(
        "retry",
        "settle rate-missing rejects whose rate now exists (runs by itself after "
        "rates import / fetch)");
    add_db(rejects_retry);
    billflow::AddConversionFlags(rejects_retry, &config);
    rejects_retry->footer(kRejectsRetryHelp);

    CLI::App* lambda = app.add_subcommand(
        "lambda", "the AWS Lambda custom-runtime loop (the package's bootstrap runs this)");
    lambda->add_option("--db", config.db_url,
                       "database URL (env BILLFLOW_DB; normally data-api://…)");
    billflow::AddIngestFlags(lambda, &config);
    lambda->footer(kLambdaHelp);

    CLI::App* sniff = app.add_subcommand(
        "sniff", "detect a file's encoding, delimiter, columns and formats; print a profile");
    sniff->add_option("FILE", config.paths, "a file or s3://bucket/key")->required()->expected(1);
    sniff->add_flag("--json", config.json, "print the findings as JSON");
    billflow::AddDialectFlags(sniff, &config);
    CLI::App* profiles_cmd = app.add_subcommand("profiles", "work with profiles files");
    profiles_cmd->require_subcommand(1);
    CLI::App* profiles_check =
        profiles_cmd->add_subcommand("check", "validate a profiles file; load nothing");
    profiles_check
        ->add_option("FILE", config.profiles, "the profiles file: a path or s3://bucket/key")
        ->required();

    CLI::App* migrate = app.add_subcommand("migrate", "create or upgrade the database schema");
    add_db(migrate);
    migrate->footer(kMigrateExamples);

    try {
      app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      return app.exit(e) == 0 ? billflow::kExitOk : billflow::kExitUsage;
    }

    if (!password_file.empty()) {
      std::ifstream in(password_file);
      if (!in) {
        std::cerr << "billflow: error: --password-file " << password_file << ": cannot read\n";
        return billflow::kExitUsage;
      }
      std::string password;
      std::getline(in, password);
      config.db_password = password;
    }
    billflow::ParseGroupBy(group_by, &config.group_by);

    const billflow::Logger log(config.log_format, config.log_level);
    std::signal(SIGINT, OnSignal);
    std::signal(SIGTERM, OnSignal);
    if (*ingest && !config.event_file.empty()) return billflow::RunEvent(config, log);
    if (*ingest && config.paths.empty()) {
      std::cerr << "billflow: error: ingest needs at least one PATH (or --event FILE); see "
                   "billflow ingest --help\n";
      return billflow::kExitUsage;
    }
    if (*ingest) return billflow::RunIngest(config, log, g_stop);
    if (*lambda) return billflow::RunLambda(config, log);
    if (*reconvert) return billflow::RunReconvert(config, log);
    if (*report && config.reconversions) return billflow::RunReconversions(config, log);
    if (*report && config.format == "html") return billflow::RunHtmlReport(config, log);
    if (*report) return billflow::RunReport(config, log);
    if (*watch) return billflow::RunWatch(config, log, g_stop);
    if (*rates_import && config.ecb_file.empty() && config.rates_csv_file.empty()) {
      std::cerr << "billflow: error: rates import needs --ecb FILE or --csv FILE; see "
                   "billflow rates import --help\n";
      return billflow::kExitUsage;
    }
    if (*rates_import) return billflow::RunRatesImport(config, log);
    if (*rates_fetch) return billflow::RunRatesFetch(config, log);
    if (*rates_show) return billflow::RunRatesShow(config, log);
    if (*rejects_retry) return billflow::RunRejectsRetry(config, log);
    if (*rejects) return billflow::RunRejects(config, log);
    if (*migrate) return billflow::RunMigrate(config, log);
    if (*sniff) return billflow::RunSniff(config, log);
    if (*profiles_check) return billflow::RunProfilesCheck(config, log);
    return billflow::kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "billflow: internal error: " << e.what() << "\n";
    return billflow::kExitFileFailed;
  }
}
