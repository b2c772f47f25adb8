"""Which AWS Cost Explorer service (the SERVICE dimension, as `get_cost_and_usage` groups by it)
bills each line of an estimate, so that `gnnstack actuals` can put the estimate next to what AWS
charged, service by service.

A line is mapped by the catalog price it is priced with (`price.service`, and the start of
`price.item` where one catalog service is billed under two Cost Explorer services): the price,
not the resource type, says what is billed. An EC2 instance's lines are compute ("Amazon Elastic
Compute Cloud - Compute") and its root volume ("EC2 - Other"); a NAT gateway's hours and bytes are
EC2 usage types (NatGateway-Hours, NatGateway-Bytes) and appear under "EC2 - Other", not under
"Amazon Virtual Private Cloud", which bills interface endpoints and public IPv4 addresses.

Lines no AWS bill shows (a licence paid to the vendor) are listed in OUTSIDE_AWS with the reason;
a price this table does not know (a new catalog service, an override file's own) maps to None and
is shown as unmapped, never folded into another service. `tests/test_actuals.py` walks every
catalog price and every pricer's golden case through this table."""

from __future__ import annotations

from typing import Any, Optional

EC2_COMPUTE = "Amazon Elastic Compute Cloud - Compute"
EC2_OTHER = "EC2 - Other"
VPC = "Amazon Virtual Private Cloud"

# catalog service -> Cost Explorer service, or [(item prefix, Cost Explorer service), ...] (first match).
CE_SERVICES: dict[str, str | list[tuple[str, str]]] = {
    "ec2": EC2_COMPUTE,
    "ebs": EC2_OTHER,
    # Inter-AZ and egress bytes of instances are EC2 usage types (DataTransfer-Regional-Bytes ...).
    "data-transfer": EC2_OTHER,
    "vpc": [("nat-gateway/", EC2_OTHER), ("interface-endpoint/", VPC), ("public-ipv4", VPC)],
    "emr": "Amazon Elastic MapReduce",
    "glue": "AWS Glue",
    "kinesis": "Amazon Kinesis",
    "kms": "AWS Key Management Service",
    "lambda": "AWS Lambda",
    "neptune": "Amazon Neptune",
    "s3": "Amazon Simple Storage Service",
    "sagemaker": "Amazon SageMaker",
    "scheduler": "Amazon EventBridge",
    "secretsmanager": "AWS Secrets Manager",
    "stepfunctions": "AWS Step Functions",
    # issue 14: web and network services
    "elb": "Amazon Elastic Load Balancing",
    "fargate": "Amazon Elastic Container Service",
    "eks": "Amazon Elastic Container Service for Kubernetes",
    "cloudwatch": "AmazonCloudWatch",
    "apigateway": "Amazon API Gateway",
    "cloudfront": "Amazon CloudFront",
    "route53": "Amazon Route 53",
    "sqs": "Amazon Simple Queue Service",
    "sns": "Amazon Simple Notification Service",
    "ecr": "Amazon EC2 Container Registry (ECR)",
    # TransitGateway-Hours and -Bytes are Amazon VPC usage types (the VPC user guide's billing codes).
    "transitgateway": VPC,
    # issue 14: data services
    "rds": "Amazon Relational Database Service",
    "elasticache": "Amazon ElastiCache",
    "dynamodb": "Amazon DynamoDB",
    "redshift": "Amazon Redshift",
    "opensearch": "Amazon OpenSearch Service",
    "efs": "Amazon Elastic File System",
}

# catalog service -> why its lines never appear in Cost Explorer.
OUTSIDE_AWS: dict[str, str] = {
    "licence": "database licence, billed by the vendor, not on the AWS bill",
}


def ce_service(service: str, item: str) -> Optional[str]:
    """The Cost Explorer service that bills catalog price (`service`, `item`); None: not in
    Cost Explorer (OUTSIDE_AWS) or not mapped."""
    found = CE_SERVICES.get(service)
    if isinstance(found, list):
        return next((ce for prefix, ce in found if item.startswith(prefix)), None)
    return found


def line_service(line: Any) -> tuple[str, str]:
    """(row name, note) for a cost line: its Cost Explorer service and "", or a row of its own
    that says why Cost Explorer cannot show it."""
    p = line.price
    ce = ce_service(p.service, p.item)
    if ce is not None:
        return ce, ""
    if p.service in OUTSIDE_AWS:
        return f"(outside AWS: {p.service})", OUTSIDE_AWS[p.service]
    return f"(unmapped: {p.service} {p.item})", "no Cost Explorer service is known for this price"
