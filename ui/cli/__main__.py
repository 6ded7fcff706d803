"""`python -m ui.cli` is the same as `sme-assistant`."""

from ui.cli import main

main()
