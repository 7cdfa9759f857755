"""Every setting of Cluster Atlas, typed and documented, read from env vars and CLI in one place."""

import argparse
import os
from collections.abc import Mapping, Sequence
from dataclasses import Field, dataclass, field, fields, replace
from pathlib import Path

from analysis.specialisation import MIN_CLUSTERS
from data.datasets import Limits
from data.errors import SettingsError
from ingest.pipeline import IngestOptions

ROOT = Path(__file__).resolve().parent
DEMO_DATA_PATH = ROOT / "data" / "files" / "demo_clusters.csv"
ENV_PREFIX = "CLUSTER_ATLAS_"
# Relative to the user's home folder (resolved when asked: tests and users may change HOME).
DEFAULT_CACHE_DIR = Path(".cache") / "cluster-atlas"
DEFAULT_DATASETS_DIR = Path(".local") / "share" / "cluster-atlas" / "datasets"


def _setting(
    default: object, help_text: str, *, flag: str, bounds: tuple[int, int, str] | None = None
) -> object:
    # bounds of an int setting: (lowest, highest, what it is, for the error message).
    return field(default=default, metadata={"help": help_text, "flag": flag, "bounds": bounds})


@dataclass(frozen=True)
class Settings:
    """Settings of one app instance; tests build it directly, users via env vars or flags."""

    data: Path = _setting(
        DEMO_DATA_PATH,
        "Cluster records to serve (CSV, XLSX, GeoJSON or Parquet). Default: synthetic demo data.",
        flag="--data",
    )
    host: str = _setting("127.0.0.1", "Address the server listens on.", flag="--host")
    port: int = _setting(8050, "Port the server listens on.", flag="--port",
                         bounds=(1, 65535, "a port number"))  # fmt: skip
    nuts: Path | None = _setting(
        None,
        "NUTS GeoJSON (Eurostat Nuts2json, properties id and na) enabling NUTS-2 views. "
        "Off by default: NUTS boundaries cannot be shipped.",
        flag="--nuts",
    )
    tiles: str | None = _setting(
        None,
        "Opt-in raster tile URL template for a base map (e.g. https://…/{z}/{x}/{y}.png). "
        "Off by default: with it, the browser requests tiles from that server.",
        flag="--tiles",
    )
    cache: Path | None = _setting(
        None,
        "Folder for the gazetteer index, the served file's prepared records and filter indexes "
        "(memory-mapped by every worker) and the online-geocoding cache. "
        "Default: ~/.cache/cluster-atlas.",
        flag="--cache",
    )
    online_geocoding: bool = _setting(
        False,
        "Look up places the offline gazetteer cannot find on OpenStreetMap Nominatim "
        "(1 request/s, cached). Off by default: it sends city and country names over the internet.",
        flag="--online-geocoding",
    )
    star_min_clusters: int = _setting(
        MIN_CLUSTERS,
        "Specialisation: areas with fewer filtered clusters get no stars (and are not ranked "
        "for the size and focus stars).",
        flag="--star-min-clusters",
        bounds=(1, 100_000, "a number of clusters"),
    )
    max_upload_mb: int = _setting(
        50,
        "Largest file an upload may send, in MB (the page's drop zone and POST /api/datasets; "
        "a larger request is refused with 413).",
        flag="--max-upload-mb",
        bounds=(1, 1024, "a size in MB"),
    )
    data_dir: Path | None = _setting(
        None,
        "Folder where uploaded data sets are kept as files (share it between workers and "
        "machines). Default: ~/.local/share/cluster-atlas/datasets.",
        flag="--data-dir",
    )
    dataset_days: int = _setting(
        30,
        "Uploaded data sets not opened for this many days are removed.",
        flag="--dataset-days",
        bounds=(1, 36_500, "a number of days"),
    )
    datasets_mb: int = _setting(
        2048,
        "Largest total size of the kept uploads in MB; beyond it the least recently opened "
        "are removed.",
        flag="--datasets-mb",
        bounds=(1, 10_000_000, "a size in MB"),
    )
    debug: bool = _setting(False, "Dash debug mode (dev tools, hot reload).", flag="--debug")

    @property
    def cache_dir(self) -> Path:
        """Return the cache folder: `cache` when given, else ~/.cache/cluster-atlas."""
        return self.cache if self.cache is not None else Path.home() / DEFAULT_CACHE_DIR

    @property
    def datasets_dir(self) -> Path:
        """Return the uploads' folder: `data_dir` when given, else the default."""
        return self.data_dir if self.data_dir is not None else Path.home() / DEFAULT_DATASETS_DIR

    @property
    def dataset_limits(self) -> Limits:
        """Return how long and how much the uploads' folder keeps."""
        return Limits(max_age_days=self.dataset_days, max_total_mb=self.datasets_mb)

    @property
    def ingest_options(self) -> IngestOptions:
        """Return how the app's data file is geocoded and placed."""
        return IngestOptions(online=self.online_geocoding, nuts=self.nuts, cache_dir=self.cache_dir)

    @property
    def is_demo(self) -> bool:
        """Tell whether the synthetic demo data is being served."""
        return Path(self.data).resolve() == DEMO_DATA_PATH


def env_name(name: str) -> str:
    """Return the environment variable that sets the setting `name`."""
    return ENV_PREFIX + name.upper()


def _convert(spec: Field, text: str) -> object:
    name, kind = spec.name, spec.type
    if kind is bool:
        if text.lower() not in {"1", "true", "yes", "on", "0", "false", "no", "off", ""}:
            raise SettingsError(f"{env_name(name)} must be true or false, not {text!r}")
        return text.lower() in {"1", "true", "yes", "on"}
    if kind is int:
        low, high, what = spec.metadata["bounds"]
        if not text.isdigit() or not low <= int(text) <= high:
            raise SettingsError(f"{name} must be {what} ({low}-{high}), not {text!r}")
        return int(text)
    if kind in (Path, Path | None):
        return Path(text).expanduser() if text else None
    return text or None


def load_settings(
    argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Build Settings from defaults, then environment variables, then command-line flags."""
    environ = os.environ if environ is None else environ
    values: dict[str, object] = {}
    for spec in fields(Settings):
        if env_name(spec.name) in environ:
            values[spec.name] = _convert(spec, environ[env_name(spec.name)])
    args = _parser().parse_args(argv)
    for spec in fields(Settings):
        given = getattr(args, spec.name)
        if given is not None:
            values[spec.name] = given if spec.type is bool else _convert(spec, given)
    return replace(Settings(), **values)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="Serve the Cluster Atlas dashboard.")
    for spec in fields(Settings):
        help_text = f"{spec.metadata['help']} Env: {env_name(spec.name)}."
        if spec.type is bool:
            parser.add_argument(spec.metadata["flag"], action="store_true", default=None,
                                help=help_text)  # fmt: skip
        else:
            parser.add_argument(spec.metadata["flag"], dest=spec.name, help=help_text)
    return parser


def settings_table() -> str:
    """Return the Markdown table of every setting (the README's configuration section)."""
    rows = ["| flag | environment variable | default | meaning |", "|---|---|---|---|"]
    for spec in fields(Settings):
        default = spec.default
        if isinstance(default, Path):
            default = default.relative_to(ROOT).as_posix()
        shown = "—" if default is None else f"`{default}`"
        rows.append(
            f"| `{spec.metadata['flag']}` | `{env_name(spec.name)}` | {shown} | "
            f"{spec.metadata['help']} |"
        )
    return "\n".join(rows)


if __name__ == "__main__":
    print(settings_table())
