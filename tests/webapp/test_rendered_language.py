"""Every page, error page and email, rendered in Indonesian, speaks Indonesian.

Pages come from the authorisation matrix (``tests/webapp/authz*.py``, which must cover every
route): each page a visitor, an officer or a facilitator opens, and each form they send
with bad input (its error messages), is rendered in Indonesian. Its visible text (text
nodes and the ``title``, ``placeholder``, ``aria-label`` and ``alt`` a reader meets) fails
the test when it holds

- an English message of any catalogue (``core``, ``facilitator``, ``proposals``,
  ``report``, ``wtforms``): a string that reached the page untranslated; or
- an English sentence the catalogues do not know (two or more English function words in
  one text), after the names the data carries (pesantren, products, people, regencies) are
  taken out.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import select

from tests.webapp.authz import all_routes
from webapp.models import Pesantren, Product, Regency, User, db

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "webapp" / "translations"
SNAPSHOTS = Path(__file__).parent / "snapshots"
READERS = ("visitor", "officer_a", "facilitator")
#: A page a reader reads (refusals: 403, 404 ... are the error pages, checked on their own).
SHOWN = {200, 400, 409, 410}
#: English words that do not occur in Indonesian text (names aside).
ENGLISH = frozenset(
    [
        "the",
        "and",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "your",
        "you",
        "this",
        "that",
        "these",
        "those",
        "with",
        "for",
        "not",
        "has",
        "have",
        "will",
        "would",
        "can",
        "cannot",
        "could",
        "should",
        "from",
        "which",
        "there",
        "their",
        "they",
        "them",
        "its",
        "into",
        "than",
        "then",
        "when",
        "what",
        "who",
        "how",
        "our",
        "we",
        "please",
        "does",
        "do",
        "don't",
        "can't",
        "isn't",
        "yet",
    ]
)
#: Texts that are the same in both languages (codes, brand names, examples of input).
SAME_IN_BOTH = re.compile(
    r"OPOP Match|WhatsApp|NSPP|P-IRT|BPOM MD|SNI|Halal|API|JSON|CSV|XLSX|OpenAPI|Bearer|"
    r"YYYY-Www|https?://\S+|\S+@\S+|/api/\S+"
)


class _Visible(HTMLParser):
    """The text a reader sees (and hears from a screen reader) on a page."""

    HIDDEN = {"script", "style", "code", "pre", "textarea"}
    SPOKEN = ("title", "placeholder", "aria-label", "alt")
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._open: list[tuple[str, bool]] = []  # (tag, hidden: code, or marked lang="en")

    def _hidden(self) -> bool:
        return any(hidden for _, hidden in self._open)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        # A passage marked lang="en" is English on purpose (e.g. a refusal that cannot know
        # the reader's language says it in both); the <html> element's own lang is the page's.
        english = tag != "html" and (values.get("lang") or "").startswith("en")
        if tag not in self.VOID:
            self._open.append((tag, tag in self.HIDDEN or english))
        if not self._hidden() and not english:
            self.texts.extend(v for name, v in attrs if name in self.SPOKEN and v)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i][0] == tag:
                del self._open[i:]
                break

    def handle_data(self, data: str) -> None:
        if not self._hidden() and data.strip():
            self.texts.append(" ".join(data.split()))


def visible_texts(html: str) -> list[str]:
    parser = _Visible()
    parser.feed(html)
    return parser.texts


def _english_messages() -> list[str]:
    """Pieces (between placeholders) of every catalogue's English msgids whose Indonesian
    differs: long enough (three words) not to occur in Indonesian by chance."""
    pieces: set[str] = set()
    for po in TRANSLATIONS.glob("*/id/LC_MESSAGES/messages.po"):
        with open(po, "rb") as fh:
            catalogue = read_po(fh, locale="id")
        for message in catalogue:
            if not message.id or not message.string:
                continue
            ids = [message.id] if isinstance(message.id, str) else list(message.id)
            strings = [message.string] if isinstance(message.string, str) else message.string
            for text in ids:
                for piece in re.split(r"%\(\w+\)[sd]|%[sd]|<[^>]+>", text):
                    piece = piece.strip(" .,:;()“”\"'")
                    if len(piece.split()) >= 3 and not any(piece in s for s in strings):
                        pieces.add(piece)
    return sorted(pieces, key=len, reverse=True)


ENGLISH_MESSAGES = _english_messages()


def _english_labels() -> set[str]:
    """Whole English msgids of any length ("Price", "fish & seafood") whose Indonesian
    differs: a text that is exactly one of them was not translated."""
    labels: set[str] = set()
    for po in TRANSLATIONS.glob("*/id/LC_MESSAGES/messages.po"):
        with open(po, "rb") as fh:
            for message in read_po(fh, locale="id"):
                if (
                    isinstance(message.id, str)
                    and message.id
                    and message.string
                    and message.string.strip().lower() != message.id.strip().lower()
                ):
                    labels.add(message.id.strip(" .:"))
    return labels


ENGLISH_LABELS = _english_labels()


def _stored_english() -> set[str]:
    """English the database holds and a page must label: the catalogue's category codes and
    what the round worker writes as progress."""
    with open(ROOT / "seed_data" / "products.csv", newline="", encoding="utf-8") as fh:
        categories = {row["category"] for row in csv.DictReader(fh)}
    return categories | {"reading listings", "superseded by round", "claimed by the round"}


STORED_ENGLISH = _stored_english()


def _names() -> list[str]:
    """What the data names (printed as it is in either language), longest first."""
    names: set[str] = set()
    for name in db.session.scalars(select(Pesantren.name)):
        names.add(name)
    for p in db.session.scalars(select(Product)):
        names.update({p.name_id, p.name_en, p.slug})
    for name in db.session.scalars(select(User.name)):
        names.add(name)
    for r in db.session.scalars(select(Regency)):
        names.update({r.name, r.short_name})
    return sorted((n for n in names if n), key=len, reverse=True)


def english_in(texts: Iterable[str], names: list[str]) -> list[str]:
    found = []
    for text in texts:
        for name in names:
            text = text.replace(name, " ")
        text = SAME_IN_BOTH.sub(" ", text)
        known = next((m for m in ENGLISH_MESSAGES if m in text), None)
        words = {w.lower() for w in re.findall(r"[A-Za-z']+", text)}
        label = text.strip(" .:·–()") in ENGLISH_LABELS or any(
            stored in text for stored in STORED_ENGLISH
        )
        if known or label or len(words & ENGLISH) >= 2:
            found.append(" ".join(text.split()))
    return found


def test_the_detector_finds_english_and_passes_indonesian(app):
    names: list[str] = []
    assert english_in(["This field is required."], names)  # a WTForms message
    assert english_in(["Choose two different rounds to compare."], names)  # a catalogue's
    assert english_in(["The round could not be loaded from the store."], names)  # unknown
    assert english_in(["fish & seafood"], names)  # a label left in English
    assert not english_in(["Isian ini wajib diisi.", "Pondok Apel Batu · Batu"], names)
    assert not english_in(["The Apple House and Co"], ["The Apple House and Co"])  # a name


def _pages(client_for, world) -> Iterable[tuple[str, str, str]]:
    """(what, role, html) for each page the matrix says a reader gets."""
    for route in all_routes():
        if route.endpoint.startswith("api.") or route.endpoint == "static":
            continue
        for role in READERS:
            status = route.expected[role]
            if status not in SHOWN or (route.method != "GET" and status != 400):
                continue
            url = route.url(world)
            if url.startswith("/api/"):
                continue
            data = route.data(world) if route.data else None
            response = client_for(role).open(url, method=route.method, data=data)
            if response.mimetype != "text/html":
                continue
            yield f"{route.method} {url}", role, response.get_data(as_text=True)
            break  # one reader per route is enough: the templates are the same


def _more_pages(client_for, world) -> Iterable[tuple[str, str, str]]:
    """Pages the matrix does not reach in the state that shows the texts at stake: error
    pages, form-library messages, the sign-in prompt, catalogue categories, a running
    round's progress."""
    from tests import factories as f
    from webapp.models import MatchRound

    f.make_product("ikan-teri", category="fish & seafood", name_id="Ikan teri")
    running = MatchRound(
        status="running",
        as_of=world.round.as_of,
        claimed_by="worker-1",
        progress="snapshot: reading listings",
    )
    db.session.add(running)
    db.session.commit()
    officer, visitor = client_for("officer_a"), client_for("visitor")
    cases = (
        ("404", officer, "GET", "/tidak-ada", None),
        ("405", officer, "DELETE", "/masuk", None),
        ("403", officer, "GET", "/fasilitator/", None),
        ("form library", client_for("fresh"), "POST", "/masuk", {"email": "x", "password": ""}),
        ("sign-in prompt", visitor, "GET", "/akun", None),
        ("categories", visitor, "GET", "/katalog", None),
        (
            "round progress",
            client_for("facilitator"),
            "GET",
            f"/fasilitator/putaran/{running.id}",
            None,
        ),
    )
    for what, client, method, url, data in cases:
        response = client.open(url, method=method, data=data, follow_redirects=True)
        yield what, "", response.get_data(as_text=True)


