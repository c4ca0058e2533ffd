#include "aws/s3_event.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace billflow {
namespace {

constexpr std::string_view kTwoRecords = R"({"Records":[
  {"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1",
   "eventTime":"2025-06-01T12:00:00.000Z","eventName":"ObjectCreated:Put",
   "s3":{"bucket":{"name":"bills","arn":"arn:aws:s3:::bills"},
         "object":{"key":"in/a+b%2Bc%C3%A9.csv","size":1024,"eTag":"0123abcd",
                   "versionId":"3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY","sequencer":"0055AED6DCD90281E5"}}},
  {"eventSource":"aws:s3","eventName":"ObjectRemoved:Delete",
   "s3":{"bucket":{"name":"bills"},"object":{"key":"gone.csv","sequencer":"0055AED6DCD90281E6"}}},
  {"eventSource":"aws:s3","eventName":"ObjectCreated:CompleteMultipartUpload",
   "s3":{"bucket":{"name":"bills"},"object":{"key":"big.csv","size":5}}}]})";

TEST(S3EventTest, KeepsEveryObjectCreatedRecordWithDecodedKeys) {
  Result<S3Notification> notification = ParseS3Notification(kTwoRecords);
  ASSERT_TRUE(notification) << notification.error().message;
  ASSERT_EQ(notification->records.size(), 2u);
  EXPECT_EQ(notification->ignored_records, 1u);
  const S3EventRecord& first = notification->records[0];
  EXPECT_EQ(first.event_name, "ObjectCreated:Put");
  EXPECT_EQ(first.bucket, "bills");
  EXPECT_EQ(first.key, "in/a b+c\xC3\xA9.csv");
  EXPECT_EQ(first.Uri(), "s3://bills/in/a b+c\xC3\xA9.csv");
  EXPECT_EQ(first.size_bytes, 1024u);
  EXPECT_EQ(first.etag, "0123abcd");
  EXPECT_EQ(first.version_id, "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY");
  EXPECT_EQ(first.sequencer, "0055AED6DCD90281E5");
  EXPECT_EQ(first.event_time, "2025-06-01T12:00:00.000Z");
  EXPECT_EQ(notification->records[1].key, "big.csv");
}

TEST(S3EventTest, TheOriginalsHandWrittenEventHasNoEventName) {
  Result<S3Notification> notification = ParseS3Notification(R"({"Records":[{"s3":{
      "bucket":{"name":"boto3-billing-processed-b471d66b"},
      "object":{"key":"billing_data_meat_june_2025.csv"}}}]})");
  ASSERT_TRUE(notification) << notification.error().message;
  ASSERT_EQ(notification->records.size(), 1u);
  EXPECT_EQ(notification->records[0].Uri(),
            "s3://boto3-billing-processed-b471d66b/billing_data_meat_june_2025.csv");
}

TEST(S3EventTest, TestEventIsRecognizedAndCarriesNothing) {
  Result<S3Notification> notification = ParseS3Notification(
      R"({"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2025-06-01T12:00:00.000Z",
          "Bucket":"bills","RequestId":"X","HostId":"Y"})");
  ASSERT_TRUE(notification);
  EXPECT_TRUE(notification->test_event);
  EXPECT_TRUE(notification->records.empty());
}

TEST(S3EventTest, MalformedKeyNamesTheRecord) {
  Result<S3Notification> notification = ParseS3Notification(
      R"({"Records":[{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"},"object":{"key":"100%.csv"}}}]})");
  ASSERT_FALSE(notification);
  EXPECT_EQ(notification.error().code, ErrorCode::kInvalidData);
  EXPECT_EQ(notification.error().message,
            "Records[0]: object key \"100%.csv\": malformed percent-encoding at byte 3");
  Result<S3Notification> not_json = ParseS3Notification("{oops");
  ASSERT_FALSE(not_json);
  EXPECT_EQ(not_json.error().message, "event is not valid JSON");
  Result<S3Notification> no_records = ParseS3Notification("{}");
  ASSERT_FALSE(no_records);
  EXPECT_EQ(no_records.error().message, "not an S3 event: no \"Records\" array");
}

