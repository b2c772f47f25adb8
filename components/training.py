"""Training, tuning and ETL declared as capped, scheduled definitions.

They are not standing resources, yet they are most of an experiment's bill, so each one is
declared with its caps in the resource graph where it can be priced and guarded: instance type
and count, maximum runtime, spot, and the schedule that runs it. Each component holds exactly one
schedule and the one thing it starts, so a reader of the graph can pair them by parent.
"""

from __future__ import annotations

import base64
from decimal import Decimal
from typing import Optional

import pulumi
import pulumi_aws as aws

from gnnstack import instances
from gnnstack.templating import render

from ._base import SSM_CORE, StackContext, bucket_access, child, json_output, policy_document, service_role
from .args import TrainingArgs, TuningArgs
from ._servers import gp3_mapping, launch_template

_DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
# AWS Deep Learning AMI (Ubuntu, NVIDIA driver) resolved by EC2 at launch from its public SSM parameter.
DLAMI = "resolve:ssm:/aws/service/deeplearning/ami/x86_64/base-oss-nvidia-driver-gpu-ubuntu-22.04/latest/ami-id"


def days_of_week(n: int) -> list[str]:
    """The first `n` days of the week, spread out: 1 -> SUN, 7 -> every day."""
    if n >= 7:
        return list(_DAYS)
    step = 7 / n
    return [_DAYS[int(i * step)] for i in range(n)]


