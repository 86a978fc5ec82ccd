from tests.factories import make_certificate, make_listing, make_pesantren, make_user
from webapp.models import Listing, db


def test_factories_build_a_consistent_network(app):
    pesantren = make_pesantren("3529")
    make_listing(pesantren, "offer", "ikan-asin")
    make_certificate(pesantren)
    officer = make_user("officer", pesantren)
    db.session.commit()
    assert officer.pesantren.region_types == ["island", "coastal_fisheries"]
    assert db.session.scalar(db.select(db.func.count()).select_from(Listing)) == 1
