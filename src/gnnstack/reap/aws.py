"""What every kind shares about talking to AWS: clients with adaptive retries, one error for
discovery that cannot read what it needs, and "already gone" told apart from a real failure."""

from __future__ import annotations

import re
from typing import Any, Callable, Optional

import boto3
import botocore.config
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from gnnstack.errors import GnnstackError

_RETRY_CONFIG = botocore.config.Config(retries={"mode": "adaptive", "max_attempts": 8})
NO_CREDENTIALS = "no AWS credentials found: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY"


class ReapError(GnnstackError):
    """Discovery could not read what it needs (credentials, permissions, endpoint)."""


class Refused(Exception):
    """A deletion the service would accept but reap should not force (e.g. termination protection)."""


def aws_client(service: str, region: Optional[str], session: Any = None):
    """A boto3 client for `service` in `region`, retrying throttling with adaptive backoff.

    Endpoint overrides come from the standard environment (`AWS_ENDPOINT_URL`,
    `AWS_ENDPOINT_URL_<SERVICE>`) or shared config, which boto3 reads itself.
    """
    session = session or boto3.session.Session()
    return session.client(service, region_name=region or session.region_name, config=_RETRY_CONFIG)


class Clients:
    """One client per (service, region) for the length of one discover/delete call."""

    def __init__(self, session: Any = None) -> None:
        self.session = session or boto3.session.Session()
        self._cache: dict[tuple[str, str], Any] = {}

    def __call__(self, service: str, region: str):
        key = (service, region)
        if key not in self._cache:
            self._cache[key] = aws_client(service, region, self.session)
        return self._cache[key]


def caller_account(session: Any = None) -> Optional[str]:
    """The account the credentials belong to (STS), or None if STS cannot say."""
    try:
        return aws_client("sts", None, session).get_caller_identity()["Account"]
    except NoCredentialsError as e:
        raise ReapError(NO_CREDENTIALS) from e
    except (ClientError, BotoCoreError):
        return None


def call(what: str, region: str, fn: Callable[[], Any]) -> Any:
    """`fn()`, with any AWS failure turned into a ReapError that says where and what was asked."""
    try:
        return fn()
    except NoCredentialsError as e:
        raise ReapError(NO_CREDENTIALS) from e
    except (ClientError, BotoCoreError) as e:
        raise ReapError(f"discovery failed in {region} ({what}): {e}") from e


_GONE_CODES = {
    "InvalidInstanceID.NotFound", "InvalidVolume.NotFound", "NoSuchBucket", "DBInstanceNotFound",
    "DBInstanceNotFoundFault", "DBClusterNotFound", "DBClusterNotFoundFault", "ResourceNotFound",
    "ResourceNotFoundException",
}
_GONE_MESSAGE = re.compile(r"not found|RecordNotFound", re.I)


def is_gone(e: ClientError) -> bool:
    """The error says the resource no longer exists (deleting it twice is harmless)."""
    err = e.response.get("Error", {})
    code, message = str(err.get("Code", "")), str(err.get("Message", ""))
    if (code in _GONE_CODES or code.endswith(("NotFound", "NotFoundFault", "NotFoundException"))
            or code.startswith("NoSuch")):
        return True
    # SageMaker answers ValidationException "RecordNotFound"; Auto Scaling ValidationError "... not found".
    return code in ("ValidationError", "ValidationException") and bool(_GONE_MESSAGE.search(message))
