"""Prompt notices (``opop-match report notices``): one short email per party when a
proposal is published to it or another party answers, at most one an hour, opt-out."""

from __future__ import annotations

import datetime as dt
import email
from decimal import Decimal
from email import policy
from urllib.parse import urlsplit

from flask import Flask

from tests.factories import make_listing, make_pesantren
from tests.webapp.round_helpers import make_pair
from webapp import proposals
from webapp.mail import MemorySender
from webapp.models import NoticeLog, Pesantren, db, utcnow
from webapp.report.notices import send_notices
from webapp.rounds import publish_round, run_match_round


def _published_barter():
    pair = make_pair("draft")
    town = make_pesantren("3578")
    make_listing(town, "need", "kentang", quantity=Decimal("50"), price=Decimal("15000"))
    db.session.commit()
    round_ = run_match_round()
    assert round_.status == "draft", round_.error
    publish_round(round_)
    barter = next(p for p in round_.proposals if p.kind == "barter_pair")
    return pair, barter


def _by_address(sender: MemorySender) -> dict[str, email.message.EmailMessage]:
    out = {}
    for msg in sender.sent:
        parsed = email.message_from_bytes(msg.as_bytes(), policy=policy.default)
        out[parsed["To"].addresses[0].addr_spec.lower()] = parsed
    return out


def _text(msg) -> str:
    return msg.get_body(preferencelist=("plain",)).get_content()


def test_a_published_proposal_is_told_to_each_party_in_its_language(app: Flask) -> None:
    pair, barter = _published_barter()
    pair.hills.language = "en"
    db.session.commit()
    sender = MemorySender()
    result = send_notices(db.session, sender, now=utcnow())
    mails = _by_address(sender)
    assert pair.coast.email.lower() in mails
    assert pair.hills.email.lower() in mails
    assert pair.officer_coast.email.lower() in mails  # the officer account too
    coast = _text(mails[pair.coast.email.lower()])
    assert f"#{barter.id}" in coast
    assert "ikan asin" in coast.lower()
    assert barter.respond_by.strftime("%Y") in coast  # the deadline is said
    hills = _text(mails[pair.hills.email.lower()])
    assert "Answer by" in hills
    assert mails[pair.coast.email.lower()]["List-Unsubscribe"]
    assert set(result.sent) == set(mails)
    # nothing new: a second run sends nothing
    again = MemorySender()
    assert send_notices(db.session, again, now=utcnow()).sent == []


def test_answers_are_batched_at_most_one_email_an_hour_and_not_told_to_the_answerer(
    app: Flask,
) -> None:
    pair, barter = _published_barter()
    now = utcnow()
    send_notices(db.session, MemorySender(), now=now)
    proposals.accept(barter, pair.coast.id)
    soon = MemorySender()
    result = send_notices(db.session, soon, now=now + dt.timedelta(minutes=10))
    assert soon.sent == []
    assert pair.hills.email.lower() in result.waiting
    later = MemorySender()
    send_notices(db.session, later, now=now + dt.timedelta(minutes=61))
    mails = _by_address(later)
    assert pair.coast.email.lower() not in mails  # its own answer
    told = _text(mails[pair.hills.email.lower()])
    assert pair.coast.name in told
    assert f"#{barter.id}" in told


def test_opting_out_stops_the_notices_but_not_the_weekly_report(app: Flask, client) -> None:
    pair, _barter = _published_barter()
    sender = MemorySender()
    send_notices(db.session, sender, now=utcnow() - dt.timedelta(hours=2))
    msg = _by_address(sender)[pair.coast.email.lower()]
    link = msg["List-Unsubscribe"].strip("<>")
    assert client.get(urlsplit(link).path).status_code == 200
    assert client.post(urlsplit(link).path).status_code == 200
    db.session.expire_all()
    coast = db.session.get(Pesantren, pair.coast.id)
    assert coast.notices is False
    assert coast.report_frequency == "weekly"
    proposals.accept(_barter, pair.hills.id)
    again = MemorySender()
    send_notices(db.session, again, now=utcnow())
    assert pair.coast.email.lower() not in _by_address(again)
    assert client.get("/laporan/berhenti-kabar/forged").status_code == 400


def test_a_refused_notice_is_retried_by_the_next_run(app: Flask) -> None:
    pair, _barter = _published_barter()
    address = pair.coast.email.lower()
    refusing = MemorySender(refuse=[address])
    result = send_notices(db.session, refusing, now=utcnow())
    assert [a for a, _e in result.failed] == [address]
    assert db.session.get(NoticeLog, address) is None
    retry = MemorySender()
    send_notices(db.session, retry, now=utcnow())
    assert address in _by_address(retry)


def test_the_preferences_page_turns_notices_off(app: Flask, client, login) -> None:
    pair, _barter = _published_barter()
    login(pair.officer_coast)
    response = client.post("/akun/laporan", data={"report_frequency": "weekly", "language": "id"})
    assert response.status_code == 302
    db.session.expire_all()
    assert pair.officer_coast.notices is False


def test_a_pesantren_without_an_account_gets_links_that_need_no_login(app: Flask, client) -> None:
    pair, barter = _published_barter()
    sender = MemorySender()
    send_notices(db.session, sender, now=utcnow())
    text = _text(_by_address(sender)[pair.coast.email.lower()])
    assert "/masuk" not in text
    assert "/usulan" not in text  # the officer pages need a login
    link = next(word for word in text.split() if "/jawab/" in word)
    page = client.get(urlsplit(link).path)
    assert page.status_code == 200
    assert f"#{barter.id}" in page.get_data(as_text=True)
