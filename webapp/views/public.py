"""Public pages: the pesantren directory, the product catalogue and pesantren profiles.

Contact details (WhatsApp, email) only for signed-in users.
"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, render_template, request
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..models import Listing, Pesantren, Product, Regency, db

bp = Blueprint("public", __name__)

PAGE_SIZE = 50


@bp.get("/")
def index() -> str:
    return pesantren_directory()


@bp.get("/pesantren")
def pesantren_directory() -> str:
    page = max(request.args.get("page", 1, type=int), 1)
    regency = request.args.get("regency", "")
    query = select(Pesantren).order_by(Pesantren.name, Pesantren.id)
    if regency:
        query = query.where(Pesantren.regency_code == regency)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(
        query.options(selectinload(Pesantren.listings))
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    regencies = db.session.scalars(select(Regency).order_by(Regency.name)).all()
    return render_template(
        "public/pesantren_list.html",
        rows=rows,
        page=page,
        pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
        total=total,
        regencies=regencies,
        regency=regency,
    )


@bp.get("/katalog")
def catalogue() -> str:
    products = db.session.scalars(select(Product).order_by(Product.category, Product.name_id)).all()
    counts = dict(
        db.session.execute(
            select(Listing.product_id, func.count())
            .where(Listing.status == "active")
            .group_by(Listing.product_id)
        ).all()
    )
    return render_template("public/catalogue.html", products=products, counts=counts)


@bp.get("/pesantren/<int:pesantren_id>")
def pesantren_detail(pesantren_id: int) -> str:
    """The profile: region types, products, certificates (expired ones flagged), curation.

    Contact details (WhatsApp, email) only for signed-in users.
    """
    pesantren = db.session.get(Pesantren, pesantren_id) or abort(404)
    certificates = sorted(pesantren.certificates, key=lambda c: (c.product.name_id, c.kind))
    return render_template(
        "public/pesantren_detail.html",
        p=pesantren,
        certificates=certificates,
        today=dt.date.today(),
        show_contact=current_user.is_authenticated,
    )
