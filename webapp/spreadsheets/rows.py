"""Row validation: each kind turns spreadsheet rows into records ready to upsert.

Every problem becomes a :class:`RowError` naming the row (as numbered in the spreadsheet),
the column, the value and the reason (in the reader's language); a row with errors yields no
record. A record says which columns its row sets (:attr:`Record.given`): the upsert changes
only those fields of an existing record.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from flask_babel import gettext as _

from matcher.identifiers import check_identifier, check_nspp
from matcher.vocabulary import SHELF_LIFE_CLASSES

from ..listings import FIELDS, ListingInput, check_listing
from ..models import CURATION_STATUSES, LISTING_STATUSES
from ..plausible import check_past_date, check_pesantren
from . import values as v
from .context import ImportContext
from .reading import SheetRow
from .report import ImportReport

__all__ = ["Record", "validate_rows"]

T = TypeVar("T")


@dataclass
class Record:
    """A valid row: its upsert key, the model attributes, and related rows (``extra``)."""

    row: int
    key: tuple[Any, ...]
    label: str
    values: dict[str, Any]
    extra: dict[str, Any] = field(default_factory=dict)
    #: The columns the row sets (present in the file; filled, or blank where blank clears).
    given: frozenset[str] = frozenset()


class _Row:
    """Reads one row's cells through parsers, collecting errors in the report."""

    def __init__(self, row: SheetRow, report: ImportReport) -> None:
        self.row, self.report, self.failed = row, report, False

    def text(self, column: str) -> str:
        # Cells arrive stripped (see reading.clean_cell); an escaped "'\t..." keeps its tab.
        return self.row.cells.get(column, "")

    def fail(self, column: str, reason: str, value: str | None = None) -> None:
        self.failed = True
        shown = self.text(column) if value is None else value
        self.report.error(self.row.number, column, shown, reason)

    def get(
        self, column: str, parse: Callable[[str], T], *, required: bool = False, default: Any = None
    ) -> T | Any:
        text = self.text(column)
        if not text:
            if required:
                self.fail(column, _("required, but empty"))
            return default
        try:
            return parse(text)
        except v.CellError as exc:
            self.fail(column, str(exc))
            return default


def validate_rows(
    kind: str,
    rows: Iterable[SheetRow],
    ctx: ImportContext,
    report: ImportReport,
    progress: Callable[[int], None] | None = None,
) -> list[Record]:
    """Validate every row of ``kind``; return the good rows as records."""
    handler = _HANDLERS[kind]
    records: list[Record] = []
    seen: dict[tuple[Any, ...], int] = {}
    for sheet_row in rows:
        row = _Row(sheet_row, report)
        record = handler(row, ctx)
        if progress is not None:
            progress(1)
        if record is None or row.failed:
            continue
        if record.key in seen:
            column = _KEY_COLUMN[kind]
            row.fail(
                column,
                _(
                    "duplicate: %(record)s is already on row %(row)s",
                    record=record.label,
                    row=seen[record.key],
                ),
            )
            continue
        seen[record.key] = sheet_row.number
        record.given = ctx.given_columns(sheet_row.cells)
        records.append(record)
    return records


def _nspp(row: _Row, regency_code: str | None = None) -> str | None:
    text = row.text("nspp")
    if not text:
        row.fail("nspp", _("required, but empty"))
        return None
    check = check_nspp(text, regency_code)
    if not check.ok:
        row.fail("nspp", _("invalid NSPP: %(reason)s", reason=check.error))
        return None
    if check.warning:
        row.report.warnings.append(
            _(
                "row %(row)s, column nspp (%(value)s): %(warning)s",
                row=row.row.number,
                value=text,
                warning=check.warning,
            )
        )
    return check.value


def _known_pesantren(row: _Row, ctx: ImportContext) -> tuple[str, int] | None:
    nspp = _nspp(row)
    if nspp is None:
        return None
    pid = ctx.pesantren_ids.get(nspp)
    if pid is None:
        row.fail("nspp", _("no pesantren with this NSPP; import the pesantren first"))
        return None
    return nspp, pid


def _product(row: _Row, ctx: ImportContext) -> Any:
    text = row.text("product")
    if not text:
        row.fail("product", _("required, but empty"))
        return None
    product, reason = ctx.resolve_product(text)
    if product is None:
        row.fail("product", reason)
    return product


def _choice(
    allowed: tuple[str, ...], aliases: dict[str, str] | None = None
) -> Callable[[str], str]:
    def parse(text: str) -> str:
        key = text.strip().lower().replace(" ", "_").replace("-", "_")
        key = (aliases or {}).get(key, key)
        if key not in allowed:
            raise v.CellError(_("must be one of %(values)s", values=", ".join(allowed)))
        return key

    return parse


# -- pesantren ---------------------------------------------------------------------------------


