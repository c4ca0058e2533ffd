# `terraform test` for deploy/terraform against a mocked AWS provider: plans and applies with no
# AWS account, proving that variable validations and preconditions reject what they should and
# that the computed wiring (BILLFLOW_DB, the auto-pause setting) comes out as intended.
# Run by tests/deploy/terraform_test.sh, which needs the provider's schema from a local mirror.

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "111122223333"
    }
  }

  mock_data "aws_region" {
    defaults = {
      name = "eu-west-1"
    }
  }

  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }

  # Every subnet in the VPC of the variables below; availability_zone is left to the mock, which
  # makes up a different value for each subnet.
  mock_data "aws_subnet" {
    defaults = {
      vpc_id = "vpc-0123456789abcdef0"
    }
  }

  mock_resource "aws_sns_topic" {
    defaults = {
      arn = "arn:aws:sns:eu-west-1:111122223333:billflow-alarms"
    }
  }

  mock_resource "aws_rds_cluster" {
    defaults = {
      arn = "arn:aws:rds:eu-west-1:111122223333:cluster:billflow"
      master_user_secret = [{
        secret_arn    = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:rds!cluster-0a1b-AbCdEf"
        secret_status = "active"
        kms_key_id    = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
      }]
    }
  }

  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::111122223333:role/billflow-lambda"
    }
  }

  mock_resource "aws_sqs_queue" {
    defaults = {
      arn = "arn:aws:sqs:eu-west-1:111122223333:billflow-ingest"
    }
  }

  mock_resource "aws_lambda_function" {
    defaults = {
      arn = "arn:aws:lambda:eu-west-1:111122223333:function:billflow"
    }
  }
}

variables {
  vpc_id          = "vpc-0123456789abcdef0"
  subnet_ids      = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]
  lambda_zip_path = "tests/billflow-lambda.zip" # written by terraform_test.sh
}

run "customer_managed_secret_key_adds_kms_decrypt" {
  command = plan

  variables {
    master_user_secret_kms_key_id = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    alarm_sns_topic_arn           = "arn:aws:sns:eu-west-1:111122223333:ops"
    alarm_email                   = "ops@example.com"
  }

  # The topic's ARN known at plan time, so this plan can assert on the alarm actions (Terraform 1.9+).
  override_resource {
    target          = aws_sns_topic.alarms
    override_during = plan
    values = {
      arn = "arn:aws:sns:eu-west-1:111122223333:billflow-alarms"
    }
  }

  assert {
    condition     = length(data.aws_iam_policy_document.billflow.statement) == 7
    error_message = "no kms:Decrypt statement for a customer-managed key"
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.failed_files.alarm_actions == toset(["arn:aws:sns:eu-west-1:111122223333:billflow-alarms", "arn:aws:sns:eu-west-1:111122223333:ops"])
    error_message = "alarm actions are not the stack's topic and alarm_sns_topic_arn"
  }

  assert {
    condition     = aws_sns_topic_subscription.alarm_email[0].endpoint == "ops@example.com" && aws_sns_topic_subscription.alarm_email[0].protocol == "email"
    error_message = "alarm_email is not subscribed to the alarm topic"
  }
}

run "visibility_timeout_below_six_function_timeouts_is_refused" {
  command = plan

  variables {
    lambda_timeout_seconds = 900
  }

  expect_failures = [aws_sqs_queue.ingest]
}

run "unknown_architecture_is_refused" {
  command = plan

  variables {
    lambda_architecture = "mips"
  }

  expect_failures = [var.lambda_architecture]
}

run "engine_without_data_api_is_refused" {
  command = plan

  variables {
    aurora_engine_version = "8.0.mysql_aurora.3.05.2"
  }

  expect_failures = [var.aurora_engine_version]
}

run "deprecated_3_07_is_refused" {
  command = plan

  variables {
    aurora_engine_version = "8.0.mysql_aurora.3.07.1"
  }

  expect_failures = [var.aurora_engine_version]
}

run "postgresql_engine_without_data_api_is_refused" {
  command = plan

  variables {
    engine                           = "aurora-postgresql"
    aurora_postgresql_engine_version = "15.2"
  }

  expect_failures = [var.aurora_postgresql_engine_version]
}

run "kms_alias_arn_is_refused" {
  command = plan

  variables {
    master_user_secret_kms_key_id = "arn:aws:kms:eu-west-1:111122223333:alias/billflow"
  }

  expect_failures = [var.master_user_secret_kms_key_id]
}

run "subnets_outside_vpc_id_are_refused" {
  command = plan

  override_data {
    target = data.aws_subnet.db
    values = {
      vpc_id = "vpc-0fedcba9876543210"
    }
  }

  expect_failures = [aws_db_subnet_group.this]
}

run "subnets_in_one_availability_zone_are_refused" {
  command = plan

  override_data {
    target = data.aws_subnet.db
    values = {
      vpc_id            = "vpc-0123456789abcdef0"
      availability_zone = "eu-west-1a"
    }
  }

  expect_failures = [aws_db_subnet_group.this]
}

run "malformed_alarm_email_is_refused" {
  command = plan

  variables {
    alarm_email = "ops at example.com"
  }

  expect_failures = [var.alarm_email]
}

run "max_capacity_below_min_is_refused" {
  command = plan

  variables {
    db_min_capacity = 8
    db_max_capacity = 4
  }

  expect_failures = [aws_rds_cluster.this]
}

