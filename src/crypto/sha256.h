#ifndef BILLFLOW_CRYPTO_SHA256_H_
#define BILLFLOW_CRYPTO_SHA256_H_

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace billflow {

using Sha256Digest = std::array<std::uint8_t, 32>;

// Incremental SHA-256 (OpenSSL underneath). Not thread-safe; one object per stream.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(std::string_view bytes);
  // Returns the digest; the object is reset and can hash a new stream.
  Sha256Digest Finish();

  static Sha256Digest Of(std::string_view bytes);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// HMAC-SHA256 of `message` under `key` (SigV4 key derivation and signatures).
Sha256Digest HmacSha256(std::string_view key, std::string_view message);

// Lower-case hexadecimal of any byte span.
std::string ToHex(std::span<const std::uint8_t> bytes);

}  // namespace billflow

#endif  // BILLFLOW_CRYPTO_SHA256_H_
