"""Row check of where each cluster is: coordinates as given, or a city + country to geocode."""

from collections.abc import Callable

import pandas as pd

from data.checks import Check, problem_lines

NO_COORDINATES = "no coordinates"
NO_PLACE = "coordinates or city + country are required"
UNRESOLVED = "unresolved"
# (city, ISO2) rows -> lat, lon, region_code, region_name, geocode_quality, geocode_note.
Geocoder = Callable[[pd.Series, pd.Series], pd.DataFrame]
GEOCODED_COLUMNS = ("lat", "lon", "region_code", "region_name", "geocode_quality")


def check_places(
    text: pd.DataFrame, placed: dict[str, pd.Series], iso: pd.Series, *, geocode: Geocoder | None
) -> Check:
    """Require coordinates or city + country; geocode the latter when a geocoder is given.

    `placed` holds the parsed lat, lon and geocode_quality of the rows that gave coordinates;
    `iso` the resolved country codes. Rows the geocoder cannot place are rejected with its note.
    """
    unplaced = text["lat"].isna() & text["lon"].isna()
    has_place = text["city"].notna() & (text["country_code"].notna() | text["country"].notna())
    found = [problem_lines(unplaced & ~has_place, "lat", text["lat"], NO_PLACE)]
    wanted = unplaced & has_place
    if geocode is None:
        return Check(problems=[*found, problem_lines(wanted, "lat", text["lat"], NO_COORDINATES)])
    # Rows whose country is unknown are rejected by the country check; nothing to look up.
    todo = wanted & iso.notna()
    result = geocode(text.loc[todo, "city"], iso[todo]).reindex(text.index)
    failed = todo & (result["geocode_quality"] == UNRESOLVED)
    found.append(problem_lines(failed, "city", text["city"], result["geocode_note"]))
    values = {
        column: placed.get(column, pd.Series(pd.NA, index=text.index, dtype="string"))
        .astype(result[column].dtype if column in ("lat", "lon") else "string")
        .mask(todo, result[column])
        for column in GEOCODED_COLUMNS
    }
    note = result["geocode_note"].where(todo & ~failed).astype("string")
    return Check({**values, "geocode_note": note.where(note != "")}, found)
