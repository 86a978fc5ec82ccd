from webapp.models import Pesantren, Regency, db


def _regency() -> Regency:
    return Regency(
        code="3579",
        name="Kota Batu",
        short_name="Batu",
        kind="kota",
        capital="Batu",
        latitude=-7.87,
        longitude=112.52,
        area_km2=199.1,
        population=215000,
        pesantren_count=20,
        region_types="highland_agriculture;urban",
    )


def test_directory_lists_pesantren_from_the_database(client):
    db.session.add(_regency())
    db.session.add(
        Pesantren(name="Pondok Apel Batu", regency_code="3579", latitude=-7.87, longitude=112.52)
    )
    db.session.commit()
    page = client.get("/pesantren").get_data(as_text=True)
    assert "Pondok Apel Batu" in page
    assert "1 pesantren" in page


def test_directory_hides_contact_details_from_visitors(client):
    db.session.add(_regency())
    db.session.add(
        Pesantren(
            name="Pondok X",
            regency_code="3579",
            latitude=-7.87,
            longitude=112.52,
            whatsapp="6281234567890",
            email="x@example.org",
        )
    )
    db.session.commit()
    pid = db.session.scalar(db.select(Pesantren.id))
    page = client.get(f"/pesantren/{pid}").get_data(as_text=True)
    assert "6281234567890" not in page
    assert "x@example.org" not in page
