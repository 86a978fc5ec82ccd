"""The printable A4 sheets for expos: rendered to PDF, read back as text, rasterised to PNG
with pdftoppm, and their QR codes decoded from the picture."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from tests import factories as f
from tests.webapp.facilitator_data import build_network, stored_round
from webapp.models import MatchRound, db
from webapp.rounds import publish_round

PDFTOPPM = shutil.which("pdftoppm")


def pdf_text(pdf: bytes) -> str:
    """The sheet's text, each run of white space (line breaks in table cells) as one space."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def pdf_pages(pdf: bytes) -> list[tuple[float, float]]:
    return [
        (float(p.mediabox.width), float(p.mediabox.height))
        for p in PdfReader(io.BytesIO(pdf)).pages
    ]


def png_pages(pdf: bytes, out: Path, name: str) -> list[Path]:
    """The pages as PNG (100 dpi), as a printer would see them; kept in ``out`` to look at."""
    assert PDFTOPPM, "pdftoppm (poppler-utils) is needed: .ci/run installs it"
    source = out / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run([PDFTOPPM, "-r", "100", "-png", str(source), str(out / name)], check=True)
    return sorted(out.glob(f"{name}*.png"))


def qr_texts(png: Path) -> list[str]:
    return [code.text for code in zxingcpp.read_barcodes(Image.open(png))]


def _a4(pdf: bytes) -> None:
    for width, height in pdf_pages(pdf):
        assert (round(width), round(height)) == (595, 842)  # A4 in points


@pytest.fixture
def pondok(app):
    p = f.make_pesantren(
        "3529",
        name="Pondok Bahari Sumenep",
        contact_name="Ustadzah Aminah",
        whatsapp="6281234500001",
        email="bahari@example.org",
    )
    f.make_product(
        "ikan-asin",
        name_id="Ikan asin",
        name_en="Salted fish",
        price_min=40000.0,
        price_max=60000.0,
    )
    f.make_product("terasi", name_id="Terasi udang", name_en="Shrimp paste")
    f.make_listing(p, "offer", "ikan-asin")
    f.make_listing(p, "offer", "terasi")
    f.make_listing(p, "need", "beras-medium")
    f.make_certificate(p, "ikan-asin", "halal", number="ID35290000000000001")
    f.make_certificate(
        p,
        "terasi",
        "pirt",
        number="209352901234525",
        issued_on=dt.date(2020, 1, 1),
        expires_on=dt.date(2021, 1, 1),
    )
    db.session.commit()
    return p


