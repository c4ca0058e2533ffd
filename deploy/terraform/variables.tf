# ---------------------------------------------------------------------------------------------------
# General
# ---------------------------------------------------------------------------------------------------

variable "aws_region" {
  description = "AWS region to deploy into. null uses the region of the environment or profile (AWS_REGION)."
  type        = string
  default     = null
}

variable "name" {
  description = "Base name for every resource (function, queues, cluster, bucket prefix). Lowercase letters, digits and hyphens."
  type        = string
  default     = "billflow"

  validation {
    # 28 characters keep the bucket prefix "<name>-billing-" within S3's 37-character limit.
    condition     = can(regex("^[a-z][a-z0-9-]{0,26}[a-z0-9]$", var.name))
    error_message = "name must be 2-28 characters of lowercase letters, digits and hyphens, start with a letter and not end with a hyphen."
  }
}

variable "tags" {
  description = "Extra tags applied to every resource through the provider's default_tags."
  type        = map(string)
  default     = {}
}

# ---------------------------------------------------------------------------------------------------
# S3
# ---------------------------------------------------------------------------------------------------

variable "bucket_force_destroy" {
  description = "Let `terraform destroy` delete the bucket with its objects and versions. Keep false outside throwaway stacks."
  type        = bool
  default     = false
}

variable "noncurrent_version_expiration_days" {
  description = "Days after which overwritten (noncurrent) object versions are deleted from the versioned bucket."
  type        = number
  default     = 90

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1 && floor(var.noncurrent_version_expiration_days) == var.noncurrent_version_expiration_days
    error_message = "noncurrent_version_expiration_days must be a whole number of days, at least 1."
  }
}

# ---------------------------------------------------------------------------------------------------
# SQS
# ---------------------------------------------------------------------------------------------------

variable "queue_visibility_timeout_seconds" {
  description = "Visibility timeout of the ingest queue. AWS asks for at least 6 x lambda_timeout_seconds so throttled batches can be retried (checked by a precondition on the queue)."
  type        = number
  default     = 1800

  validation {
    condition     = var.queue_visibility_timeout_seconds >= 0 && var.queue_visibility_timeout_seconds <= 43200
    error_message = "queue_visibility_timeout_seconds must be between 0 and 43200 (12 hours)."
  }
}

variable "queue_message_retention_seconds" {
  description = "How long an unprocessed S3 event stays in the ingest queue."
  type        = number
  default     = 345600 # 4 days

  validation {
    condition     = var.queue_message_retention_seconds >= 60 && var.queue_message_retention_seconds <= 1209600
    error_message = "queue_message_retention_seconds must be between 60 and 1209600 (14 days)."
  }
}

variable "dlq_message_retention_seconds" {
  description = "How long a failed event stays in the dead-letter queue. Keep it longer than the ingest queue's retention."
  type        = number
  default     = 1209600 # 14 days, the maximum

  validation {
    condition     = var.dlq_message_retention_seconds >= 60 && var.dlq_message_retention_seconds <= 1209600
    error_message = "dlq_message_retention_seconds must be between 60 and 1209600 (14 days)."
  }
}

variable "max_receive_count" {
  description = "Deliveries of one message before SQS moves it to the dead-letter queue."
  type        = number
  default     = 5

  validation {
    condition     = var.max_receive_count >= 1 && var.max_receive_count <= 1000
    error_message = "max_receive_count must be between 1 and 1000."
  }
}

# ---------------------------------------------------------------------------------------------------
# Lambda
# ---------------------------------------------------------------------------------------------------

variable "lambda_zip_path" {
  description = "Path of the package built by deploy/package-lambda.sh. null means <repo>/dist/billflow-lambda.zip."
  type        = string
  default     = null
}

variable "lambda_architecture" {
  description = "Instruction set of the function. Must match the machine that built the package (package-lambda.sh bundles that machine's binary, glibc and loader)."
  type        = string
  default     = "x86_64"

  validation {
    condition     = contains(["x86_64", "arm64"], var.lambda_architecture)
    error_message = "lambda_architecture must be \"x86_64\" or \"arm64\"."
  }
}

variable "lambda_memory_mb" {
  description = "Memory of the function in MB (CPU share grows with it)."
  type        = number
  default     = 1024

  validation {
    condition     = var.lambda_memory_mb >= 128 && var.lambda_memory_mb <= 10240
    error_message = "lambda_memory_mb must be between 128 and 10240."
  }
}

variable "lambda_timeout_seconds" {
  description = "Function timeout in seconds. One invocation loads every file of its batch; each file is one Data API transaction."
  type        = number
  default     = 300

  validation {
    condition     = var.lambda_timeout_seconds >= 1 && var.lambda_timeout_seconds <= 900
    error_message = "lambda_timeout_seconds must be between 1 and 900."
  }
}

