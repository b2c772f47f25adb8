"""The registry of kinds reap handles (no server): every kind is one module, declared completely;
the deletion order is derived from the declarations and honours every one of them; a cycle or a
name no kind has is refused when the kinds load; and no kind is handed anything `reapable` refuses."""

from __future__ import annotations

import importlib
import pkgutil
from datetime import datetime, timezone

import pytest

from gnnstack import reap
from gnnstack.reap import Found, Kind, KindError, kinds as kinds_package
from gnnstack.reap.registry import Registry

NOW = datetime(2026, 11, 23, 10, 30, tzinfo=timezone.utc)
KIND_MODULES = sorted(m.name for m in pkgutil.iter_modules(kinds_package.__path__) if not m.name.startswith("_"))
# What reap deleted before it became a package; a kind may be added, none may quietly go.
HANDLED = {"sagemaker:notebook-instance", "emr:cluster", "neptune:db-instance", "neptune:cluster",
           "autoscaling:group", "ec2:instance", "ec2:volume", "s3:bucket"}


def test_every_kind_is_one_module_with_a_complete_declaration():
    kinds = reap.REGISTRY.kinds()
    assert {k.name for k in kinds} >= HANDLED
    modules = [type(k).__module__ for k in kinds]
    assert sorted(modules) == sorted(f"gnnstack.reap.kinds.{m}" for m in KIND_MODULES)  # one each, no more
    for k in kinds:
        module = importlib.import_module(type(k).__module__)
        assert (module.__doc__ or "").strip() and (type(k).__doc__ or "").strip(), k.name
        assert k.name.split(":")[0] == k.service or k.service == "neptune", k.name
        overrides = type(k).delete is not Kind.delete or type(k).delete_one is not Kind.delete_one
        assert overrides, k.name
        assert reap.REGISTRY.get(k.name) is k


def test_the_deletion_order_is_derived_and_honours_every_declaration():
    order = reap.REGISTRY.order
    assert len(order) == len(set(order)) == len(reap.REGISTRY.kinds())
    for k in reap.REGISTRY.kinds():
        for earlier in k.after:
            assert order.index(earlier) < order.index(k.name), (earlier, k.name)
        for later in k.before:
            assert order.index(k.name) < order.index(later), (k.name, later)
    # The dependencies the old hand-written order encoded, now each declared by a kind.
    assert order.index("neptune:db-instance") < order.index("neptune:cluster")
    assert (order.index("autoscaling:group") < order.index("ec2:instance") < order.index("ec2:volume")
            < order.index("s3:bucket"))
    assert order.index("sagemaker:notebook-instance") < order.index("emr:cluster") < order.index("ec2:instance")
    assert order[-1] == "s3:bucket"
    # Derived, and the same however the kinds register.
    again = Registry()
    for k in sorted(reap.REGISTRY.kinds(), key=lambda k: k.name, reverse=True):
        again.register(type(k))
    assert again.seal().order == order


def kind(name: str, after: tuple[str, ...] = (), before: tuple[str, ...] = (), arn=None, doc: str = "A test kind."):
    def delete_one(self, ctx, f):
        return "deleted"

    return type(name.replace(":", "_"), (Kind,), {
        "__doc__": doc, "__module__": __name__, "name": name, "service": name.split(":")[0],
        "arn": arn or (name.split(":")[0], name.split(":")[1]), "after": after, "before": before,
        "delete_one": delete_one})


def test_a_cycle_is_refused_when_the_kind_that_closes_it_registers():
    r = Registry()
    r.register(kind("t:a", after=("t:b",)))
    with pytest.raises(KindError, match=r"the deletion order has a cycle \((t:a -> t:b -> t:a|t:b -> t:a -> t:b)"):
        r.register(kind("t:b", after=("t:a",)))
    # Through `before` too, over three kinds; nothing of a refused kind is kept.
    r = Registry()
    r.register(kind("t:a", before=("t:b",)))
    r.register(kind("t:b", before=("t:c",)))
    with pytest.raises(KindError, match="cycle"):
        r.register(kind("t:c", before=("t:a",)))
    assert r.get("t:c") is None and r.get("t:b") is not None


