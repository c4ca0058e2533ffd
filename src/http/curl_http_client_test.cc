#include "http/curl_http_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace billflow {
namespace {

// Serves exactly one connection on 127.0.0.1 with a canned answer; keeps what it read.
class OneShotServer {
 public:
  explicit OneShotServer(std::string answer) : answer_(std::move(answer)) {
    listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address));
    listen(listen_fd_, 1);
    socklen_t length = sizeof(address);
    getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~OneShotServer() {
    thread_.join();
    close(listen_fd_);
  }
  int port() const { return port_; }
  const std::string& received() const { return received_; }

 private:
  void Serve() {
    int fd = accept(listen_fd_, nullptr, nullptr);
    char buffer[4096];
    while (received_.find("\r\n\r\n") == std::string::npos ||
           received_.size() < HeaderEnd() + ContentLength()) {
      ssize_t n = read(fd, buffer, sizeof(buffer));
      if (n <= 0) break;
      received_.append(buffer, static_cast<std::size_t>(n));
    }
    (void)!write(fd, answer_.data(), answer_.size());
    close(fd);
  }
  std::size_t HeaderEnd() const { return received_.find("\r\n\r\n") + 4; }
  std::size_t ContentLength() const {
    std::size_t at = received_.find("Content-Length: ");
    return at == std::string::npos ? 0 : std::stoul(received_.substr(at + 16));
  }
  std::string answer_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::string received_;
  std::thread thread_;
};

// Answers the first request of its first connection with a keep-alive 200, reads the second
// request on that connection in full and closes it without an answer; any later connection
// gets each of its requests counted and answered 200. Stops when destroyed.
class DropsSecondAnswerServer {
 public:
  DropsSecondAnswerServer() {
    listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address));
    listen(listen_fd_, 4);
    socklen_t length = sizeof(address);
    getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~DropsSecondAnswerServer() {
    shutdown(listen_fd_, SHUT_RDWR);
    thread_.join();
    close(listen_fd_);
  }
  int port() const { return port_; }
  // Bodies of the requests read, in order, over every connection.
  std::vector<std::string> bodies() {
    std::lock_guard<std::mutex> hold(mutex_);
    return bodies_;
  }

 private:
  static constexpr char kOk[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
  // One request from `fd` into `pending`; false at end of stream.
  bool ReadRequest(int fd, std::string* pending) {
    char buffer[4096];
    for (;;) {
      std::size_t end = pending->find("\r\n\r\n");
      if (end != std::string::npos) {
        std::size_t at = pending->find("Content-Length: ");
        std::size_t length = at == std::string::npos ? 0 : std::stoul(pending->substr(at + 16));
        if (pending->size() >= end + 4 + length) {
          std::lock_guard<std::mutex> hold(mutex_);
          bodies_.push_back(pending->substr(end + 4, length));
          pending->erase(0, end + 4 + length);
          return true;
        }
      }
      ssize_t n = read(fd, buffer, sizeof(buffer));
      if (n <= 0) return false;
      pending->append(buffer, static_cast<std::size_t>(n));
    }
  }
  void Serve() {
    for (int connection = 0;; ++connection) {
      int fd = accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) return;
      std::string pending;
      for (int request = 0; ReadRequest(fd, &pending); ++request) {
        if (connection == 0 && request == 1) break;  // read, never answered
        (void)!write(fd, kOk, sizeof(kOk) - 1);
      }
      close(fd);
    }
  }
  int listen_fd_ = -1;
  int port_ = 0;
  std::mutex mutex_;
  std::vector<std::string> bodies_;
  std::thread thread_;
};

TEST(CurlHttpClientTest, PostWhoseReusedConnectionDiesIsNotSentAgain) {
  DropsSecondAnswerServer server;
  CurlHttpClient http;
  HttpRequest request;
  request.method = "POST";
  request.url = "http://127.0.0.1:" + std::to_string(server.port()) + "/CommitTransaction";
  request.body = "first";
  Result<HttpResponse> first = http.Send(request);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->body, "ok");
  request.body = "second";
  Result<HttpResponse> second = http.Send(request);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(second.error().message,
            "POST " + request.url +
                ": the connection closed before an answer; the request may have been received, "
                "and is not sent again");
  // The next request goes out on a fresh connection, once.
  request.body = "third";
  Result<HttpResponse> third = http.Send(request);
  ASSERT_TRUE(third) << third.error().message;
  EXPECT_EQ(server.bodies(), (std::vector<std::string>{"first", "second", "third"}));
}

TEST(CurlHttpClientTest, SendsHeadersAndBodyAndReadsAnswer) {
  OneShotServer server(
      "HTTP/1.1 201 Created\r\nX-Thing:  value \r\nContent-Length: 5\r\n"
      "Connection: close\r\n\r\nhello");
  CurlHttpClient http;
  HttpRequest request;
  request.method = "POST";
  request.url = "http://127.0.0.1:" + std::to_string(server.port()) + "/Execute?a=b";
  request.headers = {{"X-Amz-Date", "20150830T123600Z"}};
  request.body = "{\"sql\":1}";
  Result<HttpResponse> response = http.Send(request);
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response->status, 201);
  EXPECT_EQ(response->body, "hello");
  ASSERT_NE(response->FindHeader("x-thing"), nullptr);
  EXPECT_EQ(*response->FindHeader("x-thing"), "value");
  EXPECT_NE(server.received().find("POST /Execute?a=b HTTP/1.1\r\n"), std::string::npos);
  EXPECT_NE(server.received().find("X-Amz-Date: 20150830T123600Z\r\n"), std::string::npos);
  EXPECT_EQ(server.received().find("Content-Type"), std::string::npos);
  EXPECT_EQ(server.received().find("Expect"), std::string::npos);
  EXPECT_TRUE(server.received().ends_with("{\"sql\":1}"));
}

TEST(CurlHttpClientTest, StreamingPassesSuccessBodyToCallback) {
  OneShotServer server("HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\nabcdef");
  CurlHttpClient http;
  HttpRequest request;
  request.url = "http://127.0.0.1:" + std::to_string(server.port()) + "/k";
  std::string streamed;
  Result<HttpResponse> response = http.SendStreaming(request, [&](std::string_view chunk) {
    streamed.append(chunk);
    return Ok();
  });
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(streamed, "abcdef");
  EXPECT_TRUE(response->body.empty());
}

TEST(CurlHttpClientTest, StreamingKeepsErrorBodyInResponse) {
  OneShotServer server(
      "HTTP/1.1 403 Forbidden\r\nContent-Length: 7\r\nConnection: close\r\n\r\n<Error>");
  CurlHttpClient http;
  HttpRequest request;
  request.url = "http://127.0.0.1:" + std::to_string(server.port()) + "/k";
  bool called = false;
  Result<HttpResponse> response = http.SendStreaming(request, [&](std::string_view) {
    called = true;
    return Ok();
  });
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 403);
  EXPECT_EQ(response->body, "<Error>");
  EXPECT_FALSE(called);
}

TEST(CurlHttpClientTest, RefusedConnectionIsUnavailable) {
  int port = 0;
  {
    // Find a port nobody listens on: bind, read the port, close.
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
    socklen_t length = sizeof(address);
    getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    port = ntohs(address.sin_port);
    close(fd);
  }
  CurlHttpClient http;
  HttpRequest request;
  request.url = "http://127.0.0.1:" + std::to_string(port) + "/";
  Result<HttpResponse> response = http.Send(request);
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(response.error().message.find("GET http://127.0.0.1:"), std::string::npos);
}

}  // namespace
}  // namespace billflow
