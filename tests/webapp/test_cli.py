"""The opop-match commands: seed, import, export, user create, demo."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from tests.conftest import SEED_DIR
from webapp import create_app, migrate
from webapp.cli import main
from webapp.cli import serve as serve_module
from webapp.config import DEFAULTS
from webapp.models import Listing, MatchRound, Pesantren, User, db
from webapp.password_links import RESET, send_link
from webapp.report.links import external_url
from webapp.seed import SEED_FILES


@pytest.fixture
def small_seed(tmp_path):
    """The real catalogue with the first eight seed pesantren and their listings."""
    folder = tmp_path / "seed"
    folder.mkdir()
    keep: set[str] = set()
    for kind, name in SEED_FILES:
        with (SEED_DIR / name).open(encoding="utf-8-sig", newline="") as f:
            rows = list(csv.DictReader(f))
        if kind == "pesantren":
            rows = rows[:8]
            keep = {r["nspp"] for r in rows}
        elif "nspp" in rows[0]:
            rows = [r for r in rows if r["nspp"] in keep]
        with (folder / name).open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return folder


def _count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_seed_command_loads_and_reports_and_a_rerun_changes_nothing(cli, small_seed):
    result = cli("seed", "--path", str(small_seed))
    assert result.exit_code == 0, result.output
    assert "pesantren: 8 baris: 8 dibuat" in result.output
    listings = _count(Listing)
    assert listings > 0
    again = cli("seed", "--path", str(small_seed))
    assert "pesantren: 8 baris: 0 dibuat, 0 diperbarui, 8 tidak berubah" in again.output
    assert _count(Listing) == listings


def test_seed_command_with_a_missing_folder_fails_clearly(cli, tmp_path):
    result = cli("seed", "--path", str(tmp_path / "nowhere"))
    assert result.exit_code != 0
    assert "no seed data found" in result.output


def test_import_dry_run_then_import_then_export(cli, small_seed, tmp_path):
    cli("seed", "--path", str(small_seed))
    nspp = db.session.scalar(select(Pesantren.nspp).order_by(Pesantren.nspp).limit(1))
    path = tmp_path / "kebutuhan.csv"
    path.write_text(f"NSPP,Produk,Jumlah,Satuan,Harga Maksimal\n{nspp},gereh,1.250,Kg,55.000\n")
    before = _count(Listing)

    dry = cli("import", "needs", str(path), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "akan dibuat" in dry.output
    assert "baris 2:" in dry.output
    assert _count(Listing) == before

    real = cli("import", "needs", str(path))
    assert real.exit_code == 0, real.output
    need = db.session.scalar(
        select(Listing).join(Pesantren).where(Pesantren.nspp == nspp, Listing.kind == "need")
        .where(Listing.product.has(slug="ikan-asin"))
    )  # fmt: skip
    assert float(need.quantity) == 1250.0

    out = tmp_path / "needs.xlsx"
    exported = cli("export", "needs", str(out))
    assert exported.exit_code == 0, exported.output
    assert out.stat().st_size > 0
    assert "Exported" in exported.output


def test_import_with_a_bad_row_exits_non_zero_and_names_row_and_column(cli, small_seed, tmp_path):
    cli("seed", "--path", str(small_seed))
    path = tmp_path / "offers.csv"
    path.write_text("nspp,product,quantity,unit,price\n512035999999,gereh,10,kg,1000\n")
    before = _count(Listing)
    result = cli("import", "offers", str(path))
    assert result.exit_code == 1
    assert "baris 2, kolom nspp" in result.output
    assert "tidak ada yang diimpor" in result.output
    assert _count(Listing) == before


def test_export_refuses_an_unknown_format(cli, tmp_path):
    result = cli("export", "offers", str(tmp_path / "offers.ods"))
    assert result.exit_code != 0
    assert ".csv or .xlsx" in result.output


def test_user_create_officer_bound_to_a_pesantren(cli, small_seed):
    cli("seed", "--path", str(small_seed))
    nspp = db.session.scalar(select(Pesantren.nspp).limit(1))
    result = cli(
        "user", "create", "--email", "Pengadaan@Example.org", "--role", "officer",
        "--pesantren", nspp, "--password", "rahasia-sekali", "--language", "en",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User))
    assert (user.email, user.role, user.pesantren.nspp, user.language) == (
        "Pengadaan@example.org", "officer", nspp, "en",
    )  # fmt: skip
    assert user.check_password("rahasia-sekali")


def test_user_create_prompts_for_the_password(cli):
    result = cli(
        "user", "create", "--email", "fasilitator@example.org", "--role", "facilitator",
        input="rahasia-sekali\nrahasia-sekali\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User.role)) == "facilitator"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "officer"], "an officer belongs to one pesantren"),
        (["--role", "officer", "--pesantren", "512035790009"], "no pesantren with NSPP"),
        (["--role", "admin", "--password", "short"], "at least 10 characters"),
    ],
)
def test_user_create_refuses_bad_input(cli, args, message):
    base = ["user", "create", "--email", "x@example.org"]
    if "--password" not in args:
        args = [*args, "--password", "rahasia-sekali"]
    result = cli(*base, *args)
    assert result.exit_code != 0
    assert message in result.output
    assert _count(User) == 0


def test_user_create_refuses_a_second_account_with_the_same_email(cli):
    args = [
        "user",
        "create",
        "--email",
        "a@example.org",
        "--role",
        "admin",
        "--password",
        "rahasia-sekali",
    ]
    assert cli(*args).exit_code == 0
    again = cli(*args)
    assert again.exit_code != 0
    assert "already exists" in again.output


def test_demo_sets_up_accounts_and_a_published_round_and_is_idempotent(app, cli, small_seed):
    app.config["SEED_PATH"] = str(small_seed)
    result = cli("demo", "--no-serve")
    assert result.exit_code == 0, result.output
    assert "officer@demo.opop-match.org" in result.output
    assert "password for all: opop-demo-2026" in result.output
    officer = db.session.scalar(select(User).where(User.role == "officer"))
    assert officer.pesantren is not None
    assert officer.check_password("opop-demo-2026")
    failed = db.session.scalar(select(MatchRound.error).where(MatchRound.status == "failed"))
    assert failed is None, f"the demo's match round failed: {failed}"
    assert _count(MatchRound, MatchRound.status == "published") == 1

    again = cli("demo", "--no-serve")
    assert again.exit_code == 0, again.output
    assert _count(User) == 3
    assert _count(MatchRound) == 1


def test_bench_command_runs_the_harness_and_passes_its_options(cli):
    result = cli(
        "bench", "--sizes", "40", "--baseline-max", "0", "--unpruned-max", "0", "--queries", "5"
    )
    assert result.exit_code == 0, result.output
    assert "| 40 | " in result.output


def test_bench_command_refuses_bad_sizes(cli):
    result = cli("bench", "--sizes", "many")
    assert result.exit_code != 0


def test_help_shows_only_this_projects_commands_and_options():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for flask_own in ("--app", "--env-file", "Flask", "limiter", "routes", "shell"):
        assert flask_own not in result.output
    for ours in ("demo", "seed", "import", "export", "match", "worker", "report", "user"):
        assert f"  {ours} " in result.output
    version = CliRunner().invoke(main, ["--version"])
    assert version.exit_code == 0
    assert version.output.startswith("OPOP Match ")
    assert "Flask" not in version.output


def test_upgrade_says_what_it_did(cli, tmp_path):
    fresh = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path}/new.sqlite3"})
    before, after = migrate.upgrade(fresh)
    assert before is None
    assert migrate.describe_upgrade(before, after) == f"Database created (schema {after})."
    assert migrate.upgrade(fresh) == (after, after)
    assert migrate.describe_upgrade(after, after) == f"Schema up to date ({after})."
    assert migrate.describe_upgrade("0004", "0005") == "Schema migrated from 0004 to 0005."
    result = cli("db", "upgrade")  # the test database, migrated already
    assert result.exit_code == 0
    assert "Schema up to date" in result.output


def test_demo_keeps_emails_in_an_outbox_when_no_mail_server_is_set(app, cli, small_seed):
    app.config["SEED_PATH"] = str(small_seed)
    result = cli("demo", "--no-serve")
    assert result.exit_code == 0, result.output
    outbox = app.config["MAIL_OUTBOX"]
    assert outbox.endswith("outbox")
    assert f"go to {outbox} as .eml files" in result.output
    officer = db.session.scalar(select(User).where(User.role == "officer"))
    before = set(Path(outbox).glob("*.eml"))
    assert send_link(officer, RESET) is None
    (written,) = set(Path(outbox).glob("*.eml")) - before
    assert written.name.endswith("officer@demo.opop-match.org.eml")
    assert b"/masuk/sandi-baru/" in written.read_bytes()


def test_serving_elsewhere_points_the_emails_links_there(app, cli, monkeypatch):
    app.config["BASE_URL"] = DEFAULTS["BASE_URL"]  # not configured: follow the server

    served = {}

    def fake_run(host, port, application, **_kwargs):
        with application.app_context():
            served["link"] = external_url("auth.login")
        served["where"] = (host, port)

    monkeypatch.setattr(serve_module, "run_simple", fake_run)
    result = cli("serve", "--port", "8123", "--no-worker")
    assert result.exit_code == 0, result.output
    assert served["where"] == ("127.0.0.1", 8123)
    assert served["link"] == "http://127.0.0.1:8123/masuk"
    assert "OPOP Match at http://127.0.0.1:8123/" in result.output


def test_a_terminated_server_stops_its_round_worker(app, cli, monkeypatch):
    """``kill`` (SIGTERM) stops the server as Ctrl+C does, and the worker with it: no round
    worker is left running on its own."""
    import os
    import signal

    from webapp import worker as worker_module

    class FakeWorker:
        stopped = False

        def terminate(self):
            FakeWorker.stopped = True

        def wait(self, timeout=None):
            return 0

    monkeypatch.setattr(worker_module, "spawn", lambda url: FakeWorker())

    def terminated(*_args, **_kwargs):
        os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setattr(serve_module, "run_simple", terminated)
    result = cli("serve", "--port", "8124")
    assert result.exit_code == 128 + signal.SIGTERM
    assert FakeWorker.stopped
    assert signal.getsignal(signal.SIGTERM) is not serve_module._exit_on_term  # restored


def test_demo_again_after_an_import_keeps_the_imported_values(app, cli, small_seed, tmp_path):
    app.config["SEED_PATH"] = str(small_seed)
    assert cli("demo", "--no-serve").exit_code == 0
    offer = db.session.scalar(
        select(Listing).where(Listing.kind == "offer").order_by(Listing.id).limit(1)
    )
    nspp, slug, unit = offer.pesantren.nspp, offer.product.slug, offer.product.base_unit
    path = tmp_path / "offers.csv"
    path.write_text(f"nspp,product,quantity,unit,price\n{nspp},{slug},777,{unit},12345\n")
    imported = cli("import", "offers", str(path))
    assert imported.exit_code == 0, imported.output

    again = cli("demo", "--no-serve")

    assert again.exit_code == 0, again.output
    db.session.expire_all()
    kept = db.session.get(Listing, offer.id)
    assert (float(kept.quantity), float(kept.price)) == (777.0, 12345.0)
    assert "offers: " in again.output
    assert "0 dibuat, 0 diperbarui" in again.output  # the CLI speaks the default language