def scheduler_cron(hour: int, days: int, per: str = "week") -> str:
    """An EventBridge Scheduler cron running `days` times a week (spread-out weekdays) or a month
    (days 1, 1 + 28/n, ... so that every month, February too, has exactly `days` runs)."""
    if per == "month":
        dom = ",".join(str(1 + (28 * i) // days) for i in range(days))
        return f"cron(0 {hour} {dom} * ? *)"
    dow = "*" if days >= 7 else ",".join(days_of_week(days))
    return f"cron(0 {hour} ? * {dow} *)"


def training_image(region: str, instance_type: str) -> str:
    gpu = instances.lookup(instance_type, "sagemaker").gpus > 0
    tag = "2.3.0-gpu-py311-cu121-ubuntu20.04-sagemaker" if gpu else "2.3.0-cpu-py311-ubuntu20.04-sagemaker"
    return f"763104351884.dkr.ecr.{region}.amazonaws.com/pytorch-training:{tag}"


def seconds(hours: Decimal) -> int:
    return int(hours * 3600)


def sagemaker_tags(ctx: StackContext) -> list[dict[str, str]]:
    # Jobs started by Step Functions are not Pulumi resources: they get the tags through the request.
    return [{"Key": k, "Value": v} for k, v in ctx.tags().items()]


class _ScheduledStateMachine(pulumi.ComponentResource):
    """A Step Functions state machine run on an EventBridge Scheduler cron."""

    def _schedule(self, name: str, ctx: StackContext, definition: pulumi.Output[str],
                  sfn_policy: pulumi.Output[str], cron: str) -> None:
        sfn_role = service_role(f"{name}-sfn-role", ctx, self, ("states.amazonaws.com",), sfn_policy)
        self.state_machine = aws.sfn.StateMachine(
            f"{name}-pipeline", role_arn=sfn_role.arn, definition=definition, type="STANDARD",
            tags=ctx.tags(), opts=child(self))
        scheduler_role = service_role(
            f"{name}-scheduler-role", ctx, self, ("scheduler.amazonaws.com",),
            policy_document({"Effect": "Allow", "Action": "states:StartExecution",
                             "Resource": self.state_machine.arn}))
        self.schedule = aws.scheduler.Schedule(
            f"{name}-schedule",
            schedule_expression=cron,
            schedule_expression_timezone="UTC",
            flexible_time_window={"mode": "OFF"},
            target={"arn": self.state_machine.arn, "role_arn": scheduler_role.arn,
                    "retry_policy": {"maximum_retry_attempts": 0}},
            state="ENABLED",
            opts=child(self))


def _sagemaker_sfn_policy(kind: str, role_arn: pulumi.Input[str]) -> pulumi.Output[str]:
    actions = {
        "training": ["sagemaker:CreateTrainingJob", "sagemaker:DescribeTrainingJob",
                     "sagemaker:StopTrainingJob", "sagemaker:AddTags"],
        "tuning": ["sagemaker:CreateHyperParameterTuningJob", "sagemaker:DescribeHyperParameterTuningJob",
                   "sagemaker:StopHyperParameterTuningJob", "sagemaker:ListTrainingJobsForHyperParameterTuningJob",
                   "sagemaker:AddTags"],
    }[kind]
    rule = {"training": "StepFunctionsGetEventsForSageMakerTrainingJobsRule",
            "tuning": "StepFunctionsGetEventsForSageMakerTuningJobsRule"}[kind]
    return policy_document(
        {"Effect": "Allow", "Action": actions, "Resource": "*"},
        {"Effect": "Allow", "Action": ["events:PutTargets", "events:PutRule", "events:DescribeRule"],
         "Resource": f"arn:aws:events:*:*:rule/{rule}"},
        {"Effect": "Allow", "Action": "iam:PassRole", "Resource": role_arn,
         "Condition": {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}},
    )


def sagemaker_execution_role(name: str, ctx: StackContext, parent: pulumi.Resource,
                             bucket: aws.s3.Bucket) -> aws.iam.Role:
    return service_role(
        name, ctx, parent, ("sagemaker.amazonaws.com",),
        policy_document(
            bucket_access(bucket.arn),
            {"Effect": "Allow", "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents",
                                           "logs:DescribeLogStreams", "cloudwatch:PutMetricData"],
             "Resource": "*"},
            {"Effect": "Allow", "Action": ["ecr:GetAuthorizationToken", "ecr:BatchGetImage",
                                           "ecr:GetDownloadUrlForLayer"], "Resource": "*"},
        ))


class SageMakerTraining(_ScheduledStateMachine):
    """Daily SageMaker training job: fixed instance count, max runtime, managed spot with max wait."""

    def __init__(self, name: str, t: TrainingArgs, ctx: StackContext, bucket: aws.s3.Bucket, role: aws.iam.Role,
                 opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("gnnstack:training:SageMakerTraining", name, {
            "instanceType": t.instance_type, "instanceCount": t.instance_count,
            "daysPerWeek": t.days_per_week, "maxRuntimeHours": str(t.max_runtime_hours), "spot": t.spot,
        }, opts)
        max_run = seconds(t.max_runtime_hours)
        # Spot jobs may wait for capacity; the wait is capped too, at twice the runtime.
        max_wait = 2 * max_run if t.spot else None
        stopping = {"MaxRuntimeInSeconds": max_run, **({"MaxWaitTimeInSeconds": max_wait} if max_wait else {})}
        s3 = bucket.bucket.apply(lambda b: f"s3://{b}")
        job = {
            "TrainingJobName.$": "States.Format('gnn-train-{}', $$.Execution.Name)",
            "AlgorithmSpecification": {
                "TrainingImage": t.image_uri or training_image(ctx.region, t.instance_type),
                "TrainingInputMode": "FastFile",
            },
            "RoleArn": role.arn,
            "InputDataConfig": [{"ChannelName": "train", "DataSource": {"S3DataSource": {
                "S3DataType": "S3Prefix", "S3Uri": pulumi.Output.concat(s3, "/features/"),
                "S3DataDistributionType": "FullyReplicated"}}}],
            "OutputDataConfig": {"S3OutputPath": pulumi.Output.concat(s3, "/artifacts/")},
            "ResourceConfig": {"InstanceType": t.instance_type, "InstanceCount": t.instance_count,
                               "VolumeSizeInGB": t.volume_gb},
            "StoppingCondition": stopping,
            "EnableManagedSpotTraining": bool(t.spot),
            "CheckpointConfig": {"S3Uri": pulumi.Output.concat(s3, "/checkpoints/")},
            "Tags": sagemaker_tags(ctx),
        }
        definition = json_output({
            "Comment": f"gnnstack daily GNN training for {ctx.stack}",
            "StartAt": "Train",
            "TimeoutSeconds": (max_wait or max_run) + 600,
            "States": {"Train": {"Type": "Task", "Resource": "arn:aws:states:::sagemaker:createTrainingJob.sync",
                                 "Parameters": job, "End": True}},
        })
        self._schedule(name, ctx, definition, _sagemaker_sfn_policy("training", role.arn),
                       scheduler_cron(t.start_hour_utc, t.days_per_week))
        self.register_outputs({"stateMachine": self.state_machine.arn})


class SageMakerTuning(_ScheduledStateMachine):
    """Weekly (or more) SageMaker hyperparameter tuning with capped job count and parallelism."""

    def __init__(self, name: str, u: TuningArgs, ctx: StackContext, bucket: aws.s3.Bucket, role: aws.iam.Role,
                 opts: Optional[pulumi.ResourceOptions] = None) -> None:
        instance_type, spot = u.instance_type, u.spot
        super().__init__("gnnstack:training:SageMakerTuning", name, {
            "instanceType": instance_type, "parallelJobs": u.parallel_jobs,
            "maxTrainingJobs": u.max_training_jobs,
            "jobsPerWeek": u.jobs_per_week, "jobsPerMonth": u.jobs_per_month,
            "maxRuntimeHours": str(u.max_runtime_hours), "spot": spot,
        }, opts)
        max_run = seconds(u.max_runtime_hours)
        max_wait = 2 * max_run if spot else None
        s3 = bucket.bucket.apply(lambda b: f"s3://{b}")
        definition_job = {
            "AlgorithmSpecification": {
                "TrainingImage": u.image_uri or training_image(ctx.region, instance_type),
                "TrainingInputMode": "FastFile",
                "MetricDefinitions": [{"Name": "validation:auc", "Regex": "val_auc=([0-9\\.]+)"}],
            },
            "RoleArn": role.arn,
            "InputDataConfig": [{"ChannelName": "train", "DataSource": {"S3DataSource": {
                "S3DataType": "S3Prefix", "S3Uri": pulumi.Output.concat(s3, "/features/"),
                "S3DataDistributionType": "FullyReplicated"}}}],
            "OutputDataConfig": {"S3OutputPath": pulumi.Output.concat(s3, "/artifacts/tuning/")},
            "ResourceConfig": {"InstanceType": instance_type, "InstanceCount": 1, "VolumeSizeInGB": 100},
            "StoppingCondition": {"MaxRuntimeInSeconds": max_run,
                                  **({"MaxWaitTimeInSeconds": max_wait} if max_wait else {})},
            "EnableManagedSpotTraining": spot,
        }
        job = {
            # Tuning job names are limited to 32 characters: a short random suffix, not the execution name.
            "HyperParameterTuningJobName.$":
                "States.Format('gnn-hpo-{}', States.ArrayGetItem(States.StringSplit(States.UUID(), '-'), 0))",
            "HyperParameterTuningJobConfig": {
                "Strategy": "Bayesian",
                "HyperParameterTuningJobObjective": {"Type": "Maximize", "MetricName": "validation:auc"},
                "ResourceLimits": {"MaxNumberOfTrainingJobs": u.max_training_jobs,
                                   "MaxParallelTrainingJobs": u.parallel_jobs},
                "ParameterRanges": {
                    "ContinuousParameterRanges": [{"Name": "learning_rate", "MinValue": "0.0001",
                                                   "MaxValue": "0.01", "ScalingType": "Logarithmic"}],
                    "IntegerParameterRanges": [{"Name": "hidden_dim", "MinValue": "64", "MaxValue": "512"}],
                },
            },
            "TrainingJobDefinition": definition_job,
            "Tags": sagemaker_tags(ctx),
        }
        waves = -(-u.max_training_jobs // u.parallel_jobs)
        definition = json_output({
            "Comment": f"gnnstack hyperparameter tuning for {ctx.stack}",
            "StartAt": "Tune",
            "TimeoutSeconds": waves * (max_wait or max_run) + 600,
            "States": {"Tune": {"Type": "Task",
                                "Resource": "arn:aws:states:::sagemaker:createHyperParameterTuningJob.sync",
                                "Parameters": job, "End": True}},
        })
        self._schedule(name, ctx, definition, _sagemaker_sfn_policy("tuning", role.arn),
                       scheduler_cron(u.start_hour_utc, *u.runs))
        self.register_outputs({"stateMachine": self.state_machine.arn})


class Ec2GpuTraining(pulumi.ComponentResource):
    """GPU training capacity on EC2: an Auto Scaling group at zero that a schedule scales up each
    training day and back down after the maximum runtime; spot in experiments."""

    def __init__(self, name: str, t: TrainingArgs, ctx: StackContext, bucket: aws.s3.Bucket, subnet_ids: list,
                 security_group: aws.ec2.SecurityGroup, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("gnnstack:training:Ec2GpuTraining", name, {
            "instanceType": t.instance_type, "instanceCount": t.instance_count,
            "maxInstanceCount": t.max_instance_count,
            "daysPerWeek": t.days_per_week, "maxRuntimeHours": str(t.max_runtime_hours), "spot": t.spot,
        }, opts)
        spec = instances.lookup(t.instance_type, "ec2")
        role = service_role(f"{name}-role", ctx, self, ("ec2.amazonaws.com",),
                            policy_document(bucket_access(bucket.arn)), managed_policy_arns=(SSM_CORE,))
        profile = aws.iam.InstanceProfile(f"{name}-profile", role=role.name, tags=ctx.tags(), opts=child(role))
        max_minutes = int(t.max_runtime_hours * 60)
        user_data = bucket.bucket.apply(lambda b: base64.b64encode(render(
            "gpu-training-user-data.sh.j2", stack=ctx.stack, region=ctx.region, bucket=b,
            max_runtime_minutes=max_minutes, gpus=spec.gpus).encode()).decode())
        template = launch_template(
            f"{name}-gpu", ctx, self, image_id=DLAMI, instance_type=t.instance_type, profile=profile,
            security_group=security_group, user_data=user_data, volumes=[gp3_mapping("/dev/sda1", t.volume_gb)],
            instance_initiated_shutdown_behavior="terminate")
        self.group = aws.autoscaling.Group(
            f"{name}-asg",
            min_size=0,
            max_size=t.max_instance_count,
            desired_capacity=0,
            vpc_zone_identifiers=subnet_ids,
            capacity_rebalance=bool(t.spot),
            mixed_instances_policy={
                "launch_template": {"launch_template_specification": {
                    "launch_template_id": template.id, "version": "$Latest"}},
                "instances_distribution": {
                    "on_demand_base_capacity": 0,
                    "on_demand_percentage_above_base_capacity": 0 if t.spot else 100,
                    "spot_allocation_strategy": "price-capacity-optimized",
                },
            },
            tags=ctx.asg_tags(Name=f"{name}-gpu"),
            # The schedules own the desired capacity; a redeploy must not reset it.
            opts=child(self, ignore_changes=["desired_capacity"]))
        start = t.start_hour_utc * 60
        stop = start + max_minutes
        days = "*" if t.days_per_week >= 7 else ",".join(
            str(_DAYS.index(d)) for d in days_of_week(t.days_per_week))
        stop_days = days if days == "*" or stop < 24 * 60 else ",".join(
            str((int(d) + stop // (24 * 60)) % 7) for d in days.split(","))
        aws.autoscaling.Schedule(
            f"{name}-start", scheduled_action_name=f"{name}-start", autoscaling_group_name=self.group.name,
            recurrence=f"{start % 60} {t.start_hour_utc} * * {days}", time_zone="Etc/UTC",
            min_size=0, max_size=t.max_instance_count, desired_capacity=t.instance_count, opts=child(self.group))
        aws.autoscaling.Schedule(
            f"{name}-stop", scheduled_action_name=f"{name}-stop", autoscaling_group_name=self.group.name,
            recurrence=f"{stop % 60} {(stop // 60) % 24} * * {stop_days}", time_zone="Etc/UTC",
            min_size=0, max_size=t.max_instance_count, desired_capacity=0, opts=child(self.group))
        self.register_outputs({"group": self.group.name})