def _pesantren(row: _Row, ctx: ImportContext) -> Record | None:
    regency_code: str | None = None
    regency_text = row.text("regency_code")
    if not regency_text:
        row.fail("regency_code", _("required, but empty"))
    else:
        regency_code, reason = ctx.regency_code(regency_text)
        if regency_code is None:
            row.fail("regency_code", reason)
    nspp = _nspp(row, regency_code)
    name = row.get("name", str, required=True)
    lat = row.get("latitude", lambda t: v.parse_coordinate(t, "lat"), required=True)
    lon = row.get("longitude", lambda t: v.parse_coordinate(t, "lon"), required=True)
    region_types = row.get("region_types", v.parse_region_types)
    if region_types is None and regency_code is not None:
        region_types = ctx.regencies[regency_code].region_types.split(";")
    values = {
        "nspp": nspp,
        "name": name,
        "regency_code": regency_code,
        "address": row.text("address"),
        "latitude": lat,
        "longitude": lon,
        "santri_count": row.get("santri_count", v.parse_int, default=0),
        "contact_name": row.text("contact_name"),
        "whatsapp": row.get("whatsapp", v.parse_whatsapp, default=""),
        "email": row.get("email", v.parse_email, default=""),
        "language": row.get("language", v.parse_language, default="id"),
        "curation_status": row.get(
            "curation_status", _choice(CURATION_STATUSES, {"terdaftar": "registered",
                                                 "terverifikasi": "verified"}),
            default="registered",
        ),
    }  # fmt: skip
    for column, problem in check_pesantren(values).items():
        row.fail(column, problem)
    if row.failed or nspp is None:
        return None
    return Record(row.row.number, (nspp,), f"NSPP {nspp}", values, {"region_types": region_types})


# -- listings ----------------------------------------------------------------------------------

_STATUS_ALIASES = {"aktif": "active", "jeda": "paused", "ditunda": "paused", "arsip": "archived",
                   "diarsipkan": "archived", "tidak_aktif": "paused"}  # fmt: skip


def _listing(kind: str) -> Callable[[_Row, ImportContext], Record | None]:
    def validate(row: _Row, ctx: ImportContext) -> Record | None:
        return _validate_listing(kind, row, ctx)

    return validate


def _validate_listing(kind: str, row: _Row, ctx: ImportContext) -> Record | None:
    """The listing rules (:func:`webapp.listings.check_listing`, as for the form and the API)
    on one row; each problem names its column. Numbers read the Indonesian way."""
    owner = _known_pesantren(row, ctx)
    product = _product(row, ctx)
    # What the file does not set comes from the stored listing, so the rules see the listing
    # as it will be (an offer keeps its price when the file has no price column).
    old = None if owner is None or product is None else ctx.existing.get((owner[1], product.id))

    def stored(name: str) -> bool:
        return old is not None and not ctx.given(name, row.text(name))

    certs = (
        old.required_cert_list
        if old is not None and stored("required_certs")
        else row.get("required_certs", _cert_list, default=[])
    )
    status = (
        old.status
        if old is not None and stored("status")
        else row.get("status", _choice(LISTING_STATUSES, _STATUS_ALIASES), default="active")
    )
    last_confirmed = row.get("last_confirmed", v.parse_date)
    if future := check_past_date(last_confirmed):
        row.fail("last_confirmed", future)
    cells = ListingInput(
        kind=kind,
        **{name: getattr(old, name) if stored(name) else row.text(name) for name in FIELDS},
    )
    committed = ctx.committed.get(old.id, 0.0) if old is not None else 0.0
    verdict = check_listing(cells, product, reading="id", committed=committed)
    for problem in verdict.problems:
        row.fail(problem.field, problem.message)
    if row.failed or owner is None or product is None:
        return None
    values = {
        **verdict.values,
        "kind": kind,
        "required_certs": ";".join(certs),
        "status": status,
        "pesantren_id": owner[1],
        "product_id": product.id,
    }
    label = (
        _("offer of %(product)s by NSPP %(nspp)s", product=product.slug, nspp=owner[0])
        if kind == "offer"
        else _("need of %(product)s by NSPP %(nspp)s", product=product.slug, nspp=owner[0])
    )
    return Record(
        row.row.number, (owner[1], product.id), label, values, {"last_confirmed": last_confirmed}
    )


def _cert_list(text: str) -> list[str]:
    parts = [p for p in text.replace(",", ";").replace("|", ";").split(";") if p.strip()]
    return list(dict.fromkeys(v.parse_cert_kind(p) for p in parts))


# -- certificates ------------------------------------------------------------------------------


