"""Every visible string has a good Indonesian translation, and the compiled catalogues match.

Each area keeps ``webapp/translations/<area>/`` with ``babel.cfg`` and ``sources.txt`` (the
files and folders it extracts from, one per line); this test extracts from those sources, so
an area joins by adding ``sources.txt``. The ``.mo`` check covers every area.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "webapp" / "translations"
AREAS = sorted(
    p.name for p in TRANSLATIONS.iterdir() if (p / "id" / "LC_MESSAGES" / "messages.po").exists()
)
EXTRACTING = sorted(p.name for p in TRANSLATIONS.iterdir() if (p / "sources.txt").exists())
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _po(area: str):
    with open(TRANSLATIONS / area / "id" / "LC_MESSAGES" / "messages.po", "rb") as fh:
        return read_po(fh, locale="id")


def _key(value):
    return value if isinstance(value, str) else tuple(value)


def _extracted(area: str) -> set[str]:
    with open(TRANSLATIONS / area / "babel.cfg") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    ids: set[str] = set()
    for line in (TRANSLATIONS / area / "sources.txt").read_text().split():
        path = ROOT / line
        if path.is_dir():
            found = extract_from_dir(str(path), method_map, options_map, keywords=KEYWORDS)
            ids.update(m[2] if isinstance(m[2], str) else m[2][0] for m in found)
        else:
            method = next(
                (m for pattern, m in method_map if Path(path).match(pattern.replace("**.", "*."))),
                None,
            )
            assert method, f"no extraction method for {line}"
            found = extract_from_file(method, str(path), keywords=KEYWORDS)
            ids.update(m[1] if isinstance(m[1], str) else m[1][0] for m in found)
    return {i for i in ids if i}


@pytest.mark.parametrize("area", EXTRACTING)
def test_every_string_in_the_area_has_an_indonesian_translation(area):
    # At run time the catalogues are merged, so a string may be translated by any area
    # (e.g. a nav link another area adds to base.html).
    translated = {
        m.id if isinstance(m.id, str) else m.id[0]
        for a in AREAS
        for m in _po(a)
        if m.id and (m.string if isinstance(m.string, str) else all(m.string)) and not m.fuzzy
    }
    untranslated = sorted(msgid for msgid in _extracted(area) if msgid not in translated)
    assert not untranslated, f"{area}: translate {untranslated}"


@pytest.mark.parametrize("area", AREAS)
def test_translations_keep_every_placeholder(area):
    wrong = [
        m.id
        for m in _po(area)
        if m.id
        and m.string
        and isinstance(m.id, str)
        and isinstance(m.string, str)
        and set(PLACEHOLDER.findall(m.id)) != set(PLACEHOLDER.findall(m.string))
    ]
    assert not wrong, f"{area}: placeholders differ in {wrong}"


@pytest.mark.parametrize("area", AREAS)
def test_compiled_catalogue_matches_the_po_file(area):
    folder = TRANSLATIONS / area / "id" / "LC_MESSAGES"
    with open(folder / "messages.mo", "rb") as fh:
        compiled = {_key(m.id): _key(m.string) for m in read_mo(fh) if m.id and m.string}
    source = {_key(m.id): _key(m.string) for m in _po(area) if m.id and m.string and not m.fuzzy}
    assert compiled == source, f"run: pybabel compile -d webapp/translations/{area}"


def test_areas_agree_on_shared_strings():
    """Flask-Babel merges the catalogues, so one English string must read the same everywhere."""
    seen: dict[str, tuple[str, str]] = {}
    clashes = []
    for area in AREAS:
        for m in _po(area):
            if not (m.id and isinstance(m.id, str) and m.string):
                continue
            first = seen.setdefault(m.id, (area, m.string))
            if first[1] != m.string:
                clashes.append(f"{m.id!r}: {first[0]} {first[1]!r} / {area} {m.string!r}")
    assert not clashes, "translate shared strings alike: " + "; ".join(clashes)


def test_pages_speak_indonesian_by_default_and_english_on_request(client):
    page = client.get("/masuk").get_data(as_text=True)
    assert "Kata sandi" in page
    assert 'lang="id"' in page
    page = client.get("/masuk?lang=en").get_data(as_text=True)
    assert "Password" in page
    assert 'lang="en"' in page
    page = client.get("/katalog").get_data(as_text=True)  # the choice sticks for the session
    assert "Product catalogue" in page


def test_signed_in_user_gets_the_language_of_their_account(client, login):
    from tests import factories as f

    user = f.make_user("facilitator", language="en")
    login(user)
    assert "My account" in client.get("/akun").get_data(as_text=True)


def _covered(path: Path) -> bool:
    for area in EXTRACTING:
        for line in (TRANSLATIONS / area / "sources.txt").read_text().split():
            source = ROOT / line
            if path == source or source in path.parents:
                return True
    return False


def test_every_file_with_translatable_strings_belongs_to_an_area():
    """A file no area extracts from is never checked: its strings could stay English."""
    marker = re.compile(r"""(?<![\w.])(?:_|_l|gettext|lazy_gettext|ngettext)\(\s*['"]""")
    files = [*(ROOT / "webapp").rglob("*.py"), *(ROOT / "webapp" / "templates").rglob("*.html")]
    orphans = sorted(
        str(p.relative_to(ROOT))
        for p in files
        if "migrations" not in p.parts and marker.search(p.read_text()) and not _covered(p)
    )
    assert not orphans, f"add to an area's sources.txt: {orphans}"


INLINE_LABELS = re.compile(r"\{\s*'[a-z_]+'\s*:\s*_\(")


def test_templates_name_codes_from_the_one_vocabulary():
    """A template names a state, kind, role or status with the ``named`` filter (or one of
    the filters built on :mod:`webapp.labels`), never with a dict of its own: a page and an
    email must not call the same thing two names."""
    own = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "webapp" / "templates").rglob("*.html"))
        if INLINE_LABELS.search(path.read_text(encoding="utf-8"))
    ]
    assert not own, f"label dicts in {own}: use webapp/labels.py"


def test_every_vocabulary_names_every_code_of_its_model():
    from webapp import labels, models
    from webapp.models import rounds as rounds_models

    for codes, vocabulary in [
        (models.PROPOSAL_STATES, labels.STATE_LABELS),
        (models.PROPOSAL_KINDS, labels.KIND_LABELS),
        (rounds_models.ROUND_STATUSES, labels.ROUND_STATUS_LABELS),
        (models.LISTING_STATUSES, labels.LISTING_STATUS_LABELS),
        (models.LISTING_KINDS, labels.LISTING_KIND_LABELS),
        (models.DECLINE_REASONS, labels.DECLINE_LABELS),
        (models.CURATION_STATUSES, labels.CURATION_LABELS),
        (models.ROLES, labels.ROLE_LABELS),
        (rounds_models.RESPONSES, labels.RESPONSE_LABELS),
    ]:
        assert set(codes) <= set(vocabulary), sorted(set(codes) - set(vocabulary))
