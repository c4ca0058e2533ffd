output "bucket_name" {
  description = "Bucket to upload billing CSV files to."
  value       = aws_s3_bucket.billing.bucket
}

output "bucket_arn" {
  description = "ARN of the billing bucket."
  value       = aws_s3_bucket.billing.arn
}

output "queue_url" {
  description = "URL of the ingest queue fed by S3 events."
  value       = aws_sqs_queue.ingest.id
}

output "dlq_url" {
  description = "URL of the dead-letter queue (events that failed max_receive_count times)."
  value       = aws_sqs_queue.ingest_dlq.id
}

output "dlq_arn" {
  description = "ARN of the dead-letter queue (source of `aws sqs start-message-move-task`)."
  value       = aws_sqs_queue.ingest_dlq.arn
}

output "function_name" {
  description = "Name of the billflow Lambda function."
  value       = aws_lambda_function.billflow.function_name
}

output "function_arn" {
  description = "ARN of the billflow Lambda function."
  value       = aws_lambda_function.billflow.arn
}

output "log_group_name" {
  description = "CloudWatch log group of the function."
  value       = aws_cloudwatch_log_group.billflow.name
}

output "cluster_arn" {
  description = "ARN of the Aurora cluster (the Data API resource ARN)."
  value       = aws_rds_cluster.this.arn
}

output "cluster_endpoint" {
  description = "Writer endpoint of the Aurora cluster, reachable only from inside the VPC."
  value       = aws_rds_cluster.this.endpoint
}

output "database_name" {
  description = "Database that holds billflow's tables."
  value       = aws_rds_cluster.this.database_name
}

output "db_secret_arn" {
  description = "ARN of the RDS-managed Secrets Manager secret with the master credentials."
  value       = aws_rds_cluster.this.master_user_secret[0].secret_arn
}

output "alarm_topic_arn" {
  description = "SNS topic every alarm notifies; subscribe to it (alarm_email does one e-mail address)."
  value       = aws_sns_topic.alarms.arn
}

output "billflow_db_url" {
  description = "Value for billflow --db / BILLFLOW_DB (ARNs only, no password)."
  value       = local.billflow_db_url
}

output "upload_command" {
  description = "Example command that uploads a billing file and so triggers a load."
  value       = "aws s3 cp billing.csv s3://${aws_s3_bucket.billing.bucket}/"
}
