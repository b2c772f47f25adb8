"""Orders API: HTTP API -> Lambda -> DynamoDB, with an SQS queue feeding a second Lambda."""

import json

import pulumi
import pulumi_aws as aws
from orders_shared import TABLE_KEY

config = pulumi.Config()
memory = config.get_int("memory") or 128

table = aws.dynamodb.Table("orders", billing_mode="PAY_PER_REQUEST", hash_key=TABLE_KEY,
                           attributes=[{"name": TABLE_KEY, "type": "S"}],
                           point_in_time_recovery={"enabled": True})
queue = aws.sqs.Queue("order-events", visibility_timeout_seconds=60, message_retention_seconds=345600)

role = aws.iam.Role("orders-fn", assume_role_policy=json.dumps({
    "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                            "Principal": {"Service": "lambda.amazonaws.com"}}]}))
aws.iam.RolePolicyAttachment("orders-fn-logs", role=role.name,
                             policy_arn="arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
aws.iam.RolePolicy("orders-fn-data", role=role.id, policy=pulumi.Output.all(table.arn, queue.arn).apply(
    lambda arns: json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["dynamodb:PutItem", "dynamodb:GetItem"], "Resource": arns[0]},
        {"Effect": "Allow", "Action": ["sqs:*"], "Resource": arns[1]}]})))

code = pulumi.FileArchive("./app")
api_fn = aws.lambda_.Function("orders-api", runtime="python3.12", handler="handler.handle", code=code,
                              role=role.arn, memory_size=memory, timeout=10,
                              environment={"variables": {"TABLE": table.name, "QUEUE": queue.url}})
worker = aws.lambda_.Function("orders-worker", runtime="python3.12", handler="handler.handle", code=code,
                              role=role.arn, memory_size=256, architectures=["arm64"])
aws.lambda_.EventSourceMapping("orders-worker", event_source_arn=queue.arn, function_name=worker.arn,
                               batch_size=10)

api = aws.apigatewayv2.Api("orders", protocol_type="HTTP")
integration = aws.apigatewayv2.Integration("orders", api_id=api.id, integration_type="AWS_PROXY",
                                           integration_uri=api_fn.invoke_arn, payload_format_version="2.0")
for route in ("POST /orders", "GET /orders/{id}"):
    aws.apigatewayv2.Route(route.split()[0].lower(), api_id=api.id, route_key=route,
                           target=integration.id.apply(lambda i: f"integrations/{i}"))
stage = aws.apigatewayv2.Stage("default", api_id=api.id, name="$default", auto_deploy=True)
aws.lambda_.Permission("orders-api-invoke", action="lambda:InvokeFunction", function=api_fn.name,
                       principal="apigateway.amazonaws.com",
                       source_arn=api.execution_arn.apply(lambda arn: f"{arn}/*/*"))

pulumi.export("endpoint", stage.invoke_url)
