#ifndef BILLFLOW_SOURCES_TRANSCODING_SOURCE_H_
#define BILLFLOW_SOURCES_TRANSCODING_SOURCE_H_

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sources/byte_source.h"

namespace billflow {

// Serves another ByteSource's text as UTF-8: the encoding is the one given, or detected from
// the first bytes (DetectEncoding: byte-order marks honoured, UTF-16 without one refused).
// A byte-order mark is not passed on. UTF-8 input is passed through without copying; any
// other encoding is decoded with glibc's iconv through a 64 KiB input buffer, so memory stays
// bounded whatever the file's size. A byte the encoding cannot decode is passed through as
// it is (the row holding it is then rejected as not valid UTF-8, nothing is guessed).
//
// `inner` must outlive this source, which does not own it. Not thread-safe, except that
// OriginalBytes() may be called from one other thread than Read()'s.
class TranscodingSource : public ByteSource {
 public:
  // `encoding` empty = detect. Reads the inner source's first bytes. Errors: the inner
  // source's; kInvalidData "NAME: looks like UTF-16 without a BOM; set encoding ..."; and
  // kInvalidArgument for an encoding iconv does not know.
  [[nodiscard]] static Result<std::unique_ptr<TranscodingSource>> Open(ByteSource* inner,
                                                                       std::string encoding);
  ~TranscodingSource() override;

  const SourceInfo& Info() const override { return inner_->Info(); }
  [[nodiscard]] Result<std::size_t> Read(std::span<char> buffer) override;
  [[nodiscard]] Status Rewind() override;
  bool CanRewind() const override { return inner_->CanRewind(); }

  // The effective encoding ("utf-8", "utf-16le", ...) and, when detected, why.
  const std::string& encoding() const { return encoding_; }
  const std::string& encoding_reason() const { return reason_; }
  bool transcodes() const { return decoder_ != nullptr; }
  // Sees every byte read from the inner source, as it was (e.g. the file's content hash),
  // starting with those Open() read ahead. Set before the first Read().
  void set_raw_observer(std::function<void(std::string_view)> observer);
  // `utf8` text that this source produced, back in the file's own bytes (a reject's
  // raw_line keeps the original). UTF-8 input returns it unchanged.
  std::string OriginalBytes(std::string_view utf8) const;

  // How an ASCII character looks in the input encoding, when it is one code unit that can be
  // copied without iconv.
  enum class AsciiUnits { kNone, kSingleByte, kUtf16Le, kUtf16Be };

 private:
  struct Converter;  // an iconv_t with its deleter, kept out of this header
  TranscodingSource(ByteSource* inner, std::string encoding, std::string reason);
  [[nodiscard]] Status Start();
  [[nodiscard]] Result<bool> Refill();
  // For single-byte encodings: the UTF-8 of every byte from 0x80 up, decoded once by iconv.
  void BuildHighByteTable();
  // The UTF-8 (at most kMaxCharBytes) of the one non-ASCII code unit at `in`, written to
  // `out`; 0 when iconv must decide (a surrogate, an undecodable byte, a cut unit).
  std::size_t DecodeOne(const char* in, std::size_t in_bytes, char* out) const;

  ByteSource* inner_;
  std::string encoding_;
  std::string reason_;
  std::unique_ptr<Converter> decoder_;  // null for UTF-8
  mutable std::unique_ptr<Converter> encoder_;
  std::size_t unit_bytes_ = 1;  // code unit of the input encoding (2 for UTF-16)
  AsciiUnits ascii_units_ = AsciiUnits::kNone;
  struct HighByte {
    std::array<char, 4> utf8{};
    std::uint8_t length = 0;  // 0: not decodable
  };
  std::array<HighByte, 128> high_bytes_{};
  std::function<void(std::string_view)> raw_observer_;
  std::vector<char> input_;
  std::size_t input_pos_ = 0;
  std::size_t input_end_ = 0;
  bool inner_eof_ = false;
  std::string pending_;  // decoded bytes a too-small Read() buffer could not take
};

}  // namespace billflow

#endif  // BILLFLOW_SOURCES_TRANSCODING_SOURCE_H_