variable "lambda_reserved_concurrency" {
  description = "Reserved concurrent executions of the function; -1 reserves none. AWS refuses a reservation that leaves the account fewer than 100 unreserved executions."
  type        = number
  default     = -1

  validation {
    condition     = var.lambda_reserved_concurrency == -1 || (var.lambda_reserved_concurrency >= 0 && floor(var.lambda_reserved_concurrency) == var.lambda_reserved_concurrency)
    error_message = "lambda_reserved_concurrency must be -1 (no reservation) or a whole number >= 0."
  }
}

variable "sqs_batch_size" {
  description = "Messages (S3 events) per invocation. Failed messages are returned one by one through ReportBatchItemFailures."
  type        = number
  default     = 5

  validation {
    # Above 10 SQS needs a batching window; billflow has no use for one.
    condition     = var.sqs_batch_size >= 1 && var.sqs_batch_size <= 10
    error_message = "sqs_batch_size must be between 1 and 10."
  }
}

variable "sqs_maximum_concurrency" {
  description = "Most concurrent invocations the queue may drive; bounds the load on the database without reserving account concurrency."
  type        = number
  default     = 5

  validation {
    condition     = var.sqs_maximum_concurrency >= 2 && var.sqs_maximum_concurrency <= 1000
    error_message = "sqs_maximum_concurrency must be between 2 and 1000."
  }
}

variable "log_retention_days" {
  description = "Retention of the function's CloudWatch log group, in days."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of the values CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)."
  }
}

# ---------------------------------------------------------------------------------------------------
# Aurora MySQL Serverless v2
# ---------------------------------------------------------------------------------------------------

variable "vpc_id" {
  description = "VPC that holds the database's subnets and security group."
  type        = string

  validation {
    condition     = can(regex("^vpc-[0-9a-f]+$", var.vpc_id))
    error_message = "vpc_id must look like vpc-0123456789abcdef0."
  }
}

variable "subnet_ids" {
  description = "Private subnets for the DB subnet group, in at least two Availability Zones of vpc_id."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2 && alltrue([for s in var.subnet_ids : can(regex("^subnet-[0-9a-f]+$", s))])
    error_message = "subnet_ids must list at least two subnet ids (subnet-...) in different Availability Zones."
  }
}

variable "db_allowed_security_group_ids" {
  description = "Security groups allowed to reach the database port (3306 MySQL, 5432 PostgreSQL) directly, e.g. a bastion. billflow itself uses the Data API and needs none."
  type        = list(string)
  default     = []
}

variable "engine" {
  description = "Aurora engine: aurora-mysql (the default) or aurora-postgresql. It picks the engine version (aurora_engine_version or aurora_postgresql_engine_version), the cluster parameter group family, the port and BILLFLOW_DB's engine=postgres (main.tf, local.engines)."
  type        = string
  default     = "aurora-mysql"

  validation {
    condition     = can(regex("^aurora-(mysql|postgresql)$", var.engine))
    error_message = "engine must be aurora-mysql or aurora-postgresql."
  }
}

variable "aurora_engine_version" {
  description = "With engine = aurora-mysql: the Aurora MySQL version, exact (8.0.mysql_aurora.3.MM.P). Terraform alone upgrades it (automatic minor upgrades are off, rds.tf): raise it to upgrade. 3.08 is the oldest release that AWS does not list as deprecated, has the RDS Data API for Serverless v2 and can scale to 0 ACU."
  type        = string
  default     = "8.0.mysql_aurora.3.08.0"

  validation {
    # Aurora MySQL 3.08 or later (Aurora PostgreSQL has its own variable and list below).
    condition     = can(regex("^8\\.0\\.mysql_aurora\\.3\\.(0[89]|[1-9][0-9])\\.[0-9]+$", var.aurora_engine_version))
    error_message = "aurora_engine_version must be an exact Aurora MySQL 3.08 or later version (8.0.mysql_aurora.3.08.0 or later): older 3.x releases are deprecated, and the RDS Data API and scaling to 0 ACU need 3.08."
  }
}

variable "aurora_postgresql_engine_version" {
  description = "With engine = aurora-postgresql: the Aurora PostgreSQL version, MAJOR.MINOR (16.4). Terraform alone upgrades it (automatic minor upgrades are off, rds.tf). Scaling to 0 ACU (db_min_capacity = 0) needs 13.15, 14.12, 15.7, 16.3 or later."
  type        = string
  default     = "16.4"

  validation {
    # The RDS Data API serves Aurora PostgreSQL Serverless v2 from 13.11, 14.8, 15.3 and 16.1 on:
    # Amazon Aurora User Guide, "Supported Regions and Aurora DB engines for RDS Data API"
    # (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Concepts.Aurora_Fea_Regions_DB-eng.Feature.Data_API.html).
    condition     = can(regex("^(13\\.(1[1-9]|[2-9][0-9])|14\\.([89]|[1-9][0-9])|15\\.([3-9]|[1-9][0-9])|16\\.([1-9]|[1-9][0-9]))$", var.aurora_postgresql_engine_version))
    error_message = "aurora_postgresql_engine_version must be an Aurora PostgreSQL version with the RDS Data API for Serverless v2: 13.11, 14.8, 15.3, 16.1 or a later minor of those majors (MAJOR.MINOR)."
  }
}