@pytest.fixture
def client_for(app, login):
    from tests.webapp.authz import build_world

    world = build_world()
    clients = {}

    def client(role: str):
        if role not in clients:
            clients[role] = app.test_client()
            user = world.users.get(role)
            if user is not None:
                db.session.commit()
                with clients[role].session_transaction() as session:
                    session["_user_id"] = user.get_id()
                    session["_fresh"] = True
        return clients[role]

    client.world = world
    return client


def test_every_page_speaks_indonesian(client_for):
    world = client_for.world
    names = _names()
    findings: dict[str, list[str]] = {}
    pages = 0
    for what, role, html in _pages(client_for, world):
        pages += 1
        found = english_in(visible_texts(html), names)
        if found:
            findings[f"{what} ({role})"] = found
    for what, _role, html in _more_pages(client_for, world):
        found = english_in(visible_texts(html), names)
        if found:
            findings[what] = found
    assert pages > 40  # every page of the matrix was rendered
    assert not findings, "English in Indonesian pages:\n" + "\n".join(
        f"{where}: {texts}" for where, texts in findings.items()
    )


@pytest.mark.parametrize("snapshot", sorted(p.name for p in SNAPSHOTS.glob("*_id.*")))
def test_every_indonesian_email_speaks_indonesian(app, snapshot):
    """The weekly reports as sent (``test_report_snapshots.py`` keeps these equal to what
    the app renders)."""
    text = (SNAPSHOTS / snapshot).read_text(encoding="utf-8")
    texts = visible_texts(text) if snapshot.endswith(".html") else text.splitlines()
    names = ["Pondok", "Ikan asin", "Keripik apel"]  # the snapshots' data names
    assert english_in(texts, names) == []


@pytest.mark.parametrize("purpose", ["reset", "activate"])
def test_the_account_link_emails_speak_indonesian(app, purpose):
    from tests import factories as f
    from webapp import password_links

    user = f.make_user("officer", language="id")
    db.session.commit()
    with app.test_request_context("/"):
        kind = password_links.ACTIVATE if purpose == "activate" else password_links.RESET
        msg = password_links._message(user, "http://opop.test/masuk/x", kind)
    body = msg.get_content()
    assert english_in([str(msg["Subject"]), *body.splitlines()], _names()) == []
