"""The price catalog: one sourced price per line item and region, from CSV data files.

Catalog files ship in `gnnstack/data/prices/<region>.csv`. An override file has the same columns
and layers on top (negotiated rates, or a document's own assumptions). Every entry names its
source, its as-of date and a confidence: verified (read from a primary source), derived (computed
from a verified price by a stated rule) or estimate (conflicting or second-hand sources).
A price that is not in the catalog is missing, never zero.

An override entry must name an item the catalog has (in any region): a misspelt item would
otherwise never be used, silently. Two additions, in override files only:

- a scope: `ebs,gp3/storage@training,...` applies only to what the components of that role
  (`gnnstack:<role>:<Class>`, here the training components) own; everything else keeps the
  unscoped price. Only EBS prices are looked up with a scope (`SCOPED_SERVICES`). The seed analysis leaves out
  the training instances' disks, not the database volumes, and says so this way;
- a ninth column `status`: `new` marks a price the catalog lacks on purpose (an instance type the
  catalog does not list, say); without it such an entry is an error.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import os
import pickle
import sys
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Callable, Iterable, Iterator, Literal, Optional, TypeVar, get_args

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from ..cachedir import cache_root
from ..errors import ConfigError, closest, not_utf8
from ..regions import REGIONS

COLUMNS = ("service", "item", "region", "unit", "usd", "confidence", "as_of", "source")
# Override files may add this column; its one value, `new`, marks an item the catalog lacks on purpose.
STATUS = "status"
NEW = "new"
Confidence = Literal["verified", "derived", "estimate"]
CONFIDENCES: tuple[str, ...] = get_args(Confidence)
CATALOG = "catalog"
ANY_REGION = "*"
# `item@scope`: an override that applies to one component role only (see the module docstring).
SCOPE_SEP = "@"
# Component roles: the middle of the component types (`gnnstack:training:Ec2GpuTraining`).
SCOPES = ("analytics", "cost", "database", "etl", "ingestion", "network", "option", "storage", "training")
# The services whose pricers look prices up with a scope (EBS volumes, `pricers/_compute.py`); a
# scoped override for another service would never be used.
SCOPED_SERVICES = ("ebs",)


def split_scope(item: str) -> tuple[str, Optional[str]]:
    """`gp3/storage@training` -> ("gp3/storage", "training"); an unscoped item -> (item, None)."""
    base, sep, scope = item.partition(SCOPE_SEP)
    return (base, scope) if sep else (item, None)


@lru_cache(maxsize=256)
def component_role(component_type: str) -> Optional[str]:
    """The role of a component type: `gnnstack:training:Ec2GpuTraining` -> "training"."""
    parts = component_type.split(":")
    return parts[1] if len(parts) == 3 and parts[0] == "gnnstack" else None


@dataclass(frozen=True)
class Price:
    service: str
    item: str
    region: str
    unit: str
    usd: Decimal
    confidence: str
    as_of: date
    source: str
    origin: str = CATALOG  # "catalog", or the override file it came from
    line: int = field(default=0, compare=False)  # where in its file (0: not read from a file)
    new: bool = field(default=False, compare=False)  # an override the catalog lacks on purpose

    @property
    def key(self) -> tuple[str, str, str]:
        return self.service, self.item, self.region

    @property
    def overridden(self) -> bool:
        return self.origin != CATALOG

    def to_json(self) -> dict[str, str]:
        return {"service": self.service, "item": self.item, "region": self.region, "unit": self.unit,
                "usd": str(self.usd), "confidence": self.confidence, "as_of": self.as_of.isoformat(),
                "source": self.source, "origin": self.origin}


def _iso_date(value: object) -> object:
    """An as-of date as Python reads ISO 8601 (`date.fromisoformat`), not pydantic's looser rules."""
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError("not an ISO date") from None
    return value


def _known_region(value: str) -> str:
    if value != ANY_REGION and value not in REGIONS:
        raise ValueError("not an AWS region")
    return value


Text = Annotated[str, Field(min_length=1)]


class PriceRow(BaseModel):
    """One entry of a price file (the catalog's or an override file), checked. Cells arrive as
    text, stripped; `parse` turns the first error into one message naming the file, the line,
    the field and the fix (`_row_error`)."""

    # Built on first use: a process that reads the parsed catalog from the cache validates no row.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    service: Text
    item: Text
    # A region a stack can be in, or `*` for a price that holds in every region (licences): a
    # price for any other region could never be used.
    region: Annotated[str, Field(min_length=1), AfterValidator(_known_region)]
    unit: Text
    usd: Annotated[Decimal, Field(ge=0, allow_inf_nan=False)]
    confidence: Confidence
    as_of: Annotated[date, BeforeValidator(_iso_date)]
    source: Text
    # Override files only: `new` marks a price the catalog lacks on purpose.
    status: Literal["", "new"] = ""

    def price(self, origin: str, line: int) -> Price:
        return Price(self.service, self.item, self.region, self.unit, self.usd, self.confidence, self.as_of,
                     self.source, origin, line, self.status == NEW)


