"""Drive a Pulumi CrossGuard policy pack the way the Pulumi engine does, without the Pulumi CLI.

A Python policy pack is a gRPC *Analyzer* server. The engine never imports it; it starts the
``pulumi-analyzer-policy-python`` shim from the ``pulumi`` SDK, which amounts to::

    cd <pack_dir> && python3 -u -m pulumi.policy <engine-address> .

with the caller's environment plus ``PULUMI_CONFIG`` (the stack config as JSON) and
``PULUMI_ORGANIZATION`` / ``PULUMI_PROJECT`` / ``PULUMI_STACK`` / ``PULUMI_DRY_RUN``.
``pulumi.policy`` runs the pack's ``__main__.py``; constructing ``pulumi_policy.PolicyPack``
binds 127.0.0.1:0, writes the chosen port and a newline to stdout and serves forever. The engine
reads that first line as the port, then keeps echoing later stdout/stderr lines into its output.

The engine then calls, in this order (all on ``pulumirpc.Analyzer``):

1. ``Handshake``       - pulumi-policy 1.21 leaves it unimplemented; UNIMPLEMENTED is tolerated.
2. ``ConfigureStack``  - stack/project/org/config; pulumi-policy only keeps ``tags`` from it.
3. ``GetAnalyzerInfo`` - policy names, default enforcement levels, config schemas, initial config.
4. ``Configure``       - the *reconciled* policy config: every policy of the pack with its
                         enforcement level and properties (schema defaults < initial config <
                         user config), enforcement levels as the ``EnforcementLevel`` enum.
5. ``Analyze``         - once per resource (``Remediate`` first when a policy is "remediate").
6. ``AnalyzeStack``    - once at the end, with every resource of the stack.

:class:`PolicyPackServer` repeats exactly that, against an in-process fake Engine service so the
pack gets a real engine address (pulumi-policy 1.21 never dials it: ``pulumi.log`` inside a
pack prints ``info: ...`` to stderr instead, which is what the CLI shows). Both channels are
recorded and available from :meth:`PolicyPackServer.logs`.

This module is a helper for the tests; it holds no tests itself.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from concurrent import futures
from pathlib import Path
from typing import Any, Iterable, Mapping

import grpc
import yaml
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime import rpc as _rpc
from pulumi.runtime.proto import (
    analyzer_pb2,
    analyzer_pb2_grpc,
    engine_pb2,
    engine_pb2_grpc,
)

__all__ = ["PolicyPackServer", "PolicyPackError", "UNKNOWN", "secret", "make_urn"]

# ---------------------------------------------------------------------------------------------
# Wire encodings of property values (what the engine's MarshalProperties produces with
# KeepUnknowns/KeepSecrets, which is how it calls Analyze/AnalyzeStack).
# ---------------------------------------------------------------------------------------------

#: A computed value that is not known yet (preview). The engine sends every unknown as this
#: string sentinel. Inside a policy, *reading* such a property raises ``UnknownValueError`` and
#: the pack answers with an advisory "can't run policy ... during preview" diagnostic instead of
#: the policy's own verdict.
UNKNOWN: str = _rpc.UNKNOWN


def secret(value: Any) -> dict:
    """The wire form of a secret input: ``{<sig key>: <secret sig>, "value": value}``.

    ``Analyze``/``AnalyzeStack`` hand the plaintext to the policy (secrets are only re-wrapped
    for ``Remediate``), so policies see ``value`` itself.
    """
    return {_rpc._special_sig_key: _rpc._special_secret_sig, "value": value}


# Enforcement levels: pulumi_policy / PulumiPolicy config use these strings, the proto an enum.
_LEVEL_TO_ENUM = {
    "advisory": analyzer_pb2.ADVISORY,
    "mandatory": analyzer_pb2.MANDATORY,
    "disabled": analyzer_pb2.DISABLED,
    "remediate": analyzer_pb2.REMEDIATE,
}
_ENUM_TO_LEVEL = {v: k for k, v in _LEVEL_TO_ENUM.items()}
_SEVERITY = {0: None, 1: "low", 2: "medium", 3: "high", 4: "critical"}
_POLICY_TYPE = {0: None, 1: "resource", 2: "stack"}
_LOG_SEVERITY = {engine_pb2.DEBUG: "debug", engine_pb2.INFO: "info",
                 engine_pb2.WARNING: "warning", engine_pb2.ERROR: "error"}

# The pack's server accepts 400 MB messages; do the same on our side.
_CHANNEL_OPTIONS = [("grpc.max_receive_message_length", 400 * 1024 * 1024),
                    ("grpc.max_send_message_length", 400 * 1024 * 1024)]


class PolicyPackError(RuntimeError):
    """The pack failed to start, or an RPC failed. Carries the pack's stderr when useful."""


