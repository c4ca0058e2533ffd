#ifndef BILLFLOW_AWS_S3_EVENT_H_
#define BILLFLOW_AWS_S3_EVENT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace billflow {

// One object-created record of an S3 event notification.
struct S3EventRecord {
  std::string event_name;  // "ObjectCreated:Put"; empty when the record had none (hand-made)
  std::string event_time;  // "2025-06-01T12:00:00.000Z"
  std::string bucket;
  std::string key;  // decoded: "a b+c.csv" for the wire's "a+b%2Bc.csv"
  std::uint64_t size_bytes = 0;
  std::string etag;
  std::string version_id;
  std::string sequencer;  // hex; orders events of one key (see SequencerOrder)

  std::string Uri() const { return "s3://" + bucket + "/" + key; }
};

// The records of one S3 event notification worth loading.
struct S3Notification {
  std::vector<S3EventRecord> records;  // ObjectCreated:* only, in the order delivered
  std::size_t ignored_records = 0;     // other event types (ObjectRemoved:*, …)
  bool test_event = false;             // the "s3:TestEvent" S3 sends when configured
};

// Parses an S3 event notification ({"Records":[…]} or the s3:TestEvent). Every record is
// kept; keys are form-URL-decoded ('+' is a space, %2B a plus, %C3%A9 UTF-8 bytes). A record
// without eventName counts as object-created (the original's hand-written event.json).
// Fails with kInvalidData naming the record when the JSON or a key is malformed.
[[nodiscard]] Result<S3Notification> ParseS3Notification(std::string_view json);

// One SQS message of a batch; its body should be an S3 event (possibly wrapped by SNS).
struct SqsMessage {
  std::string message_id;
  Result<S3Notification> notification;  // the parsed body, or why it is not an S3 event
};

// A timer: EventBridge (CloudWatch Events) rule or EventBridge Scheduler schedule, both in the
// EventBridge envelope {"detail-type":"Scheduled Event","source":"aws.events"|"aws.scheduler",…}.
struct ScheduledEvent {
  std::string source;    // "aws.events" or "aws.scheduler"
  std::string time;      // the envelope's "time" ("2025-06-23T15:00:00Z"); empty when absent
  std::string resource;  // the first of "resources" (rule or schedule ARN); empty when absent
};

// What a Lambda invocation carries: S3 notifications directly, an SQS batch of them, or a
// scheduled event.
struct LambdaEvent {
  enum class Kind { kS3, kSqs, kScheduled };
  Kind kind = Kind::kS3;
  S3Notification s3;                 // kind == kS3
  std::vector<SqsMessage> messages;  // kind == kSqs
  ScheduledEvent scheduled;          // kind == kScheduled
};

// Tells the shapes apart: "detail-type":"Scheduled Event" from source aws.events or
// aws.scheduler is a scheduled event; Records[].eventSource "aws:sqs" an SQS batch; anything
// else must be an S3 notification. Fails only when the payload is not JSON or has none of the
// shapes; a bad SQS body fails only its own message.
[[nodiscard]] Result<LambdaEvent> ParseLambdaEvent(std::string_view json);

// A sequencer left-padded with '0' to 32 upper-case hex digits, so that comparing two
// such strings orders the events (S3's sequencers differ in length).
std::string SequencerOrder(std::string_view sequencer);

// The SQS partial-batch response: {"batchItemFailures":[{"itemIdentifier":"id"},…]}.
std::string BatchItemFailuresJson(const std::vector<std::string>& failed_message_ids);

}  // namespace billflow

#endif  // BILLFLOW_AWS_S3_EVENT_H_
