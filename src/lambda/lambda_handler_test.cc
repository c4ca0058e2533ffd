#include "lambda/lambda_handler.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "http/fake_http_client.h"
#include "http/url.h"
#include "sinks/sqlite_sink.h"

namespace billflow {
namespace {

constexpr char kHeader[] =
    "id,company_name,country,city,product_line,item,bill_date,currency,bill_amount\n";

AwsConfig LocalConfig() {
  AwsConfig config;
  config.region = "us-east-1";
  config.credentials = Credentials{"AKID", "SECRET", "", "test"};
  config.endpoint_url_s3 = "http://s3.local";
  return config;
}

// A fake S3 holding objects by "/bucket/key" (decoded).
class FakeS3 {
 public:
  explicit FakeS3(FakeHttpClient* http) {
    http->SetHandler([this](const HttpRequest& request) -> Result<HttpResponse> {
      Result<Url> url = Url::Parse(request.url);
      std::string path = *PercentDecode(url->path, false);
      HttpResponse response;
      auto it = objects.find(path);
      if (it == objects.end()) {
        response.status = 404;
        return response;
      }
      response.headers = {{"ETag", "\"e-" + std::to_string(it->second.size()) + "\""},
                          {"Last-Modified", "Sun, 01 Jun 2025 10:00:00 GMT"}};
      if (request.method == "HEAD") {
        if (on_head) on_head();
        response.status = 200;
        response.headers.push_back({"Content-Length", std::to_string(it->second.size())});
        return response;
      }
      std::size_t first = 0, last = 0;
      std::sscanf(request.FindHeader("Range")->c_str(), "bytes=%zu-%zu", &first, &last);
      response.status = 206;
      response.body = it->second.substr(first, last - first + 1);
      return response;
    });
  }
  std::map<std::string, std::string> objects;
  std::function<void()> on_head;  // e.g. time passing while S3 answers
};

Invocation MakeInvocation(std::string id, std::string payload) {
  Invocation invocation{std::move(id), 0, "arn:aws:lambda:us-east-1:1:function:billflow", "",
                        std::move(payload)};
  invocation.deadline_epoch_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count() +
                                 60000;
  return invocation;
}

class LambdaHandlerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("billflow_lambda_test_" +
            std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    config_.connect = [path = (dir_ / "t.db").string()]() -> Result<std::unique_ptr<Database>> {
      auto sink = SqliteSink::Open(SqliteOptions{path});
      if (!sink) return tl::unexpected(sink.error());
      BILLFLOW_TRY((*sink)->Migrate());
      return std::unique_ptr<Database>(std::move(*sink));
    };
    config_.retry.sleep = [](std::chrono::milliseconds) {};
    config_.log = [this](const std::string& line) { logs_.push_back(line); };
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path dir_;
  FakeHttpClient http_;
  FakeS3 s3_objects_{&http_};
  S3Client s3_{&http_, LocalConfig(), SystemClock()};
  FxRateTable rates_ = FxRateTable::Default();
  LambdaHandlerConfig config_;
  std::vector<std::string> logs_;
};

TEST_F(LambdaHandlerTest, EveryRecordLoadsWithDecodedKeysAndAgainIsUnchanged) {
  s3_objects_.objects["/bills/in/a b+c.csv"] =
      std::string(kHeader) + "1,Acme,US,Austin,Dairy,Milk,2025-06-01,USD,10.00\n";
  s3_objects_.objects["/bills/in/two.csv"] = std::string(kHeader) +
                                             "1,Acme,CA,Toronto,Dairy,Milk,2025-06-01,CAD,100.00\n"
                                             "2,Acme,CA,Toronto,Dairy,Milk,2025-06-01,ABC,1.00\n";
  std::string event = R"({"Records":[
    {"eventSource":"aws:s3","eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"bills"},"object":{"key":"in/a+b%2Bc.csv","sequencer":"01"}}},
    {"eventSource":"aws:s3","eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"bills"},"object":{"key":"in/two.csv","sequencer":"02"}}},
    {"eventSource":"aws:s3","eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"bills"},"object":{"key":"in/deleted.csv"}}}]})";
  LambdaHandler handler(config_, &s3_, &rates_);
  Invocation invocation = MakeInvocation("req-1", event);
  Result<std::string> answer = handler.Handle(invocation);
  ASSERT_TRUE(answer) << answer.error().message;
  nlohmann::json json = nlohmann::json::parse(*answer);
  ASSERT_EQ(json["files"].size(), 3u);
  EXPECT_EQ(json["files"][0]["source"], "s3://bills/in/a b+c.csv");
  EXPECT_EQ(json["files"][0]["status"], "loaded");
  EXPECT_EQ(json["files"][1]["rows_loaded"], 1);
  EXPECT_EQ(json["files"][1]["rows_rejected"], 1);
  EXPECT_EQ(json["files"][1]["usd_total"], "79.00");
  EXPECT_EQ(json["files"][2]["status"], "stale");
  EXPECT_EQ(json["totals"]["usd_total"], "89.00");
  // The metrics line is CloudWatch EMF.
  bool emf = false;
  for (const std::string& line : logs_)
    emf = emf || line.find("\"CloudWatchMetrics\"") != std::string::npos;
  EXPECT_TRUE(emf);

  Result<std::string> again = handler.Handle(invocation);
  ASSERT_TRUE(again) << again.error().message;
  nlohmann::json second = nlohmann::json::parse(*again);
  EXPECT_EQ(second["files"][0]["status"], "unchanged");
  EXPECT_EQ(second["files"][1]["status"], "unchanged");
}

TEST_F(LambdaHandlerTest, FailedFileMakesTheInvocationFail) {
  s3_objects_.objects["/bills/bad.csv"] = "id,company_name\n1,Acme\n";
  LambdaHandler handler(config_, &s3_, &rates_);
  Result<std::string> answer = handler.Handle(MakeInvocation(
      "req-2", R"({"Records":[{"s3":{"bucket":{"name":"bills"},"object":{"key":"bad.csv"}}}]})"));
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, ErrorCode::kInvalidData);
  EXPECT_TRUE(answer.error().message.starts_with("1 of 1 files failed: "))
      << answer.error().message;
  EXPECT_EQ(answer.error().message.find("deadline"), std::string::npos) << answer.error().message;
}

TEST_F(LambdaHandlerTest, SqsBatchNamesOnlyTheFailedMessages) {
  s3_objects_.objects["/bills/good.csv"] =
      std::string(kHeader) + "1,Acme,US,Austin,Dairy,Milk,2025-06-01,USD,10.00\n";
  s3_objects_.objects["/bills/bad.csv"] = "id,company_name\n1,Acme\n";
  auto body = [](const std::string& key) {
    return nlohmann::json{
        {"Records",
         {{{"eventName", "ObjectCreated:Put"},
           {"s3", {{"bucket", {{"name", "bills"}}}, {"object", {{"key", key}}}}}}}}}
        .dump();
  };
  nlohmann::json sqs = {
      {"Records",
       {{{"messageId", "m-good"}, {"eventSource", "aws:sqs"}, {"body", body("good.csv")}},
        {{"messageId", "m-bad"}, {"eventSource", "aws:sqs"}, {"body", body("bad.csv")}},
        {{"messageId", "m-junk"}, {"eventSource", "aws:sqs"}, {"body", "junk"}},
        {{"messageId", "m-test"},
         {"eventSource", "aws:sqs"},
         {"body", R"({"Event":"s3:TestEvent"})"}}}}};
  LambdaHandler handler(config_, &s3_, &rates_);
  Result<std::string> answer = handler.Handle(MakeInvocation("req-3", sqs.dump()));
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(*answer,
            R"({"batchItemFailures":[{"itemIdentifier":"m-bad"},{"itemIdentifier":"m-junk"}]})")
      << ::testing::PrintToString(logs_);
}

TEST_F(LambdaHandlerTest, NothingStartsOnceTheDeadlineHasPassed) {
  s3_objects_.objects["/bills/good.csv"] =
      std::string(kHeader) + "1,Acme,US,Austin,Dairy,Milk,2025-06-01,USD,10.00\n";
  LambdaHandler handler(config_, &s3_, &rates_);
  Invocation invocation = MakeInvocation(
      "req-4", R"({"Records":[{"s3":{"bucket":{"name":"bills"},"object":{"key":"good.csv"}}}]})");
  invocation.deadline_epoch_ms -= 61000;  // a second ago
  Result<std::string> answer = handler.Handle(invocation);
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, ErrorCode::kDeadlineExceeded);
  EXPECT_EQ(answer.error().message,
            "1 of 1 files failed: s3://bills/good.csv: not started, the invocation deadline is "
            "too close");
  EXPECT_TRUE(http_.requests().empty());
}

TEST_F(LambdaHandlerTest, ThreeSecondBudgetLoadsASmallFile) {
  // Lambda's default timeout: a fixed 5 s margin refused every file.
  s3_objects_.objects["/bills/small.csv"] = std::string(kHeader) +
                                            "1,Acme,US,Austin,Dairy,Milk,2025-06-01,USD,10.00\n" +
                                            "2,Acme,CA,Toronto,Dairy,Milk,2025-06-01,CAD,100.00\n";
  LambdaHandler handler(config_, &s3_, &rates_);
  Invocation invocation = MakeInvocation(
      "req-5", R"({"Records":[{"s3":{"bucket":{"name":"bills"},"object":{"key":"small.csv"}}}]})");
  invocation.deadline_epoch_ms -= 57000;  // 3 s from now
  Result<std::string> answer = handler.Handle(invocation);
  ASSERT_TRUE(answer) << answer.error().message;
  nlohmann::json json = nlohmann::json::parse(*answer);
  EXPECT_EQ(json["files"][0]["status"], "loaded");
  EXPECT_EQ(json["files"][0]["rows_loaded"], 2);
  EXPECT_EQ(json["totals"]["usd_total"], "89.00");
}

TEST_F(LambdaHandlerTest, NoFileStartsInsideTheLastTenthOfTheBudget) {
  // A 3 s budget keeps 300 ms: the second file would start 2.75 s in, inside the margin.
  auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1748779200));
  config_.clock = [&now] { return now; };
  s3_objects_.on_head = [&now] { now += std::chrono::milliseconds(2750); };
  s3_objects_.objects["/bills/one.csv"] =
      std::string(kHeader) + "1,Acme,US,Austin,Dairy,Milk,2025-06-01,USD,10.00\n";
  s3_objects_.objects["/bills/two.csv"] = s3_objects_.objects["/bills/one.csv"];
  LambdaHandler handler(config_, &s3_, &rates_);
  Result<EventOutcome> outcome = handler.ProcessEvent(
      R"({"Records":[{"s3":{"bucket":{"name":"bills"},"object":{"key":"one.csv"}}},
                     {"s3":{"bucket":{"name":"bills"},"object":{"key":"two.csv"}}}]})",
      now + std::chrono::seconds(3));
  ASSERT_TRUE(outcome) << outcome.error().message;
  const auto& files = outcome->run.files();
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0].status, FileStatus::kLoaded) << files[0].error;
  EXPECT_EQ(files[1].status, FileStatus::kFailed);
  EXPECT_EQ(files[1].error,
            "s3://bills/two.csv: not started, the invocation deadline is too close");
}

