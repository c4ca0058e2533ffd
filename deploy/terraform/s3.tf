# The bucket billing CSV files are uploaded to. Every new object ending in .csv or .csv.gz becomes
# an S3 event in the ingest queue (sqs.tf), which drives the function (lambda.tf).

resource "aws_s3_bucket" "billing" {
  bucket_prefix = "${local.name}-billing-"
  force_destroy = var.bucket_force_destroy
}

resource "aws_s3_bucket_ownership_controls" "billing" {
  bucket = aws_s3_bucket.billing.id

  rule {
    object_ownership = "BucketOwnerEnforced" # ACLs off: the bucket policy alone decides access
  }
}

resource "aws_s3_bucket_public_access_block" "billing" {
  bucket = aws_s3_bucket.billing.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "billing" {
  bucket = aws_s3_bucket.billing.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "billing" {
  bucket = aws_s3_bucket.billing.id

  rule {
    # SSE-S3: encrypted at rest without giving the function a KMS grant to read the files.
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "billing" {
  bucket = aws_s3_bucket.billing.id

  # Versioning keeps every overwritten upload; drop old versions after a while so cost stays bounded.
  rule {
    id     = "expire-noncurrent-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_expiration_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.billing]
}

data "aws_iam_policy_document" "billing_bucket" {
  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      aws_s3_bucket.billing.arn,
      "${aws_s3_bucket.billing.arn}/*",
    ]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }

  statement {
    sid     = "DenyOutdatedTls"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      aws_s3_bucket.billing.arn,
      "${aws_s3_bucket.billing.arn}/*",
    ]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "NumericLessThan"
      variable = "s3:TlsVersion"
      values   = ["1.2"]
    }
  }
}

resource "aws_s3_bucket_policy" "billing" {
  bucket = aws_s3_bucket.billing.id
  policy = data.aws_iam_policy_document.billing_bucket.json

  # S3 rejects a policy write while the public access block is being changed.
  depends_on = [aws_s3_bucket_public_access_block.billing]
}

resource "aws_s3_bucket_notification" "billing" {
  bucket = aws_s3_bucket.billing.id

  queue {
    id            = "billing-csv"
    queue_arn     = aws_sqs_queue.ingest.arn
    events        = ["s3:ObjectCreated:*"]
    filter_suffix = ".csv"
  }

  queue {
    id            = "billing-csv-gz"
    queue_arn     = aws_sqs_queue.ingest.arn
    events        = ["s3:ObjectCreated:*"]
    filter_suffix = ".csv.gz"
  }

  # S3 sends a test event when the configuration is saved; the queue must already accept it.
  depends_on = [aws_sqs_queue_policy.ingest]
}