def test_declaration_mistakes_are_refused_with_the_fix():
    r = Registry()
    r.register(kind("t:a", after=("t:missing",)))
    with pytest.raises(KindError, match="'t:missing', which no module registers; add that kind or drop the name"):
        r.seal()
    r = Registry()
    r.register(kind("t:a"))
    with pytest.raises(KindError, match="kind 't:a' is already registered"):
        r.register(kind("t:a"))
    with pytest.raises(KindError, match="already claimed by 't:a'"):
        r.register(kind("t:b", arn=("t", "a")))
    with pytest.raises(KindError, match="no docstring"):
        r.register(kind("t:c", doc=""))
    with pytest.raises(KindError, match="is not '<service>:<resource>'"):
        r.register(kind("T_c", arn=("t", "c")))
    with pytest.raises(KindError, match="names the kind itself"):
        r.register(kind("t:d", after=("t:d",)))
    no_delete = type("NoDelete", (Kind,), {"__doc__": "x", "name": "t:e", "service": "t", "arn": ("t", "e")})
    with pytest.raises(KindError, match="implements neither delete_one nor delete"):
        r.register(no_delete)
    with pytest.raises(KindError, match="not loaded yet"):
        Registry().kinds()


def found(kind_name: str, env: str | None = "experiment", expires: str | None = "2026-11-01T00:00:00Z",
          stack: str = "s") -> Found:
    tags = {"gnnstack:stack": stack}
    if env is not None:
        tags["Environment"] = env
    if expires is not None:
        tags["gnnstack:expires-at"] = expires
    return Found(stack=stack, region="us-east-1", service=kind_name.split(":")[0], kind=kind_name,
                 identifier=f"{kind_name}-{stack}-{env}-{expires}",
                 arn=f"arn:aws:test:us-east-1:1:{kind_name}/{stack}/{env}/{expires}",
                 expires_at=reap.parse_expiry(expires), tags=tags, account="1", observed_at=NOW)


DECOY_TAGS = [dict(env="prod"), dict(env="Prod"), dict(env="staging"), dict(env="EXPERIMENTS"), dict(env="dev"),
              dict(env=None), dict(expires="2026-02-30T00:00:00Z"), dict(expires=""), dict(expires="2026-11-01T10:00"),
              dict(expires=None), dict(expires="2026-12-31T00:00:00Z"), dict(stack="")]


def test_no_kind_is_handed_anything_reapable_refuses(monkeypatch):
    handed: dict[str, list[Found]] = {}

    def spy(self, ctx, items):
        handed.setdefault(self.name, []).extend(items)

    for k in reap.REGISTRY.kinds():
        monkeypatch.setattr(type(k), "delete", spy)
    decoys = [found(k.name, **t) for k in reap.REGISTRY.kinds() for t in DECOY_TAGS]
    outcomes = reap.delete(decoys, now=NOW)
    assert handed == {}
    assert [(o.found, o.ok, o.action, o.error) for o in outcomes] == [
        (f, False, "refused", reap.reapable(f.tags, NOW)[1]) for f in decoys]
    # The same kinds with the experiment's tags are handed over, each to its own kind, in order.
    doomed = [found(k.name, env=env) for k in reversed(reap.REGISTRY.kinds()) for env in ("experiment", " Experiment ")]
    assert reap.delete(doomed + decoys, now=NOW) == outcomes
    assert {name: sorted(f.identifier for f in items) for name, items in handed.items()} == {
        k.name: sorted(f.identifier for f in doomed if f.kind == k.name) for k in reap.REGISTRY.kinds()}
    assert list(handed) == list(reap.REGISTRY.order)


def test_arns_are_read_by_botocore_and_a_non_arn_is_an_error():
    assert reap.identify("arn:aws:ec2:us-east-1:123456789012:volume/vol-1") == (
        "ec2", "ec2:volume", "vol-1", "us-east-1", "123456789012")
    assert reap.identify("arn:aws:rds:us-east-1:1:db:g-1")[:3] == ("rds", "rds:db-instance", "g-1")
    assert reap.identify("arn:aws:iam::1:role/gnnstack-x")[:3] == ("iam", "iam:role", "gnnstack-x")  # not handled
    assert reap.identify("arn:aws:logs:us-east-1:1:log-group:/aws/x")[:3] == ("logs", "logs:log-group", "/aws/x")
    with pytest.raises(reap.ReapError, match="'vol-1' is not an ARN; check AWS_ENDPOINT_URL"):
        reap.identify("vol-1")