def first_row_error(e: ValidationError) -> tuple[str, Any, str, str]:
    """(field, value, error type, pydantic's message) of a data-file row's first problem, an empty
    field before any other."""
    err = sorted(e.errors(), key=lambda err: err["type"] != "string_too_short")[0]
    return (str(err["loc"][0]) if err["loc"] else "?"), err.get("input"), err["type"], err["msg"]


def common_row_error(where: str, field: str, value: Any, kind: str, noun: str,
                     example_date: str) -> Optional[ConfigError]:
    """The message for what every sourced data row shares (a price, a carbon coefficient): an
    empty field, the confidence, the date; None for a field the file's own checks word."""
    if kind == "string_too_short":
        return ConfigError(f"{where}: field '{field}' is empty; every {noun} needs a {field}")
    if field == "confidence":
        return ConfigError(f"{where}: field 'confidence' is {value!r}; use one of {', '.join(CONFIDENCES)}")
    if field == "as_of":
        return ConfigError(f"{where}: field 'as_of' is {value!r}; use an ISO date like {example_date}")
    return None


def _row_error(e: ValidationError, where: str) -> ConfigError:
    """The first problem of a row (an empty field before any other), as one message."""
    field, value, kind, msg = first_row_error(e)
    common = common_row_error(where, field, value, kind, "price", "2026-11-23")
    if common is not None:
        return common
    if field == "usd":
        if kind in ("greater_than_equal", "finite_number"):
            return ConfigError(f"{where}: field 'usd' must be a non-negative number, got {value}")
        return ConfigError(f"{where}: field 'usd' is {value!r}, not a number; write the USD price like 0.0416")
    if field == "region":
        near = closest(str(value), REGIONS)
        hint = f" (did you mean {', '.join(repr(n) for n in near)}?)" if near else ""
        return ConfigError(f"{where}: field 'region' is {value!r}, not an AWS region{hint}; use one like "
                           f"us-east-1, or '{ANY_REGION}' for a price that holds in every region")
    if field == STATUS:
        return ConfigError(f"{where}: field '{STATUS}' is {value!r}; leave it empty or write '{NEW}' "
                           "for a price the catalog lacks on purpose")
    return ConfigError(f"{where}: field '{field}': {msg}")


def _lines(text: str) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip() and not line.lstrip().startswith("#"):
            yield number, line


RowModel = TypeVar("RowModel", bound=BaseModel)


def validated_rows(text: str, path: Path | str, expected: tuple[str, ...],
                   header: Callable[[tuple[str, ...], int], tuple[str, ...]], model: type[RowModel],
                   row_error: Callable[[ValidationError, str], ConfigError]) -> Iterator[tuple[int, str, RowModel]]:
    """The entries of a CSV data file (price files, carbon coefficients): blank and `#` lines
    skipped, the columns from `header(found, line)` (which raises on a wrong header), then each
    entry as (line number, "FILE, line N", `model` of its fields). A wrong field count or a field
    `model` refuses is a ConfigError naming file and line (`row_error` words the second)."""
    rows = list(_lines(text))
    if not rows:
        raise ConfigError(f"{path}: no entries; expected a header line: {','.join(expected)}")
    header_line, first = rows[0]
    columns = header(tuple(c.strip() for c in next(csv.reader([first]))), header_line)
    validate = model.model_validate
    for number, line in rows[1:]:
        cells = next(csv.reader((line,)))  # each line its own record: a stray quote cannot swallow the next
        where = f"{path}, line {number}"
        if len(cells) != len(columns):
            raise ConfigError(f"{where}: expected {len(columns)} fields ({','.join(columns)}), found {len(cells)}"
                              " (quote a source that contains commas)")
        try:
            row = validate(dict(zip(columns, map(str.strip, cells))))
        except ValidationError as e:
            raise row_error(e, where) from None
        yield number, where, row


