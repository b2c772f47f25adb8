"""Refresh the price catalog from the AWS Price List Bulk API, so that a refresh is one command:

    python tools/refresh_catalog.py                       # download, then rewrite the generated blocks
    python tools/refresh_catalog.py --check               # say what would change, write nothing
    python tools/refresh_catalog.py --service ebs --region eu-west-1      # one service, one region
    python tools/refresh_catalog.py --offer ec2-us-east-2.json --offer ...   # offer files already downloaded

For each region and offer it reads the regional offer file
(https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/<OfferCode>/current/<region>/index.json,
the JSON format of "Reading the service price list file" in the AWS Billing guide: `products`
by SKU with `productFamily` and `attributes`, `terms.OnDemand` by SKU with `priceDimensions`, each
with `unit`, `beginRange`, `endRange` and `pricePerUnit.USD`) and writes the catalog rows into
`src/gnnstack/data/prices/<region>.csv`, in a block at the end of the file that this tool owns
(between its BEGIN and END lines; everything else in the file is hand-sourced and never touched;
a region file that does not exist yet is created with the catalog header). A row the hand-sourced
part already has is left to it when the hand row is as new as the offer or newer (a difference is
printed); a hand row older than the offer's publication date that the offer corrects (another
price) or confirms (a hand estimate) is removed from the hand part and the offer's row written in
the block, each such replacement printed: newer AWS data wins. Rows are `verified`, dated by the
offer's publication date, and name the offer file and the SKU (and, for a tiered price, which tier).

Only products of an AWS Region are read (`locationType` "AWS Region"): Local Zones, Wavelength
Zones and Outposts carry their parent region's code in the same file at other prices.

What each service (`--service`) writes, by catalog item, from which products:

- ec2 (AmazonEC2, "Compute Instance"): `on-demand/<type>`, hour: Linux, shared tenancy, no
  pre-installed software, current generation.
- rds (AmazonRDS): `instance/<engine>/<class>`, hour: PostgreSQL, MySQL and MariaDB, Single-AZ,
  current generation (Multi-AZ is twice that, a rule the RDS pricer states; Oracle and SQL Server
  stay hand-sourced).
- elasticache (AmazonElastiCache): `node/<type>`, hour: Redis OSS nodes, current generation.
- ebs (AmazonEC2): `<type>/storage`, GB-month, for gp2, gp3, io1, io2, st1, sc1 and standard
  (productFamily "Storage", `volumeApiName` and usage type EBS:VolumeUsage[.<type>], io1 being
  `.piops`); `gp3/iops`, `io1/iops`, `io2/iops`, IOPS-month ("System Operation",
  EBS:VolumeP-IOPS.gp3 / .piops / .io2; gp3's price is per IOPS above its 3,000 baseline);
  `gp3/throughput`, MBps-month ("Provisioned Throughput", EBS:VolumeP-Throughput.gp3, priced
  per GiBps-month: a MB/s is 1/1024 of it, as AWS's own pricing page has it, $40.96 -> $0.04).
  io2 IOPS are tiered by separate products: EBS:VolumeP-IOPS.io2 up to 32,000 IOPS (written as
  `io2/iops`), EBS:VolumeP-IOPS.io2.tier2 for 32,001-64,000 and .io2.tier3 above 64,000. The
  second and third tiers are not in the catalog: the EBS pricer prices every IOPS at the first
  tier and says so; they belong in it when a pricer reads them.
- s3 (AmazonS3 and AmazonS3GlacierDeepArchive): `storage/<class>`, GB-month, for STANDARD,
  STANDARD_IA, ONEZONE_IA, GLACIER_IR, GLACIER (Flexible Retrieval) and INTELLIGENT_TIERING (its
  Frequent Access tier: the rate an object pays until it moves to a cheaper tier; the monitoring
  fee per 1,000 objects is not in the catalog) from AmazonS3, and DEEP_ARCHIVE from
  AmazonS3GlacierDeepArchive (the S3 pricer reads `storage/<class>` for every class a lifecycle
  rule names); `requests/put` (PUT, COPY, POST, LIST: group S3-API-Tier1) and `requests/get`
  (GET and the rest: S3-API-Tier2), per 1K requests. STANDARD is tiered (0-50 TB, 50-450 TB,
  over 450 TB): the row is the tier that begins at 0 and its source says so.
- data-transfer (AWSDataTransfer, "Data Transfer"): `inter-az`, GB (transferType "IntraRegion",
  DataTransfer-Regional-Bytes, charged in each direction); `inter-region`, GB ("InterRegion
  Outbound" to another AWS Region: the rate differs by destination, so the row is the highest
  and its source names the cheaper destinations); `internet-egress`, GB ("AWS Outbound" to
  "External", DataTransfer-Out-Bytes: the first 10 TB a month tier; when the offer's first tier
  is free, the first paid tier, and the source says so. The 100 GB a month AWS gives free across
  services is not in the offer and not in the catalog).

A unit the tool does not know (`UNITS`), a product that gives a catalog item in another unit, or
an item that a regional offer file does not give at all (the offer changed, or a filter is
wrong) is an error naming the SKU or the filter, never a guess. Per-request prices become per-1K
requests with Decimal arithmetic.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

ROOT = Path(__file__).resolve().parents[1]
PRICES = ROOT / "src" / "gnnstack" / "data" / "prices"
URL = "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/{offer}/current/{region}/index.json"
REGIONS = ("us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-1")
BEGIN = "# BEGIN generated by tools/refresh_catalog.py from the AWS Price List Bulk API: do not edit by hand"
END = "# END generated by tools/refresh_catalog.py"
HEADER = ("# gnnstack price catalog for {region}: AWS list prices in USD, one row per (service, item, region).\n"
          "# Confidence: verified = read from AWS page or AWS-derived data; derived = rule in source; "
          "estimate = second-hand or conflicting.\n"
          "service,item,region,unit,usd,confidence,as_of,source\n")
AWS_REGION = "AWS Region"

# The offer's unit -> (the catalog's unit, what one offer unit is in catalog units: the price is
# divided by it). A GiB/s is 1,024 MB/s as AWS prices gp3 throughput ($40.96 a GiBps-month is
# $0.04 a MB/s-month); a request is a thousandth of "1K requests".
UNITS: dict[str, tuple[str, Decimal]] = {
    "Hrs": ("hour", Decimal(1)),
    "Hours": ("hour", Decimal(1)),
    "GB-Mo": ("GB-month", Decimal(1)),
    "IOPS-Mo": ("IOPS-month", Decimal(1)),
    "GiBps-mo": ("MBps-month", Decimal(1024)),
    "MiBps-Mo": ("MBps-month", Decimal(1)),
    "Requests": ("1K requests", Decimal("0.001")),
    "GB": ("GB", Decimal(1)),
}

# How a product's price dimensions become one price:
HOURLY = "hourly"  # instances: the one positive hourly dimension; a product without one is skipped
FIRST = "first"  # the dimension whose beginRange is 0 (the first tier of a tiered price)
FIRST_PAID = "first-paid"  # the first tier, or the tier after it when the first is free
HIGHEST = "highest"  # several products (one per destination) give the item: the highest, named


@dataclass(frozen=True)
class Match:
    """What a wanted product gives: a catalog item, in a unit, for a region."""

    item: str
    unit: str
    region: str
    tiers: str = FIRST
    label: str = ""  # for HIGHEST: what tells the products apart (the destination region)
    note: str = ""  # what the price means, for the row's source


Matcher = Callable[[str, dict[str, str]], Optional[Match]]  # (productFamily, attributes) -> Match or None


@dataclass(frozen=True)
class Service:
    name: str  # the catalog's service column
    offers: dict[str, Matcher]  # the Price List offer codes it reads, each with its filter
    # Per offer code, the items every regional file must give (empty: at least one row).
    expected: dict[str, tuple[str, ...]] = field(default_factory=dict)
    describe: str = ""  # what the filter wants, for the error when a file gives nothing


def _region(a: dict[str, str]) -> Optional[str]:
    """The region of an AWS Region product (None for Local Zones, Wavelength, Outposts)."""
    return a.get("regionCode") if a.get("locationType") == AWS_REGION else None


def usage_type(a: dict[str, str], wanted: str) -> bool:
    """The usage type is `wanted`, bare (us-east-1) or after a one-word region prefix (USE2-, EU-)."""
    usage = a.get("usagetype", "")
    return usage == wanted or (usage.endswith("-" + wanted)
                               and re.fullmatch(r"[A-Z]+[0-9]*", usage[: -len(wanted) - 1]) is not None)


def _ec2(family: str, a: dict[str, str]) -> Optional[Match]:
    region = _region(a)
    wanted = (family == "Compute Instance" and a.get("operatingSystem") == "Linux" and a.get("tenancy") == "Shared"
              and a.get("preInstalledSw") == "NA" and a.get("capacitystatus") == "Used"
              and a.get("currentGeneration") == "Yes" and a.get("licenseModel", "No License required")
              == "No License required")
    return Match(f"on-demand/{a['instanceType']}", "hour", region, HOURLY) \
        if wanted and region and a.get("instanceType") else None


# The engines whose on-demand price does not depend on a licence model; Oracle and SQL Server
# (licence-included editions) stay hand-sourced.
RDS_ENGINES = {"PostgreSQL": "postgres", "MySQL": "mysql", "MariaDB": "mariadb"}


def _rds(family: str, a: dict[str, str]) -> Optional[Match]:
    """Single-AZ instance hours (Multi-AZ is twice that, a rule the RDS pricer states)."""
    engine, region = RDS_ENGINES.get(a.get("databaseEngine", "")), _region(a)
    wanted = (engine and region and a.get("deploymentOption") == "Single-AZ" and a.get("currentGeneration") == "Yes"
              and str(a.get("instanceType", "")).startswith("db."))
    return Match(f"instance/{engine}/{a['instanceType']}", "hour", region, HOURLY) if wanted and region else None


def _elasticache(family: str, a: dict[str, str]) -> Optional[Match]:
    """Redis OSS node hours (Memcached nodes cost the same; Valkey's lower price is not in the catalog)."""
    region = _region(a)
    wanted = (a.get("cacheEngine") == "Redis" and a.get("currentGeneration") == "Yes"
              and str(a.get("instanceType", "")).startswith("cache."))
    return Match(f"node/{a['instanceType']}", "hour", region, HOURLY) if wanted and region else None


# EBS volume type (`volumeApiName`) -> the usage type of its storage (io1 is "piops", magnetic bare).
EBS_STORAGE = {"gp2": "EBS:VolumeUsage.gp2", "gp3": "EBS:VolumeUsage.gp3", "io1": "EBS:VolumeUsage.piops",
               "io2": "EBS:VolumeUsage.io2", "st1": "EBS:VolumeUsage.st1", "sc1": "EBS:VolumeUsage.sc1",
               "standard": "EBS:VolumeUsage"}
# Provisioned IOPS: volume type -> usage type. io2's is its first tier (up to 32,000 IOPS); its
# .tier2 and .tier3 products are not read (see the module docstring).
EBS_IOPS = {"gp3": "EBS:VolumeP-IOPS.gp3", "io1": "EBS:VolumeP-IOPS.piops", "io2": "EBS:VolumeP-IOPS.io2"}
EBS_THROUGHPUT = {"gp3": "EBS:VolumeP-Throughput.gp3"}
EBS_NOTES = {"gp3/iops": "per provisioned IOPS above 3,000",
             "io2/iops": "first tier, up to 32,000 IOPS (the io2.tier2 and io2.tier3 products, above it, "
                         "are not in the catalog)",
             "gp3/throughput": "per MB/s above 125; the offer's price per GiBps-month divided by 1,024"}
EBS_ITEMS = (tuple(f"{t}/storage" for t in EBS_STORAGE) + tuple(f"{t}/iops" for t in EBS_IOPS)
             + tuple(f"{t}/throughput" for t in EBS_THROUGHPUT))


def _ebs(family: str, a: dict[str, str]) -> Optional[Match]:
    region, kind = _region(a), a.get("volumeApiName", "")
    if not region:
        return None
    for wanted_family, usage_types, what, unit in (("Storage", EBS_STORAGE, "storage", "GB-month"),
                                                   ("System Operation", EBS_IOPS, "iops", "IOPS-month"),
                                                   ("Provisioned Throughput", EBS_THROUGHPUT, "throughput",
                                                    "MBps-month")):
        if family == wanted_family and kind in usage_types and usage_type(a, usage_types[kind]):
            item = f"{kind}/{what}"
            return Match(item, unit, region, note=EBS_NOTES.get(item, ""))
    return None


# S3 storage class -> (usage type, the `volumeType` values it goes by). A usage type alone is not
# enough: STANDARD's TimedStorage-ByteHrs is shared by Intelligent-Tiering's object overhead.
S3_STORAGE = {
    "STANDARD": ("TimedStorage-ByteHrs", ("Standard",)),
    "STANDARD_IA": ("TimedStorage-SIA-ByteHrs", ("Standard - Infrequent Access",)),
    "ONEZONE_IA": ("TimedStorage-ZIA-ByteHrs", ("One Zone - Infrequent Access",)),
    "GLACIER_IR": ("TimedStorage-GIR-ByteHrs", ("Glacier Instant Retrieval", "Amazon Glacier Instant Retrieval")),
    "GLACIER": ("TimedStorage-GlacierByteHrs", ("Amazon Glacier", "Glacier Flexible Retrieval")),
    "INTELLIGENT_TIERING": ("TimedStorage-INT-FA-ByteHrs", ("Intelligent-Tiering Frequent Access",)),
}
S3_DEEP_ARCHIVE = {"DEEP_ARCHIVE": ("TimedStorage-GDA-ByteHrs", ("Glacier Deep Archive",))}
S3_NOTES = {"INTELLIGENT_TIERING": "the Frequent Access tier's rate, which an object pays until it moves to a "
                                   "cheaper tier; the monitoring fee per 1,000 objects is not in the catalog"}
# Requests: catalog item -> (usage type, group).
S3_REQUESTS = {"requests/put": ("Requests-Tier1", "S3-API-Tier1"), "requests/get": ("Requests-Tier2", "S3-API-Tier2")}


def _s3_storage(classes: dict[str, tuple[str, tuple[str, ...]]]) -> Matcher:
    def match(family: str, a: dict[str, str]) -> Optional[Match]:
        region = _region(a)
        if not region:
            return None
        if family == "Storage":
            for cls, (usage, volume_types) in classes.items():
                if usage_type(a, usage) and a.get("volumeType") in volume_types:
                    return Match(f"storage/{cls}", "GB-month", region, note=S3_NOTES.get(cls, ""))
        if family == "API Request" and classes is S3_STORAGE:
            for item, (usage, group) in S3_REQUESTS.items():
                if usage_type(a, usage) and a.get("group") == group:
                    return Match(item, "1K requests", region,
                                 note="PUT, COPY, POST, LIST" if item == "requests/put" else "GET and all other")
        return None
    return match


def _data_transfer(family: str, a: dict[str, str]) -> Optional[Match]:
    """From an AWS Region (`fromLocationType`, where the file has it) in the file's region."""
    region = a.get("fromRegionCode")
    if family != "Data Transfer" or not region or a.get("fromLocationType", AWS_REGION) != AWS_REGION:
        return None
    kind = a.get("transferType")
    if kind == "IntraRegion" and usage_type(a, "DataTransfer-Regional-Bytes") \
            and a.get("toRegionCode", region) == region:
        return Match("inter-az", "GB", region, note="charged in each direction")
    if kind == "InterRegion Outbound" and a.get("toRegionCode") not in (None, "", region) \
            and a.get("toLocationType", AWS_REGION) == AWS_REGION:
        return Match("inter-region", "GB", region, HIGHEST, label=a["toRegionCode"], note="to another AWS region")
    if kind == "AWS Outbound" and a.get("toLocation") == "External" and usage_type(a, "DataTransfer-Out-Bytes"):
        return Match("internet-egress", "GB", region, FIRST_PAID, note="to the internet")
    return None


SERVICES = {
    "ec2": Service("ec2", {"AmazonEC2": _ec2}, describe="Linux shared-tenancy current-generation instances"),
    "rds": Service("rds", {"AmazonRDS": _rds}, describe="PostgreSQL/MySQL/MariaDB Single-AZ current-generation"),
    "elasticache": Service("elasticache", {"AmazonElastiCache": _elasticache},
                           describe="Redis current-generation nodes"),
    "ebs": Service("ebs", {"AmazonEC2": _ebs}, {"AmazonEC2": EBS_ITEMS},
                   describe="EBS_STORAGE, EBS_IOPS and EBS_THROUGHPUT usage types"),
    "s3": Service("s3", {"AmazonS3": _s3_storage(S3_STORAGE),
                         "AmazonS3GlacierDeepArchive": _s3_storage(S3_DEEP_ARCHIVE)},
                  {"AmazonS3": tuple(f"storage/{c}" for c in S3_STORAGE) + tuple(S3_REQUESTS),
                   "AmazonS3GlacierDeepArchive": tuple(f"storage/{c}" for c in S3_DEEP_ARCHIVE)},
                  describe="S3_STORAGE (usage type and volumeType), S3_DEEP_ARCHIVE and S3_REQUESTS"),
    "data-transfer": Service("data-transfer", {"AWSDataTransfer": _data_transfer},
                             {"AWSDataTransfer": ("inter-az", "inter-region", "internet-egress")},
                             describe="IntraRegion, InterRegion Outbound and AWS Outbound products"),
}
OFFERS = sorted({code for s in SERVICES.values() for code in s.offers})


@dataclass(frozen=True)
class Row:
    service: str
    item: str
    region: str
    unit: str
    usd: Decimal
    as_of: str
    source: str
    sku: str = ""
    offer: str = ""  # the offer code it was read from

    @property
    def key(self) -> tuple[str, str, str]:
        return self.service, self.item, self.region

    def csv(self) -> str:
        source = self.source.replace('"', "'")
        usd = f"{self.usd.normalize():f}"
        return f'{self.service},{self.item},{self.region},{self.unit},{usd},verified,{self.as_of},"{source}"'


@dataclass(frozen=True)
class Dimension:
    unit: str  # the catalog's
    usd: Decimal  # per catalog unit
    begin: Decimal
    end: Optional[Decimal]  # None: no end ("Inf")
    offer_unit: str


def _range(value: Any, sku: str, origin: str) -> Optional[Decimal]:
    if value in (None, "", "Inf"):
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        raise SystemExit(f"{origin}: sku {sku}: a price range of {value!r} is not a number") from None


def dimensions(on_demand: dict[str, Any], sku: str, origin: str) -> list[Dimension]:
    """A product's on-demand USD price dimensions, in catalog units. A unit not in UNITS is an error."""
    out = []
    for term in (on_demand.get(sku) or {}).values():
        for dim in (term.get("priceDimensions") or {}).values():
            usd = (dim.get("pricePerUnit") or {}).get("USD")
            if usd is None:
                continue
            unit = dim.get("unit")
            if unit not in UNITS:
                raise SystemExit(f"{origin}: sku {sku}: unit {unit!r} is not one the tool knows "
                                 f"({', '.join(UNITS)}); add it to UNITS with its catalog unit")
            catalog_unit, per = UNITS[unit]
            begin = _range(dim.get("beginRange", "0"), sku, origin) or Decimal(0)
            out.append(Dimension(catalog_unit, Decimal(usd) / per, begin, _range(dim.get("endRange"), sku, origin),
                                 unit))
    return out


def _gb(value: Optional[Decimal]) -> str:
    return "no end" if value is None else f"{value.normalize():f}"


def _range_unit(offer_unit: str) -> str:
    """What a tier's range counts: GB-Mo tiers are GB stored in the month, Requests requests."""
    return re.sub(r"-[Mm]o$", "", offer_unit)


def pick(dims: list[Dimension], match: Match, sku: str, origin: str) -> Optional[tuple[Decimal, str]]:
    """(the price, a note on the tier taken) of one product, or None: not a plain price (HOURLY only)."""
    if match.tiers == HOURLY:
        hourly = [d.usd for d in dims if d.unit == "hour" and d.usd > 0]
        return (hourly[0], "") if len(hourly) == 1 else None
    wrong = [d for d in dims if d.unit != match.unit]
    if wrong:
        raise SystemExit(f"{origin}: sku {sku} gives {match.item} in {wrong[0].offer_unit!r}, not {match.unit}: "
                         "the offer changed, or the filter took the wrong product")
    tiers = sorted(dims, key=lambda d: d.begin)
    first = [d for d in tiers if d.begin == 0]
    if len(first) != 1:
        raise SystemExit(f"{origin}: sku {sku} ({match.item}): {len(first)} price dimensions begin at 0, "
                         "expected one")
    chosen, note = first[0], ""
    if match.tiers == FIRST_PAID and chosen.usd == 0:
        after = [d for d in tiers if chosen.end is not None and d.begin == chosen.end]
        if len(after) != 1:
            raise SystemExit(f"{origin}: sku {sku} ({match.item}): the first tier is free and no single tier "
                             f"follows it at {_gb(chosen.end)}")
        unit = _range_unit(after[0].offer_unit)
        note = (f"first paid tier ({_gb(after[0].begin)}-{_gb(after[0].end)} {unit} a month; "
                f"the tier before it, 0-{_gb(chosen.end)} {unit}, is free)")
        chosen = after[0]
    elif len(tiers) > 1:
        unit = _range_unit(chosen.offer_unit)
        note = f"first tier (0-{_gb(chosen.end)} {unit} a month) of {len(tiers)}, applied to all"
    return chosen.usd, note


def file_region(offer: dict[str, Any]) -> Optional[str]:
    """The region of a regional offer file: the one most of its AWS Region products are in."""
    seen: Counter[str] = Counter()
    for product in (offer.get("products") or {}).values():
        a = product.get("attributes") or {}
        region = _region(a) or (a.get("fromRegionCode") if a.get("fromLocationType", AWS_REGION) == AWS_REGION
                                else None)
        if region:
            seen[region] += 1
    return seen.most_common(1)[0][0] if seen else None


def rows_of(offer: dict[str, Any], service: Service, origin: str, region: Optional[str] = None) -> Iterator[Row]:
    """The catalog rows of one regional offer file (parsed JSON) for `service`, in the file's
    region (`region`, or the one most of its products are in)."""
    code = offer.get("offerCode")
    matcher = service.offers.get(str(code))
    if matcher is None:
        raise SystemExit(f"{origin}: offerCode {code!r}, expected {' or '.join(service.offers)}")
    as_of = str(offer.get("publicationDate", ""))[:10]
    if len(as_of) != 10:
        raise SystemExit(f"{origin}: no publicationDate")
    region = region or file_region(offer)
    if region is None:
        raise SystemExit(f"{origin}: no product of an AWS Region: not a regional offer file")
    on_demand = (offer.get("terms") or {}).get("OnDemand") or {}
    found: dict[tuple[str, str, str], Row] = {}
    spread: dict[tuple[str, str, str], list[tuple[Decimal, str]]] = {}  # HIGHEST: every (price, label)
    for sku, product in sorted((offer.get("products") or {}).items()):
        match = matcher(str(product.get("productFamily", "")), product.get("attributes") or {})
        if match is None or match.region != region:
            continue
        picked = pick(dimensions(on_demand, sku, origin), match, sku, origin)
        if picked is None:
            continue
        usd, tier = picked
        notes = "".join(f"; {n}" for n in (match.note, tier) if n)
        source = f"AWS Price List Bulk API {URL.format(offer=code, region=region)} sku {sku}{notes}"
        row = Row(service.name, match.item, region, match.unit, usd, as_of, source, sku, str(code))
        if match.tiers == HIGHEST:
            spread.setdefault(row.key, []).append((usd, match.label))
            if row.key not in found or usd > found[row.key].usd:
                found[row.key] = row
            continue
        if row.key in found and found[row.key].usd != row.usd:
            raise SystemExit(f"{origin}: two on-demand prices for {'/'.join(row.key)}: "
                             f"{found[row.key].usd} (sku {found[row.key].sku}) and {row.usd} "
                             f"(sku {sku}): tighten the filter of SERVICES[{service.name!r}]")
        found.setdefault(row.key, row)
    for key, prices in spread.items():
        top = found[key]
        lower = sorted((label, usd) for usd, label in prices if usd < top.usd)
        named = ", ".join(f"{label} {usd.normalize():f}" for label, usd in lower[:6])
        more = f" and {len(lower) - 6} more" if len(lower) > 6 else ""
        found[key] = Row(top.service, top.item, top.region, top.unit, top.usd, top.as_of,
                         f"{top.source}; the highest rate to {len(prices)} destination regions"
                         + (f"; lower to {named}{more}" if lower else ""), top.sku, top.offer)
    expected = service.expected.get(str(code), ())
    missing = [item for item in expected if (service.name, item, region) not in found]
    if missing or not found:
        raise SystemExit(f"{origin}: no {service.name} price for {', '.join(missing) or 'anything'} in {region}: "
                         f"the offer changed, or the filter ({service.describe}) is wrong")
    return iter(sorted(found.values(), key=lambda r: r.key))


def split(text: str) -> tuple[str, list[str]]:
    """A catalog file as (its hand-sourced part, the generated block's rows)."""
    if BEGIN not in text:
        return text, []
    head, rest = text.split(BEGIN, 1)
    block, _, tail = rest.partition(END)
    if tail.strip():
        raise SystemExit(f"text after {END!r}: the generated block must end the file")
    return head, [line for line in block.splitlines() if line and not line.startswith("#")]


def _row_key(line: str) -> Optional[tuple[str, str, str]]:
    """(service, item, region) of a catalog data line; None for comments, the header and blanks."""
    if not line or line.startswith("#") or line.startswith("service,"):
        return None
    parts = line.split(",", 3)
    return parts[0], parts[1], parts[2]


def hand_keys(text: str) -> dict[tuple[str, str, str], tuple[str, str, str]]:
    """(service, item, region) -> (usd, confidence, as_of) of the hand-sourced rows."""
    keys = {}
    for line in text.splitlines():
        key = _row_key(line)
        if key is not None:
            parts = line.split(",", 7)  # usd, confidence and as_of come before the (quoted) source
            keys[key] = (parts[4], parts[5], parts[6])
    return keys


OFFER_IN_SOURCE = re.compile(r"/offers/v1\.0/aws/([A-Za-z0-9]+)/current/")


def _owner(line: str) -> tuple[str, str]:
    """(service, offer code) of a generated row: what refreshed it."""
    found = OFFER_IN_SOURCE.search(line)
    return line.split(",", 1)[0], found.group(1) if found else ""


def refresh(rows: list[Row], folder: Path, check: bool = False) -> list[str]:
    """Rewrite the generated block of each region `rows` are for: the rows a (service, offer) gave
    replace that (service, offer)'s rows of the block; the others stay as they were (a refresh of
    one service, or of one region's offers, leaves the rest alone). Returns what it did, one line each."""
    report = []
    for region in sorted({r.region for r in rows}):
        owners = {(r.service, r.offer) for r in rows if r.region == region}
        services = sorted({service for service, _ in owners})
        path = folder / f"{region}.csv"
        text = path.read_text(encoding="utf-8") if path.exists() else HEADER.format(region=region)
        head, old = split(text)
        hand = hand_keys(head)
        superseded = set()
        for r in rows:
            if r.region != region or r.key not in hand:
                continue
            usd, confidence, as_of = hand[r.key]
            differs = Decimal(usd) != r.usd
            if as_of < r.as_of and (differs or confidence != "verified"):
                # Newer AWS data wins over an older hand row that it corrects or confirms.
                superseded.add(r.key)
                report.append(f"{region}: replaced hand-sourced {'/'.join(r.key)} ({usd}, {confidence}, {as_of}) "
                              f"by the offer's {r.usd.normalize():f} ({r.as_of})")
            elif differs:
                report.append(f"{region}: hand-sourced {'/'.join(r.key)} is {usd} ({as_of}), the offer says "
                              f"{r.usd.normalize():f} ({r.as_of}); kept, as it is not older than the offer")
            elif confidence != "verified":
                report.append(f"{region}: hand-sourced {'/'.join(r.key)} ({confidence}) agrees with the offer "
                              f"({r.as_of}); delete the hand row to have the offer's verified one")
        if superseded:
            head = "".join(line for line in head.splitlines(keepends=True) if _row_key(line.rstrip("\n"))
                           not in superseded)
        mine = [r for r in rows if r.region == region and (r.key not in hand or r.key in superseded)]
        kept = [line for line in old if _owner(line) not in owners]
        replaced = len(old) - len(kept)
        new_lines = sorted(kept + [r.csv() for r in mine], key=lambda line: line.split(",", 2)[:2])
        block = "\n".join([BEGIN, *new_lines, END]) + "\n"
        report.append(f"{path.name}: {len(mine)} generated rows for {', '.join(services)} (was {replaced}), "
                      f"{sum(1 for r in rows if r.region == region) - len(mine)} left to hand-sourced rows"
                      + (f", {len(kept)} of other services kept" if kept else ""))
        if not check:
            path.write_text(head.rstrip("\n") + "\n" + block, encoding="utf-8")
    return report


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--region", dest="regions", action="append", help=f"default: {', '.join(REGIONS)}")
    parser.add_argument("--service", dest="services", action="append", choices=sorted(SERVICES),
                        help="default: all")
    parser.add_argument("--offer", action="append", type=Path, help="a downloaded regional offer file (JSON); "
                        "repeat; with it nothing is downloaded")
    parser.add_argument("--out", type=Path, default=PRICES, help="the catalog folder (default: the package's)")
    parser.add_argument("--check", action="store_true", help="report what would change, write nothing")
    args = parser.parse_args(argv)
    services = [SERVICES[name] for name in args.services or sorted(SERVICES)]
    rows: list[Row] = []
    if args.offer:
        for path in args.offer:
            offer = json.loads(path.read_text(encoding="utf-8"))
            wanted = [s for s in services if offer.get("offerCode") in s.offers]
            if not wanted:
                raise SystemExit(f"{path}: offerCode {offer.get('offerCode')!r} is not one of "
                                 f"{', '.join(sorted({c for s in services for c in s.offers}))}")
            for service in wanted:
                rows += rows_of(offer, service, path.name)
    else:
        # One download per offer and region, read by every service that needs it (AmazonEC2: ec2 and ebs).
        for code in sorted({c for s in services for c in s.offers}):
            for region in args.regions or REGIONS:
                url = URL.format(offer=code, region=region)
                print(f"downloading {url}", file=sys.stderr)
                with urllib.request.urlopen(url, timeout=600) as response:  # noqa: S310 (a fixed https URL)
                    offer = json.load(response)
                for service in (s for s in services if code in s.offers):
                    rows += rows_of(offer, service, url, region)
    for line in refresh(rows, args.out, args.check):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
