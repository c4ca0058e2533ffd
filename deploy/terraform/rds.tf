# Aurora Serverless v2 (MySQL or PostgreSQL, var.engine) with the RDS Data API turned on. RDS generates the master password and
# keeps it (and rotates it) in Secrets Manager; Terraform never sees it, so it is not in the state.

resource "aws_rds_cluster" "this" {
  cluster_identifier = local.name
  engine             = var.engine
  engine_mode        = "provisioned" # Serverless v2 is the provisioned mode with db.serverless instances
  engine_version     = local.engine.version
  database_name      = var.database_name
  port               = local.engine.port

  db_cluster_parameter_group_name = aws_rds_cluster_parameter_group.this.name

  master_username               = var.master_username
  manage_master_user_password   = true
  master_user_secret_kms_key_id = var.master_user_secret_kms_key_id

  enable_http_endpoint = true # the RDS Data API that billflow's data-api:// sink calls

  db_subnet_group_name   = aws_db_subnet_group.this.name
  vpc_security_group_ids = [aws_security_group.db.id]

  storage_encrypted         = true
  deletion_protection       = var.db_deletion_protection
  backup_retention_period   = var.db_backup_retention_days
  copy_tags_to_snapshot     = true
  skip_final_snapshot       = var.db_skip_final_snapshot
  final_snapshot_identifier = var.db_skip_final_snapshot ? null : "${local.name}-final-${terraform_data.stack_created.output}"

  serverlessv2_scaling_configuration {
    min_capacity = var.db_min_capacity
    max_capacity = var.db_max_capacity
    # AWS accepts a pause delay only when the minimum is 0.
    seconds_until_auto_pause = var.db_min_capacity == 0 ? var.db_seconds_until_auto_pause : null
  }

  lifecycle {
    precondition {
      condition     = var.db_max_capacity >= var.db_min_capacity
      error_message = "db_max_capacity must be at least db_min_capacity."
    }
  }
}

# Direct connections (db_allowed_security_group_ids) must use TLS; the Data API always does.
resource "aws_rds_cluster_parameter_group" "this" {
  name_prefix = "${local.name}-"
  family      = local.engine.family
  description = "billflow ${var.engine}: TLS required"

  parameter {
    name  = local.engine.tls_parameter
    value = local.engine.tls_value
  }

  lifecycle {
    create_before_destroy = true # a new family (engine or major version) replaces the group
  }
}

resource "aws_rds_cluster_instance" "this" {
  identifier          = "${local.name}-1"
  cluster_identifier  = aws_rds_cluster.this.id
  instance_class      = "db.serverless"
  engine              = aws_rds_cluster.this.engine
  engine_version      = aws_rds_cluster.this.engine_version
  publicly_accessible = false

  db_subnet_group_name = aws_db_subnet_group.this.name
  # engine_version is an exact patch version, so Terraform is what upgrades the engine: raise
  # aurora_engine_version and the plan shows the upgrade. With automatic minor upgrades on, AWS
  # would move the cluster past the configured version and the next plan would ask for a
  # downgrade, which Aurora refuses.
  auto_minor_version_upgrade = false
}

# When this resource was first applied, normally with the stack (UTC, YYYYMMDDhhmmss), then fixed
# for the stack's life: it makes the final snapshot name unique, so a stack destroyed after an
# earlier one of the same name does not collide with that one's snapshot.
resource "terraform_data" "stack_created" {
  input = formatdate("YYYYMMDDhhmmss", timestamp())

  lifecycle {
    ignore_changes = [input]
  }
}
