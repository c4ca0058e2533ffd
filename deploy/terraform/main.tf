provider "aws" {
  # null falls back to AWS_REGION / AWS_DEFAULT_REGION / the profile, so no region is hard-coded.
  region = var.aws_region

  default_tags {
    tags = merge(
      {
        Project   = "billflow"
        Name      = var.name
        ManagedBy = "terraform"
      },
      var.tags,
    )
  }
}

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

locals {
  name = var.name
  # Lambda writes to /aws/lambda/<function name>; creating the group here lets Terraform own its
  # retention and lets the function's role stay without logs:CreateLogGroup.
  log_group_name = "/aws/lambda/${local.name}"

  lambda_zip_path = coalesce(var.lambda_zip_path, "${path.module}/../../dist/billflow-lambda.zip")

  # Every alarm notifies the stack's own topic, and an existing one when alarm_sns_topic_arn names it.
  alarm_actions = concat([aws_sns_topic.alarms.arn], var.alarm_sns_topic_arn == null ? [] : [var.alarm_sns_topic_arn])

  # What var.engine decides: the version variable, the cluster parameter group family (of the
  # major version), the port, the parameter that makes direct connections use TLS, and the engine
  # parameter billflow's data-api:// URL needs.
  engines = {
    aurora-mysql = {
      version       = var.aurora_engine_version
      family        = "aurora-mysql8.0"
      port          = 3306
      tls_parameter = "require_secure_transport"
      tls_value     = "ON"
      url_engine    = ""
    }
    aurora-postgresql = {
      version       = var.aurora_postgresql_engine_version
      family        = "aurora-postgresql${split(".", var.aurora_postgresql_engine_version)[0]}"
      port          = 5432
      tls_parameter = "rds.force_ssl"
      tls_value     = "1"
      url_engine    = "&engine=postgres"
    }
  }
  engine = local.engines[var.engine]

  # The connection string billflow reads from BILLFLOW_DB (see CONTRACT.md). It carries ARNs only;
  # the password stays in Secrets Manager and the Data API fetches it with the caller's rights.
  billflow_db_url = format(
    "data-api://%s?secret=%s&database=%s%s",
    aws_rds_cluster.this.arn,
    aws_rds_cluster.this.master_user_secret[0].secret_arn,
    var.database_name,
    local.engine.url_engine,
  )
}