// The EMF line of the invocation (the one with "_aws").
nlohmann::json EmfLine(const std::vector<std::string>& logs) {
  for (const std::string& line : logs) {
    nlohmann::json json = nlohmann::json::parse(line);
    if (json.contains("_aws")) return json;
  }
  return nullptr;
}

std::vector<std::string> DeclaredMetrics(const nlohmann::json& emf) {
  std::vector<std::string> names;
  for (const auto& metric : emf["_aws"]["CloudWatchMetrics"][0]["Metrics"]) {
    names.push_back(metric["Name"]);
  }
  return names;
}

constexpr char kScheduledEvent[] = R"({"version":"0","id":"53dc4d37",
  "detail-type":"Scheduled Event","source":"aws.scheduler","account":"123456789012",
  "time":"2025-06-23T15:00:00Z","region":"eu-central-1",
  "resources":["arn:aws:scheduler:eu-central-1:123456789012:schedule/default/rates"],
  "detail":{}})";

TEST_F(LambdaHandlerTest, EmfLineDeclaresFailedFilesAndNamesTheFunction) {
  s3_objects_.objects["/bills/bad.csv"] = "id,company_name\n1,Acme\n";
  config_.function_name = "billflow-prod";
  LambdaHandler handler(config_, &s3_, &rates_);
  ASSERT_FALSE(handler.Handle(MakeInvocation(
      "req-6", R"({"Records":[{"s3":{"bucket":{"name":"bills"},"object":{"key":"bad.csv"}}}]})")));
  nlohmann::json emf = EmfLine(logs_);
  ASSERT_FALSE(emf.is_null()) << ::testing::PrintToString(logs_);
  EXPECT_EQ(emf["function"], "billflow-prod");
  EXPECT_EQ(emf["failed_files"], 1);
  EXPECT_EQ(emf["_aws"]["CloudWatchMetrics"][0]["Dimensions"],
            nlohmann::json::parse(R"([["function"]])"));
  EXPECT_EQ(DeclaredMetrics(emf), (std::vector<std::string>{"files", "rows_loaded", "rows_rejected",
                                                            "failed_files", "duration_ms"}));
}

