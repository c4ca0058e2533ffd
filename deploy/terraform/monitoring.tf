# Logs with a bounded retention, and three alarms that mean "a file did not load": billflow
# reported a failed file, a message reached the dead-letter queue, or an invocation failed. All
# notify the stack's SNS topic (and alarm_sns_topic_arn when given).

resource "aws_cloudwatch_log_group" "billflow" {
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
}

resource "aws_cloudwatch_metric_alarm" "dlq_not_empty" {
  alarm_name        = "${local.name}-dlq-not-empty"
  alarm_description = "S3 events in ${aws_sqs_queue.ingest_dlq.name} failed ${var.max_receive_count} times; inspect them and redrive."

  namespace   = "AWS/SQS"
  metric_name = "ApproximateNumberOfMessagesVisible"
  dimensions = {
    QueueName = aws_sqs_queue.ingest_dlq.name
  }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"

  alarm_actions = local.alarm_actions
  ok_actions    = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "function_errors" {
  alarm_name        = "${local.name}-function-errors"
  alarm_description = "The ${aws_lambda_function.billflow.function_name} function reported errors; see ${local.log_group_name}."

  namespace   = "AWS/Lambda"
  metric_name = "Errors"
  dimensions = {
    FunctionName = aws_lambda_function.billflow.function_name
  }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"

  alarm_actions = local.alarm_actions
  ok_actions    = local.alarm_actions
}

# With ReportBatchItemFailures a file that fails to load ends in a *successful* invocation (its
# message is handed back for retry), so the Errors alarm above never sees it, and the DLQ alarm
# only after max_receive_count deliveries. billflow's EMF line carries failed_files for every
# invocation; this filter makes that field of this function's own log a metric of this stack
# (the namespace holds the stack name, so two stacks in one account do not share it).
resource "aws_cloudwatch_log_metric_filter" "failed_files" {
  name           = "${local.name}-failed-files"
  log_group_name = aws_cloudwatch_log_group.billflow.name
  pattern        = "{ $.failed_files > 0 }"

  metric_transformation {
    namespace = "billflow/${local.name}"
    name      = "failed_files"
    value     = "$.failed_files"
    unit      = "Count"
  }
}

resource "aws_cloudwatch_metric_alarm" "failed_files" {
  alarm_name        = "${local.name}-failed-files"
  alarm_description = "billflow could not load a file; SQS retries it ${var.max_receive_count} times, then moves it to ${aws_sqs_queue.ingest_dlq.name}. The error is in ${local.log_group_name}."

  namespace           = "billflow/${local.name}"
  metric_name         = "failed_files"
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"

  alarm_actions = local.alarm_actions
  ok_actions    = local.alarm_actions

  # The metric exists only once the filter does.
  depends_on = [aws_cloudwatch_log_metric_filter.failed_files]
}

# Where the alarms go. Not encrypted with the AWS-managed aws/sns key: CloudWatch cannot publish to
# a topic under it, and a notification carries alarm names and counts, no billing data.
resource "aws_sns_topic" "alarms" {
  name = "${local.name}-alarms"
}

resource "aws_sns_topic_subscription" "alarm_email" {
  count = var.alarm_email == null ? 0 : 1

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = var.alarm_email
}
