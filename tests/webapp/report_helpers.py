"""Helpers for the weekly report tests: a loopback SMTP server and a known week.

The known week is ISO week 2026-W48 (Monday 23 to Sunday 29 November 2026, WIB); the
report runs at ``NOW`` (Monday 30 November, 08:00 WIB). Ids are fixed so the rendered
emails (links carry ids and tokens) are the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import socket
from dataclasses import dataclass, field
from decimal import Decimal
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.factories import make_listing, make_pesantren, make_product, make_user
from webapp.models import MatchRound, Proposal, ProposalEvent, ProposalLeg, ProposalParty, db

WEEK = "2026-W48"
NOW = dt.datetime(2026, 11, 30, 1, 0, tzinfo=dt.UTC)
OLD = dt.datetime(2026, 10, 1, 3, 0, tzinfo=dt.UTC)


def at(day: int, hour: int = 3) -> dt.datetime:
    """A moment in November 2026 (UTC)."""
    return dt.datetime(2026, 11, day, hour, 0, tzinfo=dt.UTC)


# --- loopback SMTP -------------------------------------------------------------------


class RecordingHandler:
    """An aiosmtpd handler that keeps what it accepts and refuses chosen recipients (550)."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], EmailMessage]] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        if address.lower() in self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = message_from_bytes(envelope.content, policy=policy.default)
        self.received.append((list(envelope.rcpt_tos), msg))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def by_recipient(self) -> dict[str, list[EmailMessage]]:
        out: dict[str, list[EmailMessage]] = {}
        for rcpts, msg in self.received:
            for rcpt in rcpts:
                out.setdefault(rcpt.lower(), []).append(msg)
        return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class SmtpServer:
    handler: RecordingHandler
    controller: Controller
    port: int

    def stop(self) -> None:
        if self.controller._thread is not None:
            self.controller.stop()


def start_smtp() -> SmtpServer:
    handler = RecordingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    return SmtpServer(handler, controller, port)


# --- the known week ------------------------------------------------------------------


@dataclass
class Scenario:
    ids: dict[str, int] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)


