"""Carbon: kWh and kg CO2e a month for each cost line, after the Cloud Carbon Footprint (CCF)
methodology, from the sourced coefficients in `gnnstack/data/carbon.csv`.

- An instance-hour line (its name names an instance type, `Instance usage (on-demand, r6g.xlarge)`):
  vCPUs x (min W + utilisation x (max W - min W)), plus GPUs x the same for the GPU model, x hours
  / 1000, plus memory GiB x hours x the memory coefficient (kWh per GB-hour);
- a storage line (GB-months): TB x hours x the SSD or HDD coefficient (Wh per TB-hour) / 1000;
- both x the AWS PUE; kg CO2e = kWh x the region's grid factor (t CO2e per kWh) x 1000.

Every other line is "not estimated" with its reason, listed and counted, never 0. The average
utilisation is a documented default (`DEFAULT_UTILISATION`, CCF's own) that the result names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal, Optional, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from .. import instances
from ..errors import ConfigError
from .catalog import Confidence, _iso_date, common_row_error, first_row_error, validated_rows
from .estimate import Estimate
from .lines import ZERO, CostLine

COLUMNS = ("kind", "key", "value", "unit", "confidence", "as_of", "source")
Kind = Literal["cpu_min_watts", "cpu_max_watts", "memory", "storage_ssd", "storage_hdd", "pue",
               "gpu_min_watts", "gpu_max_watts", "grid"]
KINDS: tuple[str, ...] = get_args(Kind)
AWS = "aws"
# The coefficients every estimate needs, whatever the stack: the file must have them.
REQUIRED = (("cpu_min_watts", AWS), ("cpu_max_watts", AWS), ("memory", AWS), ("storage_ssd", AWS),
            ("storage_hdd", AWS), ("pue", AWS))
# CCF's average CPU utilisation for hyperscale data centres, used when nothing else is known.
DEFAULT_UTILISATION = Decimal("0.5")
UTILISATION_SOURCE = "default (CCF methodology's average server utilisation)"
THOUSAND = Decimal(1000)
HOURS = "hours"
GB_MONTHS = "GB-months"
# Storage names that are block or managed SSD storage; the rest (S3 classes, backups) is HDD, as in CCF.
SSD_MARKERS = ("gp2", "gp3", "io1", "io2", "ml storage")
SSD_TYPES = ("aws:neptune", "aws:ebs", "aws:sagemaker")
PREFIXES = {"ml.": "sagemaker", "db.": "neptune"}
_PARENS = re.compile(r"\(([^()]*)\)")
KWH_QUANTUM = Decimal("0.001")


class CoefficientRow(BaseModel):
    """One row of the coefficients file, checked (the price catalog's rules: see `catalog.PriceRow`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Kind
    key: Annotated[str, Field(min_length=1)]
    value: Annotated[Decimal, Field(ge=0, allow_inf_nan=False)]
    unit: Annotated[str, Field(min_length=1)]
    confidence: Confidence
    as_of: Annotated[date, BeforeValidator(_iso_date)]
    source: Annotated[str, Field(min_length=1)]


@dataclass(frozen=True)
class Coefficient:
    kind: str
    key: str
    value: Decimal
    unit: str
    confidence: str
    as_of: date
    source: str
    line: int = field(default=0, compare=False)

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind, "key": self.key, "value": str(self.value), "unit": self.unit,
                "confidence": self.confidence, "as_of": self.as_of.isoformat(), "source": self.source}


def _row_error(e: ValidationError, where: str) -> ConfigError:
    name, value, kind, msg = first_row_error(e)
    common = common_row_error(where, name, value, kind, "coefficient", "2026-12-02")
    if common is not None:
        return common
    if name == "kind":
        return ConfigError(f"{where}: field 'kind' is {value!r}; use one of {', '.join(KINDS)}")
    if name == "value":
        return ConfigError(f"{where}: field 'value' is {value!r}; write a non-negative number like 0.74")
    return ConfigError(f"{where}: field '{name}': {msg}")


@dataclass(frozen=True)
class Coefficients:
    rows: dict[tuple[str, str], Coefficient]

    def get(self, kind: str, key: str) -> Optional[Coefficient]:
        return self.rows.get((kind, key))

    def __getitem__(self, kind_key: tuple[str, str]) -> Coefficient:
        return self.rows[kind_key]


