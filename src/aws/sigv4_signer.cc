#include "aws/sigv4_signer.h"

#include <algorithm>
#include <ctime>
#include <map>
#include <utility>
#include <vector>

#include "core/ascii.h"
#include "crypto/sha256.h"
#include "http/url.h"

namespace billflow {
namespace {

// Trims and collapses runs of spaces, as SigV4's canonical header values require.
std::string CanonicalHeaderValue(std::string_view value) {
  std::string out;
  bool pending_space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

std::string HexSha256(std::string_view bytes) { return ToHex(Sha256::Of(bytes)); }

std::string DigestString(const Sha256Digest& digest) {
  return std::string(reinterpret_cast<const char*>(digest.data()), digest.size());
}

}  // namespace

std::string FormatAmzDate(std::chrono::system_clock::time_point time) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[17];
  std::strftime(buffer, sizeof(buffer), "%Y%m%dT%H%M%SZ", &utc);
  return buffer;
}

std::string CanonicalUri(std::string_view encoded_path, bool s3_rules) {
  if (encoded_path.empty()) return "/";
  if (s3_rules) return std::string(encoded_path);
  return PercentEncode(encoded_path, /*keep_slash=*/true);
}

std::string CanonicalQuery(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> pairs;
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view item = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (item.empty()) continue;
    std::size_t equals = item.find('=');
    std::string_view name = item.substr(0, equals);
    std::string_view value =
        equals == std::string_view::npos ? std::string_view() : item.substr(equals + 1);
    auto reencode = [](std::string_view text) {
      Result<std::string> decoded = PercentDecode(text, /*plus_as_space=*/false);
      return PercentEncode(decoded ? *decoded : std::string(text), /*keep_slash=*/false);
    };
    pairs.emplace_back(reencode(name), reencode(value));
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const auto& [name, value] : pairs) {
    if (!out.empty()) out.push_back('&');
    out += name;
    out.push_back('=');
    out += value;
  }
  return out;
}

Result<CanonicalRequest> BuildCanonicalRequest(const HttpRequest& request, bool s3_rules,
                                               std::string_view payload_hash) {
  Result<Url> url = Url::Parse(request.url);
  if (!url) return tl::unexpected(url.error());
  std::map<std::string, std::string> headers;  // sorted by lower-case name
  for (const HttpHeader& header : request.headers) {
    std::string name = AsciiLower(header.name);
    std::string value = CanonicalHeaderValue(header.value);
    auto [it, inserted] = headers.emplace(name, value);
    if (!inserted) it->second += "," + value;
  }
  CanonicalRequest canonical;
  std::string header_block;
  for (const auto& [name, value] : headers) {
    header_block += name + ":" + value + "\n";
    if (!canonical.signed_headers.empty()) canonical.signed_headers.push_back(';');
    canonical.signed_headers += name;
  }
  canonical.text = request.method + "\n" + CanonicalUri(url->path, s3_rules) + "\n" +
                   CanonicalQuery(url->query) + "\n" + header_block + "\n" +
                   canonical.signed_headers + "\n" + std::string(payload_hash);
  return canonical;
}

std::string CredentialScope(std::string_view amz_date, std::string_view region,
                            std::string_view service) {
  return std::string(amz_date.substr(0, 8)) + "/" + std::string(region) + "/" +
         std::string(service) + "/aws4_request";
}

std::string BuildStringToSign(std::string_view amz_date, std::string_view credential_scope,
                              std::string_view canonical_request) {
  return "AWS4-HMAC-SHA256\n" + std::string(amz_date) + "\n" + std::string(credential_scope) +
         "\n" + HexSha256(canonical_request);
}

std::string ComputeSignature(std::string_view secret_access_key, std::string_view amz_date,
                             std::string_view region, std::string_view service,
                             std::string_view string_to_sign) {
  std::string key =
      DigestString(HmacSha256("AWS4" + std::string(secret_access_key), amz_date.substr(0, 8)));
  key = DigestString(HmacSha256(key, region));
  key = DigestString(HmacSha256(key, service));
  key = DigestString(HmacSha256(key, "aws4_request"));
  return ToHex(HmacSha256(key, string_to_sign));
}

Status SignRequest(HttpRequest* request, const Credentials& credentials,
                   const SigV4Options& options, std::chrono::system_clock::time_point now) {
  Result<Url> url = Url::Parse(request->url);
  if (!url) return tl::unexpected(url.error());
  std::erase_if(request->headers,
                [](const HttpHeader& h) { return EqualsIgnoreCase(h.name, "Authorization"); });
  std::string amz_date = FormatAmzDate(now);
  request->SetHeader("Host", url->HostHeader());
  request->SetHeader("X-Amz-Date", amz_date);
  if (!credentials.session_token.empty()) {
    request->SetHeader("X-Amz-Security-Token", credentials.session_token);
  }
  std::string payload_hash = options.s3_rules && options.unsigned_payload
                                 ? std::string("UNSIGNED-PAYLOAD")
                                 : HexSha256(request->body);
  if (options.s3_rules) request->SetHeader("X-Amz-Content-Sha256", payload_hash);

  Result<CanonicalRequest> canonical =
      BuildCanonicalRequest(*request, options.s3_rules, payload_hash);
  if (!canonical) return tl::unexpected(canonical.error());
  std::string scope = CredentialScope(amz_date, options.region, options.service);
  std::string string_to_sign = BuildStringToSign(amz_date, scope, canonical->text);
  std::string signature = ComputeSignature(credentials.secret_access_key, amz_date, options.region,
                                           options.service, string_to_sign);
  request->headers.push_back(
      HttpHeader{"Authorization", "AWS4-HMAC-SHA256 Credential=" + credentials.access_key_id + "/" +
                                      scope + ", SignedHeaders=" + canonical->signed_headers +
                                      ", Signature=" + signature});
  return Ok();
}

}  // namespace billflow
