"""`python -m assistant` is the same as `sme-assistant`."""

from assistant.cli import main

main()