TEST(S3EventTest, SqsBatchCarriesMessageIdsAndFailsOnlyTheBadBody) {
  nlohmann::json sqs = {
      {"Records",
       {{{"messageId", "m1"}, {"eventSource", "aws:sqs"}, {"body", std::string(kTwoRecords)}},
        {{"messageId", "m2"}, {"eventSource", "aws:sqs"}, {"body", "not json"}},
        {{"messageId", "m3"}, {"eventSource", "aws:sqs"}, {"body", R"({"Event":"s3:TestEvent"})"}},
        {{"messageId", "m4"},
         {"eventSource", "aws:sqs"},
         {"body", nlohmann::json{{"Type", "Notification"}, {"Message", std::string(kTwoRecords)}}
                      .dump()}}}}};
  Result<LambdaEvent> event = ParseLambdaEvent(sqs.dump());
  ASSERT_TRUE(event) << event.error().message;
  EXPECT_EQ(event->kind, LambdaEvent::Kind::kSqs);
  ASSERT_EQ(event->messages.size(), 4u);
  EXPECT_EQ(event->messages[0].message_id, "m1");
  ASSERT_TRUE(event->messages[0].notification);
  EXPECT_EQ(event->messages[0].notification->records.size(), 2u);
  ASSERT_FALSE(event->messages[1].notification);
  EXPECT_EQ(event->messages[1].notification.error().message,
            "SQS message m2: event is not valid JSON");
  ASSERT_TRUE(event->messages[2].notification);
  EXPECT_TRUE(event->messages[2].notification->test_event);
  ASSERT_TRUE(event->messages[3].notification);
  EXPECT_EQ(event->messages[3].notification->records[0].key, "in/a b+c\xC3\xA9.csv");
}

TEST(S3EventTest, DirectS3EventIsNotSqs) {
  Result<LambdaEvent> event = ParseLambdaEvent(kTwoRecords);
  ASSERT_TRUE(event);
  EXPECT_EQ(event->kind, LambdaEvent::Kind::kS3);
  EXPECT_EQ(event->s3.records.size(), 2u);
}

TEST(S3EventTest, EventBridgeRuleScheduledEventIsRecognized) {
  Result<LambdaEvent> event = ParseLambdaEvent(R"({"version":"0","id":"53dc4d37",
    "detail-type":"Scheduled Event","source":"aws.events","account":"123456789012",
    "time":"2025-06-23T15:00:00Z","region":"eu-central-1",
    "resources":["arn:aws:events:eu-central-1:123456789012:rule/rates"],"detail":{}})");
  ASSERT_TRUE(event) << event.error().message;
  EXPECT_EQ(event->kind, LambdaEvent::Kind::kScheduled);
  EXPECT_EQ(event->scheduled.source, "aws.events");
  EXPECT_EQ(event->scheduled.time, "2025-06-23T15:00:00Z");
  EXPECT_EQ(event->scheduled.resource, "arn:aws:events:eu-central-1:123456789012:rule/rates");
}

TEST(S3EventTest, SchedulerScheduledEventIsRecognized) {
  Result<LambdaEvent> event =
      ParseLambdaEvent(R"({"detail-type":"Scheduled Event","source":"aws.scheduler"})");
  ASSERT_TRUE(event) << event.error().message;
  EXPECT_EQ(event->kind, LambdaEvent::Kind::kScheduled);
  EXPECT_EQ(event->scheduled.source, "aws.scheduler");
  EXPECT_EQ(event->scheduled.time, "");
  EXPECT_EQ(event->scheduled.resource, "");
}

TEST(S3EventTest, ScheduledEventFromAnotherSourceIsRefused) {
  Result<LambdaEvent> event =
      ParseLambdaEvent(R"({"detail-type":"Scheduled Event","source":"my.app"})");
  ASSERT_FALSE(event);
  EXPECT_EQ(event.error().message,
            "scheduled event from source \"my.app\": expected aws.events or aws.scheduler");
}

TEST(S3EventTest, SequencerOrderPadsSoTextOrderIsEventOrder) {
  EXPECT_LT(SequencerOrder("FFFF"), SequencerOrder("0055AED6DCD90281E5"));
  EXPECT_LT(SequencerOrder("0055aed6dcd90281e5"), SequencerOrder("0055AED6DCD90281E6"));
  EXPECT_EQ(SequencerOrder("ab").size(), 32u);
}

TEST(S3EventTest, BatchItemFailuresNamesOnlyFailedMessages) {
  EXPECT_EQ(BatchItemFailuresJson({"m2"}), R"({"batchItemFailures":[{"itemIdentifier":"m2"}]})");
  EXPECT_EQ(BatchItemFailuresJson({}), R"({"batchItemFailures":[]})");
}

}  // namespace
}  // namespace billflow