def test_the_product_sheet_shows_offers_certificates_and_a_qr_code_to_the_profile(
    client, pondok, tmp_path
):
    response = client.get(f"/pesantren/{pondok.id}/lembar.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    pdf = response.get_data()
    _a4(pdf)
    text = pdf_text(pdf)
    assert "Pondok Bahari Sumenep" in text
    assert "Ikan asin" in text
    assert "Terasi udang" in text
    assert "ID35290000000000001" in text
    assert "kedaluwarsa" in text  # the P-IRT expired in 2021, and the sheet says so
    assert "Penawaran" in text  # Indonesian by default
    profile = f"http://opop.test/pesantren/{pondok.id}"
    assert profile in text
    pages = png_pages(pdf, tmp_path, "pesantren")
    assert pages
    assert qr_texts(pages[0]) == [profile]


def test_the_product_sheet_shows_contact_only_to_signed_in_users_as_the_profile_does(
    client, login, pondok
):
    visitor = pdf_text(client.get(f"/pesantren/{pondok.id}/lembar.pdf").get_data())
    assert "6281234500001" not in visitor
    assert "bahari@example.org" not in visitor
    assert "Ustadzah Aminah" not in visitor
    login(f.make_user("officer", f.make_pesantren("3579")))
    member = client.get(f"/pesantren/{pondok.id}/lembar.pdf")
    assert "no-store" in member.headers["Cache-Control"]  # it carries contact details
    text = pdf_text(member.get_data())
    assert "6281234500001" in text
    assert "bahari@example.org" in text


def test_the_product_sheet_is_in_english_when_the_reader_chose_english(client, pondok):
    text = pdf_text(client.get(f"/pesantren/{pondok.id}/lembar.pdf?lang=en").get_data())
    assert "Offers" in text
    assert "Salted fish" in text
    assert "Shrimp paste" in text
    assert "Penawaran" not in text


def test_the_profile_links_to_its_product_sheet(client, pondok):
    page = client.get(f"/pesantren/{pondok.id}").get_data(as_text=True)
    assert f"/pesantren/{pondok.id}/lembar.pdf" in page


def test_an_unknown_pesantren_has_no_sheet(client, app):
    assert client.get("/pesantren/999999/lembar.pdf").status_code == 404


# -- supplier-search result sheet ----------------------------------------------------------


def test_the_search_result_sheet_lists_the_suppliers_with_contact_and_a_qr_code(
    client, login, app, tmp_path
):
    net = build_network()
    login(net.officers["batu"])
    page = client.get("/cari?q=ikan+asin&quantity=100").get_data(as_text=True)
    assert "/cari/lembar.pdf?" in page
    response = client.get("/cari/lembar.pdf?q=ikan+asin&quantity=100")
    assert response.status_code == 200
    pdf = response.get_data()
    _a4(pdf)
    text = pdf_text(pdf)
    assert "Pemasok Ikan asin" in text
    assert "Pondok Bahari Sumenep" in text
    assert "Pondok Apel Batu" in text  # delivered to the officer's own pesantren
    assert net.pesantren["sumenep"].whatsapp in text
    target = "http://opop.test/pesantren?product=ikan-asin&kind=offer"
    pages = png_pages(pdf, tmp_path, "cari")
    assert qr_texts(pages[0]) == [target]


def test_a_search_sheet_without_a_valid_search_sends_back_to_the_search_page(client, login, app):
    net = build_network()
    login(net.officers["batu"])
    response = client.get("/cari/lembar.pdf?q=sepatu+roda&quantity=5")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/cari?")
    assert "q=sepatu+roda" in response.headers["Location"]


def test_visitors_get_no_search_sheet(client, app):
    response = client.get("/cari/lembar.pdf?q=ikan+asin")
    assert response.status_code == 302
    assert "/masuk" in response.headers["Location"] or "login" in response.headers["Location"]


# -- facilitator's match sheet ---------------------------------------------------------------


@pytest.fixture
def published(app):
    net = build_network()
    match_round = stored_round(net)
    publish_round(match_round, net.facilitator)
    db.session.commit()
    return net, match_round


def test_the_match_sheet_says_who_meets_whom_with_what_in_the_regency(
    client, login, published, tmp_path
):
    net, match_round = published
    login(net.facilitator)
    page = client.get(f"/fasilitator/putaran/{match_round.id}").get_data(as_text=True)
    assert f"/fasilitator/putaran/{match_round.id}/lembar-temu.pdf" in page
    response = client.get(
        f"/fasilitator/putaran/{match_round.id}/lembar-temu.pdf?kabupaten=3529&lang=en"
    )
    assert response.status_code == 200
    pdf = response.get_data()
    _a4(pdf)
    text = pdf_text(pdf)
    assert "Sumenep" in text
    # Sumenep's salted fish goes to Batu (the barter) and to Surabaya (the trade).
    assert (
        "Pondok Bahari Sumenep supplies 100 kg per month of Salted fish to Pondok Apel Batu" in text
    )
    assert (
        "Pondok Bahari Sumenep supplies 150 kg per month of Salted fish to Pondok Kota Surabaya"
        in text
    )
    assert (
        "Pondok Apel Batu supplies 50 kg per month of Apple chips to Pondok Bahari Sumenep" in text
    )
    assert "Pondok Kopi Ijen" not in text  # the coffee ring does not touch Sumenep
    png_pages(pdf, tmp_path, "temu")


def test_the_match_sheet_is_in_indonesian_by_default(client, login, published):
    net, match_round = published
    login(net.facilitator)
    pdf = client.get(
        f"/fasilitator/putaran/{match_round.id}/lembar-temu.pdf?kabupaten=3511"
    ).get_data()
    text = pdf_text(pdf)
    assert "Pondok Kopi Ijen memasok 40 kg per bulan Kopi bubuk kepada Pondok Terasi Tuban" in text


def test_the_latest_match_sheet_comes_from_the_latest_published_round(client, login, published):
    net, match_round = published
    login(net.facilitator)
    response = client.get("/fasilitator/lembar-temu.pdf?kabupaten=3579&lang=en")
    assert response.status_code == 200
    assert f"Round {match_round.id}" in pdf_text(response.get_data())


def test_a_match_sheet_needs_a_published_round_and_a_known_regency(client, login, app):
    net = build_network()
    draft = stored_round(net)
    login(net.facilitator)
    response = client.get(f"/fasilitator/putaran/{draft.id}/lembar-temu.pdf?kabupaten=3529&lang=en")
    assert response.status_code == 302
    page = client.get(f"/fasilitator/putaran/{draft.id}?lang=en").get_data(as_text=True)
    assert "this one is not published" in page
    publish_round(db.session.get(MatchRound, draft.id), net.facilitator)
    db.session.commit()
    response = client.get(f"/fasilitator/putaran/{draft.id}/lembar-temu.pdf?kabupaten=9999&lang=en")
    assert response.status_code == 302
    page = client.get(f"/fasilitator/putaran/{draft.id}?lang=en").get_data(as_text=True)
    assert "Choose a kabupaten / kota for the match sheet." in page


def test_only_facilitators_get_match_sheets(client, login, published):
    net, match_round = published
    url = f"/fasilitator/putaran/{match_round.id}/lembar-temu.pdf?kabupaten=3529"
    assert client.get(url).status_code == 302  # visitor: to the login page
    login(net.officers["sumenep"])
    assert client.get(url).status_code == 403
    assert client.get("/fasilitator/lembar-temu.pdf?kabupaten=3529").status_code == 403


def test_the_match_sheet_keeps_standing_proposals_of_earlier_rounds(client, login, published):
    net, first = published
    second = stored_round(net)  # the open proposals of the first round stand: not re-proposed
    publish_round(second, net.facilitator)
    db.session.commit()
    login(net.facilitator)
    response = client.get("/fasilitator/lembar-temu.pdf?kabupaten=3529&lang=en")
    text = pdf_text(response.get_data())
    assert f"Round {second.id}" in text
    assert (
        "Pondok Bahari Sumenep supplies 150 kg per month of Salted fish to Pondok Kota Surabaya"
        in text
    )
    assert f"from round {first.id}" in text