run "log_retention_cloudwatch_does_not_offer_is_refused" {
  command = plan

  variables {
    log_retention_days = 0
  }

  expect_failures = [var.log_retention_days]
}

# Last: the runs share one state, and plans after an apply would compare against it.
run "defaults_apply" {
  command = apply

  assert {
    condition     = aws_lambda_function.billflow.environment[0].variables.BILLFLOW_DB == "data-api://arn:aws:rds:eu-west-1:111122223333:cluster:billflow?secret=arn:aws:secretsmanager:eu-west-1:111122223333:secret:rds!cluster-0a1b-AbCdEf&database=billing"
    error_message = "BILLFLOW_DB is ${aws_lambda_function.billflow.environment[0].variables.BILLFLOW_DB}"
  }

  assert {
    condition     = output.billflow_db_url == aws_lambda_function.billflow.environment[0].variables.BILLFLOW_DB
    error_message = "output billflow_db_url differs from the function's BILLFLOW_DB"
  }

  assert {
    condition     = aws_rds_cluster.this.serverlessv2_scaling_configuration[0].min_capacity == 0 && aws_rds_cluster.this.serverlessv2_scaling_configuration[0].seconds_until_auto_pause == 300
    error_message = "default scaling is not min 0 with a 300 s auto-pause"
  }

  assert {
    condition     = can(regex("^billflow-final-[0-9]{14}$", aws_rds_cluster.this.final_snapshot_identifier)) && aws_rds_cluster.this.deletion_protection
    error_message = "defaults must keep deletion protection and a final snapshot named billflow-final-<creation time>, not ${aws_rds_cluster.this.final_snapshot_identifier}"
  }

  assert {
    condition     = aws_rds_cluster_instance.this.auto_minor_version_upgrade == false
    error_message = "automatic minor upgrades must be off while engine_version is exact"
  }

  assert {
    condition     = aws_cloudwatch_log_group.billflow.name == "/aws/lambda/${aws_lambda_function.billflow.function_name}"
    error_message = "log group is not /aws/lambda/<function>"
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.dlq_not_empty.alarm_actions == toset(["arn:aws:sns:eu-west-1:111122223333:billflow-alarms"])
    error_message = "without alarm_sns_topic_arn the alarms must notify the stack's topic only"
  }

  assert {
    condition     = length(aws_sns_topic_subscription.alarm_email) == 0
    error_message = "an e-mail subscription exists although alarm_email is null"
  }

  assert {
    condition     = aws_cloudwatch_log_metric_filter.failed_files.metric_transformation[0].value == "$.failed_files" && aws_cloudwatch_metric_alarm.failed_files.namespace == aws_cloudwatch_log_metric_filter.failed_files.metric_transformation[0].namespace
    error_message = "the failed_files alarm does not read the metric its filter writes"
  }

  assert {
    condition     = length(data.aws_iam_policy_document.billflow.statement) == 6
    error_message = "the function policy has ${length(data.aws_iam_policy_document.billflow.statement)} statements, expected 6 without a KMS key"
  }

  assert {
    condition     = aws_scheduler_schedule.rates_fetch.state == "ENABLED" && aws_scheduler_schedule.rates_fetch.target[0].arn == aws_lambda_function.billflow.arn
    error_message = "the rates schedule must be enabled by default and invoke the function"
  }

  assert {
    condition     = jsondecode(aws_scheduler_schedule.rates_fetch.target[0].input)["detail-type"] == "Scheduled Event" && jsondecode(aws_scheduler_schedule.rates_fetch.target[0].input).source == "aws.scheduler"
    error_message = "the schedule's input is not the Scheduled Event billflow recognises: ${aws_scheduler_schedule.rates_fetch.target[0].input}"
  }
}

run "rates_schedule_can_be_disabled" {
  command = plan

  variables {
    rates_fetch_schedule_enabled = false
  }

  assert {
    condition     = aws_scheduler_schedule.rates_fetch.state == "DISABLED"
    error_message = "rates_fetch_schedule_enabled = false must disable the schedule"
  }
}

# After defaults_apply: the same stack switched to Aurora PostgreSQL (a new cluster).
run "postgresql_apply" {
  command = apply

  variables {
    engine = "aurora-postgresql"
  }

  assert {
    condition     = aws_rds_cluster.this.engine == "aurora-postgresql" && aws_rds_cluster.this.engine_version == "16.4" && aws_rds_cluster.this.port == 5432
    error_message = "engine aurora-postgresql gives ${aws_rds_cluster.this.engine} ${aws_rds_cluster.this.engine_version} on port ${aws_rds_cluster.this.port}"
  }

  assert {
    condition     = aws_rds_cluster_parameter_group.this.family == "aurora-postgresql16" && one(aws_rds_cluster_parameter_group.this.parameter).name == "rds.force_ssl"
    error_message = "parameter group is ${aws_rds_cluster_parameter_group.this.family}"
  }

  assert {
    condition     = aws_lambda_function.billflow.environment[0].variables.BILLFLOW_DB == "data-api://arn:aws:rds:eu-west-1:111122223333:cluster:billflow?secret=arn:aws:secretsmanager:eu-west-1:111122223333:secret:rds!cluster-0a1b-AbCdEf&database=billing&engine=postgres"
    error_message = "BILLFLOW_DB is ${aws_lambda_function.billflow.environment[0].variables.BILLFLOW_DB}"
  }
}