def _columns(found: tuple[str, ...], path: Path | str, line: int, origin: str) -> tuple[str, ...]:
    """The file's columns, from its header: exactly COLUMNS, and for an override file maybe a last
    STATUS. Otherwise an error naming the column missing, unknown or out of place."""
    if found == COLUMNS or (origin != CATALOG and found == COLUMNS + (STATUS,)):
        return found
    allowed = COLUMNS + ((STATUS,) if origin != CATALOG else ())
    missing = [c for c in COLUMNS if c not in found]
    unknown = [c for c in found if c not in allowed]
    if missing:
        problem = f"column '{missing[0]}' is missing" + (f" ('{unknown[0]}' is not a price file column)"
                                                          if unknown else "")
    elif unknown:
        near = closest(unknown[0], allowed)
        hint = f" (did you mean '{near[0]}'?)" if near else ""
        problem = f"column '{unknown[0]}' is not a price file column{hint}"
    else:
        at = next((i for i, (a, b) in enumerate(zip(found, allowed)) if a != b), min(len(found), len(allowed)))
        if at < len(found) and at < len(allowed):
            problem = f"column {at + 1} is '{found[at]}' where '{allowed[at]}' belongs"
        else:
            problem = f"column {at + 1} ('{found[at]}') is one too many"
    extra = "" if origin == CATALOG else f" (an override file may add a last column '{STATUS}')"
    raise ConfigError(f"{path}, line {line}: {problem}; the header must be exactly: {','.join(COLUMNS)}{extra}")


def parse(text: str, path: Path | str, origin: str = CATALOG) -> list[Price]:
    """Entries of one CSV file. A malformed entry is a ConfigError naming the file, line and field."""
    prices: list[Price] = []
    seen: dict[tuple[str, str, str], int] = {}
    def header(found: tuple[str, ...], line: int) -> tuple[str, ...]:
        return _columns(found, path, line, origin)

    for number, where, row in validated_rows(text, path, COLUMNS, header, PriceRow, _row_error):
        if origin == CATALOG and SCOPE_SEP in row.item:
            raise ConfigError(f"{where}: item {row.item!r}: scoped items ({SCOPE_SEP}role) belong in "
                              "override files, not in the catalog")
        price = row.price(origin, number)
        if price.key in seen:
            raise ConfigError(f"{where}: duplicate entry for {'/'.join(price.key)} (first on line {seen[price.key]})")
        seen[price.key] = number
        prices.append(price)
    return prices


def read(path: Path | str, origin: Optional[str] = None) -> list[Price]:
    p = Path(path)
    try:
        # utf-8-sig: a spreadsheet's UTF-8 export starts with a byte-order mark, not part of the header.
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        raise ConfigError(f"price file {p} is {not_utf8(e)}") from None
    except OSError as e:
        raise ConfigError(f"cannot read price file {p}: {e.strerror}") from None
    return parse(text, p, origin or str(p))


def catalog_files() -> list[tuple[str, str]]:
    """(file name, text) of every catalog file shipped with gnnstack."""
    folder = resources.files("gnnstack.data") / "prices"
    return sorted((f.name, f.read_text()) for f in folder.iterdir() if f.name.endswith(".csv"))


