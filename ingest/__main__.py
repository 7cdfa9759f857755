"""Run the ingest command: `python -m ingest` is `python -m data.ingest`."""

import sys

from ingest.cli import main

sys.exit(main())
