"""Run any Pulumi Python project offline and record the resources it registers.

`capture_project(path, stack, config, region)` reads the project's `Pulumi.yaml` and stack
config, runs its program in a forked child process under the Pulumi SDK's mock runtime (the
same machinery as `gnnstack.capture`, with mocks that give plausible outputs for programs
nobody here wrote) and returns the program's `ResourceGraph`. No Pulumi CLI, no cloud, no
credentials; secrets are never decrypted.
"""

from __future__ import annotations

import faulthandler
import hashlib
import json
import multiprocessing
import os
import re
import runpy
import signal
import site
import sys
import tempfile
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import yaml

import pulumi
from pulumi.runtime import mocks, settings
from pulumi.runtime.stack import run_pulumi_func

from ..capture import CaptureMonitor, OfflineMocks, _event_loops, _has_secret, _no_source_positions
from ..errors import ConfigError, not_utf8
from ..graph import SECRET, Resource, ResourceGraph

ACCOUNT = "123456789012"  # the account id every mocked ARN and identity carries
DEFAULT_STACK = "dev"  # the stack name a project with no stack file runs as (what `pulumi new` creates)
DEFAULT_TIMEOUT = 300.0  # seconds a program may run under mocks (`--timeout`); ours take a few
TRACE_WAIT = 2.0  # seconds the parent waits for a timed-out child to write where it is
PREVIEW_JSON_HINT = ("only Python programs run here; for TypeScript/Go/YAML/.NET write `pulumi preview --json` "
                     "and pass that file")


@dataclass(frozen=True)
class ProjectRun:
    """Everything the child needs to run one project: read and checked in the parent, so a
    wrong project or stack file fails before anything forks."""
    root: Path  # the project folder (where Pulumi.yaml is), resolved
    label: str  # the folder as the user named it, for messages
    name: str
    stack: str
    entry: Path  # the file to run (main dir's __main__.py, or main itself)
    region: str
    config: dict[str, str] = field(default_factory=dict)
    secret_keys: tuple[str, ...] = ()
    site_packages: tuple[Path, ...] = ()
    venv: Optional[Path] = None  # the virtualenv found (its folder), if any
    requirements: Optional[Path] = None
    environments: tuple[str, ...] = ()  # Pulumi ESC environments the stack file imports (not read offline)


# --- reading the project ----------------------------------------------------------------------

def _read_yaml(path: Path, what: str) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as e:
        raise ConfigError(f"{what} is {not_utf8(e)}", source=str(path)) from None
    except yaml.YAMLError as e:
        raise ConfigError(f"{what} is not valid YAML: {e}", source=str(path)) from None


def _namespaced(key: str, project: str) -> str:
    """A config key as Pulumi stores it: `ns:key`; a bare key is the project's."""
    return key if ":" in key else f"{project}:{key}"


def _config_value(value: Any) -> tuple[str, bool]:
    """A stack-file value as the program reads it (a string; objects as JSON) and whether it was
    secret. `secure:` values become the graph's SECRET placeholder, never decrypted."""
    secret = False

    def walk(v: Any) -> Any:
        nonlocal secret
        if isinstance(v, dict):
            if set(v) == {"secure"}:
                secret = True
                return SECRET
            return {str(k): walk(x) for k, x in v.items()}
        if isinstance(v, list):
            return [walk(x) for x in v]
        return v

    plain = walk(value)
    if isinstance(plain, str):
        return plain, secret
    return json.dumps(plain), secret


def _project_defaults(data: dict, project: str, source: Path) -> dict[str, Any]:
    """`config:` in Pulumi.yaml: `key: value` or `key: {type, default|value}`."""
    out: dict[str, Any] = {}
    block = data.get("config") or {}
    if not isinstance(block, dict):
        raise ConfigError("config: must be a mapping of keys to values", source=str(source))
    for key, spec in block.items():
        if isinstance(spec, dict) and set(spec) & {"type", "default", "value", "description", "secret", "items"}:
            if "value" in spec:
                out[_namespaced(str(key), project)] = spec["value"]
            elif "default" in spec:
                out[_namespaced(str(key), project)] = spec["default"]
        else:
            out[_namespaced(str(key), project)] = spec
    return out


