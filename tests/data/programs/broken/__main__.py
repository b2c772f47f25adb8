import pulumi_aws as aws

from sizing import instance_type

aws.s3.Bucket("logs")
aws.ec2.Instance("web", ami="ami-0123456789abcdef0", instance_type=instance_type("huge"))
