"""The ingest command's options: its flags first, then the cache folder of the settings."""

from pathlib import Path

from data.ingest import build_parser
from ingest.cli import ingest_options
from settings import load_settings


def options(argv: list[str], environ: dict[str, str]):
    return ingest_options(build_parser().parse_args(argv), load_settings([], environ))


def test_cache_folder_comes_from_the_environment_through_the_settings(tmp_path: Path) -> None:
    environ = {"CLUSTER_ATLAS_CACHE": str(tmp_path / "env")}
    assert options(["in.csv", "-o", "out.csv"], environ).cache_dir == tmp_path / "env"
    given = options(["in.csv", "-o", "out.csv", "--cache-dir", str(tmp_path / "flag")], environ)
    assert given.cache_dir == tmp_path / "flag"


def test_only_the_cache_folder_comes_from_the_environment(tmp_path: Path) -> None:
    environ = {
        "CLUSTER_ATLAS_NUTS": str(tmp_path / "n.json"),
        "CLUSTER_ATLAS_ONLINE_GEOCODING": "on",
    }
    # The command has its own flags for these; the app's settings do not switch them on.
    chosen = options(["in.csv", "-o", "out.csv"], environ)
    assert (chosen.nuts, chosen.online) == (None, False)
    chosen = options(["in.csv", "-o", "o.csv", "--online", "--nuts", "n.json"], environ)
    assert (chosen.nuts, chosen.online) == (Path("n.json"), True)
