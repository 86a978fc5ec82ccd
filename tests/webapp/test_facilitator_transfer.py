"""Spreadsheet import in the browser: preview with every row's error, nothing written until
confirmed; confirmation writes exactly the rows; downloads of the same kinds."""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from tests.webapp.facilitator_data import build_network
from webapp.models import Listing, Pesantren, db

GOOD = (
    "nspp,product,quantity,unit,period,price\n"
    "{batu},kopi-bubuk,20,kg,month,125000\n"
    "{sumenep},terasi,30,kg,month,55000\n"
)
BAD = (
    "nspp,product,quantity,unit,period,price\n"
    "{batu},kopi-bubuk,20,kg,month,125000\n"
    "{sumenep},bukan-produk,30,kg,month,55000\n"
    "{sumenep},terasi,-5,kg,month,55000\n"
    "999999999999,terasi,5,kg,month,55000\n"
)


@pytest.fixture
def net(app):
    return build_network()


def _csv(net, template: str) -> bytes:
    return template.format(
        batu=net.pesantren["batu"].nspp, sumenep=net.pesantren["sumenep"].nspp
    ).encode()


def _upload(client, data: bytes, name: str = "penawaran.csv", kind: str = "offers"):
    return client.post(
        "/fasilitator/data/unggah",
        data={"kind": kind, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def _offers() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).where(Listing.kind == "offer"))


def test_a_file_with_bad_rows_shows_each_rows_error_and_writes_nothing(client, login, net, app):
    login(net.facilitator)
    before = _offers()
    response = _upload(client, _csv(net, BAD))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    rows = re.findall(r"<tr><td>(\d+)</td>", page)
    assert {"3", "4", "5"} <= set(rows), rows  # each bad row named (header is row 1)
    assert "bukan-produk" in page
    assert "-5" in page
    assert "999999999999" in page
    assert 'name="token"' not in page  # nothing to confirm
    assert _offers() == before
    assert not list((Path(app.config["INSTANCE_PATH"]) / "uploads").glob("*.csv"))  # not kept


def test_a_good_file_is_previewed_then_written_with_exactly_its_rows(client, login, net):
    login(net.facilitator)
    before = _offers()
    page = _upload(client, _csv(net, GOOD)).get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    assert _offers() == before  # the preview wrote nothing
    response = client.post("/fasilitator/data/konfirmasi", data={"token": token})
    assert response.status_code == 302
    assert _offers() == before + 2
    kopi = db.session.scalar(
        select(Listing).where(
            Listing.pesantren_id == net.pesantren["batu"].id,
            Listing.kind == "offer",
            Listing.product.has(slug="kopi-bubuk"),
        )
    )
    assert float(kopi.quantity) == 20
    assert float(kopi.price) == 125000
    again = client.post(
        "/fasilitator/data/konfirmasi", data={"token": token}, follow_redirects=True
    )
    assert _offers() == before + 2  # a token works once
    assert again.status_code == 200


def test_another_facilitator_cannot_confirm_my_upload(client, login, net):
    login(net.facilitator)
    page = _upload(client, _csv(net, GOOD)).get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    login(net.admin)
    assert client.post("/fasilitator/data/konfirmasi", data={"token": token}).status_code == 404
    assert _offers() == 5


def test_an_xlsx_upload_is_read_like_a_csv(client, login, net):
    book = openpyxl.Workbook()
    sheet = book.active
    for line in _csv(net, GOOD).decode().splitlines():
        sheet.append(line.split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    login(net.facilitator)
    page = _upload(client, buffer.getvalue(), "penawaran.xlsx").get_data(as_text=True)
    assert 'name="token"' in page


def test_a_file_of_another_type_is_refused_with_a_message(client, login, net):
    login(net.facilitator)
    response = client.post(
        "/fasilitator/data/unggah",
        data={"kind": "offers", "file": (io.BytesIO(b"MZ"), "virus.exe")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert 'class="flash error"' in page
    assert "virus.exe" in page
    assert ".xlsx" in page
    assert _offers() == 5


def test_downloads_have_the_rows_of_each_kind(client, login, net):
    login(net.facilitator)
    text = client.get("/fasilitator/data/unduh/pesantren.csv").get_data().decode("utf-8-sig")
    assert net.pesantren["batu"].nspp in text
    assert "Pondok Kota Surabaya" in text
    book = openpyxl.load_workbook(io.BytesIO(client.get("/fasilitator/data/unduh/needs.xlsx").data))
    assert book.active.max_row == 1 + 7
    assert client.get("/fasilitator/data/unduh/users.csv").status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Pesantren)) == 5
