// billflow_gen: writes a seeded, realistic billing CSV and, optionally, the
// answer a correct loader must reach on it.
//
// This program is the independent oracle for the ingest benchmark and the
// end-to-end checks, so it deliberately uses nothing from src/: it has its own
// PRNG, its own date table and its own integer money arithmetic. If it shared
// code with the loader, a bug there would agree with itself.
//
//   billflow_gen --rows N --seed S [--bad-rate 0.01] [--out FILE|-] [--answer FILE]
//                [--encoding utf-8|windows-1252|utf-16le] [--delimiter ,|;|\t|'|']
//                [--decimal-comma] [--thousands-separator .|,] [--date-format FMT]
//
// Output depends only on (seed, bad-rate) and the dialect options: row k is the
// same for any N >= k, on any platform, because every random choice comes from
// SplitMix64 and never from <random> distributions (whose output differs between
// standard libraries). Every dialect holds the same logical rows, so the answer
// is the same whatever the spelling. No floating point touches money; bad-rate
// is the only double.
//
// Exit status: 0 on success, 1 on an I/O error, 2 on a usage error.

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "gen/date_table.h"
#include "gen/file_dialect.h"
#include "gen/money.h"
#include "gen/output_buffer.h"
#include "gen/row_writer.h"

namespace {

using billflow_gen::Encoding;
using billflow_gen::FileDialect;

constexpr std::string_view kUsage =
    "usage: billflow_gen --rows N --seed S [--bad-rate 0.01] [--out FILE|-] "
    "[--answer FILE]\n"
    "       [--encoding utf-8|windows-1252|utf-16le] [--delimiter ,|;|\\t|'|'] "
    "[--decimal-comma]\n"
    "       [--thousands-separator .|,] [--date-format FMT (%Y %m %d, e.g. %d.%m.%Y)]\n";

struct Options {
  uint64_t rows = 0;
  uint64_t seed = 0;
  uint64_t bad_parts_per_billion = 10'000'000;  // 0.01
  std::string out_path = "-";
  std::string answer_path;
  FileDialect dialect;
};

bool ParseUnsigned(std::string_view text, uint64_t& value) {
  const char* end = text.data() + text.size();
  const auto result = std::from_chars(text.data(), end, value);
  return result.ec == std::errc() && result.ptr == end && !text.empty();
}

bool ParseRate(const std::string& text, uint64_t& parts_per_billion) {
  char* end = nullptr;
  errno = 0;
  const double rate = std::strtod(text.c_str(), &end);
  if (errno != 0 || end == text.c_str() || *end != '\0' || !(rate >= 0.0) || rate > 1.0) {
    return false;
  }
  parts_per_billion = static_cast<uint64_t>(std::llround(rate * 1e9));
  return true;
}

bool ParseEncoding(std::string_view text, Encoding& encoding) {
  if (text == "utf-8") {
    encoding = Encoding::kUtf8;
  } else if (text == "windows-1252") {
    encoding = Encoding::kWindows1252;
  } else if (text == "utf-16le") {
    encoding = Encoding::kUtf16Le;
  } else {
    return false;
  }
  return true;
}

// ",", ";", "|", a tab, or the two characters "\t".
bool ParseDelimiter(std::string_view text, char& delimiter) {
  if (text == "\\t" || text == "\t") {
    delimiter = '\t';
    return true;
  }
  if (text == "," || text == ";" || text == "|") {
    delimiter = text[0];
    return true;
  }
  return false;
}

int UsageError(const char* what, const std::string& detail) {
  std::fprintf(stderr, "billflow_gen: %s%s\n%s", what, detail.c_str(), kUsage.data());
  return 2;
}

// Returns 0 on success, else the exit status after printing why.
int ParseOptions(int argc, char** argv, Options& options) {
  bool have_rows = false;
  bool have_seed = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::fputs(kUsage.data(), stdout);
      std::exit(0);
    }
    if (flag == "--decimal-comma") {
      options.dialect.decimal_separator = ',';
      continue;
    }
    if (i + 1 >= argc) {
      return UsageError(argv[i], " needs a value");
    }
    const std::string value = argv[++i];
    bool ok = true;
    if (flag == "--rows") {
      ok = have_rows = ParseUnsigned(value, options.rows);
    } else if (flag == "--seed") {
      ok = have_seed = ParseUnsigned(value, options.seed);
    } else if (flag == "--bad-rate") {
      ok = ParseRate(value, options.bad_parts_per_billion);
    } else if (flag == "--out") {
      options.out_path = value;
    } else if (flag == "--answer") {
      ok = !value.empty();
      options.answer_path = value;
    } else if (flag == "--encoding") {
      ok = ParseEncoding(value, options.dialect.encoding);
    } else if (flag == "--delimiter") {
      ok = ParseDelimiter(value, options.dialect.delimiter);
    } else if (flag == "--thousands-separator") {
      ok = value == "." || value == ",";
      options.dialect.thousands_separator = ok ? value[0] : '\0';
    } else if (flag == "--date-format") {
      ok = !value.empty();
      options.dialect.date_format = value;
    } else {
      return UsageError("unknown option ", argv[i - 1]);
    }
    if (!ok) {
      return UsageError("bad value for ", std::string(argv[i - 1]) + ": \"" + value + "\"");
    }
  }
  if (!have_rows || !have_seed) {
    return UsageError("--rows and --seed are required", "");
  }
  const FileDialect& dialect = options.dialect;
  if (dialect.thousands_separator == dialect.decimal_separator) {
    return UsageError("--thousands-separator is the decimal separator: ",
                      std::string(1, dialect.decimal_separator));
  }
  if (const std::string why = billflow_gen::CheckDateFormat(dialect.date_format, dialect.delimiter);
      !why.empty()) {
    return UsageError("--date-format ", dialect.date_format + ": " + why);
  }
  return 0;
}

