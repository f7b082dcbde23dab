"""``python -m ocop_cycle`` runs the ``ocop`` command line."""

from ocop_cycle.cli import main

main()