variable "database_name" {
  description = "Database (schema) that billflow creates its tables in."
  type        = string
  default     = "billing"

  validation {
    condition     = can(regex("^[A-Za-z][A-Za-z0-9_]{0,63}$", var.database_name))
    error_message = "database_name must start with a letter and hold at most 64 letters, digits or underscores."
  }
}

variable "master_username" {
  description = "Master user of the cluster. Its password is generated and rotated by RDS in Secrets Manager."
  type        = string
  default     = "billflow_admin"

  validation {
    condition     = can(regex("^[A-Za-z][A-Za-z0-9_]{0,15}$", var.master_username)) && lower(var.master_username) != "admin"
    error_message = "master_username must start with a letter, hold at most 16 letters, digits or underscores, and not be a reserved word."
  }
}

variable "master_user_secret_kms_key_id" {
  description = "Customer-managed KMS key for the master user secret, as a key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias: the function's kms:Decrypt grant names this ARN, and a grant on an alias ARN does not cover the key. null uses the AWS-managed key aws/secretsmanager, which needs no grant."
  type        = string
  default     = null

  validation {
    condition     = var.master_user_secret_kms_key_id == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$", var.master_user_secret_kms_key_id))
    error_message = "master_user_secret_kms_key_id must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/KEY-ID) or null; an alias ARN (...:alias/NAME) or a bare key id is refused, because the kms:Decrypt grant on it would not cover the key (aws kms describe-key --key-id alias/NAME prints the key ARN)."
  }
}

variable "db_min_capacity" {
  description = "Minimum Aurora capacity units. 0 lets the cluster pause when idle (engine 3.08+): the first Data API call after a pause gets DatabaseResumingException for ~15 s, and SQS redelivers what failed. 0.5 keeps it always on (about $44/month in us-east-1)."
  type        = number
  default     = 0

  validation {
    condition     = var.db_min_capacity >= 0 && var.db_min_capacity <= 256 && floor(var.db_min_capacity * 2) == var.db_min_capacity * 2
    error_message = "db_min_capacity must be between 0 and 256 in steps of 0.5."
  }
}

variable "db_max_capacity" {
  description = "Maximum Aurora capacity units."
  type        = number
  default     = 4

  validation {
    condition     = var.db_max_capacity >= 1 && var.db_max_capacity <= 256 && floor(var.db_max_capacity * 2) == var.db_max_capacity * 2
    error_message = "db_max_capacity must be between 1 and 256 in steps of 0.5."
  }
}

variable "db_seconds_until_auto_pause" {
  description = "Idle seconds before a cluster with db_min_capacity = 0 pauses. Ignored otherwise."
  type        = number
  default     = 300

  validation {
    condition     = var.db_seconds_until_auto_pause >= 300 && var.db_seconds_until_auto_pause <= 86400
    error_message = "db_seconds_until_auto_pause must be between 300 and 86400."
  }
}

variable "db_deletion_protection" {
  description = "Protect the cluster from deletion. Set to false and apply before `terraform destroy`."
  type        = bool
  default     = true
}

variable "db_backup_retention_days" {
  description = "Days of automated backups kept for the cluster."
  type        = number
  default     = 7

  validation {
    condition     = var.db_backup_retention_days >= 1 && var.db_backup_retention_days <= 35
    error_message = "db_backup_retention_days must be between 1 and 35."
  }
}

variable "db_skip_final_snapshot" {
  description = "Destroy the cluster without a final snapshot. false keeps a snapshot named <name>-final-<stack creation time, YYYYMMDDhhmmss>."
  type        = bool
  default     = false
}

# ---------------------------------------------------------------------------------------------------
# Monitoring
# ---------------------------------------------------------------------------------------------------

variable "alarm_sns_topic_arn" {
  description = "An existing SNS topic also notified when an alarm fires or clears, besides the stack's own topic (output alarm_topic_arn). null notifies the stack's topic only."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_sns_topic_arn == null || can(regex("^arn:[a-z-]+:sns:", var.alarm_sns_topic_arn))
    error_message = "alarm_sns_topic_arn must be an SNS topic ARN (arn:...:sns:...) or null."
  }
}

variable "alarm_email" {
  description = "E-mail address subscribed to the stack's alarm topic. AWS mails a confirmation link; nothing is delivered until it is followed. null subscribes no one."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_email == null || can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.alarm_email))
    error_message = "alarm_email must be one e-mail address (name@example.com) or null."
  }
}

# ---------------------------------------------------------------------------------------------------
# Rates
# ---------------------------------------------------------------------------------------------------

variable "rates_fetch_schedule_enabled" {
  description = "Run the daily ECB rates fetch (weekdays 17:00 Europe/Berlin, an hour after the ECB publishes). false keeps the schedule but disables it, e.g. where rates are imported by hand."
  type        = bool
  default     = true
}