@lru_cache(maxsize=1)
def load_catalog() -> tuple[Price, ...]:
    """The shipped catalog, parsed once per process (compare, check and the pack price many graphs).
    Parsing validates every row (a few hundredths of a second for the whole catalog), so the
    result is also kept in the cache folder (`gnnstack.cachedir`) under a digest of the files'
    text and of this module's code: the next process reads that instead, and any change to a file
    or to how it is read is a new digest. An entry that does not load is parsed again and rewritten."""
    files = catalog_files()
    digest = hashlib.sha256(repr((Path(__file__).read_bytes(), sys.version_info[:2], files)).encode()).hexdigest()[:32]
    root = cache_root()
    cached = root / "catalog" / f"{digest}.pickle" if root is not None else None
    if cached is not None:
        with contextlib.suppress(Exception):  # missing, truncated or foreign: parsed again below
            found = pickle.loads(cached.read_bytes())
            if isinstance(found, tuple) and all(type(p) is Price for p in found):
                return found
    prices: list[Price] = []
    for name, text in files:
        prices.extend(parse(text, f"gnnstack/data/prices/{name}"))
    result = tuple(prices)
    if cached is not None:
        with contextlib.suppress(OSError):  # a read-only or full disk only costs the next process time
            cached.parent.mkdir(parents=True, exist_ok=True)
            partial = cached.with_name(f"{cached.name}.{os.getpid()}.tmp")
            partial.write_bytes(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(partial, cached)
    return result


class PriceBook:
    """The effective prices: the catalog with any override file on top."""

    def __init__(self, catalog: Iterable[Price], overrides: Iterable[Price] = ()) -> None:
        self.catalog: dict[tuple[str, str, str], Price] = {}
        for p in catalog:
            if p.key in self.catalog:
                raise ConfigError(f"the catalog has two entries for {'/'.join(p.key)}")
            self.catalog[p.key] = p
        self.overrides = {p.key: p for p in overrides}
        self._check_overrides()
        self._effective = {**self.catalog, **self.overrides}

    def _check_overrides(self) -> None:
        """Every override names a catalog item (any region), a scope that is a component role,
        or says `new`: a misspelt item would otherwise be silently unused."""
        known = {(p.service, p.item) for p in self.catalog.values()}
        for p in self.overrides.values():
            where = f"{p.origin}, line {p.line}" if p.line else p.origin
            item, scope = split_scope(p.item)
            if scope is not None and scope not in SCOPES:
                raise ConfigError(f"{where}: {p.service} {p.item}: '{SCOPE_SEP}{scope}' is not a component role; "
                                  f"use one of {', '.join(SCOPES)}")
            if scope is not None and p.service not in SCOPED_SERVICES:
                raise ConfigError(f"{where}: {p.service} {p.item}: a scope ('{SCOPE_SEP}{scope}') applies only to "
                                  f"{', '.join(SCOPED_SERVICES)} prices, so this override would never be used")
            if (p.service, item) in known:
                if p.new:
                    raise ConfigError(f"{where}: {p.service} {item} is marked '{NEW}' but the catalog has it; "
                                      f"clear the '{STATUS}' field")
                continue
            if p.new:
                continue
            services = {s for s, _ in known}
            if p.service in services:
                near = [f"{p.service} {i}" for i in closest(item, sorted(i for s, i in known if s == p.service))]
            else:
                near = closest(f"{p.service} {item}", sorted(f"{s} {i}" for s, i in known))
            hint = f" Closest catalog items: {', '.join(near)}." if near else ""
            raise ConfigError(f"{where}: {p.service} {item} is not a catalog item in any region, so this override "
                              f"would never be used.{hint} For a price the catalog lacks on purpose, add a last "
                              f"column '{STATUS}' and write '{NEW}' in it.")

    @classmethod
    def load(cls, override_file: Optional[Path | str] = None, origin: Optional[str] = None) -> "PriceBook":
        """The catalog with `override_file` on top; `origin` names the file in reports (default: its path)."""
        return cls(load_catalog(), read(override_file, origin) if override_file else ())

    def catalog_only(self) -> "PriceBook":
        book = PriceBook.__new__(PriceBook)
        book.catalog, book.overrides, book._effective = self.catalog, {}, self.catalog
        return book

    def get(self, service: str, item: str, region: str, scope: Optional[str] = None) -> Optional[Price]:
        """The price in `region`, or a region-independent one (region `*`, e.g. licences). With a
        `scope` (a component role), an override scoped to it (`item@scope`) comes first."""
        keys = [(service, item, region), (service, item, ANY_REGION)]
        if scope:
            scoped = f"{item}{SCOPE_SEP}{scope}"
            keys = [(service, scoped, region), (service, scoped, ANY_REGION)] + keys
        for key in keys:
            found = self._effective.get(key)
            if found is not None:
                return found
        return None

    def __iter__(self) -> Iterator[Price]:
        return iter(sorted(self._effective.values(), key=lambda p: (p.region, p.service, p.item)))

    def regions(self) -> list[str]:
        return sorted({p.region for p in self.catalog.values()} - {ANY_REGION})



@dataclass(frozen=True)
class Difference:
    """An override entry whose price differs from the catalog's (or that the catalog lacks)."""

    override: Price
    catalog: Optional[Price]

    @property
    def change_percent(self) -> Optional[Decimal]:
        if self.catalog is None or self.catalog.usd == 0:
            return None
        return (self.override.usd - self.catalog.usd) * 100 / self.catalog.usd

    def to_json(self) -> dict[str, object]:
        pct = self.change_percent
        return {"service": self.override.service, "item": self.override.item, "region": self.override.region,
                "unit": self.override.unit, "override_usd": str(self.override.usd),
                "override_source": self.override.source,
                "catalog_usd": None if self.catalog is None else str(self.catalog.usd),
                "catalog_confidence": None if self.catalog is None else self.catalog.confidence,
                "catalog_source": None if self.catalog is None else self.catalog.source,
                "change_percent": None if pct is None else str(pct.quantize(Decimal("0.1")))}


def audit(catalog: PriceBook, overrides: Iterable[Price]) -> list[Difference]:
    out = []
    for p in overrides:
        base = catalog.catalog.get((p.service, split_scope(p.item)[0], p.region))
        if base is None or base.usd != p.usd:
            out.append(Difference(p, base))
    return out


def catalog_regions() -> tuple[str, ...]:
    """The regions the shipped catalog prices (any row with that region), in REGIONS order."""
    found = {p.region for p in load_catalog()}
    return tuple(r for r in REGIONS if r in found)


def catalog_services(region: str) -> frozenset[str]:
    """The services the shipped catalog has any price for in `region` (or in every region)."""
    return frozenset(p.service for p in load_catalog() if p.region in (region, ANY_REGION))
