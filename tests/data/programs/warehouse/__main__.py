"""A small warehouse: raw data in S3, a nightly Glue job to parquet, a Redshift cluster to query it."""

import pulumi
import pulumi_aws as aws

config = pulumi.Config()
node_type = config.require("nodeType")
nodes = config.require_int("nodes")

raw = aws.s3.Bucket("raw", force_destroy=False)
curated = aws.s3.Bucket("curated")
scripts = aws.s3.Bucket("glue-scripts")
aws.s3.BucketVersioning("curated", bucket=curated.id, versioning_configuration={"status": "Enabled"})
script = aws.s3.BucketObjectv2("orders-etl", bucket=scripts.id, key="etl/orders.py",
                               source=pulumi.FileAsset("etl/orders.py"))

glue_role = aws.iam.Role("glue", assume_role_policy=aws.iam.get_policy_document(statements=[{
    "actions": ["sts:AssumeRole"], "principals": [{"type": "Service", "identifiers": ["glue.amazonaws.com"]}],
}]).json)
aws.iam.RolePolicyAttachment("glue-service", role=glue_role.name,
                             policy_arn="arn:aws:iam::aws:policy/service-role/AWSGlueServiceRole")
catalog = aws.glue.CatalogDatabase("analytics", name="analytics")
aws.glue.Crawler("raw-orders", database_name=catalog.name, role=glue_role.arn, schedule="cron(0 1 * * ? *)",
                 s3_targets=[{"path": raw.bucket.apply(lambda b: f"s3://{b}/orders/")}])
job = aws.glue.Job("orders-to-parquet", role_arn=glue_role.arn, glue_version="4.0", worker_type="G.1X",
                   number_of_workers=5, timeout=60,
                   command={"name": "glueetl", "python_version": "3",
                            "script_location": pulumi.Output.concat("s3://", scripts.bucket, "/", script.key)},
                   default_arguments={"--SOURCE": raw.bucket.apply(lambda b: f"s3://{b}/orders/"),
                                      "--TARGET": curated.bucket.apply(lambda b: f"s3://{b}/orders/")})
aws.glue.Trigger("nightly", type="SCHEDULED", schedule="cron(0 2 * * ? *)", actions=[{"job_name": job.name}])

subnets = aws.redshift.SubnetGroup("warehouse", subnet_ids=aws.ec2.get_subnets().ids)
cluster = aws.redshift.Cluster("warehouse", cluster_identifier="analytics", node_type=node_type,
                               cluster_type="multi-node" if nodes > 1 else "single-node", number_of_nodes=nodes,
                               database_name="analytics", master_username="admin",
                               master_password=config.require_secret("adminPassword"),
                               cluster_subnet_group_name=subnets.name, encrypted=True,
                               skip_final_snapshot=True)
pulumi.export("warehouse", cluster.endpoint)
