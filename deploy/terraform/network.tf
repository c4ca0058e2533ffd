# The cluster lives in the caller's VPC, in private subnets, with no inbound rule unless one is
# asked for: billflow reaches it through the RDS Data API (HTTPS to the regional endpoint, IAM and
# Secrets Manager for auth), never over the MySQL port, so the function itself runs outside any VPC.

# Read so the plan stops with a clear message instead of a late RDS error: every subnet must be in
# vpc_id (where the cluster's security group is) and they must span two Availability Zones.
data "aws_subnet" "db" {
  for_each = toset(var.subnet_ids)

  id = each.value
}

resource "aws_db_subnet_group" "this" {
  name        = local.name
  description = "Subnets of the ${local.name} Aurora cluster"
  subnet_ids  = var.subnet_ids

  lifecycle {
    precondition {
      condition     = alltrue([for s in data.aws_subnet.db : s.vpc_id == var.vpc_id])
      error_message = "subnet_ids must all be in vpc_id ${var.vpc_id}; not in it: ${join(", ", [for s in data.aws_subnet.db : "${s.id} (in ${s.vpc_id})" if s.vpc_id != var.vpc_id])}."
    }

    precondition {
      condition     = length(distinct([for s in data.aws_subnet.db : s.availability_zone])) >= 2
      error_message = "subnet_ids must span at least two Availability Zones (Aurora requires it); all are in ${join(", ", distinct([for s in data.aws_subnet.db : s.availability_zone]))}."
    }
  }
}

resource "aws_security_group" "db" {
  name        = "${local.name}-db"
  description = "Aurora cluster of ${local.name}: MySQL only from the listed security groups"
  vpc_id      = var.vpc_id

  # No egress block: Terraform then removes the default allow-all egress rule; the database
  # initiates no connections.
}

resource "aws_vpc_security_group_ingress_rule" "db" {
  for_each = toset(var.db_allowed_security_group_ids)

  security_group_id            = aws_security_group.db.id
  description                  = "${var.engine} from ${each.value}"
  ip_protocol                  = "tcp"
  from_port                    = local.engine.port
  to_port                      = local.engine.port
  referenced_security_group_id = each.value
}

# The rule was named for MySQL before var.engine existed: keep existing rules in place.
moved {
  from = aws_vpc_security_group_ingress_rule.db_mysql
  to   = aws_vpc_security_group_ingress_rule.db
}