TEST_F(LambdaHandlerTest, ScheduledEventRunsTheRatesFetchIntoTheDatabase) {
  config_.fetch_rates = [](Database& db) -> Result<RatesFetchReport> {
    BILLFLOW_TRY(db.SaveRates({{"EUR", CivilDate{2025, 6, 23}, Decimal(11512, 4), "ecb"}}));
    return RatesFetchReport{"https://ecb.local/eurofxref-hist-90d.xml", 1, 1, 1, 0, 0};
  };
  LambdaHandler handler(config_, &s3_, &rates_);
  Result<std::string> answer = handler.Handle(MakeInvocation("req-7", kScheduledEvent));
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(
      *answer,
      R"({"rates_fetch":{"dates_added":1,"gaps":0,"rates_added":1,"rates_changed":0,)"
      R"("rates_read":1,"rejects_settled":0,"url":"https://ecb.local/eurofxref-hist-90d.xml"}})");
  auto db = config_.connect();
  ASSERT_TRUE(db) << db.error().message;
  auto stored = (*db)->LoadRates();
  ASSERT_TRUE(stored) << stored.error().message;
  ASSERT_EQ(stored->size(), 1u);
  EXPECT_EQ((*stored)[0].currency, "EUR");
  EXPECT_EQ((*stored)[0].rate_to_usd.ToString(), "1.1512");
  ASSERT_EQ(logs_.size(), 2u);
  nlohmann::json line = nlohmann::json::parse(logs_[0]);
  EXPECT_EQ(line["level"], "info");
  EXPECT_EQ(line["message"],
            "scheduled rates fetch stored rates from https://ecb.local/eurofxref-hist-90d.xml");
  EXPECT_EQ(line["schedule"], "arn:aws:scheduler:eu-central-1:123456789012:schedule/default/rates");
  EXPECT_EQ(line["rates_fetch"]["rates_added"], 1);
  nlohmann::json emf = EmfLine(logs_);
  EXPECT_EQ(emf["rates_added"], 1);
  EXPECT_EQ(emf["rates_fetch_failed"], 0);
  EXPECT_EQ(emf["files"], 0);
  EXPECT_EQ(DeclaredMetrics(emf),
            (std::vector<std::string>{"files", "rows_loaded", "rows_rejected", "failed_files",
                                      "duration_ms", "rates_fetch_failed", "rates_added",
                                      "rates_changed"}));
}

TEST_F(LambdaHandlerTest, FailedScheduledFetchFailsTheInvocation) {
  config_.fetch_rates = [](Database&) -> Result<RatesFetchReport> {
    return Fail(ErrorCode::kUnavailable, "rates fetch: GET https://ecb.local/: HTTP 503");
  };
  LambdaHandler handler(config_, &s3_, &rates_);
  Result<std::string> answer = handler.Handle(MakeInvocation("req-8", kScheduledEvent));
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(answer.error().message, "rates fetch: GET https://ecb.local/: HTTP 503");
  nlohmann::json line = nlohmann::json::parse(logs_.at(0));
  EXPECT_EQ(line["level"], "error");
  EXPECT_EQ(line["message"],
            "scheduled rates fetch failed: rates fetch: GET https://ecb.local/: HTTP 503");
  EXPECT_EQ(EmfLine(logs_)["rates_fetch_failed"], 1);
}

TEST_F(LambdaHandlerTest, ScheduledEventWithoutAFetcherOrInADryRunFails) {
  LambdaHandler unconfigured(config_, &s3_, &rates_);
  Result<std::string> answer = unconfigured.Handle(MakeInvocation("req-9", kScheduledEvent));
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().message,
            "scheduled event: no rates fetch is configured (LambdaHandlerConfig::fetch_rates)");
  config_.dry_run = true;
  config_.fetch_rates = [](Database&) -> Result<RatesFetchReport> { return RatesFetchReport{}; };
  LambdaHandler dry(config_, &s3_, &rates_);
  answer = dry.Handle(MakeInvocation("req-10", kScheduledEvent));
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().message,
            "scheduled event: the rates fetch writes to the database and this is a dry run; "
            "nothing fetched");
  EXPECT_FALSE(std::filesystem::exists(dir_ / "t.db"));
}

}  // namespace
}  // namespace billflow
