#include "sinks/bulk_row_batch.h"

#include <cstring>

#include "core/backslash_escape.h"
#include "sinks/pg_copy_binary.h"

namespace billflow {
namespace {

void AppendUnsigned(std::uint64_t value, std::string* out) {
  char buffer[20];
  char* end = buffer + sizeof buffer;
  char* p = end;
  do {
    *--p = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  out->append(p, end);
}

}  // namespace

void AppendDecimal(const Decimal& value, std::string* out) {
  unsigned __int128 magnitude = value.IsNegative() ? -static_cast<unsigned __int128>(value.units())
                                                   : static_cast<unsigned __int128>(value.units());
  char buffer[48];
  char* end = buffer + sizeof buffer;
  char* p = end;
  int digits = 0;
  do {
    if (value.scale() > 0 && digits == value.scale()) *--p = '.';
    *--p = static_cast<char>('0' + static_cast<int>(magnitude % 10));
    magnitude /= 10;
    ++digits;
  } while (magnitude != 0 || digits <= value.scale());
  if (value.IsNegative()) *--p = '-';
  out->append(p, end);
}

void BulkRowBatch::Add(const BillingRecord& row, std::int64_t file_id) {
  Row meta;
  meta.line_number = row.line_number;
  meta.id_offset = static_cast<std::uint32_t>(ids_.size());
  meta.id_size = static_cast<std::uint32_t>(row.id.size());
  meta.raw_offset = raws_.size();
  meta.raw_size = row.raw_line.size();
  meta.usd = row.bill_amount_usd;
  ids_.append(row.id);
  raws_.append(row.raw_line);
  rows_.push_back(meta);

  if (encoding_ == Encoding::kCopyBinary) {
    AddCopyBinary(row, file_id);
    return;
  }
  char date[10];
  row.bill_date.Format(date);
  const std::string_view date_text(date, 10);
  char rate_date[10];
  row.fx_rate_date.Format(rate_date);
  const std::string_view rate_date_text(rate_date, 10);
  if (encoding_ == Encoding::kTsv) {
    const auto text = [this](std::string_view value) {
      AppendBackslashEscaped(value, kTsvEscapes, &data_);
      data_.push_back('\t');
    };
    text(row.id);
    AppendUnsigned(row.line_number, &data_);
    data_.push_back('\t');
    text(row.company_name);
    text(row.country);
    text(row.city);
    text(row.product_line);
    text(row.item);
    text(date_text);
    text(row.currency_code());
    AppendDecimal(row.bill_amount, &data_);
    data_.push_back('\t');
    AppendDecimal(row.fx_rate, &data_);
    data_.push_back('\t');
    AppendDecimal(row.bill_amount_usd, &data_);
    data_.push_back('\t');
    text(rate_date_text);
    AppendBackslashEscaped(row.fx_rate_source, kTsvEscapes, &data_);
    data_.push_back('\n');
    return;
  }
  if (rows_.size() > 1) data_.push_back(',');
  data_.push_back('(');
  AppendUnsigned(static_cast<std::uint64_t>(file_id), &data_);
  const auto text = [this](std::string_view value) {
    data_.append(",'");
    AppendBackslashEscaped(value, kMysqlLiteralEscapes, &data_);
    data_.push_back('\'');
  };
  text(row.id);
  data_.push_back(',');
  AppendUnsigned(row.line_number, &data_);
  text(row.company_name);
  text(row.country);
  text(row.city);
  text(row.product_line);
  text(row.item);
  text(date_text);
  text(row.currency_code());
  data_.push_back(',');
  AppendDecimal(row.bill_amount, &data_);
  data_.push_back(',');
  AppendDecimal(row.fx_rate, &data_);
  data_.push_back(',');
  AppendDecimal(row.bill_amount_usd, &data_);
  text(rate_date_text);
  text(row.fx_rate_source);
  data_.push_back(')');
}

// file_id, then kBulkBatchColumns, each in its type's binary form, written in place.
void BulkRowBatch::AddCopyBinary(const BillingRecord& row, std::int64_t file_id) {
  constexpr std::int16_t kFields = 15;
  constexpr std::size_t kTexts = 8;  // id, five names, currency, fx_rate_source
  const std::size_t text_bytes = row.id.size() + row.company_name.size() + row.country.size() +
                                 row.city.size() + row.product_line.size() + row.item.size() + 3 +
                                 row.fx_rate_source.size();
  const std::size_t most = kPgTupleStartBytes + 2 * kPgInt8Bytes + 2 * kPgDateBytes +
                           3 * kPgNumericMaxBytes + 4 * kTexts + text_bytes +
                           kPgCopyBinaryTrailer.size();
  std::size_t start = data_.size();
  if (start == 0) {
    data_.append(kPgCopyBinaryHeader);
    start = data_.size();
  } else {
    start -= kPgCopyBinaryTrailer.size();  // the trailer moves to the end
  }
  data_.resize(start + most);
  char* at = data_.data() + start;
  at = PutPgTupleStart(kFields, at);
  at = PutPgInt8(file_id, at);
  at = PutPgText(row.id, at);
  at = PutPgInt8(static_cast<std::int64_t>(row.line_number), at);
  at = PutPgText(row.company_name, at);
  at = PutPgText(row.country, at);
  at = PutPgText(row.city, at);
  at = PutPgText(row.product_line, at);
  at = PutPgText(row.item, at);
  at = PutPgDate(row.bill_date, at);
  at = PutPgText(row.currency_code(), at);
  at = PutPgNumeric(row.bill_amount, at);
  at = PutPgNumeric(row.fx_rate, at);
  at = PutPgNumeric(row.bill_amount_usd, at);
  at = PutPgDate(row.fx_rate_date, at);
  at = PutPgText(row.fx_rate_source, at);
  std::memcpy(at, kPgCopyBinaryTrailer.data(), kPgCopyBinaryTrailer.size());
  at += kPgCopyBinaryTrailer.size();
  data_.resize(static_cast<std::size_t>(at - data_.data()));
}

void BulkRowBatch::Clear() {
  data_.clear();
  ids_.clear();
  raws_.clear();
  rows_.clear();
}

}  // namespace billflow
