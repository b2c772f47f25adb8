"""The price catalog: one sourced price per line item and region, from CSV data files.

Catalog files ship in `gnnstack/data/prices/<region>.csv`. An override file has the same columns
and layers on top (negotiated rates, or a document's own assumptions). Every entry names its
source, its as-of date and a confidence: verified (read from a primary source), derived (computed
from a verified price by a stated rule) or estimate (conflicting or second-hand sources).
A price that is not in the catalog is missing, never zero.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable, Iterator, Optional

from ..errors import ConfigError

COLUMNS = ("service", "item", "region", "unit", "usd", "confidence", "as_of", "source")
CONFIDENCES = ("verified", "derived", "estimate")
CATALOG = "catalog"
ANY_REGION = "*"


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


def _lines(path: Path, text: str) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip() and not line.lstrip().startswith("#"):
            yield number, line


def parse(text: str, path: Path | str, origin: str = CATALOG) -> list[Price]:
    """Entries of one CSV file. A malformed entry is a ConfigError naming the file, line and field."""
    rows = list(_lines(Path(path), text))
    if not rows:
        raise ConfigError(f"{path}: no entries; expected a header line: {','.join(COLUMNS)}")
    header_line, header = rows[0]
    found = tuple(c.strip() for c in next(csv.reader([header])))
    if found != COLUMNS:
        raise ConfigError(f"{path}, line {header_line}: the header must be exactly: {','.join(COLUMNS)}")
    prices: list[Price] = []
    seen: dict[tuple[str, str, str], int] = {}
    for number, line in rows[1:]:
        cells = next(csv.reader([line]))
        where = f"{path}, line {number}"
        if len(cells) != len(COLUMNS):
            raise ConfigError(f"{where}: expected {len(COLUMNS)} fields ({','.join(COLUMNS)}), found {len(cells)}"
                              " (quote a source that contains commas)")
        row = dict(zip(COLUMNS, (c.strip() for c in cells)))
        for column in COLUMNS:
            if not row[column]:
                raise ConfigError(f"{where}: field '{column}' is empty; every price needs a {column}")
        try:
            usd = Decimal(row["usd"])
        except InvalidOperation:
            raise ConfigError(f"{where}: field 'usd' is {row['usd']!r}, not a number") from None
        if not usd.is_finite() or usd < 0:
            raise ConfigError(f"{where}: field 'usd' must be a non-negative number, got {row['usd']}")
        if row["confidence"] not in CONFIDENCES:
            raise ConfigError(f"{where}: field 'confidence' is {row['confidence']!r}; "
                              f"use one of {', '.join(CONFIDENCES)}")
        try:
            as_of = date.fromisoformat(row["as_of"])
        except ValueError:
            raise ConfigError(f"{where}: field 'as_of' is {row['as_of']!r}; use an ISO date like 2026-11-23") from None
        price = Price(row["service"], row["item"], row["region"], row["unit"], usd, row["confidence"], as_of,
                      row["source"], origin)
        if price.key in seen:
            raise ConfigError(f"{where}: duplicate entry for {'/'.join(price.key)} (first on line {seen[price.key]})")
        seen[price.key] = number
        prices.append(price)
    return prices


def read(path: Path | str, origin: Optional[str] = None) -> list[Price]:
    p = Path(path)
    try:
        text = p.read_text()
    except OSError as e:
        raise ConfigError(f"cannot read price file {p}: {e.strerror}") from None
    return parse(text, p, origin or str(p))


def catalog_files() -> list[tuple[str, str]]:
    """(file name, text) of every catalog file shipped with gnnstack."""
    folder = resources.files("gnnstack.data") / "prices"
    return sorted((f.name, f.read_text()) for f in folder.iterdir() if f.name.endswith(".csv"))


@lru_cache(maxsize=1)
def load_catalog() -> tuple[Price, ...]:
    """The shipped catalog, parsed once per process (compare, check and the pack price many graphs)."""
    prices: list[Price] = []
    for name, text in catalog_files():
        prices.extend(parse(text, f"gnnstack/data/prices/{name}"))
    return tuple(prices)


class PriceBook:
    """The effective prices: the catalog with any override file on top."""

    def __init__(self, catalog: Iterable[Price], overrides: Iterable[Price] = ()) -> None:
        self.catalog: dict[tuple[str, str, str], Price] = {}
        for p in catalog:
            if p.key in self.catalog:
                raise ConfigError(f"the catalog has two entries for {'/'.join(p.key)}")
            self.catalog[p.key] = p
        self.overrides = {p.key: p for p in overrides}
        self._effective = {**self.catalog, **self.overrides}

    @classmethod
    def load(cls, override_file: Optional[Path | str] = None, origin: Optional[str] = None) -> "PriceBook":
        """The catalog with `override_file` on top; `origin` names the file in reports (default: its path)."""
        return cls(load_catalog(), read(override_file, origin) if override_file else ())

    def catalog_only(self) -> "PriceBook":
        book = PriceBook.__new__(PriceBook)
        book.catalog, book.overrides, book._effective = self.catalog, {}, self.catalog
        return book

    def get(self, service: str, item: str, region: str) -> Optional[Price]:
        """The price in `region`, or a region-independent one (region `*`, e.g. licences)."""
        found = self._effective.get((service, item, region))
        return found if found is not None else self._effective.get((service, item, ANY_REGION))

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
        base = catalog.catalog.get(p.key)
        if base is None or base.usd != p.usd:
            out.append(Difference(p, base))
    return out
