"""The ``opop-match`` command: one click group, one sub-command (or group) per job.

A plain click group, not Flask's ``FlaskGroup``: ``--help`` lists this project's commands
and options only (no ``--app``/``--env-file``, no commands that extensions register for
``flask``), and ``--version`` names OPOP Match's version. Commands that need the app get it
through Flask's :class:`~flask.cli.ScriptInfo` (``with_appcontext``), as under ``flask``.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

import click
from flask.cli import ScriptInfo

from .. import create_app
from . import data as data_commands
from . import db as db_commands
from . import match as match_commands
from . import report as report_commands
from . import serve as serve_commands
from . import users as user_commands


def _create_app() -> object:
    return create_app()


def _version() -> str:
    try:
        return version("opop-match")
    except PackageNotFoundError:  # run from a source tree that is not installed
        return "unknown"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    _version(), "--version", "-V", prog_name="OPOP Match", message="%(prog)s %(version)s"
)
@click.pass_context
def main(ctx: click.Context) -> None:
    """OPOP Match: inter-pesantren trade matching for East Java's OPOP programme.

    Settings come from instance/opop.cfg and OPOP_* environment variables (README,
    Configuration); `opop-match demo` sets up and serves a demo on SQLite.
    """
    ctx.ensure_object(ScriptInfo)  # the tests pass their own app's
    if ctx.obj.create_app is None:
        ctx.obj.create_app = _create_app


main.add_command(db_commands.db)
for command in data_commands.COMMANDS:
    main.add_command(command)
main.add_command(user_commands.user)
for command in serve_commands.COMMANDS:
    main.add_command(command)
main.add_command(match_commands.match)
main.add_command(match_commands.worker)
main.add_command(match_commands.bench)
main.add_command(report_commands.report)
