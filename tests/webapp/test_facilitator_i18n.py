"""The facilitator pages speak Bahasa Indonesia by default and English on request; every
string of the area has an Indonesian translation with the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

from tests import factories as f
from webapp.models import db

AREA = Path(__file__).resolve().parents[2] / "webapp" / "translations" / "facilitator"


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"%\(\w+\)s", text))


def test_every_facilitator_string_has_an_indonesian_translation_with_its_placeholders():
    template = read_po((AREA / "messages.pot").open("rb"))
    catalogue = read_po((AREA / "id" / "LC_MESSAGES" / "messages.po").open("rb"))
    assert (AREA / "id" / "LC_MESSAGES" / "messages.mo").exists()
    missing, broken = [], []
    for message in template:
        if not message.id:
            continue
        translated = catalogue.get(message.id)
        text = translated.string if translated else None
        if not text or (isinstance(text, tuple) and not all(text)):
            missing.append(message.id)
            continue
        source = message.id if isinstance(message.id, str) else message.id[0]
        target = text if isinstance(text, str) else text[0]
        if _placeholders(source) != _placeholders(target):
            broken.append(message.id)
    assert not missing
    assert not broken


def _facilitator():
    user = f.make_user("facilitator")
    db.session.commit()
    return user


def test_the_rounds_page_is_in_indonesian_by_default(client, login, app):
    login(_facilitator())
    page = client.get("/fasilitator/putaran").get_data(as_text=True)
    assert "Putaran pencocokan" in page
    assert "Jalankan putaran baru" in page


def test_the_rounds_page_is_in_english_on_request(client, login, app):
    login(_facilitator())
    page = client.get("/fasilitator/putaran?lang=en").get_data(as_text=True)
    assert "Match rounds" in page
    assert "Run a new round" in page
