"""Optional online geocoding (OpenStreetMap Nominatim via geopy) for rows the gazetteer missed.

Nothing here runs unless the caller constructs an ``OnlineGeocoder``: the app is offline by
default. Nominatim's usage policy (https://operations.osmfoundation.org/policies/nominatim/)
asks for at most one request per second, an identifying user agent and caching of results, so:

- each distinct (city, ISO2) pair is looked up once, restricted to that country;
- consecutive requests start at least ``min_delay_seconds`` apart;
- answers, including "not found", persist in an sqlite file under ``cache_dir``; errors
  (timeouts, service unavailable) are never cached, so a later run retries them.

Unanswered rows keep NaN coordinates and say why: never a guessed point.
"""

import contextlib
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from data.errors import AtlasError
from data.text import normalise_key
from mapping.gazetteer import as_text

# Keep the version in step with pyproject.toml.
USER_AGENT = "cluster-atlas/0.1.0 (offline-first cluster mapping dashboard; python-geopy)"
CACHE_FILE = "online_geocode.sqlite"
OUTPUT_COLUMNS = ["lat", "lon", "geocode_quality", "geocode_note"]
REQUEST_TIMEOUT_SECONDS = 10
# A service that failed this many times in a row is down (or blocking us): asking it about the
# remaining pairs would only add a timeout each, so they are reported unanswered instead.
MAX_ERRORS_IN_ROW = 3
_SCHEMA = """CREATE TABLE IF NOT EXISTS answers (
    city_key TEXT NOT NULL, country_code TEXT NOT NULL,
    lat REAL, lon REAL, address TEXT, queried_at TEXT NOT NULL,
    PRIMARY KEY (city_key, country_code))"""


@dataclass(frozen=True)
class Answer:
    """What is known about one (city, country) pair; NaN coordinates when unresolved."""

    lat: float = np.nan
    lon: float = np.nan
    note: str = ""

    @property
    def quality(self) -> str:
        """Return the geocode_quality of this answer."""
        return "online" if np.isfinite(self.lat) else "unresolved"


