// billflow sniff FILE and billflow profiles check FILE: detection shown, nothing loaded.
#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "aws/s3_client.h"
#include "cli/aws_context.h"
#include "cli/commands.h"
#include "cli/dialect_chooser.h"
#include "cli/open_input.h"
#include "cli/profiles.h"
#include "cli/profiles_file.h"
#include "csv/csv_reader.h"
#include "csv/delimiter_detection.h"
#include "csv/header_map.h"
#include "sources/s3_source.h"
#include "sources/transcoding_source.h"

namespace billflow {
namespace {

constexpr int kSampleRows = 200;

// The shape of a value: each digit run replaced by its length in 'N's ("01.06.2025" ->
// "NN.NN.NNNN"), other characters kept.
std::string Shape(std::string_view value) {
  std::string shape;
  for (const char c : value) shape.push_back(c >= '0' && c <= '9' ? 'N' : c);
  return shape;
}

// A date pattern that fits every sample, decided from the values only when they leave no
// doubt (a day above 12 tells day from month); "" when they do not.
std::string DateFormatFor(const std::vector<std::string>& samples) {
  if (samples.empty()) return "";
  char separator = 0;
  bool year_first = true;
  bool first_over_12 = false;
  bool second_over_12 = false;
  for (const std::string& sample : samples) {
    int parts[3] = {0, 0, 0};
    int lengths[3] = {0, 0, 0};
    int part = 0;
    for (const char c : sample) {
      if (c >= '0' && c <= '9') {
        parts[part] = parts[part] * 10 + (c - '0');
        ++lengths[part];
      } else if ((c == '.' || c == '/' || c == '-') && part < 2) {
        if (separator != 0 && separator != c) return "";
        separator = c;
        ++part;
      } else {
        return "";
      }
    }
    if (part != 2) return "";
    if (lengths[0] == 4) continue;
    year_first = false;
    if (lengths[2] != 4) return "";
    if (parts[0] > 12) first_over_12 = true;
    if (parts[1] > 12) second_over_12 = true;
  }
  const std::string sep(1, separator);
  if (year_first) return separator == '-' || separator == '/' ? "" : "%Y" + sep + "%m" + sep + "%d";
  if (first_over_12 && !second_over_12) return "%d" + sep + "%m" + sep + "%Y";
  if (second_over_12 && !first_over_12) return "%m" + sep + "%d" + sep + "%Y";
  if (separator == '.') return "%d.%m.%Y";  // the dotted form is day-first wherever it is used
  return "";
}

// "," when the amounts write a decimal comma (a comma followed by one to four digits at the
// end, and no '.' after it), else ".".
char DecimalFor(const std::vector<std::string>& samples) {
  int comma = 0;
  for (const std::string& sample : samples) {
    const std::size_t last_comma = sample.rfind(',');
    const std::size_t last_dot = sample.rfind('.');
    if (last_comma == std::string::npos) continue;
    const std::size_t decimals = sample.size() - last_comma - 1;
    if ((last_dot == std::string::npos || last_dot < last_comma) && decimals >= 1 &&
        decimals <= 2) {
      ++comma;
    }
  }
  return comma > 0 ? ',' : '.';
}

Result<std::unique_ptr<ByteSource>> OpenForSniff(const Config& config, AwsContext* aws) {
  const std::string& path = config.paths.front();
  if (path.rfind("s3://", 0) != 0)
    return OpenLocalInput(path, GzipLimits{config.max_inflated_bytes});
  auto location = ParseS3Uri(path);
  if (!location) return tl::unexpected(location.error());
  auto s3 = aws->S3();
  if (!s3) return tl::unexpected(s3.error());
  auto source = S3Source::Open(*s3, location->bucket, location->key);
  if (!source) return tl::unexpected(source.error());
  return std::unique_ptr<ByteSource>(std::move(*source));
}

}  // namespace

int RunSniff(const Config& config, const Logger& log) {
  auto chooser = MakeDialectChooser(config);
  if (!chooser) {
    log.Error(chooser.error().message);
    return kExitUsage;
  }
  AwsContext aws(config);
  auto source = OpenForSniff(config, &aws);
  if (!source) {
    log.Error(source.error().message);
    return kExitFileFailed;
  }
  auto chosen = (*chooser)((*source)->Info());
  if (!chosen) {
    log.Error(chosen.error().message);
    return kExitUsage;
  }
  const Dialect& dialect = chosen->dialect;
  auto text = TranscodingSource::Open(source->get(), dialect.encoding);
  if (!text) {
    log.Error(text.error().message);
    return kExitFileFailed;
  }
  CsvOptions csv;
  csv.skip_lines = dialect.skip_lines;
  csv.quote = dialect.quote;
  CsvReader reader(text->get(), csv);
  HeaderOptions header_options{dialect.columns, dialect.defaults};
  char delimiter = dialect.delimiter;
  std::string delimiter_reason = "set";
  if (delimiter == '\0') {
    auto line = reader.PeekFirstLine();
    if (!line) {
      log.Error(line.error().message);
      return kExitFileFailed;
    }
    auto choice = DetectDelimiter(*line, header_options, csv.quote);
    if (!choice) {
      log.Error((*source)->Info().display_name + ": " + choice.error().message);
      return kExitFileFailed;
    }
    delimiter = choice->delimiter;
    delimiter_reason = "detected: " + choice->reason;
  }
  reader.set_delimiter(delimiter);
  CsvRecord record;
  auto has_header = reader.Next(&record);
  if (!has_header || !*has_header || record.error != CsvRecordError::kNone) {
    log.Error((*source)->Info().display_name + ": no readable header line");
    return kExitFileFailed;
  }
  const std::vector<std::string> header(record.fields.begin(), record.fields.end());
  std::vector<std::string> mapped(kColumnCount);  // header text per contract column
  std::vector<std::string> unmapped;
  for (const std::string& name : header) {
    const int column = HeaderMap::ColumnOfHeader(name, header_options);
    if (column >= 0 && mapped[static_cast<std::size_t>(column)].empty()) {
      mapped[static_cast<std::size_t>(column)] = name;
    } else {
      unmapped.push_back(name);
    }
  }
  std::vector<std::string> dates;
  std::vector<std::string> amounts;
  const auto position = [&](Column column) -> int {
    const std::string& name = mapped[static_cast<std::size_t>(column)];
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (!name.empty() && header[i] == name) return static_cast<int>(i);
    }
    return -1;
  };
  const int date_at = position(Column::kBillDate);
  const int amount_at = position(Column::kBillAmount);
  int rows = 0;
  while (rows < kSampleRows) {
    auto more = reader.Next(&record);
    if (!more || !*more) break;
    ++rows;
    if (record.error != CsvRecordError::kNone || record.fields.size() != header.size()) continue;
    if (date_at >= 0) dates.emplace_back(record.fields[static_cast<std::size_t>(date_at)]);
    if (amount_at >= 0) amounts.emplace_back(record.fields[static_cast<std::size_t>(amount_at)]);
  }
  std::vector<std::string> date_shapes;
  for (const std::string& date : dates) {
    const std::string shape = Shape(date);
    if (std::find(date_shapes.begin(), date_shapes.end(), shape) == date_shapes.end()) {
      date_shapes.push_back(shape);
    }
  }