def _site_packages(venv: Path) -> tuple[Path, ...]:
    """A virtualenv's site-packages, this interpreter's version first."""
    mine = venv / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
    found = [mine] if mine.is_dir() else []
    found += sorted(p for p in venv.glob("lib/python3*/site-packages") if p.is_dir() and p != mine)
    return tuple(found)


def load_project(path: Path | str, stack: Optional[str] = None, config: Optional[dict[str, str]] = None,
                 region: Optional[str] = None) -> ProjectRun:
    """Read and check a project folder, its stack config and its environment: every error about
    the project is raised here, before the program runs."""
    root = Path(path)
    project_file = root / "Pulumi.yaml"
    if not project_file.is_file():
        alt = root / "Pulumi.yml"
        if alt.is_file():
            project_file = alt
        else:
            raise ConfigError(f"no Pulumi.yaml in {root}: pass a Pulumi project folder (or a "
                              "`pulumi preview --json` file)")
    data = _read_yaml(project_file, "project file")
    if not isinstance(data, dict):
        raise ConfigError("not a Pulumi project file (expected a mapping with name: and runtime:)",
                          source=str(project_file))
    name = data.get("name")
    if not isinstance(name, str) or not name:
        raise ConfigError("name: is missing; a Pulumi project names itself", source=str(project_file))
    runtime = data.get("runtime")
    options: dict = {}
    if isinstance(runtime, dict):
        options = runtime.get("options") or {}
        runtime = runtime.get("name")
    if runtime != "python":
        raise ConfigError(f"runtime is {runtime!r}: {PREVIEW_JSON_HINT}", source=str(project_file))

    main = root / str(data.get("main") or ".")
    entry = main if main.suffix == ".py" else main / "__main__.py"
    if not entry.is_file():
        raise ConfigError(f"the program entry {entry} does not exist (Pulumi runs `__main__.py` in the "
                          "folder `main:` names, default the project folder)", source=str(project_file))

    # The stack and its config.
    stack_dir = root / str(data.get("stackConfigDir") or ".")
    stacks = sorted(p.name[len("Pulumi."):-len(".yaml")] for p in stack_dir.glob("Pulumi.*.yaml"))
    if stack is None:
        if len(stacks) > 1:
            raise ConfigError(f"{len(stacks)} stacks in {stack_dir}: {', '.join(stacks)}; choose one with --stack")
        stack = stacks[0] if stacks else DEFAULT_STACK
    elif stack not in stacks and stacks:
        raise ConfigError(f"no stack file Pulumi.{stack}.yaml in {stack_dir}; its stacks are "
                          f"{', '.join(stacks)}: pass one of them with --stack")
    values: dict[str, Any] = _project_defaults(data, name, project_file)
    environments: tuple[str, ...] = ()
    stack_file = stack_dir / f"Pulumi.{stack}.yaml"
    if stack_file.is_file():
        stack_data = _read_yaml(stack_file, "stack file") or {}
        if not isinstance(stack_data, dict):
            raise ConfigError("expected a mapping with config:", source=str(stack_file))
        block = stack_data.get("config") or {}
        if not isinstance(block, dict):
            raise ConfigError("config: must be a mapping of keys to values", source=str(stack_file))
        values.update({_namespaced(str(k), name): v for k, v in block.items()})
        imported = stack_data.get("environment") or []
        environments = tuple(str(e) for e in (imported if isinstance(imported, list) else [imported]))
    for key, value in (config or {}).items():
        values[_namespaced(key, name)] = value
    final: dict[str, str] = {}
    secret_keys = []
    for key, value in values.items():
        final[key], secret = _config_value(value)
        if secret:
            secret_keys.append(key)

    if "aws:region" in final:
        region = final["aws:region"]
    elif region:
        final["aws:region"] = region
    else:
        raise ConfigError(f"no AWS region: the config of stack {stack!r} has no aws:region; pass --region (for example "
                          "--region us-east-1) or --config aws:region=REGION")

    # The packages: the project's virtualenv, else this environment's.
    venv: Optional[Path] = None
    named = options.get("virtualenv") if isinstance(options, dict) else None
    for candidate in ([main / str(named), root / str(named)] if named else [root / "venv", root / ".venv"]):
        if candidate.is_dir():
            venv = candidate
            break
    if named and venv is None:
        raise ConfigError(f"runtime.options.virtualenv names {named!r}, which does not exist in {root}: create it "
                          f"(python -m venv {named} && {named}/bin/pip install -r requirements.txt), or remove "
                          "the option to use the packages of the environment gnnstack runs in",
                          source=str(project_file))
    requirements = next((p for p in (main / "requirements.txt", root / "requirements.txt") if p.is_file()), None)
    return ProjectRun(root=root.resolve(), label=str(path), name=name, stack=stack, entry=entry.resolve(),
                      region=region, config=final, secret_keys=tuple(sorted(secret_keys)),
                      site_packages=_site_packages(venv.resolve()) if venv else (),
                      venv=venv.resolve() if venv else None,
                      requirements=requirements.resolve() if requirements else None, environments=environments)