def build_week() -> Scenario:
    """Four pesantren, two officers, two facilitators, three proposals in week 2026-W48."""
    s = Scenario()
    fish = make_product("ikan-asin", name_id="Ikan asin", name_en="Salted fish")
    coffee = make_product(
        "kopi-bubuk",
        name_id="Kopi bubuk",
        name_en="Ground coffee",
        category="drinks",
        price_min=80000.0,
        price_max=150000.0,
    )
    paste = make_product("terasi", name_id="Terasi", name_en="Shrimp paste")

    batu = make_pesantren(
        "3579",
        id=101,
        name="Pondok Pesantren Al-Hikmah Batu",
        email="kontak@alhikmah-batu.sch.id",
        contact_name="Ustadz Fauzi",
        language="id",
        created_at=OLD,
        nspp="510035790101",
        whatsapp="6281231110101",
    )
    sumenep = make_pesantren(
        "3529",
        id=102,
        name="Pondok Pesantren Nurul Huda Sumenep",
        email="Office@NurulHuda-Sumenep.sch.id",
        contact_name="Ustadzah Aminah",
        language="en",
        created_at=at(24),
        nspp="510035290102",
        whatsapp="6281231110102",
    )
    surabaya = make_pesantren(
        "3578",
        id=103,
        name="Pondok Pesantren Darul Ulum Surabaya",
        email="pengadaan@darululum.sch.id",
        contact_name="Kyai Hasan",
        language="id",
        created_at=OLD,
        nspp="510035780103",
        whatsapp="6281231110103",
    )
    quiet = make_pesantren(
        "3511",
        id=104,
        name="Pondok Pesantren Miftahul Ulum Bondowoso",
        email="diam@miftahul.sch.id",
        report_frequency="none",
        created_at=OLD,
        nspp="510035110104",
        whatsapp="6281231110104",
    )
    common = {"created_at": OLD, "last_confirmed_at": at(20)}
    make_listing(batu, "offer", coffee, id=1011, price=Decimal("95000"), **common)
    make_listing(batu, "need", fish, id=1012, price=Decimal("60000"), **common)
    make_listing(
        sumenep,
        "offer",
        fish,
        id=1021,
        quantity=Decimal("400"),
        created_at=at(24),
        last_confirmed_at=at(24),
    )
    make_listing(
        sumenep,
        "need",
        coffee,
        id=1022,
        price=Decimal("120000"),
        created_at=at(24),
        last_confirmed_at=at(24),
    )
    make_listing(
        surabaya,
        "need",
        paste,
        id=1031,
        created_at=OLD,
        last_confirmed_at=dt.datetime(2026, 9, 1, 3, 0, tzinfo=dt.UTC),
    )
    make_listing(surabaya, "need", fish, id=1032, quantity=Decimal("150"), **common)
    make_listing(quiet, "need", fish, id=1041, quantity=Decimal("80"), **common)

    make_user(
        "officer",
        batu,
        id=201,
        email="ahmad@alhikmah-batu.sch.id",
        name="Ahmad Fauzi",
        language="en",
    )
    make_user(
        "facilitator",
        None,
        id=202,
        email="fasilitator@opop.jatimprov.go.id",
        name="Siti Rahma",
        language="id",
    )
    make_user(
        "facilitator",
        None,
        id=203,
        email="libur@opop.jatimprov.go.id",
        name="Budi (cuti)",
        report_frequency="none",
    )
    make_user("admin", None, id=204, email="admin@opop.test", name="Admin")

    rnd = MatchRound(
        id=301,
        status="published",
        as_of=dt.date(2026, 11, 23),
        published_at=at(24),
        created_at=at(23),
    )
    db.session.add(rnd)
    db.session.flush()
    _proposal(
        501,
        rnd,
        "barter_pair",
        "accepted_by_some",
        [
            (batu, sumenep, 1011, 1022, coffee, "40", "95000"),
            (sumenep, batu, 1021, 1012, fish, "76", "50000"),
        ],
        {101: "pending", 102: "accepted"},
        [
            ("publish", "draft", "published", at(24), None),
            ("accept", "published", "accepted_by_some", at(25), 102),
        ],
    )
    _proposal(
        502,
        rnd,
        "trade",
        "confirmed",
        [(sumenep, quiet, 1021, 1041, fish, "80", "50000")],
        {102: "accepted", 104: "accepted"},
        [
            ("publish", "draft", "published", at(24), None),
            ("accept", "published", "accepted_by_some", at(25), 104),
            ("accept", "accepted_by_some", "confirmed", at(26), 102),
        ],
    )
    _proposal(
        503,
        rnd,
        "trade",
        "declined",
        [(sumenep, surabaya, 1021, 1032, fish, "150", "50000")],
        {102: "pending", 103: "declined"},
        [
            ("publish", "draft", "published", at(24), None),
            ("decline", "published", "declined", at(27), 103),
        ],
        decline_reason={103: "price"},
    )
    db.session.commit()
    s.ids = {"batu": 101, "sumenep": 102, "surabaya": 103, "quiet": 104}
    s.emails = {
        "batu": "kontak@alhikmah-batu.sch.id",
        "ahmad": "ahmad@alhikmah-batu.sch.id",
        "sumenep": "office@nurulhuda-sumenep.sch.id",
        "surabaya": "pengadaan@darululum.sch.id",
        "facilitator": "fasilitator@opop.jatimprov.go.id",
    }
    return s


