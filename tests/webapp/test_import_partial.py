"""A re-import updates only what the file says: a column left out keeps every stored field,
a blank cell clears or keeps its field as the column reference says, and the preview lists
each field that changes, old → new, in the CLI and in the browser."""

from __future__ import annotations

import io
import math
import re

import pytest

from tests.webapp.spreadsheet_helpers import BATU_NSPP, SUMENEP_NSPP, make_network, write
from webapp.models import db
from webapp.spreadsheets import columns, export_frame, import_file
from webapp.spreadsheets.columns import CLEARS, KEEPS

PESANTREN_FULL = (
    "nspp,name,regency_code,address,latitude,longitude,region_types,santri_count,"
    "contact_name,whatsapp,email,language,curation_status\n"
    f"{SUMENEP_NSPP},Pondok Pesantren Nurul Huda,3529,Jl. Pantai 7,-7.01,113.86,"
    "coastal_fisheries;island,1550,Ustadz Hasan,0812-3456-7890,nurul@example.org,en,"
    "curated_domestic\n"
)
PESANTREN_REQUIRED = (
    "nspp,name,regency_code,latitude,longitude\n"
    f"{SUMENEP_NSPP},Pondok Pesantren Nurul Huda Sumenep,3529,-7.01,113.86\n"
)
LISTING_HEADER = (
    "nspp,product,quantity,unit,unit_size,period,price,min_lot,required_certs,"
    "available_from,available_until,status,last_confirmed,note"
)
OFFER_FULL = (
    f"{LISTING_HEADER}\n"
    f"{SUMENEP_NSPP},ikan-asin,100,karung,25,day,45000,50,halal,2026-01-01,2026-12-31,archived,"
    "2026-11-01,Kering dijemur\n"
)
NEED_FULL = (
    f"{LISTING_HEADER}\n"
    f"{BATU_NSPP},ikan-asin,4,karung,10,week,52000,10,halal;pirt,2026-02-01,2026-10-31,paused,"
    "2026-11-02,Untuk dapur santri\n"
)


@pytest.fixture
def network(app):
    make_network()


def _row(kind: str, **where: str) -> dict[str, object]:
    db.session.expire_all()
    frame = export_frame(kind)
    for column, value in where.items():
        frame = frame[frame[column] == value]
    assert len(frame) == 1, frame
    return {k: _plain(v) for k, v in frame.iloc[0].to_dict().items()}


def _plain(value: object) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return value


def _import(tmp_path, kind: str, text: str, name: str = "file.csv", **options):
    report = import_file(kind, write(tmp_path, name, text), **options)
    assert report.ok, [str(e) for e in report.errors]
    return report


# -- an absent column keeps the stored field -----------------------------------------------


def test_reimporting_a_pesantren_with_only_the_required_columns_changes_only_the_name(
    network, tmp_path
):
    _import(tmp_path, "pesantren", PESANTREN_FULL)
    before = _row("pesantren", nspp=SUMENEP_NSPP)
    report = _import(tmp_path, "pesantren", PESANTREN_REQUIRED, "again.csv")
    after = _row("pesantren", nspp=SUMENEP_NSPP)
    assert after == {**before, "name": "Pondok Pesantren Nurul Huda Sumenep"}
    assert after["santri_count"] == 1550
    assert after["region_types"] == "coastal_fisheries;island"
    assert (report.updated, report.unchanged) == (1, 0)
    [change] = report.changes
    assert [str(f) for f in change.fields] == [
        "name: Pondok Pesantren Nurul Huda → Pondok Pesantren Nurul Huda Sumenep"
    ]


def test_reimporting_offers_without_period_or_status_keeps_them_and_the_rest(network, tmp_path):
    _import(tmp_path, "offers", OFFER_FULL)
    before = _row("offers", nspp=SUMENEP_NSPP, product="ikan-asin")
    # No period, status, price, note, min_lot ... : only the quantity is the file's.
    text = f"nspp,product,quantity,unit\n{SUMENEP_NSPP},ikan-asin,120,karung\n"
    report = _import(tmp_path, "offers", text, "again.csv")
    after = _row("offers", nspp=SUMENEP_NSPP, product="ikan-asin")
    assert after == {**before, "quantity": 120}
    assert (after["period"], after["status"], after["note"]) == (
        "day",
        "archived",
        "Kering dijemur",
    )
    assert (after["min_lot"], after["price"], after["unit_size"]) == (50, 45000, 25)
    [change] = report.changes
    assert [str(f) for f in change.fields] == ["quantity: 100 → 120"]


