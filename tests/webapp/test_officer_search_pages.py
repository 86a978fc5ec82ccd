"""Supplier search a buyer can use: every match a page at a time with the true total, sorted
and filtered as asked, the whole result as CSV / XLSX, and why a result ranks above a nearer
or cheaper one."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pytest

from tests import factories as f
from tests.webapp.officer_data import build_network

#: Suppliers of ikan asin beyond the network's two (Sumenep and Tuban).
EXTRA = 45
TOTAL = EXTRA + 2


@pytest.fixture
def net(app):
    from webapp.models import db

    network = build_network()
    for i in range(EXTRA):
        supplier = f.make_pesantren(
            "3578",
            name=f"Pondok Uji {i:02d}",
            latitude=-7.2575 + 0.01 * i,
            curation_status="export_ready" if i % 5 == 0 else "registered",
        )
        f.make_listing(
            supplier,
            "offer",
            "ikan-asin",
            quantity=Decimal(100 + 10 * i),
            price=Decimal(40000 + 300 * ((i * 7) % EXTRA)),
        )
    db.session.commit()
    return network


def _page(client, **query):
    response = client.get("/cari", query_string={"q": "ikan-asin", **query})
    return response, response.get_data(as_text=True)


def _names(page: str) -> list[str]:
    return re.findall(r'<span class="rank">\d+</span> <a href="[^"]+">([^<]+)</a>', page)


def _csv(client, **query) -> list[dict[str, str]]:
    response = client.get("/cari/pemasok.csv", query_string={"q": "ikan-asin", **query})
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def _number(text: str) -> float:
    return float(text) if text else float("nan")


def test_the_page_says_the_true_total_and_pages_through_every_supplier(client, login, net):
    login(net.officer_a)
    response, page = _page(client)
    assert response.status_code == 200
    assert f"{TOTAL} pemasok, 1–20" in page
    assert f'<span class="count">{TOTAL}</span>' in page
    assert len(_names(page)) == 20
    seen = list(_names(page))
    for number in (2, 3):
        _, later = _page(client, page=number)
        seen += _names(later)
    assert f"{TOTAL} pemasok, 41–{TOTAL}" in later
    assert len(seen) == TOTAL
    assert len(set(seen)) == TOTAL  # no supplier twice, none left out


def test_the_pager_keeps_every_query_parameter(client, login, net):
    login(net.officer_a)
    _, page = _page(client, quantity="50", order="price", lang="id", page=2)
    nav = page[page.index('<nav class="pager"') :]
    nav = nav[: nav.index("</nav>")]
    links = [link.replace("&amp;", "&") for link in re.findall(r'href="([^"]+)"', nav)]
    assert any("page=1" in link for link in links)
    assert any("page=3" in link for link in links)
    for link in links:
        assert "q=ikan-asin" in link
        assert "quantity=50" in link
        assert "order=price" in link
    assert "2 / 3" in nav


@pytest.mark.parametrize(
    "page_arg", ["99999999999999999999", "-3", "0", "abc", "1e9", "", "٣", "2.5"]
)
def test_garbage_or_out_of_range_pages_clamp(client, login, net, page_arg):
    login(net.officer_a)
    response, page = _page(client, page=page_arg)
    assert response.status_code == 200
    assert re.search(rf"{TOTAL} pemasok, (1–20|41–{TOTAL})", page)


def test_a_huge_page_shows_the_last_page(client, login, net):
    login(net.officer_a)
    _, page = _page(client, page="99999999999999999999")
    assert f"{TOTAL} pemasok, 41–{TOTAL}" in page


@pytest.mark.parametrize(
    ("order", "column", "descending"),
    [
        ("price", "Harga", False),
        ("price_desc", "Harga", True),
        ("distance", "Jarak (km)", False),
        ("quantity", "Tersedia per bulan", True),
        ("quantity_asc", "Tersedia per bulan", False),
        ("score", "Skor", True),
    ],
)
def test_each_order_sorts_the_whole_result(client, login, net, order, column, descending):
    login(net.officer_a)
    rows = _csv(client, order=order)
    assert len(rows) == TOTAL
    values = [_number(r[column]) for r in rows]
    assert values == sorted(values, reverse=descending)
    # the page shows the first twenty of that same order
    _, page = _page(client, order=order)
    assert _names(page) == [r["Pesantren"] for r in rows[:20]]


def test_the_sort_select_offers_every_order_and_keeps_the_choice(client, login, net):
    login(net.officer_a)
    _, page = _page(client, order="quantity_asc")
    select = page[page.index('name="order"') :]
    select = select[: select.index("</select>")]
    for value in ("score", "price", "price_desc", "distance", "quantity", "quantity_asc"):
        assert f'value="{value}"' in select
    assert re.search(r'<option selected value="quantity_asc"|value="quantity_asc" selected', select)


def test_without_a_pesantren_there_is_no_distance_order(client, login, net):
    login(net.facilitator)
    response, page = _page(client)
    assert response.status_code == 200
    assert 'value="distance"' not in page
    response, _ = _page(client, order="distance")
    assert response.status_code == 400


@pytest.mark.parametrize(
    "query",
    [{"order": "cheapest; DROP TABLE"}, {"order": "x" * 500}, {"curation": "royal"}],
)
def test_garbage_order_or_curation_answers_400(client, login, net, query):
    login(net.officer_a)
    response, _ = _page(client, **query)
    assert response.status_code == 400


def test_the_curation_filter_keeps_only_those_suppliers(client, login, net):
    login(net.officer_a)
    rows = _csv(client, curation="export_ready")
    assert len(rows) == len(range(0, EXTRA, 5))
    assert {r["Status kurasi"] for r in rows} == {"Siap ekspor"}
    _, page = _page(client, curation="export_ready")
    assert f"{len(rows)} pemasok, 1–{len(rows)}" in page
    assert "Pondok Bahari Sumenep" not in page


def test_the_certificate_filter_applies_to_every_page_and_the_export(client, login, net):
    login(net.officer_a)
    rows = _csv(client, certs="halal")
    assert [r["Pesantren"] for r in rows] == ["Pondok Bahari Sumenep"]
    assert rows[0]["Sertifikat"] == "Halal"


def test_the_xlsx_export_holds_every_row_as_numbers(client, login, net):
    from openpyxl import load_workbook

    login(net.officer_a)
    response = client.get("/cari/pemasok.xlsx", query_string={"q": "ikan-asin", "order": "price"})
    assert response.status_code == 200
    assert "opop-pemasok-ikan-asin.xlsx" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    header, *rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert header[:3] == ["Peringkat", "Pesantren", "Kabupaten / kota"]
    assert len(rows) == TOTAL
    price = header.index("Harga")
    prices = [r[price] for r in rows]
    assert all(isinstance(p, int | float) for p in prices)
    assert prices == sorted(prices)
    assert [r[0] for r in rows] == list(range(1, TOTAL + 1))


def test_the_export_makes_formulas_inert(client, login, net):
    from openpyxl import load_workbook

    from webapp.models import db

    net.c.name = '=HYPERLINK("http://evil","klik")'
    db.session.commit()
    login(net.officer_a)
    rows = _csv(client)
    assert '\'=HYPERLINK("http://evil","klik")' in [r["Pesantren"] for r in rows]
    response = client.get("/cari/pemasok.xlsx", query_string={"q": "ikan-asin"})
    cells = [c for row in load_workbook(io.BytesIO(response.get_data())).active.iter_rows()
             for c in row]  # fmt: skip
    evil = [c for c in cells if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert evil
    assert all(c.data_type == "s" and c.value.startswith("'") for c in evil)


def test_an_export_or_sheet_without_a_valid_search_goes_back_to_the_search(client, login, net):
    login(net.officer_a)
    assert client.get("/cari/pemasok.csv?q=xyzzy+sepatu").status_code == 302
    assert client.get("/cari/pemasok.xlsx?q=ikan-asin&order=bogus").status_code == 302
    assert client.get("/cari/pemasok.pdf?q=ikan-asin").status_code == 404
    assert client.get("/cari/lembar.pdf?q=ikan-asin&page=abc&order=bogus").status_code == 302


def test_the_print_sheet_honours_the_filters(client, login, net, monkeypatch):
    import webapp.sheets as sheets

    seen = {}

    def fake_sheet(product, rows, *, conditions, public_url, language):
        seen["rows"], seen["conditions"] = rows, dict(conditions)
        return b"%PDF-1.4"

    monkeypatch.setattr(sheets, "supplier_sheet", fake_sheet)
    login(net.officer_a)
    response = client.get(
        "/cari/lembar.pdf", query_string={"q": "ikan-asin", "curation": "export_ready",
                                          "order": "price", "page": "2"},
    )  # fmt: skip
    assert response.status_code == 200
    prices = [float(r["price"]) for r in seen["rows"]]
    assert len(prices) == len(range(0, EXTRA, 5))  # every page, only that status
    assert prices == sorted(prices)
    assert seen["conditions"]["Status kurasi"] == "Siap ekspor"
    assert seen["conditions"]["Urutkan menurut"] == "Termurah dulu"


def test_a_result_above_a_nearer_or_cheaper_one_says_why_in_both_languages(app, client, login):
    from webapp.models import db

    buyer = f.make_pesantren("3578", name="Pondok Pembeli")
    # near and cheap but small; far, dearer, enough and halal
    near = f.make_pesantren("3578", name="Pondok Dekat", latitude=-7.26)
    far = f.make_pesantren("3529", name="Pondok Jauh")
    f.make_listing(near, "offer", "ikan-asin", quantity=Decimal("20"), price=Decimal("42000"))
    f.make_listing(far, "offer", "ikan-asin", quantity=Decimal("900"), price=Decimal("48000"))
    f.make_certificate(far, "ikan-asin", "halal")
    officer = f.make_user("officer", buyer, email="beli@example.org", password="sandi-beli-1")
    db.session.commit()
    login(officer)
    _, page = _page(client, quantity="500")
    assert _names(page) == ["Pondok Jauh", "Pondok Dekat"]
    assert "Peringkat di atas Pondok Dekat (lebih dekat: " in page
    assert "lebih murah: Rp 42.000/kg" in page
    assert "jumlahnya mencukupi" in page
    _, english = _page(client, quantity="500", lang="en")
    assert "Ranked above Pondok Dekat (nearer: " in english
    assert "2 suppliers, 1–2" in english
    assert "enough quantity" in english
    # sorted by price the order itself says it: no such reason
    _, cheap = _page(client, quantity="500", order="price", lang="id")
    assert _names(cheap) == ["Pondok Dekat", "Pondok Jauh"]
    assert "Peringkat di atas" not in cheap
    rows = _csv(client, quantity="500")
    assert rows[0]["Peringkat di atas"].startswith("Peringkat di atas Pondok Dekat")


def test_every_order_the_engine_knows_is_offered():
    from matcher.search import SEARCH_ORDERS
    from webapp.labels import ORDER_LABELS

    assert list(ORDER_LABELS) == list(SEARCH_ORDERS)


def test_choosing_among_ambiguous_products_keeps_the_other_parameters(client, login, net):
    login(net.officer_a)
    response, page = _page(
        client, q="beras", quantity="50", order="price", curation="curated_domestic"
    )
    assert response.status_code == 400
    links = [
        link.replace("&amp;", "&")
        for link in re.findall(r'href="(/cari\?[^"]+)"', page)
        if "beras-" in link
    ]
    assert len(links) == 2
    for link in links:
        assert "order=price" in link
        assert "curation=curated_domestic" in link
        assert "quantity=50" in link
