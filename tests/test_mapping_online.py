"""Tests of mapping.online with a fake geocoder and a fake clock: no request leaves the machine."""

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from geopy.exc import GeocoderTimedOut, GeocoderUnavailable

from mapping.online import CACHE_FILE, MAX_ERRORS_IN_ROW, USER_AGENT, OnlineGeocoder

PLACES = {  # (city, country_codes): (lat, lon, address)
    ("Lyon", "FR"): (45.7578, 4.8320, "Lyon, Métropole de Lyon, France"),
    ("Porto", "PT"): (41.1496, -8.6110, "Porto, Portugal"),
    ("Porto", "BR"): (-30.03, -51.23, "Porto Alegre, Brasil"),
}


@dataclass(frozen=True)
class Location:
    """The part of geopy's Location the module reads."""

    latitude: float
    longitude: float
    address: str


@dataclass
class FakeClock:
    """A clock that only moves when slept on (or when a request 'takes' time)."""

    now: float = 100.0
    sleeps: list[float] = field(default_factory=list)

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@dataclass
class FakeGeocoder:
    """Answer from PLACES, record every call; raise for cities listed in `failing`."""

    clock: FakeClock | None = None
    failing: set[str] = field(default_factory=set)
    calls: list[tuple[object, dict]] = field(default_factory=list)
    started: list[float] = field(default_factory=list)

    def geocode(self, query: object, **kwargs: object) -> Location | None:
        self.calls.append((query, kwargs))
        if self.clock is not None:
            self.started.append(self.clock())
            self.clock.now += 0.3  # the request itself takes a little time
        if query["city"] in self.failing:
            raise GeocoderUnavailable("Service not available")
        hit = PLACES.get((query["city"], kwargs["country_codes"]))
        return Location(*hit) if hit else None


def make(tmp_path: Path, fake: FakeGeocoder, clock: FakeClock | None = None) -> OnlineGeocoder:
    """Build an OnlineGeocoder on the fake that never really sleeps."""
    clock = clock or FakeClock()
    return OnlineGeocoder(cache_dir=tmp_path, geocoder=fake, sleep=clock.sleep, clock=clock)


def test_geocodes_each_distinct_pair_once_with_country_restriction(tmp_path: Path) -> None:
    fake = FakeGeocoder()
    city = pd.Series(["Lyon", " lyon", "Porto", "Porto", "LYON"], index=[10, 11, 12, 13, 14])
    result = make(tmp_path, fake).geocode_frame(city, pd.Series(["FR", "fr", "PT", "BR", "FR"]))
    assert list(result.columns) == ["lat", "lon", "geocode_quality", "geocode_note"]
    assert list(result.index) == [10, 11, 12, 13, 14]
    assert fake.calls == [
        ({"city": "Lyon"}, {"exactly_one": True, "country_codes": "FR"}),
        ({"city": "Porto"}, {"exactly_one": True, "country_codes": "PT"}),
        ({"city": "Porto"}, {"exactly_one": True, "country_codes": "BR"}),
    ]
    assert result.loc[11, ["lat", "lon"]].tolist() == [45.7578, 4.8320]
    assert result.loc[13, "lat"] == -30.03
    assert set(result["geocode_quality"]) == {"online"}
    assert result.loc[10, "geocode_note"] == 'online: "Lyon, Métropole de Lyon, France"'


def test_miss_is_unresolved_with_nan_and_a_reason(tmp_path: Path) -> None:
    geocoder = make(tmp_path, FakeGeocoder())
    result = geocoder.geocode_frame(pd.Series(["Atlantis"]), pd.Series(["GR"]))
    assert result.loc[0, "geocode_quality"] == "unresolved"
    assert math.isnan(result.loc[0, "lat"]) and math.isnan(result.loc[0, "lon"])
    assert result.loc[0, "geocode_note"] == 'online geocoder found no place called "Atlantis" in GR'


@pytest.mark.parametrize(
    ("city", "country", "note"),
    [
        ("", "FR", "no city given"),
        (None, "FR", "no city given"),
        ("Lyon", None, 'no ISO2 country code to restrict the search for "Lyon"'),
        ("Lyon", "France", 'no ISO2 country code to restrict the search for "Lyon"'),
    ],
)
def test_unusable_rows_are_not_sent(
    tmp_path: Path, city: object, country: object, note: str
) -> None:
    fake = FakeGeocoder()
    frame = make(tmp_path, fake).geocode_frame(pd.Series([city]), pd.Series([country]))
    assert frame.loc[0, "geocode_note"] == note and frame.loc[0, "geocode_quality"] == "unresolved"
    assert fake.calls == []


