"""Storefront: an nginx service on Fargate behind an ALB, and its PostgreSQL database."""

import json

import pulumi
import pulumi_aws as aws

from network import Network

config = pulumi.Config()
desired = config.get_int("desiredCount") or 1
db_password = config.require_secret("dbPassword")
region = aws.get_region()  # the region the stack deploys to

provider = aws.Provider("eu", region=aws.config.region)
opts = pulumi.ResourceOptions(provider=provider)

net = Network("shop", "10.0.0.0/16", opts=opts)

alb_sg = aws.ec2.SecurityGroup("alb", vpc_id=net.vpc.id, ingress=[
    {"protocol": "tcp", "from_port": 80, "to_port": 80, "cidr_blocks": ["0.0.0.0/0"]}],
    egress=[{"protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]}], opts=opts)
app_sg = aws.ec2.SecurityGroup("app", vpc_id=net.vpc.id, ingress=[
    {"protocol": "tcp", "from_port": 80, "to_port": 80, "security_groups": [alb_sg.id]}], opts=opts)
db_sg = aws.ec2.SecurityGroup("db", vpc_id=net.vpc.id, ingress=[
    {"protocol": "tcp", "from_port": 5432, "to_port": 5432, "security_groups": [app_sg.id]}], opts=opts)

alb = aws.lb.LoadBalancer("web", load_balancer_type="application", security_groups=[alb_sg.id],
                          subnets=[s.id for s in net.public_subnets], opts=opts)
target = aws.lb.TargetGroup("web", port=80, protocol="HTTP", target_type="ip", vpc_id=net.vpc.id,
                            health_check={"path": "/", "matcher": "200-399"}, opts=opts)
listener = aws.lb.Listener("web", load_balancer_arn=alb.arn, port=80, protocol="HTTP",
                           default_actions=[{"type": "forward", "target_group_arn": target.arn}], opts=opts)

cluster = aws.ecs.Cluster("shop", settings=[{"name": "containerInsights", "value": "enabled"}], opts=opts)
logs = aws.cloudwatch.LogGroup("shop", retention_in_days=14, opts=opts)
exec_role = aws.iam.Role("task-exec", assume_role_policy=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                   "Principal": {"Service": "ecs-tasks.amazonaws.com"}}]}), opts=opts)
aws.iam.RolePolicyAttachment("task-exec", role=exec_role.name,
                             policy_arn="arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
                             opts=opts)

container = pulumi.Output.all(logs.name, region.region).apply(lambda args: json.dumps([{
    "name": "web", "image": config.require("image"), "essential": True,
    "portMappings": [{"containerPort": 80, "protocol": "tcp"}],
    "logConfiguration": {"logDriver": "awslogs", "options": {
        "awslogs-group": args[0], "awslogs-region": args[1], "awslogs-stream-prefix": "web"}},
}]))
task = aws.ecs.TaskDefinition("web", family="shop-web", cpu="512", memory="1024", network_mode="awsvpc",
                              requires_compatibilities=["FARGATE"], execution_role_arn=exec_role.arn,
                              container_definitions=container, opts=opts)
service = aws.ecs.Service("web", cluster=cluster.arn, task_definition=task.arn, desired_count=desired,
                          launch_type="FARGATE",
                          network_configuration={"subnets": [s.id for s in net.private_subnets],
                                                 "security_groups": [app_sg.id]},
                          load_balancers=[{"target_group_arn": target.arn, "container_name": "web",
                                           "container_port": 80}],
                          opts=pulumi.ResourceOptions(provider=provider, depends_on=[listener]))

subnets = aws.rds.SubnetGroup("db", subnet_ids=[s.id for s in net.private_subnets], opts=opts)
db = aws.rds.Instance("db", engine="postgres", engine_version="16.4",
                      instance_class=config.get("dbInstanceClass") or "db.t3.micro",
                      allocated_storage=50, storage_type="gp3", multi_az=True, db_name="shop",
                      username="shop", password=db_password, db_subnet_group_name=subnets.name,
                      vpc_security_group_ids=[db_sg.id], skip_final_snapshot=True, opts=opts)

pulumi.export("url", alb.dns_name.apply(lambda dns: f"http://{dns}"))
pulumi.export("dbEndpoint", db.endpoint)
