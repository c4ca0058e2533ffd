// Fuzz target: the S3 / SQS event parsers of the Lambda entry point (ParseS3Notification,
// ParseLambdaEvent), SequencerOrder and BatchItemFailuresJson. Accepted records always have a
// bucket and a key; a sequencer orders as 32 upper-case hex digits when it is hex; the
// partial-batch answer built from the message ids is JSON that gives those ids back.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "aws/s3_event.h"
#include "fuzz_check.h"

namespace {

void CheckNotification(const billflow::S3Notification& notification) {
  if (notification.test_event) FUZZ_CHECK(notification.records.empty());
  for (const auto& record : notification.records) {
    FUZZ_CHECK(!record.bucket.empty());
    FUZZ_CHECK(!record.key.empty());
    FUZZ_CHECK(record.event_name.empty() || record.event_name.starts_with("ObjectCreated:"));
    FUZZ_CHECK(record.Uri().starts_with("s3://"));
    const std::string order = billflow::SequencerOrder(record.sequencer);
    bool hex = record.sequencer.size() <= 32;
    for (char c : record.sequencer) {
      hex = hex && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'));
    }
    if (hex) FUZZ_CHECK(order.size() == 32);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto notification = billflow::ParseS3Notification(text);
  if (notification) CheckNotification(*notification);

  auto event = billflow::ParseLambdaEvent(text);
  if (!event) return 0;
  if (event->kind == billflow::LambdaEvent::Kind::kS3) {
    CheckNotification(event->s3);
    return 0;
  }
  std::vector<std::string> ids;
  for (const auto& message : event->messages) {
    if (message.notification) CheckNotification(*message.notification);
    ids.push_back(message.message_id);
  }
  const std::string answer = billflow::BatchItemFailuresJson(ids);
  const auto parsed = nlohmann::json::parse(answer, nullptr, /*allow_exceptions=*/false);
  FUZZ_CHECK(!parsed.is_discarded());
  FUZZ_CHECK(parsed["batchItemFailures"].size() == ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    FUZZ_CHECK(parsed["batchItemFailures"][i]["itemIdentifier"].is_string());
  }
  return 0;
}
