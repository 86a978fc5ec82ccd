"""gunicorn settings for OPOP Match: ``gunicorn -c python:webapp.gunicorn_conf 'webapp:create_app()'``.

Each worker builds the market it serves from (the process's cached market, its supplier
index, the facilitator's dashboard figures: :mod:`webapp.market_cache`) before it takes its
first request, so the first users after a start or a worker restart do not wait seconds for
it. Every other setting stays gunicorn's, or the command line's (``--workers``, ``--bind``).
"""

from __future__ import annotations

from typing import Any


def post_worker_init(worker: Any) -> None:
    """Warm the worker's market cache (gunicorn's hook, after the app is loaded)."""
    warm(worker.wsgi)


def warm(app: Any) -> None:
    """Build ``app``'s market cache now: the market, its supplier index and the figures the
    facilitator's dashboard and gap page derive from it. A database without the schema (a
    first start before ``opop-match db upgrade``) is left alone: the pages will say so."""
    from sqlalchemy.exc import SQLAlchemyError

    from . import network_overview
    from .market_cache import snapshot
    from .models import db

    with app.app_context():
        try:
            snapshot().index()
            network_overview.figures()
            network_overview.map_data()
            network_overview.trade_graph()
            network_overview.category_totals()
            network_overview.market_gaps()
        except SQLAlchemyError as exc:
            app.logger.warning("market cache not warmed: %s", exc)
        finally:
            db.session.remove()
