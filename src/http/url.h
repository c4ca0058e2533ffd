#ifndef BILLFLOW_HTTP_URL_H_
#define BILLFLOW_HTTP_URL_H_

#include <string>
#include <string_view>

#include "core/result.h"

namespace billflow {

// The parts of an absolute http(s) URL, kept in their encoded form.
struct Url {
  std::string scheme;  // "http" | "https"
  std::string host;    // "127.0.0.1", "s3.us-east-1.amazonaws.com"
  int port = 0;        // explicit port, or 0 when the URL has none
  std::string path;    // "/bucket/a%20b.csv"; "/" when the URL has none
  std::string query;   // "list-type=2&prefix=x" (no '?'); may be empty

  // "host" or "host:port" as the Host header must carry it (default ports omitted).
  std::string HostHeader() const;
  // "scheme://host[:port]".
  std::string Origin() const;

  [[nodiscard]] static Result<Url> Parse(std::string_view text);
};

// RFC 3986 percent-encoding of everything but `A-Za-z0-9-._~` (and '/' when keep_slash),
// with upper-case hex: the encoding SigV4 and S3 object keys need.
std::string PercentEncode(std::string_view text, bool keep_slash);

// Decodes %XX sequences; with plus_as_space also '+' (form encoding, as in S3 event keys).
// Fails on a malformed % sequence.
[[nodiscard]] Result<std::string> PercentDecode(std::string_view text, bool plus_as_space);

}  // namespace billflow

#endif  // BILLFLOW_HTTP_URL_H_