def _certificate(row: _Row, ctx: ImportContext) -> Record | None:
    owner = _known_pesantren(row, ctx)
    product = _product(row, ctx)
    kind = row.get("kind", v.parse_cert_kind, required=True)
    number = row.text("number")
    if not number:
        row.fail("number", _("required, but empty"))
    elif kind is not None:
        check = check_identifier(kind, number)
        if not check.ok:
            row.fail(
                "number", _("invalid %(kind)s number: %(reason)s", kind=kind, reason=check.error)
            )
        number = check.value
    issued = row.get("issued_on", v.parse_date, required=True)
    if future := check_past_date(issued):
        row.fail("issued_on", future)
    expires = row.get("expires_on", v.parse_date)
    if (
        owner is not None
        and product is not None
        and not ctx.given("expires_on", row.text("expires_on"))
    ):
        old = ctx.existing.get((owner[1], product.id, kind, number))
        expires = old.expires_on if old is not None else None
    if issued and expires and expires < issued:
        row.fail(
            "expires_on",
            _("expires before it was issued (%(date)s)", date=issued.isoformat()),
            row.text("expires_on") or expires.isoformat(),
        )
    if row.failed or owner is None or product is None:
        return None
    values = {
        "pesantren_id": owner[1],
        "product_id": product.id,
        "kind": kind,
        "number": number,
        "issued_on": issued,
        "expires_on": expires,
    }
    key = (owner[1], product.id, kind, number)
    label = _(
        "%(kind)s %(number)s for %(product)s of NSPP %(nspp)s",
        kind=kind,
        number=number,
        product=product.slug,
        nspp=owner[0],
    )
    return Record(row.row.number, key, label, values)


# -- catalogue (seed) ----------------------------------------------------------------------------


def _regency(row: _Row, ctx: ImportContext) -> Record | None:
    code = row.text("code").replace(".", "")
    if not (code.isdigit() and len(code) == 4 and code.startswith("35")):
        row.fail("code", _("a BPS regency code of East Java has 4 digits and starts with 35"))
    values = {
        "code": code,
        "name": row.get("name", str, required=True),
        "short_name": row.text("short_name") or row.text("name"),
        "kind": row.get("kind", _choice(("kabupaten", "kota")), default="kabupaten"),
        "capital": row.text("capital"),
        "latitude": row.get("latitude", lambda t: v.parse_coordinate(t, "lat"), required=True),
        "longitude": row.get("longitude", lambda t: v.parse_coordinate(t, "lon"), required=True),
        "area_km2": float(row.get("area_km2", v.parse_decimal, default=Decimal(0))),
        "population": row.get("population", v.parse_int, default=0),
        "pesantren_count": row.get("pesantren_count", v.parse_int, default=0),
        "region_types": ";".join(
            row.get("region_types", v.parse_region_types, required=True) or []
        ),
        "note": row.text("note"),
    }
    if row.failed:
        return None
    return Record(row.row.number, (code,), f"regency {code}", values)


def _yes_no(text: str) -> bool:
    key = text.strip().lower()
    if key in ("yes", "ya", "y", "true", "1"):
        return True
    if key in ("no", "tidak", "n", "false", "0"):
        return False
    raise v.CellError(_("must be yes or no"))


def _split(text: str, seps: str) -> list[str]:
    for sep in seps[1:]:
        text = text.replace(sep, seps[0])
    return list(dict.fromkeys(p.strip() for p in text.split(seps[0]) if p.strip()))


def _product_row(row: _Row, ctx: ImportContext) -> Record | None:
    from matcher.units import UnitError, normalise_unit

    slug = row.text("slug").lower()
    if not slug or not all(c.isalnum() or c == "-" for c in slug):
        row.fail("slug", _("a slug is lower-case letters, digits and hyphens"))
    base_unit = None
    try:
        base_unit = normalise_unit(row.text("base_unit"))
    except UnitError as exc:
        row.fail("base_unit", str(exc))
    price_min = row.get("price_min", v.parse_decimal, required=True)
    price_max = row.get("price_max", v.parse_decimal, required=True)
    if price_min is not None and price_max is not None and price_max < price_min:
        row.fail("price_max", _("below price_min"))
    values = {
        "slug": slug,
        "name_id": row.get("name_id", str, required=True),
        "name_en": row.get("name_en", str, required=True),
        "category": row.get("category", str, required=True),
        "parent_category": row.text("parent_category"),
        "base_unit": base_unit,
        "alt_units": row.text("alt_units"),
        "shelf_life_class": row.get("shelf_life_class", _choice(SHELF_LIFE_CLASSES), required=True),
        "shelf_life": row.text("shelf_life"),
        "price_min": float(price_min) if price_min is not None else None,
        "price_max": float(price_max) if price_max is not None else None,
        "certifications": row.text("certifications"),
        "hs_code": row.text("hs_code"),
        "produced_in": row.text("produced_in"),
        "kitchen_staple": row.get("kitchen_staple", _yes_no, default=False),
        "notes": row.text("notes"),
    }
    aliases = _split(row.text("aliases"), "|;")
    substitutes = [s.lower() for s in _split(row.text("substitutes"), ";|,")]
    if row.failed:
        return None
    return Record(
        row.row.number, (slug,), f"product {slug}", values,
        {"aliases": aliases, "substitutes": substitutes},
    )  # fmt: skip


_HANDLERS: dict[str, Callable[[_Row, ImportContext], Record | None]] = {
    "regencies": _regency,
    "products": _product_row,
    "pesantren": _pesantren,
    "offers": _listing("offer"),
    "needs": _listing("need"),
    "certificates": _certificate,
}
_KEY_COLUMN = {
    "regencies": "code",
    "products": "slug",
    "pesantren": "nspp",
    "offers": "product",
    "needs": "product",
    "certificates": "number",
}