def make_urn(stack: str, project: str, type_: str, name: str, parent_urn: str | None = None) -> str:
    """``urn:pulumi:<stack>::<project>::<qualified type>::<name>``.

    As in the engine, a child's type is qualified by its parent's (``parentType$childType``),
    except that the root ``pulumi:pulumi:Stack`` is never part of the chain.
    """
    qualified = type_
    if parent_urn:
        parent_type = parent_urn.split("::")[2]
        if parent_type != "pulumi:pulumi:Stack":
            qualified = f"{parent_type}${type_}"
    return f"urn:pulumi:{stack}::{project}::{qualified}::{name}"


def _struct(d: Mapping[str, Any] | None) -> struct_pb2.Struct:
    """A plain JSON-like dict as a protobuf Struct (numbers become doubles on the wire)."""
    s = struct_pb2.Struct()
    if d:
        s.update(dict(d))
    return s


class _FakeEngine(engine_pb2_grpc.EngineServicer):
    """The engine's ``pulumirpc.Engine`` service, reduced to what a plugin may call: it records
    ``Log`` requests and keeps a root resource URN. Served on 127.0.0.1 only."""

    def __init__(self, sink) -> None:
        self._sink = sink
        self._root = ""

    def Log(self, request, context):  # noqa: N802 (gRPC method name)
        self._sink("engine", _LOG_SEVERITY.get(request.severity), request.message, request.urn)
        return empty_pb2.Empty()

    def GetRootResource(self, request, context):  # noqa: N802
        return engine_pb2.GetRootResourceResponse(urn=self._root)

    def SetRootResource(self, request, context):  # noqa: N802
        self._root = request.urn
        return engine_pb2.SetRootResourceResponse()


