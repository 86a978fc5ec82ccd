"""The market-gap page: summaries by product, kabupaten and region type, drill-down rows a page
at a time, the export of what is shown, and bad parameters answered without a crash."""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pandas as pd
import pytest

from tests.webapp.facilitator_data import build_network, stored_round
from webapp.views.facilitator import gaps as gaps_view

# The small network's unmet demand after its round (values at the buyers' ceilings):
# susu sapi 300 liter Tuban (coastal) Rp 2.700.000; beras medium 100 kg Bondowoso (highland),
# kopi bubuk 10 kg Tuban (coastal), terasi 20 kg Surabaya (urban) Rp 1.300.000 each;
# ikan asin 20 kg Batu (highland) Rp 1.200.000; keripik apel 10 kg Sumenep (coastal) Rp 1.150.000.


@pytest.fixture
def net(app):
    net = build_network()
    stored_round(net)
    return net


@pytest.fixture
def page(client, login, net):
    login(net.facilitator)

    def get(query: str = "", status: int = 200) -> str:
        response = client.get("/fasilitator/kesenjangan" + query)
        assert response.status_code == status
        return response.get_data(as_text=True)

    return get


def _text(cell: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", cell).split())


def _rows(html: str) -> list[list[str]]:
    """The cells of the page's table body, as text."""
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    return [
        [_text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def _csv(client, query: str) -> list[dict[str, str]]:
    response = client.get("/fasilitator/kesenjangan.csv" + query)
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def test_summary_by_product_is_the_default_largest_value_first_with_the_totals(page):
    html = page()
    rows = _rows(html)
    assert [r[0] for r in rows] == [
        "Susu sapi",
        "Beras medium",
        "Kopi bubuk",
        "Terasi",
        "Ikan asin",
        "Keripik apel",
    ]
    assert rows[0] == ["Susu sapi", "1", "300 liter", "Rp 2.700.000"]
    assert "6 celah, 6 kebutuhan belum terpenuhi, Rp 8.950.000 per bulan." in html
    assert 'href="/fasilitator/kesenjangan?by=product&amp;product=susu-sapi"' in html


def test_summary_by_region_type_adds_values_and_keeps_units_apart(page):
    rows = _rows(page("?by=region_type&lang=en"))
    assert rows == [
        ["Coastal fisheries", "3", "300 liter 20 kg", "Rp 5,150,000"],
        ["Highland agriculture", "2", "120 kg", "Rp 2,500,000"],
        ["Urban", "1", "20 kg", "Rp 1,300,000"],
    ]


def test_summary_by_kabupaten_drills_down_to_that_kabupatens_rows(page):
    html = page("?by=kabupaten")
    assert _rows(html)[0] == ["Kabupaten Tuban", "2", "300 liter 10 kg", "Rp 4.000.000"]
    assert 'href="/fasilitator/kesenjangan?by=kabupaten&amp;kabupaten=3523"' in html
    drill = page("?by=kabupaten&kabupaten=3523")
    assert [(r[0], r[2]) for r in _rows(drill)] == [
        ("Susu sapi", "Kabupaten Tuban"),
        ("Kopi bubuk", "Kabupaten Tuban"),
    ]
    assert "Kabupaten / kota: <b>Kabupaten Tuban</b>" in drill
    assert "2 celah, 2 kebutuhan belum terpenuhi, Rp 4.000.000 per bulan." in drill
    assert 'href="/fasilitator/kesenjangan?by=kabupaten">Semua celah pasar' in drill


def test_drill_down_pages_keep_the_filters_and_clamp_bad_page_numbers(page, monkeypatch):
    monkeypatch.setattr(gaps_view, "ROWS_PER_PAGE", 1)
    coastal = "?region_type=coastal_fisheries"
    first = page(coastal)
    assert [r[0] for r in _rows(first)] == ["Susu sapi"]
    assert "1 / 3" in first
    assert (
        'href="/fasilitator/kesenjangan?page=2&amp;by=product&amp;region_type=coastal_fisheries"'
        in first
    )
    assert [r[0] for r in _rows(page(coastal + "&page=2"))] == ["Kopi bubuk"]
    last = page(coastal + "&page=99")
    assert [r[0] for r in _rows(last)] == ["Keripik apel"]
    assert "3 / 3" in last
    assert 'rel="next"' not in last
    for bad in ("abc", "-4", "0", ""):
        assert [r[0] for r in _rows(page(coastal + "&page=" + bad))] == ["Susu sapi"]


def test_summary_pages_too(page, monkeypatch):
    monkeypatch.setattr(gaps_view, "GROUPS_PER_PAGE", 4)
    second = page("?by=product&page=2")
    assert [r[0] for r in _rows(second)] == ["Ikan asin", "Keripik apel"]
    assert 'href="/fasilitator/kesenjangan?page=1&amp;by=product"' in second
    # the totals count every group, not only this page's
    assert "6 celah" in second


def test_the_language_switch_keeps_the_filters_and_the_page(page):
    html = page("?region_type=coastal_fisheries&page=2")
    here = "/fasilitator/kesenjangan"
    assert f'href="{here}?region_type=coastal_fisheries&amp;page=2&amp;lang=en"' in html
    english = page("?region_type=coastal_fisheries&page=2&lang=en")
    assert "Region type: <b>Coastal fisheries</b>" in english
    assert f'href="{here}?region_type=coastal_fisheries&amp;page=2&amp;lang=id"' in english


def test_export_of_a_filtered_view_holds_its_rows_only(client, page):
    html = page("?region_type=coastal_fisheries")
    assert 'href="/fasilitator/kesenjangan.csv?region_type=coastal_fisheries"' in html
    rows = _csv(client, "?region_type=coastal_fisheries")
    assert sorted(r["product"] for r in rows) == ["keripik-apel", "kopi-bubuk", "susu-sapi"]
    assert {r["region_type"] for r in rows} == {"coastal_fisheries"}
    both = _csv(client, "?region_type=coastal_fisheries&kabupaten=3523")
    assert sorted(r["product"] for r in both) == ["kopi-bubuk", "susu-sapi"]
    book = openpyxl.load_workbook(
        io.BytesIO(client.get("/fasilitator/kesenjangan.xlsx?product=susu-sapi").data)
    )
    values = [[c.value for c in row] for row in book.active.iter_rows()]
    assert len(values) == 2
    assert values[1][:6] == [
        "susu-sapi",
        "Susu sapi",
        "coastal_fisheries",
        "3523",
        "Kabupaten Tuban",
        300,
    ]
    # unfiltered (the page's own links with no drill-down): everything
    assert len(_csv(client, "")) == 6
    assert 'href="/fasilitator/kesenjangan.csv"' in page()


def test_an_unknown_grouping_is_a_400_that_says_so_and_still_shows_the_summary(page):
    html = page("?by=berat&lang=en", status=400)
    assert "Unknown grouping “berat”" in html
    assert [r[0] for r in _rows(html)][:1] == ["Susu sapi"]
    indonesian = page("?by=berat&lang=id", status=400)
    assert "Pengelompokan “berat” tidak dikenal" in indonesian


def test_a_drill_down_that_matches_nothing_says_so(client, page):
    html = page("?product=tidak-ada")
    assert "Tidak ada celah pasar yang cocok dengan pilihan ini." in html
    assert "0 celah" in html
    assert _csv(client, "?product=tidak-ada") == []


def test_summarise_gaps_on_an_empty_frame_has_no_groups():
    empty = pd.DataFrame(
        columns=["product", "product_name", "base_unit", "unmet_quantity", "unmet_value", "needs"]
    )
    assert gaps_view.summarise_gaps(empty, "product").empty