def test_reimporting_needs_with_a_few_columns_keeps_ceiling_certificates_and_window(
    network, tmp_path
):
    _import(tmp_path, "needs", NEED_FULL)
    before = _row("needs", nspp=BATU_NSPP, product="ikan-asin")
    text = f"nspp,product,quantity,unit,note\n{BATU_NSPP},ikan-asin,5,karung,Untuk dapur\n"
    report = _import(tmp_path, "needs", text, "again.csv")
    after = _row("needs", nspp=BATU_NSPP, product="ikan-asin")
    assert after == {**before, "quantity": 5, "note": "Untuk dapur"}
    assert after["required_certs"] == "halal;pirt"
    assert (after["available_from"], after["available_until"]) == ("2026-02-01", "2026-10-31")
    assert {f.column for f in report.changes[0].fields} == {"quantity", "note"}


def test_an_identical_partial_file_changes_nothing(network, tmp_path):
    _import(tmp_path, "offers", OFFER_FULL)
    text = f"nspp,product,quantity,unit\n{SUMENEP_NSPP},ikan-asin,100,karung\n"
    report = _import(tmp_path, "offers", text, "again.csv")
    assert (report.updated, report.unchanged, report.changes) == (0, 1, [])


def test_a_new_listing_from_a_partial_file_gets_the_defaults_and_still_needs_a_price(
    network, tmp_path
):
    need = f"nspp,product,quantity,unit\n{SUMENEP_NSPP},teri-asin,30,kg\n"
    _import(tmp_path, "needs", need)
    row = _row("needs", nspp=SUMENEP_NSPP, product="teri-asin")
    assert (row["period"], row["status"], row["min_lot"], row["price"]) == (
        "month",
        "active",
        0,
        "",
    )
    offer = f"nspp,product,quantity,unit\n{SUMENEP_NSPP},teri-asin,30,kg\n"
    report = import_file("offers", write(tmp_path, "offer.csv", offer))
    assert [(e.row, e.column) for e in report.errors] == [(2, "price")]


# -- a blank cell clears or keeps, as the column reference says ----------------------------


def _blank_cases():
    for kind, full, where in (
        ("pesantren", PESANTREN_FULL, {"nspp": SUMENEP_NSPP}),
        ("offers", OFFER_FULL, {"nspp": SUMENEP_NSPP, "product": "ikan-asin"}),
        ("needs", NEED_FULL, {"nspp": BATU_NSPP, "product": "ikan-asin"}),
    ):
        for column in columns(kind):
            if column.required:
                continue
            if column.name == "unit_size" or (kind == "offers" and column.name == "price"):
                continue  # a karung needs its size, an offer a price: refused when blank
            yield pytest.param(kind, full, where, column, id=f"{kind}-{column.name}")


#: What a cleared field exports as (the rest export as an empty cell).
CLEARED = {"min_lot": 0}


@pytest.mark.parametrize(("kind", "full", "where", "column"), list(_blank_cases()))
def test_a_blank_cell_clears_or_keeps_the_field_as_the_column_reference_says(
    network, tmp_path, kind, full, where, column
):
    _import(tmp_path, kind, full)
    before = _row(kind, **where)
    header, line = full.strip().split("\n")
    names = header.split(",")
    cells = line.split(",")
    cells[names.index(column.name)] = ""
    _import(tmp_path, kind, f"{header}\n{','.join(cells)}\n", "blank.csv")
    after = _row(kind, **where)
    assert column.blank in (CLEARS, KEEPS)
    assert before[column.name] not in ("", 0)  # the full file sets every column
    if column.blank == KEEPS:
        assert after == before
    else:
        assert after == {**before, column.name: CLEARED.get(column.name, "")}


def test_a_blank_price_clears_a_needs_ceiling_but_is_refused_for_an_offer(network, tmp_path):
    _import(tmp_path, "needs", NEED_FULL)
    _import(tmp_path, "offers", OFFER_FULL)
    need = f"nspp,product,quantity,unit,price\n{BATU_NSPP},ikan-asin,4,karung,\n"
    _import(tmp_path, "needs", need, "need.csv")
    assert _row("needs", nspp=BATU_NSPP, product="ikan-asin")["price"] == ""
    offer = f"nspp,product,quantity,unit,price\n{SUMENEP_NSPP},ikan-asin,100,karung,\n"
    report = import_file("offers", write(tmp_path, "offer.csv", offer))
    assert [(e.row, e.column) for e in report.errors] == [(2, "price")]