  // The stanza: what detection found, in the form a profile states it.
  DialectSettings found;
  found.encoding = (*text)->encoding();
  found.delimiter = delimiter;
  const bool iso_dates = std::all_of(dates.begin(), dates.end(), [](const std::string& d) {
    CivilDate date;
    return ParseCivilDate(d, &date) == DateParseError::kNone;
  });
  const std::string date_format = iso_dates ? "" : DateFormatFor(dates);
  if (!dialect.date_formats.empty()) {
    found.date_formats = dialect.date_formats;
  } else if (!date_format.empty()) {
    found.date_formats = std::vector<std::string>{date_format};
  }
  const char decimal = DecimalFor(amounts);
  if (decimal == ',' || dialect.decimal_separator == ',') {
    found.decimal_separator = ',';
    found.thousands_separator = ".";
  }
  if (dialect.skip_lines > 0) found.skip_lines = dialect.skip_lines;
  for (std::size_t c = 0; c < kColumnCount; ++c) {
    const std::string& name = mapped[c];
    if (!name.empty() && HeaderMap::MatchKey(name) != kColumnNames[c]) {
      found.columns.emplace_back(name, std::string(kColumnNames[c]));
    }
  }
  found.defaults = dialect.defaults;
  const SourceInfo& info = (*source)->Info();
  const std::string base = info.display_name.substr(info.display_name.find_last_of('/') + 1);
  const std::string profile_name = chosen->profile.empty() ? "my-source" : chosen->profile;
  const std::string stanza = ProfileStanza(profile_name, {base}, found);