class PolicyPackServer:
    """Start a policy pack as the engine would, and talk Analyzer gRPC to it.

    ``with PolicyPackServer(pack_dir) as pack: ...`` starts the process, reads its port, connects,
    sends ``Handshake`` + ``ConfigureStack``, and on exit closes the channel and stops the process
    (terminate, wait, kill). Everything listens and connects on 127.0.0.1 only.

    :param pack_dir: directory holding ``PulumiPolicy.yaml`` (runtime ``python``) and ``__main__.py``.
    :param python: interpreter with ``pulumi`` and ``pulumi-policy`` installed.
    :param env: extra environment for the pack process (on top of ``os.environ`` and the
        ``PULUMI_*`` variables the engine sets; values here win).
    :param stack, project, organization, dry_run: the stack identity the engine would announce
        (``PULUMI_*`` env vars and ``ConfigureStack``); also used to build URNs.
    :param stack_config: stack config as ``{"<project>:<key>": value}``; goes to ``PULUMI_CONFIG``
        (non-string values JSON-encoded, as the engine does) and to ``ConfigureStack``.
    :param stack_tags: stack tags for ``ConfigureStack``; policies see them as ``args.stack_tags``.
    :param startup_timeout: seconds to wait for the port line.
    """

    def __init__(self, pack_dir: Path | str, python: str = sys.executable, env: dict | None = None, *,
                 stack: str = "dev", project: str = "gnnstack", organization: str = "organization",
                 dry_run: bool = True, stack_config: Mapping[str, Any] | None = None,
                 stack_tags: Mapping[str, str] | None = None, startup_timeout: float = 60.0) -> None:
        self.pack_dir = Path(pack_dir).resolve()
        self.python = python
        self.extra_env = dict(env or {})
        self.stack, self.project, self.organization = stack, project, organization
        self.dry_run = dry_run
        self.stack_config = dict(stack_config or {})
        self.stack_tags = dict(stack_tags or {})
        self.startup_timeout = startup_timeout

        self.port: int | None = None
        self.startup_seconds: float | None = None  # process start -> port line read
        self.handshake_implemented: bool | None = None
        self.last_response: analyzer_pb2.AnalyzeResponse | None = None
        self.last_not_applicable: list[dict] = []
        self.sent_config: dict[str, dict] | None = None
        self.runtime_options: dict = {}

        self._proc: subprocess.Popen | None = None
        self._channel: grpc.Channel | None = None
        self._stub: analyzer_pb2_grpc.AnalyzerStub | None = None
        self._engine_server: grpc.Server | None = None
        self._engine_address: str | None = None
        self._threads: list[threading.Thread] = []
        self._logs: list[dict] = []
        self._logs_cond = threading.Condition()
        self._info: dict | None = None

    # -- lifecycle ------------------------------------------------------------------------------

    def __enter__(self) -> "PolicyPackServer":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _check_manifest(self) -> dict:
        """Validate PulumiPolicy.yaml like the engine; return the runtime options.

        The engine turns runtime options into ``-k=v`` arguments for the shim, but the shim only
        consumes ``-virtualenv=<dir>`` itself (it then runs ``<dir>/bin/python``) and hands
        ``pulumi.policy`` just the first two arguments. Forwarding them would even break
        ``pulumi.policy``'s argparse (``-virtualenv`` parses as ``-v irtualenv``). So they are not
        passed on; pick the interpreter with ``python=`` instead.
        """
        manifest = self.pack_dir / "PulumiPolicy.yaml"
        if not manifest.is_file():
            raise PolicyPackError(f"{manifest} not found: the engine refuses a pack without it")
        doc = yaml.safe_load(manifest.read_text()) or {}
        runtime = doc.get("runtime")
        name, options = (runtime.get("name"), runtime.get("options") or {}) if isinstance(runtime, dict) \
            else (runtime, {})
        if name != "python":
            raise PolicyPackError(f"{manifest}: runtime is {name!r}, this client only runs 'python' packs")
        return options

    def _environment(self) -> dict[str, str]:
        env = dict(os.environ)
        if self.stack_config:
            env["PULUMI_CONFIG"] = json.dumps(
                {k: v if isinstance(v, str) else json.dumps(v) for k, v in self.stack_config.items()})
        env.update({
            "PULUMI_ORGANIZATION": self.organization,
            "PULUMI_PROJECT": self.project,
            "PULUMI_STACK": self.stack,
            "PULUMI_DRY_RUN": "true" if self.dry_run else "false",
        })
        env.update(self.extra_env)
        return env

    def start(self) -> None:
        if self._proc is not None:
            raise PolicyPackError("already started")
        self.runtime_options = self._check_manifest()

        # 1. The fake engine the pack is told about (argv[1] and Handshake.engine_address).
        self._engine_server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
        engine_pb2_grpc.add_EngineServicer_to_server(_FakeEngine(self._record), self._engine_server)
        engine_port = self._engine_server.add_insecure_port("127.0.0.1:0")
        self._engine_server.start()
        self._engine_address = f"127.0.0.1:{engine_port}"

        # 2. The pack process: what pulumi-analyzer-policy-python runs, with cwd = pack dir.
        cmd = [self.python, "-u", "-m", "pulumi.policy", self._engine_address, "."]
        started = time.monotonic()
        self._proc = subprocess.Popen(cmd, cwd=self.pack_dir, env=self._environment(),
                                      stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE)
        first_line: queue.Queue = queue.Queue(maxsize=1)
        self._spawn(self._read_stdout, first_line)
        self._spawn(self._read_stream, self._proc.stderr, "stderr")

        # 3. The first stdout line must be the port (the engine fails otherwise).
        try:
            line = first_line.get(timeout=self.startup_timeout)
        except queue.Empty:
            self._fail(f"no port on stdout within {self.startup_timeout}s")
        if line is None:
            self._fail("exited before writing its port")
        if not line.strip().isdigit():
            self._fail(f"wrote a non-numeric port to stdout ({line!r})")
        self.port = int(line)
        self.startup_seconds = time.monotonic() - started

        # 4. Connect (127.0.0.1 only), then Handshake + ConfigureStack like the engine.
        self._channel = grpc.insecure_channel(f"127.0.0.1:{self.port}", options=_CHANNEL_OPTIONS)
        try:
            grpc.channel_ready_future(self._channel).result(timeout=self.startup_timeout)
        except grpc.FutureTimeoutError:
            self._fail(f"port {self.port} never became ready")
        self._stub = analyzer_pb2_grpc.AnalyzerStub(self._channel)
        try:
            self._stub.Handshake(analyzer_pb2.AnalyzerHandshakeRequest(
                engine_address=self._engine_address, root_directory=str(self.pack_dir),
                program_directory=str(self.pack_dir)))
            self.handshake_implemented = True
        except grpc.RpcError as e:
            if e.code() != grpc.StatusCode.UNIMPLEMENTED:
                self._fail(f"Handshake failed: {e.details()}")
            self.handshake_implemented = False
        self._call("ConfigureStack", analyzer_pb2.AnalyzerStackConfigureRequest(
            stack=self.stack, project=self.project, organization=self.organization,
            dry_run=self.dry_run, config=self.stack_config_as_strings(), tags=self.stack_tags))

    def stack_config_as_strings(self) -> dict[str, str]:
        return {k: v if isinstance(v, str) else json.dumps(v) for k, v in self.stack_config.items()}

    def stop(self) -> None:
        if self._channel is not None:
            self._channel.close()
            self._channel = self._stub = None
        if self._proc is not None:
            if self._proc.poll() is None:
                self._proc.terminate()
                try:
                    self._proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    self._proc.kill()
                    self._proc.wait(timeout=5)
            for t in self._threads:
                t.join(timeout=5)
            for stream in (self._proc.stdout, self._proc.stderr):
                if stream:
                    stream.close()
        if self._engine_server is not None:
            self._engine_server.stop(grace=None)
            self._engine_server = None

    @property
    def returncode(self) -> int | None:
        return None if self._proc is None else self._proc.poll()

    def _fail(self, why: str):
        self.stop()  # first, so the stderr reader has drained everything the pack wrote
        stderr = self.stderr_text()
        raise PolicyPackError(f"policy pack {self.pack_dir} {why}\n--- pack stderr ---\n{stderr}")

    # -- output capture -------------------------------------------------------------------------

    def _spawn(self, target, *args) -> None:
        t = threading.Thread(target=target, args=args, daemon=True)
        t.start()
        self._threads.append(t)

    def _read_stdout(self, first_line: queue.Queue) -> None:
        first = self._proc.stdout.readline()
        first_line.put(first.decode(errors="replace").rstrip("\n") if first else None)
        if first:
            self._read_stream(self._proc.stdout, "stdout")

    def _read_stream(self, stream, source: str) -> None:
        for raw in iter(stream.readline, b""):
            line = raw.decode(errors="replace").rstrip("\n")
            severity = None
            # pulumi.log.* without an engine connection prints "<severity>: <message>" to stderr.
            for prefix in ("info", "warning", "error"):
                if source == "stderr" and line.startswith(prefix + ": "):
                    severity, line = prefix, line[len(prefix) + 2:]
                    break
            self._record(source, severity, line, "")

    def _record(self, source: str, severity: str | None, message: str, urn: str) -> None:
        with self._logs_cond:
            self._logs.append({"source": source, "severity": severity, "message": message, "urn": urn})
            self._logs_cond.notify_all()

    def logs(self) -> list[dict]:
        """Everything the pack said so far, oldest first: ``{"source": "engine"|"stderr"|"stdout",
        "severity": "debug"|"info"|"warning"|"error"|None, "message": str, "urn": str}``.

        ``pulumi.log.info("x")`` in a pack shows up as ``source="stderr", severity="info"``;
        ``print("x")`` as ``source="stdout"``; Engine.Log calls (none with pulumi-policy 1.21) as
        ``source="engine"``. Output arrives asynchronously: use :meth:`wait_for_log` to sync.
        """
        with self._logs_cond:
            return list(self._logs)

    def wait_for_log(self, text: str, timeout: float = 5.0) -> dict:
        """Block until a log record containing ``text`` arrives; return it (or raise TimeoutError)."""
        deadline = time.monotonic() + timeout
        with self._logs_cond:
            while True:
                for rec in self._logs:
                    if text in rec["message"]:
                        return rec
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no log containing {text!r}; got {self._logs!r}")
                self._logs_cond.wait(left)

    def stderr_text(self) -> str:
        return "\n".join(r["message"] if r["severity"] is None else f'{r["severity"]}: {r["message"]}'
                         for r in self.logs() if r["source"] == "stderr")

    # -- RPCs -----------------------------------------------------------------------------------

    def _call(self, method: str, request):
        if self._stub is None:
            raise PolicyPackError("not started")
        try:
            return getattr(self._stub, method)(request, timeout=60)
        except grpc.RpcError as e:
            raise PolicyPackError(f"{method} failed: {e.code().name}: {e.details()}\n"
                                  f"--- pack stderr ---\n{self.stderr_text()}") from e

    def info(self) -> dict:
        """GetAnalyzerInfo, as plain data::

            {"name", "version", "description", "display_name", "supports_config", "plugin_version",
             "initial_config": {policy: {"enforcementLevel"?: str, **properties}},
             "policies": {policy: {"description", "display_name", "enforcement_level", "type",
                                   "severity", "config_schema": {"properties": {...}, "required": [...]}}}}

        ``config_schema`` is None when the policy declares none. Numbers in schemas come back as
        floats (protobuf Struct). ``version`` is the SDK's placeholder "0.0.1"; the engine uses
        PulumiPolicy.yaml's version instead.
        """
        r = self._call("GetAnalyzerInfo", empty_pb2.Empty())
        policies = {}
        for p in r.policies:
            schema = None
            if p.HasField("configSchema"):
                schema = {"properties": json_format.MessageToDict(p.configSchema.properties),
                          "required": list(p.configSchema.required)}
            policies[p.name] = {
                "description": p.description, "display_name": p.displayName,
                "enforcement_level": _ENUM_TO_LEVEL[p.enforcementLevel],
                "type": _POLICY_TYPE.get(p.policy_type), "severity": _SEVERITY.get(p.severity),
                "config_schema": schema,
            }
        initial = {}
        for name, c in r.initialConfig.items():
            entry = json_format.MessageToDict(c.properties)
            entry["enforcementLevel"] = _ENUM_TO_LEVEL[c.enforcementLevel]
            initial[name] = entry
        plugin = self._call("GetPluginInfo", empty_pb2.Empty())
        self._info = {
            "name": r.name, "version": r.version, "description": r.description,
            "display_name": r.displayName, "supports_config": r.supportsConfig,
            "plugin_version": plugin.version, "initial_config": initial, "policies": policies,
        }
        return self._info

    def reconcile(self, config: Mapping[str, Mapping[str, Any] | str]) -> dict[str, dict]:
        """What the engine would send for ``config`` (its ReconcilePolicyPackConfig): every policy of
        the pack starts from its default level and schema defaults, then the pack's initial config
        and then ``config`` are applied (key ``"all"`` sets every level). Entries may be a level
        string or ``{"enforcementLevel"?: level, **properties}``.

        Raises ValueError where the engine would fail: an invalid level, a missing ``required``
        property, or a name that is not a policy of the pack given without an enforcement level.
        (The engine also validates properties against the JSON schema; that part is not repeated.)
        """
        info = self._info or self.info()
        result: dict[str, dict] = {}
        for name, p in info["policies"].items():
            props = {k: s["default"] for k, s in ((p["config_schema"] or {}).get("properties") or {}).items()
                     if isinstance(s, dict) and "default" in s}
            result[name] = {"enforcementLevel": p["enforcement_level"], **props}

        def apply(cfg: Mapping[str, Any]) -> None:
            norm = {k: ({"enforcementLevel": v} if isinstance(v, str) else dict(v)) for k, v in cfg.items()}
            for k, v in norm.items():
                level = v.get("enforcementLevel")
                if level is not None and level not in _LEVEL_TO_ENUM:
                    raise ValueError(f"{k}: {level!r} is not a valid enforcement level")
            if "all" in norm and norm["all"].get("enforcementLevel"):
                for entry in result.values():
                    entry["enforcementLevel"] = norm["all"]["enforcementLevel"]
            for k, v in norm.items():
                entry = result.setdefault(k, {})
                entry.update({pk: pv for pk, pv in v.items() if pk != "enforcementLevel" or pv})

        apply(info["initial_config"])
        apply(config)
        for name, entry in result.items():
            if entry.get("enforcementLevel") not in _LEVEL_TO_ENUM:
                raise ValueError(f"invalid enforcement level {entry.get('enforcementLevel', '')!r} for "
                                 f"{name!r} (not a policy of {info['name']}; the engine fails the same way)")
            schema = (info["policies"].get(name) or {}).get("config_schema") or {}
            missing = [r for r in schema.get("required", []) if r not in entry]
            if missing:
                raise ValueError(f"{name}: missing required config {missing}")
        return result

    def configure(self, config: Mapping[str, Mapping[str, Any] | str], *, reconcile: bool = True) -> dict:
        """Send ``Configure``. ``config`` maps policy name -> ``{"enforcementLevel": level, **props}``
        (or just a level string). With ``reconcile=True`` (default) it is first completed like the
        engine does (see :meth:`reconcile`); with ``reconcile=False`` it is sent as given - note that
        an entry without ``enforcementLevel`` then goes out as the enum's zero, ADVISORY, because
        pulumi-policy reads the level of every entry. Each call replaces the whole configuration.
        Returns the dict that was sent.
        """
        sent = self.reconcile(config) if reconcile else {
            k: ({"enforcementLevel": v} if isinstance(v, str) else dict(v)) for k, v in config.items()}
        req = analyzer_pb2.ConfigureAnalyzerRequest()
        for name, entry in sent.items():
            props = {k: v for k, v in entry.items() if k != "enforcementLevel"}
            level = entry.get("enforcementLevel")
            pc = req.policyConfig[name]
            if level is not None:
                if level not in _LEVEL_TO_ENUM:
                    raise ValueError(f"{name}: {level!r} is not a valid enforcement level")
                pc.enforcementLevel = _LEVEL_TO_ENUM[level]
            pc.properties.CopyFrom(_struct(props))
        self._call("Configure", req)
        self.sent_config = sent
        return sent

    # -- resources ------------------------------------------------------------------------------

    def urn(self, type_: str, name: str, parent_urn: str | None = None) -> str:
        return make_urn(self.stack, self.project, type_, name, parent_urn)

    def _resolve_urns(self, resources: list[Mapping[str, Any]]) -> list[str]:
        """URNs for a batch; ``parent`` may be a URN or the name of an earlier resource in the batch."""
        by_name: dict[str, str] = {}
        urns = []
        for r in resources:
            parent = self._parent_urn(r, by_name)
            u = r.get("urn") or self.urn(r["type"], r["name"], parent)
            by_name.setdefault(r["name"], u)
            urns.append(u)
        return urns

    @staticmethod
    def _parent_urn(r: Mapping[str, Any], by_name: Mapping[str, str]) -> str | None:
        parent = r.get("parent")
        if not parent:
            return None
        if parent.startswith("urn:pulumi:"):
            return parent
        if parent in by_name:
            return by_name[parent]
        raise ValueError(f"{r['name']}: parent {parent!r} is neither a URN nor an earlier resource's name")

    def _options(self, r: Mapping[str, Any], parent_urn: str | None) -> analyzer_pb2.AnalyzerResourceOptions:
        # The engine always fills options (customTimeouts included); the pack copes without them.
        opts = analyzer_pb2.AnalyzerResourceOptions(parent=parent_urn or "")
        opts.customTimeouts.SetInParent()
        if r.get("options"):
            json_format.ParseDict(dict(r["options"]), opts)
        return opts

    def _provider(self, r: Mapping[str, Any]) -> analyzer_pb2.AnalyzerProviderResource | None:
        p = r.get("provider")
        if not p:
            return None
        return analyzer_pb2.AnalyzerProviderResource(
            type=p["type"], name=p["name"], urn=p.get("urn") or self.urn(p["type"], p["name"]),
            properties=_struct(p.get("inputs")))

    def _violations(self, response: analyzer_pb2.AnalyzeResponse, default_urn: str) -> list[dict]:
        self.last_response = response
        self.last_not_applicable = [{"policy": n.policy_name, "reason": n.reason} for n in response.not_applicable]
        return [{"policy": d.policyName, "message": d.message,
                 "level": _ENUM_TO_LEVEL.get(d.enforcementLevel, str(d.enforcementLevel)),
                 "urn": d.urn or default_urn} for d in response.diagnostics]

    def analyze(self, resource: Mapping[str, Any]) -> list[dict]:
        """``Analyze`` one resource and return its violations.

        ``resource``: ``{"type", "name", "inputs": {...}, "parent": URN|None}`` plus optional
        ``"urn"`` (override), ``"provider": {"type", "name", "inputs"?, "urn"?}`` and ``"options"``
        (AnalyzerResourceOptions fields in JSON spelling, e.g. ``{"protect": True}``).
        ``AnalyzeRequest`` has no parent field: the parent travels as ``options.parent``.

        Returns ``[{"policy", "message", "level", "urn"}]``. pulumi-policy leaves the URN empty
        for resource policies; the engine attributes them to the analyzed resource, and so do we.
        The message is the policy description, a newline, then the reported text.
        """
        parent = self._parent_urn(resource, {})
        urn = resource.get("urn") or self.urn(resource["type"], resource["name"], parent)
        req = analyzer_pb2.AnalyzeRequest(
            type=resource["type"], name=resource["name"], urn=urn,
            properties=_struct(resource.get("inputs")), options=self._options(resource, parent))
        provider = self._provider(resource)
        if provider is not None:
            req.provider.CopyFrom(provider)
        return self._violations(self._call("Analyze", req), urn)

    def analyze_stack(self, resources: Iterable[Mapping[str, Any]]) -> list[dict]:
        """``AnalyzeStack`` over all ``resources`` (same dicts as :meth:`analyze`, plus optional
        ``"dependencies"``: names or URNs). ``parent`` may also name an earlier resource of the
        list. Violations a stack policy reports without a URN keep ``urn == ""`` (stack-level).
        The engine's list would also contain the ``pulumi:pulumi:Stack`` root and provider
        resources; include them yourself if a policy counts resources.
        """
        resources = list(resources)
        urns = self._resolve_urns(resources)
        by_name = {r["name"]: u for r, u in zip(resources, urns)}
        req = analyzer_pb2.AnalyzeStackRequest()
        for r, u in zip(resources, urns):
            parent = self._parent_urn(r, by_name)
            ar = req.resources.add(type=r["type"], name=r["name"], urn=u, parent=parent or "",
                                   properties=_struct(r.get("inputs")), options=self._options(r, parent))
            ar.dependencies.extend(d if d.startswith("urn:pulumi:") else by_name[d]
                                   for d in r.get("dependencies", []))
            provider = self._provider(r)
            if provider is not None:
                ar.provider.CopyFrom(provider)
        return self._violations(self._call("AnalyzeStack", req), "")


