import json
import os

import boto3


def handle(event, context):
    table = boto3.resource("dynamodb").Table(os.environ["TABLE"])
    body = json.loads(event.get("body") or "{}")
    table.put_item(Item=body)
    return {"statusCode": 201, "body": json.dumps(body)}
