#include "sources/gzip_source.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <string>

#include "sources/memory_source.h"

namespace billflow {
namespace {

std::string Gzip(const std::string& plain) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&z, static_cast<uLong>(plain.size())) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
  z.avail_in = static_cast<uInt>(plain.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::unique_ptr<GzipSource> Open(std::string compressed, GzipLimits limits = {},
                                 std::size_t chunk = 1 << 16) {
  auto source = GzipSource::Open(
      std::make_unique<MemorySource>(
          std::move(compressed),
          MemorySource::Options{"file:///in/bills.csv.gz", "bills.csv.gz", chunk, true}),
      limits);
  EXPECT_TRUE(source.has_value());
  return std::move(*source);
}

// Reads everything with `read_size` buffers; the error text when reading fails.
Result<std::string> ReadAll(ByteSource& source, std::size_t read_size = 4096) {
  std::string out;
  std::string buffer(read_size, '\0');
  while (true) {
    auto got = source.Read(buffer);
    if (!got) return tl::unexpected(got.error());
    if (*got == 0) return out;
    out.append(buffer.data(), *got);
  }
}

std::string SampleCsv(int rows) {
  std::string csv =
      "id,company_name,country,city,product_line,item,bill_date,currency,bill_amount\n";
  for (int i = 1; i <= rows; ++i) {
    csv += std::to_string(i) + ",Acme,US,Austin,Bakery,Bread,2024-05-0" +
           std::to_string(1 + i % 9) + ",USD," + std::to_string(i) + ".25\n";
  }
  return csv;
}

TEST(GzipSourceTest, InflatesWhatWasCompressedInSmallReadsAndChunks) {
  const std::string csv = SampleCsv(5000);
  auto source = Open(Gzip(csv), {}, /*chunk=*/17);
  auto got = ReadAll(*source, 7);
  ASSERT_TRUE(got.has_value()) << got.error().message;
  EXPECT_EQ(*got, csv);
  EXPECT_EQ(source->inflated_bytes(), csv.size());
}

TEST(GzipSourceTest, KeepsTheInnerIdentityButNotItsSize) {
  auto source = Open(Gzip("a\n"));
  EXPECT_EQ(source->Info().uri, "file:///in/bills.csv.gz");
  EXPECT_EQ(source->Info().display_name, "bills.csv.gz");
  EXPECT_FALSE(source->Info().size_bytes.has_value());
}

TEST(GzipSourceTest, ConcatenatedMembersAreReadInTurn) {
  auto source = Open(Gzip("first\n") + Gzip("second\n"));
  auto got = ReadAll(*source);
  ASSERT_TRUE(got.has_value()) << got.error().message;
  EXPECT_EQ(*got, "first\nsecond\n");
}

TEST(GzipSourceTest, TruncatedStreamIsAnErrorNotAShortFile) {
  const std::string whole = Gzip(SampleCsv(2000));
  auto source = Open(whole.substr(0, whole.size() / 2));
  auto got = ReadAll(*source);
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code, ErrorCode::kInvalidData);
  EXPECT_EQ(got.error().message, "bills.csv.gz: truncated gzip stream (input ended after " +
                                     std::to_string(whole.size() / 2) + " compressed bytes)");
}

TEST(GzipSourceTest, MissingTrailerIsTruncated) {
  const std::string whole = Gzip("id\n1\n");
  auto source = Open(whole.substr(0, whole.size() - 4));  // ISIZE gone
  auto got = ReadAll(*source);
  ASSERT_FALSE(got.has_value());
  EXPECT_NE(got.error().message.find("truncated gzip stream"), std::string::npos);
}

TEST(GzipSourceTest, EmptyInputIsTruncated) {
  auto source = Open("");
  auto got = ReadAll(*source);
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().message,
            "bills.csv.gz: truncated gzip stream (input ended after 0 compressed bytes)");
}

TEST(GzipSourceTest, PlainTextIsNotGzip) {
  auto source = Open("id,company_name\n1,x\n");
  auto got = ReadAll(*source);
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code, ErrorCode::kInvalidData);
  EXPECT_EQ(got.error().message, "bills.csv.gz: not gzip data (no gzip header)");
}

TEST(GzipSourceTest, CorruptDeflateDataIsAnError) {
  std::string bytes = Gzip(SampleCsv(100));
  for (std::size_t i = 12; i < 40; ++i) bytes[i] = static_cast<char>(0xff);
  auto source = Open(bytes);
  auto got = ReadAll(*source);
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code, ErrorCode::kInvalidData);
  EXPECT_EQ(got.error().message.rfind("bills.csv.gz: corrupt gzip data (", 0), 0u)
      << got.error().message;
}

TEST(GzipSourceTest, GarbageAfterTheStreamIsAnError) {
  auto source = Open(Gzip("a\n") + "trailing");
  auto got = ReadAll(*source);
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().message, "bills.csv.gz: unexpected data after the end of the gzip stream");
}

TEST(GzipSourceTest, BombIsRefusedSoonAfterTheGraceBytes) {
  const std::string zeros(64 << 20, '\0');  // 64 MiB -> ~64 KiB compressed
  auto source = Open(Gzip(zeros));
  auto got = ReadAll(*source, 1 << 16);
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code, ErrorCode::kLimitExceeded);
  EXPECT_NE(got.error().message.find("more than 1000 times its compressed size"), std::string::npos)
      << got.error().message;
  EXPECT_LE(source->inflated_bytes(), (2u << 20));
}

TEST(GzipSourceTest, InflatedSizeLimitIsEnforced) {
  const std::string csv = SampleCsv(3000);
  GzipLimits limits;
  limits.max_inflated_bytes = 10000;
  auto source = Open(Gzip(csv), limits);
  auto got = ReadAll(*source, 4096);
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code, ErrorCode::kLimitExceeded);
  EXPECT_EQ(
      got.error().message,
      "bills.csv.gz: decompresses to more than 10000 bytes (--max-inflated-bytes); refusing it");
}

TEST(GzipSourceTest, RewindStartsOver) {
  const std::string csv = SampleCsv(300);
  auto source = Open(Gzip(csv));
  std::string head(100, '\0');
  ASSERT_TRUE(source->Read(head).has_value());
  ASSERT_TRUE(source->Rewind().has_value());
  auto got = ReadAll(*source);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(*got, csv);
  EXPECT_EQ(source->inflated_bytes(), csv.size());
}

}  // namespace
}  // namespace billflow
