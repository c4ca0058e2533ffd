#include "sources/transcoding_source.h"

#include <gtest/gtest.h>

#include "sources/encoding_detection.h"
#include "sources/memory_source.h"

namespace billflow {
namespace {

// Every byte the source serves, read `chunk` bytes at a time from an inner source that
// itself serves `inner_chunk` bytes per read.
Result<std::string> Drain(const std::string& bytes, const std::string& encoding,
                          std::size_t chunk = 1 << 16, std::size_t inner_chunk = 1 << 20,
                          std::string* raw_seen = nullptr) {
  MemorySource::Options options;
  options.chunk_bytes = inner_chunk;
  MemorySource inner(bytes, options);
  auto source = TranscodingSource::Open(&inner, encoding);
  if (!source) return tl::unexpected(source.error());
  (*source)->set_raw_observer([raw_seen](std::string_view raw) {
    if (raw_seen != nullptr) raw_seen->append(raw);
  });
  std::string out;
  std::vector<char> buffer(chunk);
  while (true) {
    auto got = (*source)->Read(buffer);
    if (!got) return tl::unexpected(got.error());
    if (*got == 0) break;
    out.append(buffer.data(), *got);
  }
  return out;
}

std::string Utf16Le(std::string_view ascii) {
  std::string out;
  for (char c : ascii) {
    out.push_back(c);
    out.push_back('\0');
  }
  return out;
}

TEST(TranscodingSourceTest, Windows1252BecomesUtf8AtEveryChunkSize) {
  const std::string latin =
      "id;name\n1;B\xE4"
      "ckerei \x80 5\n";
  for (std::size_t chunk : {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{64}}) {
    for (std::size_t inner : {std::size_t{1}, std::size_t{5}, std::size_t{1} << 20}) {
      auto text = Drain(latin, "windows-1252", chunk, inner);
      ASSERT_TRUE(text) << text.error().message;
      EXPECT_EQ(*text,
                "id;name\n1;B\xC3\xA4"
                "ckerei \xE2\x82\xAC 5\n")
          << chunk << "/" << inner;
    }
  }
}

TEST(TranscodingSourceTest, Utf16LeWithBomIsDetectedAndTheBomDropped) {
  const std::string bytes = "\xFF\xFE" + Utf16Le("id\tname\r\n1\tCaf") + std::string("\xE9\0", 2);
  for (std::size_t chunk : {std::size_t{1}, std::size_t{3}, std::size_t{1} << 16}) {
    std::string raw;
    auto text = Drain(bytes, "", chunk, 3, &raw);
    ASSERT_TRUE(text) << text.error().message;
    EXPECT_EQ(*text, "id\tname\r\n1\tCaf\xC3\xA9");
    EXPECT_EQ(raw, bytes);  // the observer sees the file as it is
  }
}

// ASCII runs are copied past iconv; what lies between them still goes through it, across
// the 64 KiB input buffer's refills and at any read size.
TEST(TranscodingSourceTest, LongMixedTextDecodesTheSameAtEveryChunkSize) {
  std::string latin;
  std::string utf8;
  for (int i = 0; i < 20000; ++i) {
    latin += std::to_string(i) + ";B\xE4\xE4" + "ckerei und Konditorei GmbH;\x80\n";
    utf8 += std::to_string(i) + ";B\xC3\xA4\xC3\xA4" + "ckerei und Konditorei GmbH;\xE2\x82\xAC\n";
  }
  std::string le;
  std::string be;
  for (char c : latin) {
    const char16_t unit = c == '\x80' ? u'\u20AC' : static_cast<unsigned char>(c);
    le += static_cast<char>(unit & 0xFF);
    le += static_cast<char>(unit >> 8);
    be += static_cast<char>(unit >> 8);
    be += static_cast<char>(unit & 0xFF);
  }
  for (std::size_t chunk : {std::size_t{4}, std::size_t{7}, std::size_t{1} << 16}) {
    auto single = Drain(latin, "windows-1252", chunk, 4093);
    ASSERT_TRUE(single) << single.error().message;
    EXPECT_EQ(*single, utf8) << chunk;
    auto little = Drain(le, "utf-16le", chunk, 4093);
    ASSERT_TRUE(little) << little.error().message;
    EXPECT_EQ(*little, utf8) << chunk;
    auto big = Drain(be, "utf-16be", chunk, 4093);
    ASSERT_TRUE(big) << big.error().message;
    EXPECT_EQ(*big, utf8) << chunk;
  }
}

TEST(TranscodingSourceTest, Utf16SurrogatePairBetweenAsciiRuns) {
  // U+1F600 is D83D DE00 in UTF-16, F0 9F 98 80 in UTF-8.
  const std::string bytes = Utf16Le("a,") + std::string("\x3D\xD8\x00\xDE", 4) + Utf16Le(",z\n");
  for (std::size_t inner : {std::size_t{1}, std::size_t{3}, std::size_t{1} << 20}) {
    auto text = Drain(bytes, "utf-16le", 4, inner);
    ASSERT_TRUE(text) << text.error().message;
    EXPECT_EQ(*text, "a,\xF0\x9F\x98\x80,z\n") << inner;
  }
}

TEST(TranscodingSourceTest, Utf8BomIsDroppedAndTextPassesThrough) {
  auto text = Drain("\xEF\xBB\xBFid,x\n1,\xC3\xA9\n", "");
  ASSERT_TRUE(text);
  EXPECT_EQ(*text, "id,x\n1,\xC3\xA9\n");
}

TEST(TranscodingSourceTest, Utf16WithoutBomIsRefusedWithTheSettingToUse) {
  auto text = Drain(Utf16Le("id,company_name,country\n1,Acme,US\n"), "");
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().message,
            "bills.csv: looks like UTF-16 without a BOM; set encoding (\"utf-16le\", "
            "--encoding utf-16le)");
  auto set = Drain(Utf16Le("id,x\n"), "UTF-16LE");
  ASSERT_TRUE(set);
  EXPECT_EQ(*set, "id,x\n");
}

TEST(TranscodingSourceTest, UndecodableBytesPassThroughForTheValidatorToReject) {
  // 0x81 has no character in windows-1252.
  auto text = Drain("a\x81z\n", "windows-1252");
  ASSERT_TRUE(text);
  EXPECT_EQ(*text, "a\x81z\n");
}

TEST(TranscodingSourceTest, UnknownEncodingNamesTheChoices) {
  auto text = Drain("a\n", "klingon");
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().message,
            "bills.csv: unknown encoding \"klingon\" (use utf-8, utf-16, utf-16le, utf-16be, "
            "windows-1252, iso-8859-1, iso-8859-15 or another iconv name)");
}

