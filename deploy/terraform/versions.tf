terraform {
  # Preconditions and cross-object validation need 1.5+ (terraform_data in rds.tf needs 1.4).
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 5.81 is the first release with Aurora Serverless v2 scale-to-zero (min_capacity = 0,
      # seconds_until_auto_pause). 5.86.0 must be excluded: its aws_s3_bucket_lifecycle_configuration
      # mishandles the empty `filter {}` in s3.tf ("Provider produced inconsistent result after
      # apply", hashicorp/terraform-provider-aws#41268), fixed in 5.87.0. 6.0 is a major release
      # with breaking changes that this configuration is not checked against; the suite validates
      # it against 5.100.0 (tests/deploy/terraform_validate_test.sh).
      version = "~> 5.87"
    }
  }
}
