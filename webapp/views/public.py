"""Public pages: the front door, the pesantren directory (searchable by name and product),
the product catalogue with reference prices, pesantren profiles and their printable sheets.

Contact details (WhatsApp, email) only for signed-in users.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from ..curation import FILTER_CHOICES, MAX_FILTER_LENGTH, parse_filter
from ..models import Listing, Pesantren, Product, ProposalEvent, Regency, db
from ..paging import page_of_query

bp = Blueprint("public", __name__)

PAGE_SIZE = 50
LISTING_KINDS = ("offer", "need")


def public_url(endpoint: str, **values: Any) -> str:
    """The address of a page on the public site (``BASE_URL``), for print and QR codes."""
    return current_app.config["BASE_URL"].rstrip("/") + url_for(endpoint, **values)


def programme_figures(today: dt.date | None = None) -> dict[str, int]:
    """Pesantren, products on offer and trades confirmed this month: three counts."""
    today = today or dt.datetime.now(dt.UTC).date()
    month_start = dt.datetime(today.year, today.month, 1, tzinfo=dt.UTC)
    row = db.session.execute(
        select(
            select(func.count(Pesantren.id)).scalar_subquery(),
            select(func.count(func.distinct(Listing.product_id)))
            .where(Listing.kind == "offer", Listing.status == "active")
            .scalar_subquery(),
            select(func.count(func.distinct(ProposalEvent.proposal_id)))
            .where(ProposalEvent.to_state == "confirmed", ProposalEvent.at >= month_start)
            .scalar_subquery(),
        )
    ).one()
    return {
        "pesantren": int(row[0] or 0),
        "products": int(row[1] or 0),
        "confirmed": int(row[2] or 0),
    }


@bp.get("/")
def index() -> str:
    """The front door: what OPOP Match does, a search box and the programme's figures."""
    return render_template("public/home.html", figures=programme_figures())


@bp.get("/pesantren")
def pesantren_directory() -> tuple[str, int]:
    """The directory, filtered by regency and searched by pesantren name or product.

    ``q`` matches names and, through the engine's product resolver (aliases, typos), the
    products pesantren list; ``product`` (a slug) and ``kind`` (offer/need) narrow it to the
    pesantren that offer or need one product, as the catalogue links to its suppliers.
    """
    from ..market_cache import resolve_product

    page = request.args.get("page", 1, type=int)
    regency = request.args.get("regency", "")
    q = request.args.get("q", "").strip()[:100]
    kind = request.args.get("kind", "")
    kind = kind if kind in LISTING_KINDS else ""
    slug = request.args.get("product", "").strip()[:60]
    curation_value = request.args.get("curation_status", "").strip()[:MAX_FILTER_LENGTH]
    product: Product | None = None
    choices: list[Product] = []
    error = ""
    try:
        curation = parse_filter(curation_value)
    except ValueError as unknown:
        curation, error = (), _("There is no curation status “%(text)s”.", text=str(unknown))
    if slug:
        product = db.session.scalar(select(Product).where(Product.slug == slug))
        if product is None:
            error = _("The catalogue has no product “%(text)s”.", text=slug)
    elif q:
        resolved = resolve_product(q)
        product, choices = resolved.product, resolved.choices if resolved.ambiguous else []

    query = select(Pesantren).order_by(Pesantren.name, Pesantren.id)
    if regency:
        query = query.where(Pesantren.regency_code == regency)
    if curation:
        query = query.where(Pesantren.curation_status.in_(curation))
    listing_match = None
    if product is not None:
        listed = select(Listing.pesantren_id).where(
            Listing.product_id == product.id, Listing.status == "active"
        )
        if kind:
            listed = listed.where(Listing.kind == kind)
        listing_match = Pesantren.id.in_(listed)
    if slug:
        query = query.where(listing_match if listing_match is not None else Pesantren.id.is_(None))
        if q:
            query = query.where(Pesantren.name.icontains(q, autoescape=True))
    elif q:
        by_name = Pesantren.name.icontains(q, autoescape=True)
        query = query.where(or_(by_name, listing_match) if listing_match is not None else by_name)
    shown = page_of_query(query.options(selectinload(Pesantren.listings)), page, PAGE_SIZE)
    regencies = db.session.scalars(select(Regency).order_by(Regency.name)).all()
    args = {
        k: v
        for k, v in {
            "q": q,
            "regency": regency,
            "product": slug,
            "kind": kind,
            "curation_status": curation_value,
        }.items()
        if v
    }
    return render_template(
        "public/pesantren_list.html",
        rows=shown.rows,
        page=shown.page,
        pages=shown.pages,
        total=shown.total,
        regencies=regencies,
        regency=regency,
        curation_value=curation_value,
        curation_choices=FILTER_CHOICES,
        q=q,
        kind=kind,
        product=product,
        choices=choices,
        error=error,
        args=args,
    ), (400 if error else 200)


@bp.get("/katalog")
def catalogue() -> str:
    products = db.session.scalars(select(Product).order_by(Product.category, Product.name_id)).all()
    counts: dict[tuple[int, str], int] = {
        (int(pid), str(k)): int(n)
        for pid, k, n in db.session.execute(
            select(
                Listing.product_id, Listing.kind, func.count(func.distinct(Listing.pesantren_id))
            )
            .where(Listing.status == "active")
            .group_by(Listing.product_id, Listing.kind)
        ).all()
    }
    return render_template("public/catalogue.html", products=products, counts=counts)


def _profile(pesantren_id: int) -> Pesantren:
    return db.session.get(Pesantren, pesantren_id) or abort(404)


@bp.get("/pesantren/<int:pesantren_id>")
def pesantren_detail(pesantren_id: int) -> str:
    """The profile: region types, products, certificates (expired ones flagged), curation.

    Contact details (WhatsApp, email) only for signed-in users.
    """
    return pesantren_page(_profile(pesantren_id))


def pesantren_page(pesantren: Pesantren, **curation: Any) -> str:
    """The profile page; facilitators also get the curation form and its history
    (``curation``: the form and error to show again after a refused step)."""
    from ..curation import history
    from ..security import NETWORK_ROLES

    certificates = sorted(pesantren.certificates, key=lambda c: (c.product.name_id, c.kind))
    facilitating = current_user.is_authenticated and current_user.role in NETWORK_ROLES
    extra: dict[str, Any] = {}
    if facilitating:
        from .facilitator.joins import curation_form_for

        extra = {
            "curation_form": curation_form_for(pesantren, curation.get("curation_form")),
            "curation_error": curation.get("curation_error", ""),
            "curation_history": history(db.session, pesantren.id),
        }
    return render_template(
        "public/pesantren_detail.html",
        p=pesantren,
        certificates=certificates,
        today=dt.date.today(),
        show_contact=current_user.is_authenticated,
        **extra,
    )


@bp.get("/pesantren/<int:pesantren_id>/lembar.pdf")
def pesantren_sheet(pesantren_id: int) -> Response:
    """The printable product sheet (A4 PDF): what the profile shows, with a QR code to it."""
    from ..sheets import pesantren_sheet as render_sheet

    pesantren = _profile(pesantren_id)
    pdf = render_sheet(
        pesantren,
        profile_url=public_url("public.pesantren_detail", pesantren_id=pesantren.id),
        language=str(get_locale() or "id"),
        show_contact=current_user.is_authenticated,
    )
    return pdf_response(pdf, f"opop-pesantren-{pesantren.id}.pdf")


def pdf_response(pdf: bytes, filename: str) -> Response:
    """A PDF shown in the browser (to print), with a file name for saving it."""
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