TEST(TranscodingSourceTest, OriginalBytesRoundTripAndRewindStartsOver) {
  MemorySource inner(
      "1;B\xE4"
      "ckerei;\x81\n");
  auto source = TranscodingSource::Open(&inner, "latin1");
  ASSERT_TRUE(source);
  EXPECT_EQ((*source)->encoding(), "iso-8859-1");
  std::vector<char> buffer(64);
  auto got = (*source)->Read(buffer);
  ASSERT_TRUE(got);
  const std::string utf8(buffer.data(), *got);
  EXPECT_EQ((*source)->OriginalBytes(utf8),
            "1;B\xE4"
            "ckerei;\x81\n");
  ASSERT_TRUE((*source)->Rewind());
  auto again = (*source)->Read(buffer);
  ASSERT_TRUE(again);
  EXPECT_EQ(std::string(buffer.data(), *again), utf8);
}

TEST(EncodingDetectionTest, ByteOrderMarksAndNames) {
  EXPECT_EQ(DetectEncoding("\xFE\xFF").value().encoding, "utf-16be");
  EXPECT_EQ(DetectEncoding("id,x\n").value().reason, "no byte-order mark");
  std::string encoding = "utf-16";
  EXPECT_EQ(ResolveBom("\xFE\xFF\0a", &encoding), 2u);
  EXPECT_EQ(encoding, "utf-16be");
  EXPECT_EQ(CanonicalEncodingName("CP1252"), "windows-1252");
  EXPECT_TRUE(IsKnownEncoding("iso-8859-15"));
  EXPECT_FALSE(IsKnownEncoding("klingon"));
}

}  // namespace
}  // namespace billflow
