import pulumi_aws as aws
import pulumi_datadog as datadog

aws.s3.Bucket("logs")
datadog.Monitor("errors", type="metric alert", query="avg(last_5m):sum:errors{*} > 10", name="errors", message="!")