def _proposal(
    pid: int,
    rnd: MatchRound,
    kind: str,
    state: str,
    legs: list[tuple[Any, ...]],
    parties: dict[int, str],
    events: list[tuple[Any, ...]],
    decline_reason: dict[int, str] | None = None,
) -> Proposal:
    value = sum(Decimal(q) * Decimal(p) for *_, q, p in legs)
    proposal = Proposal(
        id=pid,
        round_id=rnd.id,
        kind=kind,
        state=state,
        score=0.8,
        value_idr=value,
        created_at=at(23),
    )
    db.session.add(proposal)
    db.session.flush()
    for seq, (giver, receiver, offer_id, need_id, product, qty, price) in enumerate(legs):
        db.session.add(
            ProposalLeg(
                proposal_id=pid,
                seq=seq,
                giver_id=giver.id,
                receiver_id=receiver.id,
                offer_id=offer_id,
                need_id=need_id,
                product_id=product.id,
                quantity=Decimal(qty),
                unit_price=Decimal(price),
                value_idr=Decimal(qty) * Decimal(price),
            )
        )
    for pesantren_id, response in parties.items():
        db.session.add(
            ProposalParty(
                proposal_id=pid,
                pesantren_id=pesantren_id,
                response=response,
                decline_reason=(decline_reason or {}).get(pesantren_id),
                responded_at=None if response == "pending" else at(25),
            )
        )
    for action, from_state, to_state, when, pesantren_id in events:
        db.session.add(
            ProposalEvent(
                proposal_id=pid,
                action=action,
                from_state=from_state,
                to_state=to_state,
                at=when,
                pesantren_id=pesantren_id,
            )
        )
    db.session.flush()
    return proposal


def parts(msg: EmailMessage) -> tuple[str, str]:
    """The text and HTML bodies of a received multipart/alternative message."""
    text = msg.get_body(preferencelist=("plain",))
    html = msg.get_body(preferencelist=("html",))
    assert text is not None
    assert html is not None
    return text.get_content(), html.get_content()


# --- engine output pinned for rendering snapshots ------------------------------------

_CANDIDATES = [
    # need, offer, buyer, supplier, product, distance, price, max_price, offer_qty, need_qty, score
    (1012, 1021, 101, 102, "ikan-asin", 175.7, 50000.0, 60000.0, 320.0, 100.0, 0.71),
    (1022, 1011, 102, 101, "kopi-bubuk", 175.7, 95000.0, 120000.0, 100.0, 100.0, 0.70),
    (1032, 1021, 103, 102, "ikan-asin", 125.3, 50000.0, 60000.0, 320.0, 150.0, 0.69),
    (1041, 1021, 104, 102, "ikan-asin", 98.2, 50000.0, 60000.0, 320.0, 80.0, 0.66),
]


def pinned_snapshot(session: Any, as_of: dt.date) -> Any:
    """The real market with fixed candidates, so snapshots follow templates, not scoring."""
    import pandas as pd

    from webapp.market_io import build_market
    from webapp.report.snapshot import NetworkSnapshot

    columns = [
        "need_id",
        "offer_id",
        "buyer_id",
        "supplier_id",
        "product",
        "distance_km",
        "price",
        "max_price",
        "offer_qty",
        "need_qty",
        "score",
    ]
    candidates = pd.DataFrame(_CANDIDATES, columns=columns).assign(
        need_product=lambda f: f["product"]
    )
    return NetworkSnapshot(market=build_market(session, as_of=as_of), candidates=candidates)


class DroppingHandler(RecordingHandler):
    """Keeps the first message it receives, then drops the connection instead of answering
    the end of DATA (the reply is lost: the sender cannot know the message arrived)."""

    def __init__(self) -> None:
        super().__init__()
        self.dropped = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.dropped:
            return await super().handle_DATA(server, session, envelope)
        await super().handle_DATA(server, session, envelope)
        self.dropped += 1
        server.transport.abort()
        return "250 never heard"


def start_dropping_smtp() -> SmtpServer:
    handler = DroppingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    return SmtpServer(handler, controller, port)


MAIL_FROM = "OPOP Match <laporan@opop-match.test>"


@pytest.fixture
def app_config(app_config: dict[str, Any], smtp: Any) -> dict[str, Any]:
    app_config.update(
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=smtp.port,
        SMTP_SECURITY="none",
        MAIL_FROM=MAIL_FROM,
        REPORT_NOW=NOW.isoformat(),
        BASE_URL="https://opop.example.id",
    )
    return app_config
