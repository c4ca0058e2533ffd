#include "http/http_client.h"

#include <algorithm>

namespace billflow {
namespace {

char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

const std::string* Find(const std::vector<HttpHeader>& headers, std::string_view name) {
  for (const HttpHeader& header : headers) {
    if (EqualsIgnoreCase(header.name, name)) return &header.value;
  }
  return nullptr;
}

}  // namespace

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (LowerAscii(a[i]) != LowerAscii(b[i])) return false;
  }
  return true;
}

const std::string* HttpRequest::FindHeader(std::string_view name) const {
  return Find(headers, name);
}

void HttpRequest::SetHeader(std::string_view name, std::string value) {
  std::erase_if(headers, [&](const HttpHeader& h) { return EqualsIgnoreCase(h.name, name); });
  headers.push_back(HttpHeader{std::string(name), std::move(value)});
}

const std::string* HttpResponse::FindHeader(std::string_view name) const {
  return Find(headers, name);
}

}  // namespace billflow