def parse(text: str, path: Path | str) -> Coefficients:
    """The coefficients of one CSV file; a malformed row is a ConfigError naming file, line and field."""
    def header(found: tuple[str, ...], line: int) -> tuple[str, ...]:
        if found != COLUMNS:
            raise ConfigError(f"{path}, line {line}: the header must be exactly: {','.join(COLUMNS)}")
        return found

    out: dict[tuple[str, str], Coefficient] = {}
    for number, where, row in validated_rows(text, path, COLUMNS, header, CoefficientRow, _row_error):
        if (row.kind, row.key) in out:
            raise ConfigError(f"{where}: duplicate entry for {row.kind}/{row.key} "
                              f"(first on line {out[(row.kind, row.key)].line})")
        out[(row.kind, row.key)] = Coefficient(row.kind, row.key, row.value, row.unit, row.confidence,
                                               row.as_of, row.source, number)
    missing = [f"{k}/{key}" for k, key in REQUIRED if (k, key) not in out]
    if missing:
        raise ConfigError(f"{path}: no entry for {', '.join(missing)}; every estimate needs it")
    return Coefficients(out)


@lru_cache(maxsize=1)
def load_coefficients() -> Coefficients:
    text = resources.files("gnnstack.data").joinpath("carbon.csv").read_text()
    return parse(text, "gnnstack/data/carbon.csv")


@dataclass(frozen=True)
class CarbonLine:
    component: str
    resource: str
    name: str
    kwh: Decimal
    kg_co2e: Decimal
    basis: str

    def to_json(self) -> dict[str, str]:
        return {"component": self.component, "resource": self.resource, "name": self.name,
                "kwh": str(round_kwh(self.kwh)), "kg_co2e": str(round_kwh(self.kg_co2e)), "basis": self.basis}


@dataclass(frozen=True)
class NotEstimated:
    resource: str
    name: str
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"resource": self.resource, "name": self.name, "reason": self.reason}


def round_kwh(value: Decimal) -> Decimal:
    return value.quantize(KWH_QUANTUM).normalize() if value else ZERO


@dataclass
class Carbon:
    region: str
    utilisation: Decimal
    pue: Coefficient
    grid: Optional[Coefficient]
    lines: list[CarbonLine] = field(default_factory=list)
    not_estimated: list[NotEstimated] = field(default_factory=list)

    @property
    def kwh(self) -> Decimal:
        return sum((line.kwh for line in self.lines), ZERO)

    @property
    def kg_co2e(self) -> Decimal:
        return sum((line.kg_co2e for line in self.lines), ZERO)

    def by_component(self) -> list[tuple[str, Decimal, Decimal]]:
        totals: dict[str, tuple[Decimal, Decimal]] = {}
        for line in self.lines:
            kwh, kg = totals.get(line.component, (ZERO, ZERO))
            totals[line.component] = (kwh + line.kwh, kg + line.kg_co2e)
        return [(name, kwh, kg) for name, (kwh, kg) in sorted(totals.items())]

    def summary(self) -> str:
        """One line for the table output."""
        if self.grid is None:
            return f"Carbon: not estimated (no grid emissions factor for {self.region} in carbon.csv)"
        pct = (self.utilisation * 100).normalize()
        return (f"Carbon: {round_kwh(self.kg_co2e)} kg CO2e a month ({round_kwh(self.kwh)} kWh; utilisation "
                f"{pct:f}%, grid {self.region} {(self.grid.value * THOUSAND).normalize():f} kg CO2e/kWh)"
                + (f"; {len(self.not_estimated)} lines not estimated" if self.not_estimated else ""))

    def to_json(self) -> dict[str, Any]:
        return {
            "methodology": "Cloud Carbon Footprint (location-based, operational energy only)",
            "region": self.region,
            "monthly": {"kwh": str(round_kwh(self.kwh)), "kg_co2e": str(round_kwh(self.kg_co2e))},
            "assumptions": {
                "utilisation": {"value": str(self.utilisation), "source": UTILISATION_SOURCE},
                "pue": self.pue.to_json(),
                "grid": None if self.grid is None else self.grid.to_json(),
            },
            "components": [{"name": n, "kwh": str(round_kwh(k)), "kg_co2e": str(round_kwh(c))}
                           for n, k, c in self.by_component()],
            "lines": [line.to_json() for line in self.lines],
            "not_estimated_count": len(self.not_estimated),
            "not_estimated": [n.to_json() for n in self.not_estimated],
        }


