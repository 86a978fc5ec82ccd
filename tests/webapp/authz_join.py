"""Authorisation matrix rows for joining and curation (collected by ``test_authz.py``):
anyone may ask to join; only facilitators and admins review requests or move a
pesantren's curation (officers are refused and change nothing)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tests.webapp.authz import Route, World, expect
from tests.webapp.authz_facilitator import net
from webapp.models import JoinRequest, Product, db

#: A good request: its NSPP and email are used by nobody in the world.
REQUEST = {
    "name": "Pondok Pesantren Baru Batu",
    "nspp": "512035790777",
    "regency_code": "3579",
    "contact_name": "Ust. Baru",
    "whatsapp": "081234567890",
    "email": "baru@example.org",
    "language": "id",
    "product": "ikan-asin",
    "quantity": "100",
    "unit": "kg",
    "period": "month",
    "price": "45000",
}


def _pending(w: World) -> JoinRequest:
    product = db.session.scalar(db.select(Product).where(Product.slug == "ikan-asin"))
    request = JoinRequest(
        nspp="512035790778",
        name="Pondok Menunggu",
        regency_code="3579",
        latitude=-7.87,
        longitude=112.52,
        contact_name="Ust. Menunggu",
        whatsapp="6281234567891",
        email="menunggu@example.org",
        product_id=product.id,
        quantity=Decimal(100),
        unit="kg",
        period="month",
        price=Decimal(45000),
    )
    db.session.add(request)
    db.session.commit()
    return request


def _listed(w: World) -> str:
    _pending(w)  # the page shows a request's card
    return "/fasilitator/pendaftaran"


def _approve(w: World) -> str:
    return f"/fasilitator/pendaftaran/{_pending(w).id}/terima"


def _reject(w: World) -> str:
    return f"/fasilitator/pendaftaran/{_pending(w).id}/tolak"


def _request_data(w: World) -> dict[str, Any]:
    return dict(REQUEST)


MATRIX: list[Route] = [
    Route("join.join", "GET", lambda w: "/daftar", expect(visitor=200)),
    Route(
        "join.join",
        "POST",
        lambda w: "/daftar",
        expect(302, visitor=302),
        data=_request_data,
        visitor_may_write=True,
    ),
    Route("join.sent", "GET", lambda w: "/daftar/terkirim", expect(visitor=200)),
    Route("facilitator.join_requests", "GET", _listed, net()),
    Route("facilitator.join_approve", "POST", _approve, net(302)),
    Route(
        "facilitator.join_reject",
        "POST",
        _reject,
        net(302),
        data=lambda w: {"reason": "NSPP belum terdaftar"},
    ),
    Route(
        "facilitator.curation_change",
        "POST",
        lambda w: f"/fasilitator/pesantren/{w.b.id}/kurasi",
        net(302),
        data=lambda w: {"status": "verified", "note": "piagam diperiksa"},
    ),
]
