# The function's role: exactly the calls billflow makes, on exactly this stack's resources.
# No statement has a wildcard action, and none has a bare "*" resource (AWS requires one for none of
# these actions). The log-stream ARN ends in ":*" because stream names are chosen by Lambda at run
# time; it is still confined to this function's log group.

data "aws_iam_policy_document" "lambda_assume_role" {
  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "billflow" {
  name               = "${local.name}-lambda"
  description        = "Execution role of the ${local.name} function"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume_role.json
}

data "aws_iam_policy_document" "billflow" {
  statement {
    sid       = "ReadBillingObjects"
    effect    = "Allow"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.billing.arn}/*"]
  }

  statement {
    # Lists a prefix for s3://bucket/prefix/ ingests, and lets a missing key answer 404, not 403.
    sid       = "ListBillingBucket"
    effect    = "Allow"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.billing.arn]
  }

  statement {
    # What the Lambda service polls with on the function's behalf.
    sid    = "ConsumeIngestQueue"
    effect = "Allow"
    actions = [
      "sqs:ReceiveMessage",
      "sqs:DeleteMessage",
      "sqs:GetQueueAttributes",
    ]
    resources = [aws_sqs_queue.ingest.arn]
  }

  statement {
    sid    = "UseDataApi"
    effect = "Allow"
    actions = [
      "rds-data:ExecuteStatement",
      "rds-data:BatchExecuteStatement",
      "rds-data:BeginTransaction",
      "rds-data:CommitTransaction",
      "rds-data:RollbackTransaction",
    ]
    resources = [aws_rds_cluster.this.arn]
  }

  statement {
    # The Data API reads the database credentials with the caller's identity.
    sid       = "ReadDatabaseSecret"
    effect    = "Allow"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_rds_cluster.this.master_user_secret[0].secret_arn]
  }

  # The default AWS-managed key (aws/secretsmanager) needs no grant; a customer-managed key does,
  # and only for use through Secrets Manager.
  dynamic "statement" {
    for_each = var.master_user_secret_kms_key_id == null ? [] : [var.master_user_secret_kms_key_id]

    content {
      sid       = "DecryptDatabaseSecret"
      effect    = "Allow"
      actions   = ["kms:Decrypt"]
      resources = [statement.value]

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["secretsmanager.${data.aws_region.current.name}.amazonaws.com"]
      }
    }
  }

  statement {
    sid    = "WriteFunctionLogs"
    effect = "Allow"
    actions = [
      "logs:CreateLogStream",
      "logs:PutLogEvents",
    ]
    resources = ["${aws_cloudwatch_log_group.billflow.arn}:log-stream:*"]
  }
}

resource "aws_iam_role_policy" "billflow" {
  name   = "${local.name}-lambda"
  role   = aws_iam_role.billflow.id
  policy = data.aws_iam_policy_document.billflow.json
}
