"""The ingest command: `python -m data.ingest INPUT -o OUT.csv [--rejects R.csv] [...]`.

It lives here, above data/ and mapping/, because it geocodes and places rows; data/ingest.py
keeps its arguments and its output and hands `python -m data.ingest` over to `main`.
"""

import argparse
from collections.abc import Mapping, Sequence

from data.errors import AtlasError
from data.ingest import build_parser, print_error, print_report, progress_bar, write_outputs
from ingest.pipeline import IngestOptions, ingest_file
from settings import Settings, load_settings


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    try:
        # Only the cache folder comes from the environment (CLUSTER_ATLAS_CACHE), read by
        # settings.py like every setting; the command's flags come first.
        options = ingest_options(args, load_settings([], environ))
        with progress_bar(args.input) as progress:
            result = ingest_file(args.input, options=options, progress=progress)
        write_outputs(result, output=args.output, rejects=args.rejects)
    except AtlasError as error:
        print_error(error)
        return 1
    print_report(result)
    return 0


def ingest_options(args: argparse.Namespace, settings: Settings) -> IngestOptions:
    """Return the placement options of the command: its flags, else the settings' cache."""
    return IngestOptions(
        online=args.online, nuts=args.nuts, cache_dir=args.cache_dir or settings.cache_dir
    )
