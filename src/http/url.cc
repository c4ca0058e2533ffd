#include "http/url.h"

#include <charconv>

namespace billflow {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsUnreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

}  // namespace

std::string Url::HostHeader() const {
  bool default_port =
      port == 0 || (scheme == "http" && port == 80) || (scheme == "https" && port == 443);
  return default_port ? host : host + ":" + std::to_string(port);
}

std::string Url::Origin() const {
  return scheme + "://" + (port == 0 ? host : host + ":" + std::to_string(port));
}

Result<Url> Url::Parse(std::string_view text) {
  Url url;
  std::size_t scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) {
    return Fail(ErrorCode::kInvalidArgument,
                "URL \"" + std::string(text) + "\" has no scheme; expected http://host[:port]");
  }
  url.scheme = std::string(text.substr(0, scheme_end));
  if (url.scheme != "http" && url.scheme != "https") {
    return Fail(ErrorCode::kInvalidArgument,
                "URL \"" + std::string(text) + "\": only http and https are supported");
  }
  std::string_view rest = text.substr(scheme_end + 3);
  std::size_t authority_end = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, authority_end);
  rest = authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
  std::size_t colon = authority.rfind(':');
  if (colon != std::string_view::npos && authority.find(']') == std::string_view::npos) {
    std::string_view port_text = authority.substr(colon + 1);
    int port = 0;
    auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || ptr != port_text.data() + port_text.size() || port <= 0 ||
        port > 65535) {
      return Fail(ErrorCode::kInvalidArgument,
                  "URL \"" + std::string(text) + "\" has an invalid port");
    }
    url.port = port;
    authority = authority.substr(0, colon);
  }
  if (authority.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "URL \"" + std::string(text) + "\" has no host");
  }
  url.host = std::string(authority);
  std::size_t question = rest.find('?');
  url.path = std::string(rest.substr(0, question));
  if (url.path.empty()) url.path = "/";
  if (question != std::string_view::npos) url.query = std::string(rest.substr(question + 1));
  return url;
}

std::string PercentEncode(std::string_view text, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() + text.size() / 2);
  for (char c : text) {
    if (IsUnreserved(c) || (keep_slash && c == '/')) {
      out.push_back(c);
    } else {
      auto byte = static_cast<unsigned char>(c);
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0x0F]);
    }
  }
  return out;
}

Result<std::string> PercentDecode(std::string_view text, bool plus_as_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+' && plus_as_space) {
      out.push_back(' ');
    } else if (c == '%') {
      int high = i + 2 < text.size() ? HexValue(text[i + 1]) : -1;
      int low = i + 2 < text.size() ? HexValue(text[i + 2]) : -1;
      if (high < 0 || low < 0) {
        return Fail(ErrorCode::kInvalidData, "\"" + std::string(text) +
                                                 "\": malformed percent-encoding at byte " +
                                                 std::to_string(i));
      }
      out.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace billflow
