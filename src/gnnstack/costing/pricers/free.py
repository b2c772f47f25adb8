"""Types that cost nothing, and types whose cost another resource's pricer counts."""

FREE: dict[str, str] = {
    "aws:iam/role:Role": "IAM is free",
    "aws:iam/rolePolicy:RolePolicy": "IAM is free",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "IAM is free",
    "aws:iam/instanceProfile:InstanceProfile": "IAM is free",
    "aws:iam/policy:Policy": "IAM is free",
    "aws:ec2/vpc:Vpc": "VPCs are free",
    "aws:ec2/subnet:Subnet": "subnets are free",
    "aws:ec2/routeTable:RouteTable": "route tables are free",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "route tables are free",
    "aws:ec2/route:Route": "routes are free",
    "aws:ec2/internetGateway:InternetGateway": "internet gateways are free (data transfer is billed)",
    "aws:ec2/securityGroup:SecurityGroup": "security groups are free",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "security groups are free",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "security groups are free",
    "aws:budgets/budget:Budget": "budgets without actions are free",
    "aws:neptune/subnetGroup:SubnetGroup": "subnet groups are free",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": "bucket settings are free",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration":
        "bucket settings are free (SSE-KMS with a bucket key)",
    "aws:s3/bucketVersioning:BucketVersioning": "bucket settings are free (versions are stored data)",
    "aws:glue/trigger:Trigger": "triggers are free; the job's runs are priced on the job",
    "aws:appautoscaling/policy:Policy": "scaling policies are free; capacity is priced on the target",
    "aws:emr/securityConfiguration:SecurityConfiguration": "EMR security configurations are free",
    "aws:kms/grant:Grant": "KMS grants are free",
    # issue 14: data services
    "aws:rds/subnetGroup:SubnetGroup": "DB subnet groups are free",
    "aws:rds/parameterGroup:ParameterGroup": "DB parameter groups are free",
    "aws:rds/clusterParameterGroup:ClusterParameterGroup": "DB cluster parameter groups are free",
    "aws:rds/optionGroup:OptionGroup": "option groups are free (options that bill, such as Oracle OEM, bill "
                                       "through the instance)",
    "aws:elasticache/subnetGroup:SubnetGroup": "cache subnet groups are free",
    "aws:elasticache/parameterGroup:ParameterGroup": "cache parameter groups are free",
    "aws:redshift/subnetGroup:SubnetGroup": "cluster subnet groups are free",
    "aws:redshift/parameterGroup:ParameterGroup": "cluster parameter groups are free",
    "aws:efs/mountTarget:MountTarget": "mount targets are free (storage and throughput bill on the file system)",
    "aws:efs/accessPoint:AccessPoint": "access points are free",
}

PRICED_WITH: dict[str, str] = {
    "aws:ec2/launchTemplate:LaunchTemplate": "priced with the Auto Scaling group that launches it",
    "aws:autoscaling/schedule:Schedule": "priced with its Auto Scaling group",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": "priced with its bucket",
    "aws:s3/bucketObjectv2:BucketObjectv2": "stored in the data bucket, priced with it",
    "aws:secretsmanager/secretVersion:SecretVersion": "priced with its secret",
    "aws:emr/managedScalingPolicy:ManagedScalingPolicy": "its caps bound the cluster's and fleets' worst case",
    "aws:sagemaker/endpoint:Endpoint": "priced with its endpoint configuration",
}
