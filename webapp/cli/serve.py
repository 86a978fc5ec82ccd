"""``opop-match serve``: the web application."""

from __future__ import annotations

import click
from flask import current_app
from werkzeug.serving import run_simple
from flask.cli import with_appcontext


@click.command()
@with_appcontext
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--debug/--no-debug", default=False)
def serve(host: str, port: int, debug: bool) -> None:
    """Serve the web application (a development-grade server; use a WSGI server in production)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    app.debug = debug
    click.echo(f"OPOP Match at http://{host}:{port}/ (Ctrl+C to stop)")
    run_simple(host, port, app, threaded=True, use_debugger=debug, use_reloader=False)


COMMANDS = [serve]