int WriteAnswer(const Options& options, const billflow_gen::Tally& tally) {
  std::FILE* file = std::fopen(options.answer_path.c_str(), "w");
  if (file == nullptr) {
    std::fprintf(stderr, "billflow_gen: cannot open %s: %s\n", options.answer_path.c_str(),
                 std::strerror(errno));
    return 1;
  }
  std::fprintf(file,
               "{\"rows\":%llu,\"valid\":%llu,\"rejected\":%llu,"
               "\"usd_total\":\"%s\"}\n",
               static_cast<unsigned long long>(options.rows),
               static_cast<unsigned long long>(tally.valid),
               static_cast<unsigned long long>(tally.rejected),
               billflow_gen::FormatCents(tally.usd_cents).c_str());
  if (std::fclose(file) != 0) {
    std::fprintf(stderr, "billflow_gen: cannot write %s\n", options.answer_path.c_str());
    return 1;
  }
  return 0;
}

int Run(const Options& options) {
  const bool to_stdout = options.out_path == "-";
  std::FILE* file = to_stdout ? stdout : std::fopen(options.out_path.c_str(), "wb");
  if (file == nullptr) {
    std::fprintf(stderr, "billflow_gen: cannot open %s: %s\n", options.out_path.c_str(),
                 std::strerror(errno));
    return 1;
  }
  std::setvbuf(file, nullptr, _IONBF, 0);  // OutputBuffer already batches

  billflow_gen::OutputBuffer out(file, options.dialect.encoding);
  billflow_gen::RowWriter writer(options.seed, options.bad_parts_per_billion, options.dialect);
  billflow_gen::Tally tally;
  bool ok = true;
  writer.WriteHeader(out);
  for (uint64_t id = 1; id <= options.rows && ok; ++id) {
    writer.Write(id, out, tally);
    ok = out.FlushIfNearlyFull();
  }
  ok = ok && out.Flush();
  ok = (to_stdout ? std::fflush(file) == 0 : std::fclose(file) == 0) && ok;
  if (!ok) {
    std::fprintf(stderr, "billflow_gen: cannot write %s: %s\n", options.out_path.c_str(),
                 std::strerror(errno));
    return 1;
  }
  return options.answer_path.empty() ? 0 : WriteAnswer(options, tally);
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (const int status = ParseOptions(argc, argv, options); status != 0) {
    return status;
  }
  return Run(options);
}
