"""``python -m webapp.cli``: the ``opop-match`` command (the demo starts its worker so)."""

from webapp.cli import main

main()