def test_every_optional_column_says_whether_a_blank_clears_or_keeps():
    for kind in ("pesantren", "offers", "needs", "certificates"):
        for column in columns(kind):
            assert column.blank in (CLEARS, KEEPS), (kind, column.name)


def test_a_blank_expiry_clears_it_and_a_file_without_the_column_keeps_it(network, tmp_path):
    header = "nspp,product,kind,number,issued_on,expires_on"
    cert = f"{SUMENEP_NSPP},ikan-asin,pirt,5133522011295-25,2025-01-01"
    _import(tmp_path, "certificates", f"{header}\n{cert},2030-01-01\n")
    where = {"nspp": SUMENEP_NSPP, "number": "5133522011295-25"}
    _import(tmp_path, "certificates", f"{header.rsplit(',', 1)[0]}\n{cert}\n", "keep.csv")
    assert _row("certificates", **where)["expires_on"] == "2030-01-01"
    _import(tmp_path, "certificates", f"{header}\n{cert},\n", "clear.csv")
    assert _row("certificates", **where)["expires_on"] == ""


# -- the preview shows old → new ------------------------------------------------------------


def test_the_cli_dry_run_lists_every_field_that_changes_old_and_new(network, cli, tmp_path):
    _import(tmp_path, "pesantren", PESANTREN_FULL)
    text = (
        "nspp,name,regency_code,latitude,longitude,email,santri_count\n"
        f"{SUMENEP_NSPP},Pondok Pesantren Nurul Huda,3529,-7.01,113.86,baru@example.org,1600\n"
    )
    result = cli("import", "pesantren", str(write(tmp_path, "p.csv", text)), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "baris 2:" in result.output
    assert "email: nurul@example.org → baru@example.org" in result.output
    assert "santri_count: 1550 → 1600" in result.output
    assert "whatsapp" not in result.output  # not in the file: not changed, not listed
    assert _row("pesantren", nspp=SUMENEP_NSPP)["email"] == "nurul@example.org"


def test_the_browser_preview_lists_every_field_that_changes_old_and_new(app, client, login):
    from tests.factories import make_user

    make_network()
    facilitator = make_user("facilitator")
    db.session.commit()
    login(facilitator)
    data = {"kind": "pesantren", "file": (io.BytesIO(PESANTREN_FULL.encode()), "p.csv")}
    page = client.post("/fasilitator/data/unggah", data=data, content_type="multipart/form-data")
    token = re.search(r'name="token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    assert client.post("/fasilitator/data/konfirmasi", data={"token": token}).status_code == 302
    partial = (
        "nspp,name,regency_code,latitude,longitude,email\n"
        f"{SUMENEP_NSPP},Pondok Pesantren Nurul Huda,3529,-7.01,113.86,baru@example.org\n"
    )
    data = {"kind": "pesantren", "file": (io.BytesIO(partial.encode()), "p.csv")}
    page = client.post(
        "/fasilitator/data/unggah", data=data, content_type="multipart/form-data"
    ).get_data(as_text=True)
    table = page[page.index("report-changes") :]
    table = table[: table.index("</table>")]
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", table)
    assert cells == [
        "2",
        f"NSPP {SUMENEP_NSPP}",
        "email",
        "nurul@example.org",
        "baru@example.org",
    ]
    assert _row("pesantren", nspp=SUMENEP_NSPP)["email"] == "nurul@example.org"


def test_the_docs_column_reference_says_what_the_code_does_with_a_blank_cell():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "spreadsheets.md").read_text()
    for heading, kind in (
        ("## `pesantren`", "pesantren"),
        ("## `offers / needs`", "offers"),
        ("## `certificates`", "certificates"),
    ):
        section = text[text.index(heading) :].split("\n## ")[0]
        documented = dict(re.findall(r"^\| `(\w+)` \| [^|]* \| (\w+) \|", section, re.M))
        expected = {c.name: "refused" if c.required else c.blank for c in columns(kind)}
        assert documented == expected, kind