def test_cache_persists_hits_and_misses_across_instances(tmp_path: Path) -> None:
    city, country = pd.Series(["Lyon", "Atlantis"]), pd.Series(["FR", "GR"])
    first = make(tmp_path, FakeGeocoder())
    expected = first.geocode_frame(city, country)
    assert first.requests_made == 2 and (tmp_path / CACHE_FILE).is_file()
    second_fake = FakeGeocoder()
    second = make(tmp_path, second_fake)
    pd.testing.assert_frame_equal(second.geocode_frame(city, country), expected)
    assert second.requests_made == 0 and second_fake.calls == []


def test_errors_are_reported_and_not_cached(tmp_path: Path) -> None:
    city, country = pd.Series(["Lyon", "Porto"]), pd.Series(["FR", "PT"])
    failing = make(tmp_path, FakeGeocoder(failing={"Lyon"}))
    result = failing.geocode_frame(city, country)
    assert result.loc[0, "geocode_quality"] == "unresolved" and math.isnan(result.loc[0, "lat"])
    note = result.loc[0, "geocode_note"]
    assert note == "online geocoder unavailable: GeocoderUnavailable: Service not available"
    assert result.loc[1, "geocode_quality"] == "online"
    retry = FakeGeocoder()
    again = make(tmp_path, retry).geocode_frame(city, country)
    assert [query["city"] for query, _ in retry.calls] == ["Lyon"]
    assert again["geocode_quality"].tolist() == ["online", "online"]


def test_stops_asking_after_errors_in_a_row(tmp_path: Path) -> None:
    names = [f"Town{i}" for i in range(MAX_ERRORS_IN_ROW + 2)]
    fake = FakeGeocoder(failing=set(names))
    geocoder = make(tmp_path, fake)
    result = geocoder.geocode_frame(pd.Series(names), pd.Series(["FR"] * len(names)))
    assert geocoder.requests_made == MAX_ERRORS_IN_ROW
    assert (
        result["geocode_note"]
        .iloc[-1]
        .endswith(f"not asked after {MAX_ERRORS_IN_ROW} errors in a row")
    )
    assert (result["geocode_quality"] == "unresolved").all()


def test_timeout_counts_as_an_error(tmp_path: Path) -> None:
    class Slow:
        def geocode(self, query: object, **kwargs: object) -> None:
            raise GeocoderTimedOut("read timed out")

    result = make(tmp_path, Slow()).geocode_frame(pd.Series(["Lyon"]), pd.Series(["FR"]))
    assert result.loc[0, "geocode_note"].startswith("online geocoder unavailable: GeocoderTimedOut")


def test_requests_are_at_least_min_delay_apart(tmp_path: Path) -> None:
    clock = FakeClock()
    fake = FakeGeocoder(clock=clock)
    names = ["Lyon", "Porto", "Atlantis", "Nowhere"]
    make(tmp_path, fake, clock).geocode_frame(pd.Series(names), pd.Series(["FR"] * 4))
    assert len(fake.started) == 4
    assert np.all(np.diff(fake.started) >= 1.0 - 1e-9)
    # Each call took 0.3 s of the fake clock, so only the remainder was slept.
    assert clock.sleeps == pytest.approx([0.7, 0.7, 0.7])


def test_no_sleep_when_enough_time_has_passed(tmp_path: Path) -> None:
    clock = FakeClock()
    geocoder = make(tmp_path, FakeGeocoder(), clock)
    geocoder.geocode_frame(pd.Series(["Lyon"]), pd.Series(["FR"]))
    clock.now += 5
    geocoder.geocode_frame(pd.Series(["Porto"]), pd.Series(["PT"]))
    assert clock.sleeps == []


def test_default_geocoder_is_nominatim_with_our_user_agent(tmp_path: Path) -> None:
    geocoder = OnlineGeocoder(cache_dir=tmp_path)
    assert geocoder._geocoder is None  # built lazily: constructing makes no request either
    nominatim = geocoder.geocoder
    assert type(nominatim).__name__ == "Nominatim"
    assert nominatim.headers["User-Agent"] == USER_AGENT
    assert USER_AGENT.startswith("cluster-atlas/") and "python-geopy" in USER_AGENT
    assert geocoder.geocoder is nominatim


def test_empty_input_gives_empty_frame(tmp_path: Path) -> None:
    fake = FakeGeocoder()
    result = make(tmp_path, fake).geocode_frame(
        pd.Series([], dtype=object), pd.Series([], dtype=object)
    )
    assert result.empty and list(result.columns) == [
        "lat",
        "lon",
        "geocode_quality",
        "geocode_note",
    ]
    assert fake.calls == []