# --- the mocks --------------------------------------------------------------------------------

def _hex(*parts: str, n: int = 17) -> str:
    """Random-looking, but the same for the same parts on every run."""
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:n]


def _kebab(word: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", word).lower()


# pulumi-aws module -> the service name in its ARNs
_ARN_SERVICE = {"lb": "elasticloadbalancing", "alb": "elasticloadbalancing", "elb": "elasticloadbalancing",
                "apigatewayv2": "apigateway", "efs": "elasticfilesystem", "msk": "kafka", "sfn": "states",
                "cognito": "cognito-idp", "opensearch": "es", "elasticsearch": "es", "cloudwatch": "cloudwatch",
                "appautoscaling": "application-autoscaling", "lambda": "lambda"}
# EC2 resources whose ids have a recognisable prefix
_EC2_PREFIX = {"Vpc": "vpc", "Subnet": "subnet", "SecurityGroup": "sg", "InternetGateway": "igw",
               "NatGateway": "nat", "RouteTable": "rtb", "Eip": "eipalloc", "Instance": "i", "LaunchTemplate": "lt",
               "NetworkInterface": "eni", "VpcEndpoint": "vpce", "KeyPair": "key", "Volume": "vol"}
_ENGINE_PORT = {"postgres": 5432, "aurora-postgresql": 5432, "mysql": 3306, "aurora-mysql": 3306, "mariadb": 3306,
                "oracle-ee": 1521, "oracle-se2": 1521, "sqlserver-ex": 1433, "sqlserver-se": 1433,
                "sqlserver-ee": 1433, "sqlserver-web": 1433}


class ForeignMocks(OfflineMocks):
    """Mocks for programs nobody here wrote: resources get deterministic ids, physical names,
    ARNs shaped like real ones for their service, and the outputs programs commonly read
    (endpoints, URLs, DNS names); data sources get plausible answers for the region; every
    other input is echoed back as an output."""

    def new_resource(self, args: mocks.MockResourceArgs) -> tuple[Optional[str], dict]:
        state = {k: v for k, v in args.inputs.items() if not _has_secret(v)}
        typ, name = args.typ, args.name
        if typ.startswith("pulumi:") or ":" not in typ:
            return f"{name}-id", state
        package, _, rest = typ.partition(":")
        module = rest.split("/")[0] if "/" in rest else "index"
        kind = rest.rsplit(":", 1)[-1]
        ident = f"{name}-id"
        if package == "aws" and module == "ec2" and kind in _EC2_PREFIX:
            ident = f"{_EC2_PREFIX[kind]}-0{_hex(typ, name, n=16)}"
        if package != "aws":
            return ident, state
        given = state.get("name")
        physical = given if isinstance(given, str) else f"{name}-{_hex(typ, name, n=7)}"  # Pulumi's auto-name
        if (module, kind) in (("s3", "Bucket"), ("s3", "BucketV2")):
            physical = state["bucket"] if isinstance(state.get("bucket"), str) else physical
            ident = physical  # a bucket's id is its name
        state.setdefault("name", physical)
        if (module, kind) == ("ecs", "TaskDefinition") and isinstance(state.get("family"), str):
            # A task definition's ARN names its family and revision, not a physical name.
            state.setdefault("revision", 1)
            state.setdefault("arn", f"arn:aws:ecs:{self.region}:{ACCOUNT}:task-definition/{state['family']}:1")
        state.setdefault("arn", self._arn(module, kind, physical, ident))
        self._outputs(module, kind, physical, ident, state)
        return ident, state

    def _arn(self, module: str, kind: str, physical: str, ident: str) -> str:
        region, acct = self.region, ACCOUNT
        if module == "s3":
            return f"arn:aws:s3:::{physical}"
        if module == "iam":
            return f"arn:aws:iam::{acct}:{_kebab(kind)}/{physical}"
        if module in ("sqs", "sns"):
            return f"arn:aws:{module}:{region}:{acct}:{physical}"
        if module == "lambda" and kind == "Function":
            return f"arn:aws:lambda:{region}:{acct}:function:{physical}"
        if module == "cloudwatch" and kind == "LogGroup":
            return f"arn:aws:logs:{region}:{acct}:log-group:{physical}"
        if module in ("rds", "redshift", "elasticache", "docdb", "neptune"):
            part = {"Instance": "db", "SubnetGroup": "subgrp", "ParameterGroup": "pg"}.get(kind, _kebab(kind))
            return f"arn:aws:{'rds' if module in ('docdb', 'neptune') else module}:{region}:{acct}:{part}:{physical}"
        if module in ("lb", "alb"):
            part = {"LoadBalancer": "loadbalancer/app", "TargetGroup": "targetgroup"}.get(kind, _kebab(kind))
            return f"arn:aws:elasticloadbalancing:{region}:{acct}:{part}/{physical}/{_hex(module, physical, n=16)}"
        if module in ("cloudfront", "route53"):
            return f"arn:aws:{module}::{acct}:{_kebab(kind)}/{ident}"
        if module == "secretsmanager" and kind == "Secret":
            return f"arn:aws:secretsmanager:{region}:{acct}:secret:{physical}-{_hex(physical, n=6)}"
        service = _ARN_SERVICE.get(module, module)
        return f"arn:aws:{service}:{region}:{acct}:{_kebab(kind)}/{physical}"

    def _outputs(self, module: str, kind: str, physical: str, ident: str, state: dict) -> None:
        region, acct, arn = self.region, ACCOUNT, state["arn"]
        key = (module, kind)
        if key == ("s3", "Bucket") or key == ("s3", "BucketV2"):
            state.setdefault("bucket", physical)
            state.setdefault("bucketDomainName", f"{physical}.s3.amazonaws.com")
            state.setdefault("bucketRegionalDomainName", f"{physical}.s3.{region}.amazonaws.com")
            state.setdefault("region", region)
        elif module in ("lb", "alb") and kind == "LoadBalancer":
            state.setdefault("dnsName", f"{physical}-{_hex(physical, n=9)}.{region}.elb.amazonaws.com")
            state.setdefault("zoneId", "Z" + _hex("zone", region, n=13).upper())
            state.setdefault("arnSuffix", arn.split(":loadbalancer/")[-1])
        elif module in ("lb", "alb") and kind == "TargetGroup":
            state.setdefault("arnSuffix", arn.split(":", 5)[-1])
        elif key in (("rds", "Instance"), ("rds", "Cluster"), ("rds", "ClusterInstance")):
            port = state.get("port") or _ENGINE_PORT.get(str(state.get("engine")), 5432)
            host = f"{physical}.c{_hex(region, n=11)}.{region}.rds.amazonaws.com"
            state.setdefault("port", port)
            state.setdefault("address", host)
            state.setdefault("endpoint", f"{host}:{port}" if kind == "Instance" else host)
            state.setdefault("readerEndpoint", host.replace(f"{physical}.", f"{physical}.cluster-ro-"))
            state.setdefault("identifier", physical)
            state.setdefault("clusterIdentifier", physical)
        elif key == ("redshift", "Cluster"):
            host = f"{physical}.c{_hex(region, n=11)}.{region}.redshift.amazonaws.com"
            state.setdefault("dnsName", host)
            state.setdefault("endpoint", f"{host}:5439")
        elif key == ("eks", "Cluster"):
            state.setdefault("endpoint", f"https://{_hex(physical, n=32).upper()}.gr7.{region}.eks.amazonaws.com")
            state.setdefault("certificateAuthority", {"data": "T0ZGTElORS1DQQ=="})
            state.setdefault("version", "1.31")
            state.setdefault("identities", [{"oidcs": [{
                "issuer": f"https://oidc.eks.{region}.amazonaws.com/id/{_hex(physical, n=32).upper()}"}]}])
        elif key == ("sqs", "Queue"):
            state.setdefault("url", f"https://sqs.{region}.amazonaws.com/{acct}/{physical}")
        elif key == ("lambda", "Function"):
            state.setdefault("invokeArn", f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{arn}/"
                                          "invocations")
            state.setdefault("qualifiedArn", f"{arn}:$LATEST")
            state.setdefault("version", "$LATEST")
        elif key in (("apigatewayv2", "Api"), ("apigateway", "RestApi")):
            state.setdefault("apiEndpoint", f"https://{ident}.execute-api.{region}.amazonaws.com")
            state.setdefault("executionArn", f"arn:aws:execute-api:{region}:{acct}:{ident}")
            state.setdefault("rootResourceId", _hex(ident, n=10))
        elif key == ("apigatewayv2", "Stage"):
            state.setdefault("invokeUrl", f"https://{ident}.execute-api.{region}.amazonaws.com/{physical}")
        elif key == ("dynamodb", "Table") and state.get("streamEnabled"):
            state.setdefault("streamArn", f"{arn}/stream/2025-01-01T00:00:00.000")
        elif key == ("ecr", "Repository"):
            state.setdefault("repositoryUrl", f"{acct}.dkr.ecr.{region}.amazonaws.com/{physical}")
        elif key == ("kms", "Key"):
            state.setdefault("keyId", _hex("kms", physical, n=32))
        elif key == ("efs", "FileSystem"):
            state.setdefault("dnsName", f"{ident}.efs.{region}.amazonaws.com")

    def call(self, args: mocks.MockCallArgs) -> dict:
        token, given, region = args.token, dict(args.args), self.region
        if token == "aws:index/getAvailabilityZones:getAvailabilityZones":
            return {"names": [f"{region}{z}" for z in "abc"], "zoneIds": [f"{region}-az{i}" for i in (1, 2, 3)],
                    "groupNames": [region], "id": region}
        if token == "aws:ec2/getAmi:getAmi":
            ami = f"ami-0{_hex(region, json.dumps(given, sort_keys=True, default=str))}"
            return {**given, "id": ami, "imageId": ami, "architecture": "x86_64", "name": "offline-ami",
                    "ownerId": ACCOUNT, "rootDeviceType": "ebs", "virtualizationType": "hvm"}
        if token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {"accountId": ACCOUNT, "arn": f"arn:aws:iam::{ACCOUNT}:user/offline", "userId": "AIDAOFFLINE",
                    "id": ACCOUNT}
        if token == "aws:index/getRegion:getRegion":
            return {"name": region, "region": region, "id": region, "description": region,
                    "endpoint": f"ec2.{region}.amazonaws.com"}
        if token == "aws:index/getPartition:getPartition":
            return {"partition": "aws", "id": "aws", "dnsSuffix": "amazonaws.com",
                    "reverseDnsPrefix": "com.amazonaws"}
        if token == "aws:iam/getPolicyDocument:getPolicyDocument":
            document = _policy_document(given)
            return {"json": json.dumps(document, indent=2), "minifiedJson": json.dumps(document),
                    "id": _hex(json.dumps(document), n=10)}
        if token == "aws:ec2/getVpc:getVpc":
            return {"cidrBlock": "172.31.0.0/16", **given, "id": f"vpc-0{_hex(region, 'default-vpc')}"}
        if token in ("aws:ec2/getSubnets:getSubnets", "aws:ec2/getSubnetIds:getSubnetIds"):
            return {**given, "ids": [f"subnet-0{_hex(region, str(i))}" for i in range(3)], "id": region}
        return {**given, "id": _hex(token, json.dumps(given, sort_keys=True, default=str), n=12)}


def _policy_document(given: dict) -> dict:
    """The IAM policy JSON `getPolicyDocument` would render from its statements."""
    statements = []
    for s in given.get("statements") or []:
        if not isinstance(s, dict):
            continue
        out: dict[str, Any] = {}
        if s.get("sid"):
            out["Sid"] = s["sid"]
        out["Effect"] = s.get("effect") or "Allow"
        for ours, theirs in (("actions", "Action"), ("notActions", "NotAction"), ("resources", "Resource"),
                             ("notResources", "NotResource")):
            if s.get(ours):
                out[theirs] = s[ours] if len(s[ours]) != 1 else s[ours][0]
        for ours, theirs in (("principals", "Principal"), ("notPrincipals", "NotPrincipal")):
            if s.get(ours):
                out[theirs] = {p.get("type"): p.get("identifiers") for p in s[ours] if isinstance(p, dict)}
        for c in s.get("conditions") or []:
            if isinstance(c, dict):
                out.setdefault("Condition", {}).setdefault(c.get("test"), {})[c.get("variable")] = c.get("values")
        statements.append(out)
    return {"Version": given.get("version") or "2012-10-17", "Statement": statements}


# --- running the program ----------------------------------------------------------------------

def _plain(value: Any) -> Any:
    """Inputs as plain data (what crosses the pipe and what JSON can write)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _unique_names(records: list[tuple[str, str, str, str, bool, dict]]) -> dict[str, str]:
    """A name for each URN, unique in the graph. Programs reuse a logical name across types (a
    component "web" and its load balancer "web"); the graph finds resources and parents by
    name, so a name several resources share is qualified with the type (`web [LoadBalancer]`),
    then with the full type token, then the URN: the same answer whatever order the
    registrations arrived in."""
    def qualified(urn: str, typ: str, name: str, level: int) -> str:
        return [name, f"{name} [{typ.rsplit(':', 1)[-1]}]", f"{name} [{typ}]", urn][level]

    out: dict[str, str] = {}
    pending = {urn: (typ, name) for urn, _p, typ, name, _c, _i in records}
    level = 0
    while pending:
        chosen = {urn: qualified(urn, t, n, level) for urn, (t, n) in pending.items()}
        taken = list(out.values()) + list(chosen.values())
        clash = {v for v in taken if taken.count(v) > 1} if level < 3 else set()
        for urn, name in chosen.items():
            if name not in clash:
                out[urn] = name
        pending = {urn: v for urn, v in pending.items() if urn not in out}
        level += 1
    return out


def _own_file(path: str, run: ProjectRun) -> bool:
    """Whether `path` (a traceback's file name) is one of the program's own files: in the project
    folder, not in its virtualenv or any site-packages."""
    if not os.path.isabs(path):  # "<frozen runpy>", "<string>": no file of the program
        return False
    file = Path(path).resolve()
    return (file.is_relative_to(run.root) and not (run.venv and file.is_relative_to(run.venv))
            and "site-packages" not in file.parts)


def _where(error: BaseException, run: ProjectRun) -> Optional[traceback.FrameSummary]:
    """The innermost traceback frame inside the project's own files (not its virtualenv),
    following chained exceptions when the error itself has none."""
    seen: set[int] = set()
    current: Optional[BaseException] = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        for frame in reversed(traceback.extract_tb(current.__traceback__)):
            if _own_file(frame.filename, run):
                return frame
        current = current.__cause__ or current.__context__
    return None


def _failure(error: BaseException, run: ProjectRun) -> str:
    """The one message a failed program gives: where in the program, and why."""
    frame = _where(error, run)
    at = f"{Path(frame.filename).resolve().relative_to(run.root).as_posix()}:{frame.lineno}" if frame else None
    if isinstance(error, ModuleNotFoundError):
        where = f"neither in its virtualenv {run.venv} nor" if run.venv else "not"
        reqs = f"pip install -r {run.requirements}" if run.requirements else "pip install the packages it imports"
        return (f"the program imports {error.name!r}{f' ({at})' if at else ''}, which is {where} in the environment "
                f"gnnstack runs in ({sys.prefix}): install the project's requirements there ({reqs}), or create the "
                "project's virtualenv (venv/ in the project) with them")
    if isinstance(error, SystemExit):
        why = f"SystemExit: the program called sys.exit({error.code!r})"
    else:
        message = str(error).strip().replace("\n\t", " ").replace("\n", " ")
        why = f"{type(error).__name__}: {message}" if message else type(error).__name__
    if isinstance(error, pulumi.ConfigMissingError):
        why += f" (set it in Pulumi.{run.stack}.yaml or pass --config {error.key}=VALUE"
        if run.environments:
            why += (f"; the stack imports the ESC environment(s) {', '.join(run.environments)}, which are not "
                    "read offline")
        why += ")"
    if at is None:
        return f"program failed (no line of the program in the traceback): {why}"
    return f"program failed at {at} (in the program, not gnnstack or pulumi): {why}"


def _prepare_process(run: ProjectRun) -> None:
    """Make this (child) process look like the one Pulumi starts for the program: its folder is
    the working directory and first on the path, its virtualenv's packages next, and a module
    the project has locally is its own, not one this process imported earlier by that name."""
    folder = run.entry.parent
    os.chdir(folder)
    before = list(sys.path)
    for packages in run.site_packages:
        site.addsitedir(str(packages))  # its .pth files too (editable installs)
    added = [p for p in sys.path if p not in before]
    sys.path[:] = [str(folder), *added, *before]
    sys.argv = [str(run.entry)]
    local = {p.stem for p in folder.glob("*.py")} | {p.parent.name for p in folder.glob("*/__init__.py")}
    for module in list(sys.modules):
        if module.split(".")[0] in local:
            del sys.modules[module]
    # What the program prints must not mix into gnnstack's own output (a JSON report on stdout).
    sys.stdout.flush()
    os.dup2(2, 1)
    sys.stdout = sys.stderr


def _capture(run: ProjectRun) -> ResourceGraph:
    """Run the program under the mocks in this process; the graph, or ConfigError."""
    with _event_loops() as loop, _no_source_positions():
        settings.ROOT.set(None)
        monitor = _Monitor(ForeignMocks(run.region))
        pulumi.runtime.set_all_config(dict(run.config), list(run.secret_keys))
        pulumi.runtime.set_mocks(monitor.mocks, project=run.name, stack=run.stack, preview=True, monitor=monitor)
        settings.SETTINGS.rpc_manager.clear()
        settings.SETTINGS.outputs.clear()
        try:
            loop.run_until_complete(run_pulumi_func(
                lambda: runpy.run_path(str(run.entry), run_name="__main__")))
        except BaseException as error:  # noqa: BLE001 (the program's own errors, SystemExit included)
            if isinstance(error, KeyboardInterrupt):
                raise
            raise ConfigError(_failure(error, run), source=run.label) from None
    if not monitor.records:
        raise ConfigError(f"the program {run.entry.relative_to(run.root).as_posix()} ran to the end and registered "
                          "no resources: nothing to price (does it create its resources only under `if __name__` "
                          "or in a function it never calls?)", source=run.label)
    names = _unique_names(monitor.records)
    # Each AWS resource's region: its explicit provider's `region`, else the region the program's
    # default provider has (the config's aws:region). A region input of its own wins later, when
    # the plan is read (gnnstack.foreign.load).
    provider_regions = {urn: inputs.get("region") for urn, _p, t, _n, _c, inputs in monitor.records
                        if t == "pulumi:providers:aws" and isinstance(inputs.get("region"), str)}

    def region_of(urn: str, rtype: str) -> Optional[str]:
        if not rtype.startswith("aws:"):
            return None
        ref = monitor.provider_of.get(urn, "")
        return provider_regions.get(ref.rsplit("::", 1)[0]) or run.region

    return ResourceGraph(run.stack, run.name, [
        Resource(type=t, name=names[urn], parent=names.get(parent), inputs=_plain(inputs), custom=custom,
                 region=region_of(urn, t))
        for urn, parent, t, _n, custom, inputs in monitor.records
    ]).in_tree_order()


class _Monitor(CaptureMonitor):
    """The capture's monitor, also noting which provider each resource was registered with."""

    def __init__(self, m: pulumi.runtime.Mocks) -> None:
        super().__init__(m)
        self.provider_of: dict[str, str] = {}  # resource URN -> provider reference ("URN::id")

    def RegisterResource(self, request):  # noqa: N802 (gRPC method name)
        response = super().RegisterResource(request)
        if request.provider:
            self.provider_of[response.urn] = request.provider
        return response


def _child(run: ProjectRun, pipe: Any, trace: Any) -> None:
    # On SIGUSR1 (the parent's timeout), write every thread's stack to `trace`, so the parent can
    # say where the program was waiting.
    faulthandler.register(signal.SIGUSR1, file=trace, all_threads=True)
    try:
        _prepare_process(run)
        result: tuple[str, Any] = ("ok", _capture(run))
    except ConfigError as e:
        result = ("error", (e.message, e.source))
    except BaseException as e:  # noqa: BLE001 (reported to the parent, which raises it)
        result = ("crash", "".join(traceback.format_exception(e)))
    try:
        pipe.send(result)
    finally:
        pipe.close()


def _timed_out(child: Any, trace: Any, run: ProjectRun, timeout: float) -> str:
    """Ask the still-running child where it is (its stacks, written to `trace` on SIGUSR1), stop
    it, and say so: the innermost line of the program's own files, if it is in one."""
    where = None
    if child.pid is not None and child.is_alive():
        os.kill(child.pid, signal.SIGUSR1)
        waited = 0.0
        while waited < TRACE_WAIT and _trace_size(trace) == 0:
            child.join(0.05)
            waited += 0.05
        child.join(0.2)  # let it finish writing
        trace.seek(0)
        where = _program_line(trace.read(), run)
    child.kill()
    at = f" It was at {where}." if where else " No line of the program was running (it may wait inside a package)."
    return (f"the program did not finish in {timeout:g} s under mocks and was stopped.{at} A program waits like "
            "this on the network, a lock or input, none of which exist offline; or it loops. If it is just slow, "
            "allow longer with --timeout SECONDS")


def _trace_size(trace: Any) -> int:
    return os.fstat(trace.fileno()).st_size


def _program_line(stacks: str, run: ProjectRun) -> Optional[str]:
    """From faulthandler's dump ('File "PATH", line N in FUNC', innermost first), the innermost
    frame in the program's own files (not its virtualenv): 'FILE:LINE'."""
    for path, line in re.findall(r'File "([^"]+)", line (\d+)', stacks):
        if _own_file(path, run):
            return f"{Path(path).resolve().relative_to(run.root).as_posix()}:{line}"
    return None


def capture_project(path: Path | str, stack: Optional[str] = None, config: Optional[dict[str, str]] = None,
                    region: Optional[str] = None, timeout: float = DEFAULT_TIMEOUT) -> ResourceGraph:
    """Run the Pulumi Python project in folder `path` offline; the resources it registers.

    - `Pulumi.yaml` names the project and must say `runtime: python` (anything else: ConfigError
      pointing to `pulumi preview --json`); `main:` chooses the program folder or file.
    - Config: Pulumi.yaml's `config:` defaults, then `Pulumi.<stack>.yaml` (in `stackConfigDir`),
      then `config` (KEY=VALUE from the command line); bare keys get the project's namespace.
      With no `stack`, the only stack file is used; several are an error; none runs as stack
      "dev" with no stack config. `secure:` values are the placeholder "[secret]" (as secrets:
      `require_secret` works), never decrypted.
    - Region: the config's `aws:region`, else `region` (then also set as `aws:region`), else
      ConfigError asking for --region.
    - Packages: the project's virtualenv (`runtime.options.virtualenv`, else `venv/` or `.venv/`)
      before this environment's; a missing package is a ConfigError naming it and the fix.
    - The program runs in a forked child (its folder the working directory; its prints go to
      stderr); a program that raises is a ConfigError "program failed at FILE:LINE (in the
      program, ...): Type: message"; one that registers nothing is a ConfigError too.
    - A program still running after `timeout` seconds (waiting on the network, on a lock, in a
      loop) is stopped: a ConfigError saying where it was (the innermost line of the program
      in its stack) and how to allow longer (--timeout). The child never outlives the call.

    The graph: stack = the stack name, option = the project name, one Resource per registration
    (providers and components included, inputs with secrets as "[secret]" and unknowns as
    "[unknown]"), names made unique (see `_unique_names`), in tree order.
    """
    run = load_project(path, stack, config, region)
    if "fork" not in multiprocessing.get_all_start_methods():  # pragma: no cover (Linux forks)
        return _capture(run)
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    with tempfile.TemporaryFile("w+") as trace:
        child = ctx.Process(target=_child, args=(run, send, trace))
        child.start()
        send.close()
        received = False
        try:
            if not receive.poll(timeout):
                raise ConfigError(_timed_out(child, trace, run, timeout), source=run.label)
            kind, payload = receive.recv()
            received = True
        except EOFError:
            kind, payload = "died", None
        finally:
            receive.close()
            if not received and child.is_alive():  # timed out, or interrupted (Ctrl-C): no orphan
                child.kill()
            child.join()
    if kind == "ok":
        graph: ResourceGraph = payload
        return graph
    if kind == "error":
        message, source = payload
        raise ConfigError(message, source=source)
    if kind == "crash":
        raise RuntimeError(f"capturing {run.root} failed inside gnnstack:\n{payload}")
    raise ConfigError(f"the program's process ended without a result (exit code {child.exitcode}): the program "
                      "(or a package it imports) ended the process itself", source=run.label)
