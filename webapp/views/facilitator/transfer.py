"""Spreadsheet import and export in the browser.

Upload → preview (the import service's dry run: the same row-level report as the CLI,
nothing written) → confirm (validated again, then written all-or-nothing). The uploaded file
waits in the instance folder under a random token, never in the session cookie; confirming
or a newer upload removes it, and files older than a day are swept.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from pathlib import Path
from typing import Any

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...spreadsheets import export as exporting
from ...spreadsheets import service as importing
from ...spreadsheets.columns import USER_KINDS
from . import bp

__all__ = ["upload_dir"]

SUFFIXES = (".csv", ".xlsx")
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
MAX_AGE_S = 24 * 3600
#: Changed rows the preview page lists (each with every field that changes).
MAX_SHOWN_CHANGES = 500


def upload_dir() -> Path:
    # INSTANCE_PATH in the config (tests give each app its own) wins over Flask's folder.
    base = current_app.config.get("INSTANCE_PATH") or current_app.instance_path
    path = Path(base) / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _sweep(folder: Path) -> None:
    cutoff = time.time() - MAX_AGE_S
    for item in folder.iterdir():
        if item.stat().st_mtime < cutoff:
            item.unlink(missing_ok=True)


def _kind_labels() -> dict[str, str]:
    return {
        "pesantren": _("Pesantren"),
        "offers": _("Offers"),
        "needs": _("Needs"),
        "certificates": _("Certificates"),
    }


@bp.get("/data")
def transfer() -> str:
    return render_template(
        "facilitator/transfer.html", kinds=USER_KINDS, kind_labels=_kind_labels(), report=None
    )


@bp.post("/data/unggah")
def upload() -> Any:
    kind = request.form.get("kind", "")
    upload = request.files.get("file")
    if kind not in USER_KINDS:
        flash(_("Choose what the file contains."), "error")
        return redirect(url_for(".transfer"))
    if upload is None or not upload.filename:
        flash(_("Choose a .csv or .xlsx file to upload."), "error")
        return redirect(url_for(".transfer"))
    filename = Path(upload.filename).name
    suffix = Path(filename).suffix.lower()
    if suffix not in SUFFIXES:
        flash(_("%(name)s: only .csv and .xlsx files can be imported.", name=filename), "error")
        return redirect(url_for(".transfer"))
    folder = upload_dir()
    _sweep(folder)
    token = secrets.token_urlsafe(24)
    path = folder / f"{token}{suffix}"
    upload.save(path)
    (folder / f"{token}.json").write_text(
        json.dumps(
            {"kind": kind, "filename": filename, "user_id": current_user.id, "suffix": suffix}
        )
    )
    report = importing.import_file(kind, path, filename, dry_run=True)
    if not report.ok:
        _discard(folder, token)
        token = ""
    return render_template(
        "facilitator/transfer.html",
        kinds=USER_KINDS,
        kind_labels=_kind_labels(),
        report=report,
        token=token,
        kind=kind,
        max_shown=MAX_SHOWN_CHANGES,
    )


def _discard(folder: Path, token: str) -> None:
    for item in folder.glob(f"{token}.*"):
        item.unlink(missing_ok=True)


@bp.post("/data/konfirmasi")
def confirm() -> Any:
    token = request.form.get("token", "")
    if not _TOKEN.match(token):
        abort(400)
    folder = upload_dir()
    meta_path = folder / f"{token}.json"
    if not meta_path.exists():
        flash(_("That upload has expired or was already imported; upload the file again."), "error")
        return redirect(url_for(".transfer"))
    meta = json.loads(meta_path.read_text())
    if meta.get("user_id") != current_user.id:
        abort(404)
    path = folder / f"{token}{meta['suffix']}"
    report = importing.import_file(meta["kind"], path, meta["filename"], dry_run=False)
    _discard(folder, token)
    if report.ok:
        flash(
            _(
                "%(file)s imported: %(created)s created, %(updated)s updated, %(unchanged)s "
                "unchanged.",
                file=meta["filename"],
                created=report.created,
                updated=report.updated,
                unchanged=report.unchanged,
            ),
            "info",
        )
        return redirect(url_for(".transfer"))
    return render_template(
        "facilitator/transfer.html",
        kinds=USER_KINDS,
        kind_labels=_kind_labels(),
        report=report,
        token="",
        kind=meta["kind"],
        max_shown=MAX_SHOWN_CHANGES,
    )


@bp.get("/data/unduh/<kind>.<fmt>")
def download(kind: str, fmt: str) -> Response:
    if kind not in USER_KINDS or fmt not in exporting.EXPORT_FORMATS:
        abort(404)
    data = exporting.export_bytes(kind, fmt)
    return Response(
        data,
        mimetype=exporting.MIMETYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{kind}.{fmt}"'},
    )