  if (config.json) {
    nlohmann::json columns = nlohmann::json::object();
    nlohmann::json missing = nlohmann::json::array();
    for (std::size_t c = 0; c < kColumnCount; ++c) {
      if (mapped[c].empty()) {
        missing.push_back(kColumnNames[c]);
      } else {
        columns[std::string(kColumnNames[c])] = mapped[c];
      }
    }
    const nlohmann::json out = {
        {"source", info.uri},
        {"profile",
         chosen->profile.empty() ? nlohmann::json(nullptr) : nlohmann::json(chosen->profile)},
        {"encoding", (*text)->encoding()},
        {"encoding_reason", (*text)->encoding_reason()},
        {"delimiter", std::string(1, delimiter)},
        {"delimiter_reason", delimiter_reason},
        {"columns", columns},
        {"missing_columns", missing},
        {"unmapped_columns", unmapped},
        {"rows_sampled", rows},
        {"date_patterns", date_shapes},
        {"date_format",
         found.date_formats ? nlohmann::json((*found.date_formats)[0]) : nlohmann::json(nullptr)},
        {"decimal_separator", std::string(1, found.decimal_separator.value_or('.'))},
        {"profile_stanza", stanza}};
    const std::string dumped = out.dump(2) + "\n";
    std::fwrite(dumped.data(), 1, dumped.size(), stdout);
    return kExitOk;
  }
  std::string out;
  out += "file:       " + info.display_name + "\n";
  if (!chosen->profile.empty()) out += "profile:    " + chosen->profile + "\n";
  out += "encoding:   " + (*text)->encoding() + " (" + (*text)->encoding_reason() + ")\n";
  out += "delimiter:  " + DelimiterName(delimiter) + " (" + delimiter_reason + ")\n";
  out += "columns:\n";
  for (std::size_t c = 0; c < kColumnCount; ++c) {
    out += "  " + std::string(kColumnNames[c]) + " <- " +
           (mapped[c].empty() ? "(missing: set columns or defaults)" : "\"" + mapped[c] + "\"") +
           "\n";
  }
  if (!unmapped.empty()) {
    out += "unmapped:  ";
    for (const std::string& name : unmapped) out += " \"" + name + "\"";
    out += "\n";
  }
  out += "sampled:    " + std::to_string(rows) + " rows\n";
  out += "dates:     ";
  for (const std::string& shape : date_shapes) out += " " + shape;
  out += iso_dates             ? " (ISO: no setting needed)\n"
         : date_format.empty() ? " (ambiguous: set date_formats)\n"
                               : " -> " + date_format + "\n";
  out += "decimals:   " + std::string(decimal == ',' ? "comma" : "point") + "\n\n";
  out += "# ready to paste into a profiles file:\n" + stanza;
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

int RunProfilesCheck(const Config& config, const Logger& log) {
  auto set = ReadProfiles(config, "profiles check");
  if (!set) {
    log.Error(set.error().message);
    return kExitUsage;
  }
  std::string out =
      config.profiles + ": " + std::to_string(set->profiles().size()) + " profile(s) OK:";
  for (const Profile& profile : set->profiles()) out += " " + profile.name;
  out += "\n";
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

}  // namespace billflow
