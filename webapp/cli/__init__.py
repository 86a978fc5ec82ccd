"""The ``opop-match`` command: one click group, one sub-command (or group) per job."""

from __future__ import annotations

import click
from flask.cli import FlaskGroup

from .. import create_app
from . import data as data_commands
from . import db as db_commands
from . import match as match_commands
from . import report as report_commands
from . import serve as serve_commands
from . import users as user_commands


def _create_app() -> object:
    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=False)
def main() -> None:
    """OPOP Match: inter-pesantren trade matching for East Java's OPOP programme."""


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
