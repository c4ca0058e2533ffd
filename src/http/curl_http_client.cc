#include "http/curl_http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstdio>
#include <mutex>
#include <string>

namespace billflow {
namespace {

struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

void GlobalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// State shared with the libcurl callbacks during one transfer.
struct Transfer {
  HttpResponse response;
  const BodyCallback* on_body = nullptr;
  Status callback_status;
  bool body_truncated = false;
  std::string_view upload;      // the request body
  std::size_t uploaded = 0;     // bytes of it handed to libcurl
  bool replay_refused = false;  // libcurl wanted to send the body again
};

size_t OnRead(char* buffer, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  std::size_t n = std::min(size * count, transfer->upload.size() - transfer->uploaded);
  transfer->upload.copy(buffer, n, transfer->uploaded);
  transfer->uploaded += n;
  return n;
}

// libcurl rewinds the body to send it again on a fresh connection when a reused one died
// before any byte of the answer — but the server may have received and run it (a commit, a
// batch of rows). Only the caller can find out (through the ledger), so a body that was
// handed over, even in part, is never rewound.
int OnSeek(void* user, curl_off_t offset, int origin) {
  auto* transfer = static_cast<Transfer*>(user);
  if (origin == SEEK_SET && offset == 0 && transfer->uploaded == 0) return CURL_SEEKFUNC_OK;
  transfer->replay_refused = true;
  return CURL_SEEKFUNC_FAIL;
}

std::string Trim(std::string_view text) {
  std::size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  std::size_t end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(begin, end - begin + 1));
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) {
    // A new status line (after 100 Continue or a redirect) starts a fresh header set.
    transfer->response.headers.clear();
    std::size_t space = line.find(' ');
    if (space != std::string_view::npos && line.size() >= space + 4) {
      transfer->response.status = std::stoi(std::string(line.substr(space + 1, 3)));
    }
    return size * count;
  }
  std::size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    transfer->response.headers.push_back(
        HttpHeader{Trim(line.substr(0, colon)), Trim(line.substr(colon + 1))});
  }
  return size * count;
}

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  std::string_view chunk(data, size * count);
  bool success = transfer->response.ok();
  if (transfer->on_body != nullptr && success) {
    Status status = (*transfer->on_body)(chunk);
    if (!status) {
      transfer->callback_status = std::move(status);
      return CURL_WRITEFUNC_ERROR;
    }
    return chunk.size();
  }
  if (transfer->on_body != nullptr &&
      transfer->response.body.size() + chunk.size() > HttpClient::kMaxErrorBodyBytes) {
    transfer->body_truncated = true;
    return chunk.size();
  }
  transfer->response.body.append(chunk);
  return chunk.size();
}

Error TransportError(CURLcode code, const HttpRequest& request, const char* detail) {
  std::string what = request.method + " " + request.url + ": " +
                     (detail != nullptr && detail[0] != '\0' ? detail : curl_easy_strerror(code));
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return Error{ErrorCode::kDeadlineExceeded, what + " (timed out)"};
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return Error{ErrorCode::kUnavailable, what};
    case CURLE_PEER_FAILED_VERIFICATION:
      return Error{ErrorCode::kPermissionDenied, what + " (TLS certificate not trusted)"};
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return Error{ErrorCode::kInvalidArgument, what};
    default:
      return Error{ErrorCode::kUnavailable, what};
  }
}

}  // namespace

struct CurlHttpClient::Handle {
  struct Cleanup {
    void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
  };
  std::unique_ptr<CURL, Cleanup> curl;
};

CurlHttpClient::CurlHttpClient(CurlHttpOptions options)
    : options_(options), handle_(std::make_unique<Handle>()) {
  GlobalInitOnce();
}

CurlHttpClient::~CurlHttpClient() = default;

Result<HttpResponse> CurlHttpClient::Send(const HttpRequest& request) {
  return Perform(request, nullptr);
}

Result<HttpResponse> CurlHttpClient::SendStreaming(const HttpRequest& request,
                                                   const BodyCallback& on_body) {
  return Perform(request, &on_body);
}

Result<HttpResponse> CurlHttpClient::Perform(const HttpRequest& request,
                                             const BodyCallback* on_body) {
  if (!handle_->curl) {
    handle_->curl.reset(curl_easy_init());
    if (!handle_->curl) return Fail(ErrorCode::kInternal, "curl_easy_init failed");
  } else {
    curl_easy_reset(handle_->curl.get());
  }
  CURL* curl = handle_->curl.get();

  std::unique_ptr<curl_slist, SlistDeleter> header_list;
  auto append = [&](const std::string& line) {
    curl_slist* next = curl_slist_append(header_list.get(), line.c_str());
    if (next != nullptr) {
      (void)header_list.release();
      header_list.reset(next);
    }
  };
  for (const HttpHeader& header : request.headers) {
    // "Name;" is libcurl's spelling of a header with an empty value.
    append(header.value.empty() ? header.name + ";" : header.name + ": " + header.value);
  }
  // Unsigned headers libcurl would add on its own: no 100-continue round trip, no
  // form content type on POSTs that did not ask for one.
  if (request.FindHeader("Expect") == nullptr) append("Expect:");
  if (request.FindHeader("Content-Type") == nullptr) append("Content-Type:");

  Transfer transfer;
  transfer.on_body = on_body;
  char error_buffer[CURL_ERROR_SIZE] = {};

  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, header_list.get());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  // S3 keys may hold "." and ".." segments: send the path exactly as signed, never normalised
  // (normalising could aim the request at another key or bucket).
  curl_easy_setopt(curl, CURLOPT_PATH_AS_IS, 1L);
  if (!options_.ca_bundle_path.empty()) {
    curl_easy_setopt(curl, CURLOPT_CAINFO, options_.ca_bundle_path.c_str());
  }
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, static_cast<long>(options_.stall_timeout.count()));
  // Bytes arrive exactly as sent; no transparent decompression that would defeat hashing.
  curl_easy_setopt(curl, CURLOPT_HTTP_CONTENT_DECODING, 0L);

  if (request.method == "GET") {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else {
    if (request.method != "POST") {
      curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    // Read through OnRead, not CURLOPT_POSTFIELDS: libcurl can replay a POSTFIELDS body on
    // its own, and OnSeek refuses that.
    transfer.upload = request.body;
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, OnRead);
    curl_easy_setopt(curl, CURLOPT_READDATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_SEEKFUNCTION, OnSeek);
    curl_easy_setopt(curl, CURLOPT_SEEKDATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
  }

  CURLcode code = curl_easy_perform(curl);
  if (!transfer.callback_status) return tl::unexpected(transfer.callback_status.error());
  if (code != CURLE_OK) {
    // A broken connection must not be reused for the next request.
    handle_->curl.reset();
    if (transfer.replay_refused) {
      return Fail(ErrorCode::kUnavailable,
                  request.method + " " + request.url +
                      ": the connection closed before an answer; the request may have been "
                      "received, and is not sent again");
    }
    return tl::unexpected(TransportError(code, request, error_buffer));
  }
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  transfer.response.status = static_cast<int>(status);
  if (transfer.body_truncated) transfer.response.body += "...(truncated)";
  return std::move(transfer.response);
}

}  // namespace billflow
