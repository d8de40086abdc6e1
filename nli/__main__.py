"""``python -m nli`` runs the command line."""

from nli.cli import main

main()
