# The billflow function: a provided.al2023 custom runtime whose bootstrap runs `billflow lambda`
# (package built by deploy/package-lambda.sh). It reads S3 events from the ingest queue and loads
# each file into Aurora through the RDS Data API.

resource "aws_lambda_function" "billflow" {
  function_name = local.name
  description   = "Loads billing CSV files from S3 into Aurora MySQL (billflow)"
  role          = aws_iam_role.billflow.arn

  runtime       = "provided.al2023"
  handler       = "bootstrap"
  architectures = [var.lambda_architecture]

  filename         = local.lambda_zip_path
  source_code_hash = filebase64sha256(local.lambda_zip_path)

  memory_size                    = var.lambda_memory_mb
  timeout                        = var.lambda_timeout_seconds
  reserved_concurrent_executions = var.lambda_reserved_concurrency

  environment {
    variables = {
      BILLFLOW_DB         = local.billflow_db_url
      BILLFLOW_LOG_FORMAT = "json"
    }
  }

  logging_config {
    log_format = "Text" # billflow already writes JSON lines; Lambda passes them through as they are
    log_group  = aws_cloudwatch_log_group.billflow.name
  }

  # The log group must exist (with its retention) before the first invocation would create it,
  # and the role must hold its policy before the queue starts delivering.
  depends_on = [
    aws_cloudwatch_log_group.billflow,
    aws_iam_role_policy.billflow,
  ]
}

resource "aws_lambda_event_source_mapping" "ingest" {
  event_source_arn = aws_sqs_queue.ingest.arn
  function_name    = aws_lambda_function.billflow.arn
  batch_size       = var.sqs_batch_size

  # Only the messages billflow names in batchItemFailures are retried; the rest are deleted.
  function_response_types = ["ReportBatchItemFailures"]

  scaling_config {
    maximum_concurrency = var.sqs_maximum_concurrency
  }
}
