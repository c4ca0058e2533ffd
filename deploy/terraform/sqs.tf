# S3 event notifications land in the ingest queue; the function consumes it (lambda.tf). A message
# that fails max_receive_count times moves to the dead-letter queue, which raises an alarm.

resource "aws_sqs_queue" "ingest_dlq" {
  name                      = "${local.name}-dlq"
  message_retention_seconds = var.dlq_message_retention_seconds
  sqs_managed_sse_enabled   = true
}

resource "aws_sqs_queue" "ingest" {
  name                       = "${local.name}-ingest"
  visibility_timeout_seconds = var.queue_visibility_timeout_seconds
  message_retention_seconds  = var.queue_message_retention_seconds
  # SSE-SQS: S3 can publish to it without a KMS key policy (it cannot use the aws/sqs key).
  sqs_managed_sse_enabled = true

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.ingest_dlq.arn
    maxReceiveCount     = var.max_receive_count
  })

  lifecycle {
    precondition {
      # AWS's guidance for SQS event sources: a batch that is throttled or retried must not become
      # visible to another poller while the first invocation may still be working on it.
      condition     = var.queue_visibility_timeout_seconds >= 6 * var.lambda_timeout_seconds
      error_message = "queue_visibility_timeout_seconds must be at least 6 x lambda_timeout_seconds."
    }
  }
}

resource "aws_sqs_queue_redrive_allow_policy" "ingest_dlq" {
  queue_url = aws_sqs_queue.ingest_dlq.id

  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.ingest.arn]
  })
}

data "aws_iam_policy_document" "ingest_queue" {
  statement {
    sid       = "AllowBillingBucketEvents"
    effect    = "Allow"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.ingest.arn]

    principals {
      type        = "Service"
      identifiers = ["s3.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [aws_s3_bucket.billing.arn]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_sqs_queue_policy" "ingest" {
  queue_url = aws_sqs_queue.ingest.id
  policy    = data.aws_iam_policy_document.ingest_queue.json
}