class OnlineGeocoder:
    """Geocode (city, ISO2) pairs with Nominatim: rate-limited, cached, country-restricted."""

    def __init__(
        self,
        *,
        cache_dir: Path,
        geocoder: object | None = None,
        min_delay_seconds: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.cache_path = Path(cache_dir).expanduser() / CACHE_FILE
        self.min_delay_seconds = min_delay_seconds
        self.requests_made = 0
        self._geocoder = geocoder
        self._sleep, self._clock = sleep, clock
        self._last_request: float | None = None
        self._errors_in_row = 0

    @property
    def geocoder(self) -> object:
        """Return the geocoder, building geopy's Nominatim on first use (no request made)."""
        if self._geocoder is None:
            try:
                from geopy.geocoders import Nominatim
            except ImportError as error:
                raise AtlasError("online geocoding needs geopy: pip install geopy") from error
            self._geocoder = Nominatim(user_agent=USER_AGENT, timeout=REQUEST_TIMEOUT_SECONDS)
        return self._geocoder

    def geocode_frame(self, city: pd.Series, country_code: pd.Series) -> pd.DataFrame:
        """Geocode (city, ISO2) rows online; rows left unresolved keep NaN and say why."""
        cities = as_text(city)
        codes = np.array([code.upper() for code in as_text(country_code)], dtype=object)
        keys = np.array([normalise_key(name) for name in cities], dtype=object)
        # Work on distinct pairs: exports repeat the same cities many times.
        pair_of_row, pairs = pd.MultiIndex.from_arrays([keys, codes]).factorize()
        first_row = np.unique(pair_of_row, return_index=True)[1]
        self._errors_in_row = 0
        with self._cache() as cache:
            answers = [
                self._answer(key, iso2, cities[row], cache=cache)
                for (key, iso2), row in zip(pairs, first_row, strict=True)
            ]
        return _frame(answers).iloc[pair_of_row].set_axis(city.index)

    @contextlib.contextmanager
    def _cache(self) -> Iterator[sqlite3.Connection]:
        """Open the answer cache, creating its folder and table when needed."""
        self.cache_path.parent.mkdir(parents=True, exist_ok=True)
        # A generous timeout: several app workers may write to the same file.
        connection = sqlite3.connect(self.cache_path, timeout=30)
        try:
            with connection:
                connection.execute(_SCHEMA)
            yield connection
        finally:
            connection.close()

    def _answer(self, key: str, iso2: str, city: str, *, cache: sqlite3.Connection) -> Answer:
        """Answer one pair from the cache, else from the service (caching what it says)."""
        if not key:
            return Answer(note="no city given")
        if len(iso2) != 2 or not iso2.isalpha():
            return Answer(note=f'no ISO2 country code to restrict the search for "{city}"')
        row = cache.execute(
            "SELECT lat, lon, address FROM answers WHERE city_key = ? AND country_code = ?",
            (key, iso2),
        ).fetchone()
        if row is not None:
            return _cached_answer(row, city=city, iso2=iso2)
        found, error = self._request(city, iso2)
        if error is not None:
            return Answer(note=f"online geocoder unavailable: {error}")
        _store(cache, key, iso2, found)
        return _cached_answer(_as_row(found), city=city, iso2=iso2)

    def _request(self, city: str, iso2: str) -> tuple[object | None, str | None]:
        """Ask the service about one city in one country; return (location, error text)."""
        if self._errors_in_row >= MAX_ERRORS_IN_ROW:
            return None, f"not asked after {MAX_ERRORS_IN_ROW} errors in a row"
        self._wait_turn()
        self.requests_made += 1
        try:
            found = self.geocoder.geocode({"city": city}, exactly_one=True, country_codes=iso2)
        except (OSError, *_service_errors()) as error:
            self._errors_in_row += 1
            return None, f"{type(error).__name__}: {error}"
        self._errors_in_row = 0
        return found, None

    def _wait_turn(self) -> None:
        """Sleep until min_delay_seconds have passed since the previous request started."""
        if self._last_request is not None:
            wait = self._last_request + self.min_delay_seconds - self._clock()
            if wait > 0:
                self._sleep(wait)
        self._last_request = self._clock()


def _service_errors() -> tuple[type[Exception], ...]:
    """Return geopy's service error types (none when geopy is absent and a fake is used)."""
    try:
        from geopy.exc import GeocoderServiceError
    except ImportError:
        return ()
    return (GeocoderServiceError,)


def _as_row(found: object | None) -> tuple[float | None, float | None, str | None]:
    """Return the (lat, lon, address) cache row of a geopy Location, all None for a miss."""
    if found is None:
        return None, None, None
    return float(found.latitude), float(found.longitude), str(found.address)


def _store(cache: sqlite3.Connection, key: str, iso2: str, found: object | None) -> None:
    """Cache one answer (a hit or a miss) at once, so an interrupted run keeps its progress."""
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    with cache:
        cache.execute(
            "INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?, ?)",
            (key, iso2, *_as_row(found), stamp),
        )


def _cached_answer(row: tuple, *, city: str, iso2: str) -> Answer:
    """Turn a cache row into an Answer with its note."""
    lat, lon, address = row
    if lat is None or lon is None:
        return Answer(note=f'online geocoder found no place called "{city}" in {iso2}')
    return Answer(lat=float(lat), lon=float(lon), note=f'online: "{address}"')


def _frame(answers: list[Answer]) -> pd.DataFrame:
    """Return one output row per answer."""
    return pd.DataFrame(
        {
            "lat": np.array([answer.lat for answer in answers], dtype=float),
            "lon": np.array([answer.lon for answer in answers], dtype=float),
            "geocode_quality": [answer.quality for answer in answers],
            "geocode_note": [answer.note for answer in answers],
        },
        columns=OUTPUT_COLUMNS,
    )
