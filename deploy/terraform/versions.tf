terraform {
  # Preconditions and cross-object validation need 1.5+; nothing here needs a newer feature.
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 5.81 is the first 5.x release that accepts min_capacity = 0 and seconds_until_auto_pause
      # (Aurora Serverless v2 scale-to-zero).
      version = "~> 5.81"
    }
  }
}
