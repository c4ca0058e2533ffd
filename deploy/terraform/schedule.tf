# The daily ECB rates fetch: EventBridge Scheduler invokes the function with a "Scheduled Event"
# payload, and billflow runs the same fetch as `billflow rates fetch` into the stack's database.
#
# When: the ECB publishes its reference rates around 16:00 CET on TARGET working days, in
# Frankfurt's local time, which moves with daylight saving (16:00 CET = 15:00 UTC in winter,
# 16:00 CEST = 14:00 UTC in summer). The schedule is therefore written in Europe/Berlin time
# (the same zone as Frankfurt): 17:00 local on weekdays is one hour after publication all year.
# A fixed UTC time cannot keep that margin through both seasons. On a TARGET holiday the fetch
# finds no new date and changes nothing.

data "aws_iam_policy_document" "scheduler_assume_role" {
  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["scheduler.amazonaws.com"]
    }

    # Only schedules of this account may use the role (confused-deputy guard).
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role" "rates_scheduler" {
  name               = "${local.name}-rates-scheduler"
  description        = "Lets the ${local.name} rates schedule invoke the ${local.name} function"
  assume_role_policy = data.aws_iam_policy_document.scheduler_assume_role.json
}

data "aws_iam_policy_document" "rates_scheduler" {
  statement {
    sid       = "InvokeBillflowFunction"
    effect    = "Allow"
    actions   = ["lambda:InvokeFunction"]
    resources = [aws_lambda_function.billflow.arn]
  }
}

resource "aws_iam_role_policy" "rates_scheduler" {
  name   = "${local.name}-rates-scheduler"
  role   = aws_iam_role.rates_scheduler.id
  policy = data.aws_iam_policy_document.rates_scheduler.json
}

resource "aws_scheduler_schedule" "rates_fetch" {
  name        = "${local.name}-rates-fetch"
  description = "Fetches the ECB reference rates into the ${local.name} database on weekdays"
  state       = var.rates_fetch_schedule_enabled ? "ENABLED" : "DISABLED"

  schedule_expression          = "cron(0 17 ? * MON-FRI *)"
  schedule_expression_timezone = "Europe/Berlin"

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = aws_lambda_function.billflow.arn
    role_arn = aws_iam_role.rates_scheduler.arn
    # The EventBridge envelope billflow recognises as a scheduled event.
    input = jsonencode({
      "detail-type" = "Scheduled Event"
      source        = "aws.scheduler"
      time          = "<aws.scheduler.scheduled-time>"
      resources     = ["<aws.scheduler.schedule-arn>"]
      detail        = {}
    })

    # A failed fetch (ECB or database unreachable) fails the invocation and is tried again
    # within the evening; the next weekday's fetch also catches up on missed dates.
    retry_policy {
      maximum_event_age_in_seconds = 10800
      maximum_retry_attempts       = 5
    }
  }

  depends_on = [aws_iam_role_policy.rates_scheduler]
}
