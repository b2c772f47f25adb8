"""SageMaker notebook instances: stopped, then deleted."""

from __future__ import annotations

from dataclasses import replace

from botocore.exceptions import BotoCoreError, ClientError, WaiterError

from ..aws import is_gone
from ..discovery import Discovery, by_region
from ..model import Found, Outcome
from ..registry import Kind, register


@register
class NotebookInstance(Kind):
    """SageMaker notebook instances, listed by the tagging API and checked against SageMaker, which
    gives their real names (ARNs carry them lower-cased) and skips those already deleting. A
    notebook is deleted from Stopped or Failed: every running one is stopped first (the stops
    proceed in parallel), then each is waited for and deleted."""

    name = "sagemaker:notebook-instance"
    service = "sagemaker"
    arn = ("sagemaker", "notebook-instance")
    # The front end of the clusters it connects to (EMR through Livy, Neptune's workbench), and
    # a writer to the stack's bucket.
    before = ("emr:cluster", "neptune:db-instance", "s3:bucket")

    def discover(self, ctx: Discovery, tagged: list[Found]) -> list[Found]:
        out = []
        for region, items in by_region(tagged).items():
            def listing(region: str = region) -> dict[str, tuple[str, str]]:
                pages = ctx.client("sagemaker", region).get_paginator("list_notebook_instances")
                return {n["NotebookInstanceArn"]: (n["NotebookInstanceName"], n.get("NotebookInstanceStatus", ""))
                        for page in pages.paginate() for n in page["NotebookInstances"]}

            known = ctx.call("sagemaker list_notebook_instances", region, listing)
            for f in items:
                name, status = known.get(f.arn, (None, None))
                if name is not None and status != "Deleting":
                    out.append(replace(f, identifier=name))
        return out

    def delete(self, ctx, items: list[Found]) -> None:
        pending: list[tuple[Found, bool]] = []  # (notebook, must wait for Stopped)
        for f in items:
            sm = ctx.client("sagemaker", f.region)
            try:
                status = sm.describe_notebook_instance(NotebookInstanceName=f.identifier)["NotebookInstanceStatus"]
                if status in ("Pending", "Updating"):
                    sm.get_waiter("notebook_instance_in_service").wait(NotebookInstanceName=f.identifier,
                                                                       WaiterConfig=ctx.waiter_config)
                    status = "InService"
                if status == "InService":
                    sm.stop_notebook_instance(NotebookInstanceName=f.identifier)
                if status == "Deleting":
                    ctx.record(Outcome(f, True, "already deleting"))
                    continue
            except ClientError as e:
                ctx.record(Outcome(f, True, "already gone") if is_gone(e) else Outcome(f, False, "failed", str(e)))
                continue
            except (WaiterError, BotoCoreError) as e:
                ctx.record(Outcome(f, False, "failed", str(e)))
                continue
            pending.append((f, status in ("InService", "Stopping")))

        def stop_then_delete(f: Found, wait: bool) -> str:
            sm = ctx.client("sagemaker", f.region)
            if wait:
                sm.get_waiter("notebook_instance_stopped").wait(NotebookInstanceName=f.identifier,
                                                                WaiterConfig=ctx.waiter_config)
            sm.delete_notebook_instance(NotebookInstanceName=f.identifier)  # from Stopped or Failed
            return "stopped and deleted" if wait else "deleted"

        for f, wait in pending:
            ctx.attempt(f, lambda f=f, wait=wait: stop_then_delete(f, wait))