if __name__ == "__main__":
    # Demo: python tests/analyzer_client.py <pack_dir>
    # Runs the RPC sequence against any pack and prints what comes back; the resource checks
    # assume a pack shaped like the throwaway one described in the module docs (an
    # instance-size policy and a resource-count stack policy) but print whatever happens.
    import pprint

    pack_dir = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    big = {"type": "aws:ec2/instance:Instance", "name": "trainer", "inputs": {"instanceType": "p4d.24xlarge"}}
    small = {"type": "aws:ec2/instance:Instance", "name": "web", "inputs": {"instanceType": "t3.micro"}}
    with PolicyPackServer(pack_dir) as pack:
        print(f"started in {pack.startup_seconds:.2f}s on port {pack.port}; "
              f"Handshake implemented: {pack.handshake_implemented}")
        info = pack.info()
        pprint.pprint(info)
        print("configure ->", pack.configure({}))
        print("small:", pack.analyze(small))
        print("big:  ", pack.analyze(big))
        print("unknown:", pack.analyze({**big, "inputs": {"instanceType": UNKNOWN}}))
        print("stack:", pack.analyze_stack([small, big, {**small, "name": "web2"}, {**small, "name": "web3"}]))
        pack.configure({"all": "disabled"})
        print("all disabled:", pack.analyze(big), pack.analyze_stack([small, big]))
        print("logs:")
        pprint.pprint(pack.logs())