def instance_type(line: CostLine) -> Optional[instances.InstanceSpec]:
    """The instance type a line's name names (`... (on-demand, ml.p3.2xlarge)`), if any."""
    table = instances.catalog()
    for group in _PARENS.findall(line.name):
        for token in (t.strip() for t in group.split(",")):
            for prefix in PREFIXES:
                if token.startswith(prefix):
                    token = token[len(prefix):]
                    break
            spec = table.get(token)
            if spec is not None:
                return spec
    return None


def _watts(count: int, low: Coefficient, high: Coefficient, utilisation: Decimal) -> Decimal:
    return count * (low.value + utilisation * (high.value - low.value))


def _instance_kwh(spec: instances.InstanceSpec, hours: Decimal, c: Coefficients,
                  utilisation: Decimal) -> tuple[Optional[Decimal], str]:
    """IT energy (before PUE) of `hours` of `spec`, and its basis; None and the reason if it cannot be."""
    cpu = _watts(spec.vcpu, c[("cpu_min_watts", AWS)], c[("cpu_max_watts", AWS)], utilisation)
    basis = f"{spec.name}: {spec.vcpu} vCPU x {(cpu / spec.vcpu).normalize():f} W"
    gpu = ZERO
    if spec.gpus:
        low, high = c.get("gpu_min_watts", spec.gpu_model), c.get("gpu_max_watts", spec.gpu_model)
        if low is None or high is None:
            return None, f"no GPU watts for {spec.gpu_model or 'an unnamed GPU'} ({spec.name}) in carbon.csv"
        gpu = _watts(spec.gpus, low, high, utilisation)
        basis += f" + {spec.gpus} {spec.gpu_model} GPU x {(gpu / spec.gpus).normalize():f} W"
    memory = Decimal(str(spec.memory_gib))
    kwh = (cpu + gpu) * hours / THOUSAND + memory * hours * c[("memory", AWS)].value
    return kwh, f"{basis} + {memory.normalize():f} GiB memory (as GB), {hours} hours"


def _storage_kwh(line: CostLine, hours_per_month: Decimal, c: Coefficients) -> tuple[Decimal, str]:
    ssd = (any(m in line.name.lower() for m in SSD_MARKERS)
           or any(line.resource_type.startswith(t) for t in SSD_TYPES))
    coef = c[("storage_ssd", AWS)] if ssd else c[("storage_hdd", AWS)]
    tb_hours = line.base_quantity / THOUSAND * hours_per_month
    return tb_hours * coef.value / THOUSAND, f"{line.base_quantity} GB-months {'SSD' if ssd else 'HDD'}"


def _line_kwh(line: CostLine, estimate: Estimate, c: Coefficients,
              utilisation: Decimal) -> tuple[Optional[Decimal], str]:
    if line.unit == HOURS:
        spec = instance_type(line)
        if spec is None:
            return None, "an hourly charge with no instance type (a managed-service or network fee)"
        if "fee" in line.name.lower():
            return None, f"a service fee on {spec.name}, whose energy its own instance line counts"
        return _instance_kwh(spec, line.base_quantity, c, utilisation)
    if line.unit == GB_MONTHS:
        return _storage_kwh(line, estimate.hours_per_month, c)
    return None, f"billed in {line.unit}, not instance-hours or storage"


def estimate_carbon(estimate: Estimate, coefficients: Optional[Coefficients] = None,
                    utilisation: Decimal = DEFAULT_UTILISATION) -> Carbon:
    """kWh and kg CO2e a month for each line of `estimate` (see the module docstring)."""
    c = coefficients or load_coefficients()
    if not ZERO <= utilisation <= 1:
        raise ConfigError(f"utilisation {utilisation} must be between 0 and 1")
    pue = c[("pue", AWS)]
    grid = c.get("grid", estimate.region)
    result = Carbon(estimate.region, utilisation, pue, grid)
    for line in estimate.lines:
        if grid is None:
            result.not_estimated.append(NotEstimated(
                line.resource, line.name, f"no grid emissions factor for region {estimate.region} in carbon.csv"))
            continue
        kwh, basis = _line_kwh(line, estimate, c, utilisation)
        if kwh is None:
            result.not_estimated.append(NotEstimated(line.resource, line.name, basis))
            continue
        kwh *= pue.value
        result.lines.append(CarbonLine(line.component, line.resource, line.name, kwh,
                                       kwh * grid.value * THOUSAND, f"{basis}; x PUE {pue.value}"))
    for u in estimate.unpriced:
        result.not_estimated.append(NotEstimated(u.resource, "", f"unpriced: {u.reason}"))
    result.not_estimated.sort(key=lambda n: (n.resource, n.name))
    return result
