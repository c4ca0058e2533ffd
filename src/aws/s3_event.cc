#include "aws/s3_event.h"

#include <nlohmann/json.hpp>

#include "http/url.h"

namespace billflow {
namespace {

using nlohmann::json;

std::string StringAt(const json& object, const char* key) {
  if (!object.is_object()) return {};
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

Result<S3Notification> FromJson(const json& document) {
  S3Notification notification;
  if (StringAt(document, "Event") == "s3:TestEvent") {
    notification.test_event = true;
    return notification;
  }
  if (!document.is_object() || !document.contains("Records") || !document["Records"].is_array()) {
    return Fail(ErrorCode::kInvalidData, "not an S3 event: no \"Records\" array");
  }
  std::size_t index = 0;
  for (const json& record : document["Records"]) {
    std::string where = "Records[" + std::to_string(index++) + "]";
    std::string event_name = StringAt(record, "eventName");
    if (!event_name.empty() && !event_name.starts_with("ObjectCreated:")) {
      ++notification.ignored_records;
      continue;
    }
    const json* s3 = record.is_object() && record.contains("s3") ? &record["s3"] : nullptr;
    if (s3 == nullptr || !s3->is_object() || !s3->contains("bucket") || !s3->contains("object")) {
      return Fail(ErrorCode::kInvalidData, where + ": no s3.bucket / s3.object");
    }
    const json& object = (*s3)["object"];
    S3EventRecord out;
    out.event_name = std::move(event_name);
    out.event_time = StringAt(record, "eventTime");
    out.bucket = StringAt((*s3)["bucket"], "name");
    std::string raw_key = StringAt(object, "key");
    if (out.bucket.empty() || raw_key.empty()) {
      return Fail(ErrorCode::kInvalidData, where + ": empty bucket name or object key");
    }
    Result<std::string> key = PercentDecode(raw_key, /*plus_as_space=*/true);
    if (!key) return Fail(ErrorCode::kInvalidData, where + ": object key " + key.error().message);
    out.key = std::move(*key);
    if (object.contains("size") && object["size"].is_number_unsigned()) {
      out.size_bytes = object["size"].get<std::uint64_t>();
    }
    out.etag = StringAt(object, "eTag");
    out.version_id = StringAt(object, "versionId");
    out.sequencer = StringAt(object, "sequencer");
    notification.records.push_back(std::move(out));
  }
  return notification;
}

Result<S3Notification> FromText(std::string_view text) {
  json document = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) return Fail(ErrorCode::kInvalidData, "event is not valid JSON");
  // S3 → SNS → SQS wraps the S3 event once more.
  if (StringAt(document, "Type") == "Notification" && document.contains("Message")) {
    return FromText(StringAt(document, "Message"));
  }
  return FromJson(document);
}

}  // namespace

Result<S3Notification> ParseS3Notification(std::string_view json_text) {
  return FromText(json_text);
}

Result<LambdaEvent> ParseLambdaEvent(std::string_view json_text) {
  json document = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) {
    return Fail(ErrorCode::kInvalidData, "invocation payload is not valid JSON");
  }
  LambdaEvent event;
  if (document.is_object() && StringAt(document, "detail-type") == "Scheduled Event") {
    const std::string source = StringAt(document, "source");
    if (source != "aws.events" && source != "aws.scheduler") {
      return Fail(ErrorCode::kInvalidData, "scheduled event from source \"" + source +
                                               "\": expected aws.events or aws.scheduler");
    }
    event.kind = LambdaEvent::Kind::kScheduled;
    event.scheduled.source = source;
    event.scheduled.time = StringAt(document, "time");
    if (auto it = document.find("resources");
        it != document.end() && it->is_array() && !it->empty() && it->front().is_string()) {
      event.scheduled.resource = it->front().get<std::string>();
    }
    return event;
  }
  bool is_sqs = document.is_object() && document.contains("Records") &&
                document["Records"].is_array() && !document["Records"].empty() &&
                StringAt(document["Records"][0], "eventSource") == "aws:sqs";
  if (!is_sqs) {
    Result<S3Notification> s3 = FromJson(document);
    if (!s3) return tl::unexpected(s3.error());
    event.s3 = std::move(*s3);
    return event;
  }
  event.kind = LambdaEvent::Kind::kSqs;
  for (const json& record : document["Records"]) {
    SqsMessage message{StringAt(record, "messageId"), S3Notification{}};
    message.notification = FromText(StringAt(record, "body"));
    if (!message.notification) {
      message.notification =
          Fail(message.notification.error().code,
               "SQS message " + message.message_id + ": " + message.notification.error().message);
    }
    event.messages.push_back(std::move(message));
  }
  return event;
}

std::string SequencerOrder(std::string_view sequencer) {
  std::string out;
  if (sequencer.size() < 32) out.assign(32 - sequencer.size(), '0');
  for (char c : sequencer) {
    out.push_back((c >= 'a' && c <= 'f') ? static_cast<char>(c - 'a' + 'A') : c);
  }
  return out;
}

std::string BatchItemFailuresJson(const std::vector<std::string>& failed_message_ids) {
  json failures = json::array();
  for (const std::string& id : failed_message_ids) failures.push_back({{"itemIdentifier", id}});
  return json{{"batchItemFailures", failures}}.dump();
}

}  // namespace billflow
