"""The page's map figure: the one builder behind the page and `/api/map.json`."""

import math
from collections.abc import Mapping
from dataclasses import replace
from typing import TypedDict

import plotly.graph_objects as go

from analysis.dataset import Dataset
from analysis.state import Page
from mapping import theme
from mapping.figures import EcosystemItems, ecosystem_items, make_cluster_map
from mapping.view import View, bounds, fit_view

# The view parameters (`/api/map.json`, and the view the page's map reports) and their
# ranges; `bounds` is the visible area west,south,east,north — not the `bbox` filter.
VIEW_RANGES = {"zoom": (0.0, 24.0), "lat": (-90.0, 90.0), "lon": (-180.0, 180.0)}
MAP_VIEW_PARAMS = (*VIEW_RANGES, "bounds")


class MapView(TypedDict, total=False):
    """A view asked for: any of zoom, centre and visible bounds (west, south, east, north)."""

    zoom: float
    lat: float
    lon: float
    bounds: tuple[float, float, float, float]


def make_page_map(
    page: Page, *, options: dict, view: MapView | None = None, follow: bool = True
) -> go.Figure:
    """Return the map the page draws for `page`, framed on its records, for `view`.

    Parameters
    ----------
    page:
        The resolved page state (filters, mode, colour) and its data set.
    options:
        The app's map settings: `countries_url`, and optionally `tiles`, `nuts`, `nuts_url`.
    view:
        What the map shows (parse_view): above the point bound the figure draws the points,
        or counts per cell, of that view rather than of the framing.
    follow:
        Centre the figure on `view` (the map API). The page's figure keeps the framing: the
        page leaves the camera to the user (callbacks.map.update_map), who may have moved on
        while the figure for the view reported was being built.
    """
    state, dataset, positions = page.state, page.dataset, page.positions
    lat, lon = dataset.lat[positions], dataset.lon[positions]
    framing = fit_view(lat, lon) or theme.EUROPE_VIEW
    shown = resolve_view(view or {}, framing=framing)
    # Ecosystem colours read every record's list: kept with the data set once made.
    items = _ecosystem_items(dataset) if state.color == "ecosystem" else None
    figure = make_cluster_map(dataset.records, positions=positions, view=shown,
                              color_by=state.color, mode=state.mode,
                              ecosystems=state.filters.ecosystem, ecosystem_items=items,
                              **options)  # fmt: skip
    if follow and view:
        framing = {"center": {"lat": shown.lat, "lon": shown.lon}, "zoom": shown.zoom}
    # The bounds let a map narrower than the one fit_view assumes (a phone) frame itself.
    meta = {**figure.layout.meta, "frame": bounds(lat, lon)}
    figure.update_layout(map=framing, uirevision=_revision(page), meta=meta)
    return figure


def resolve_view(view: MapView, *, framing: dict) -> View:
    """Return the view asked for, its missing parts taken from the bounds or the framing."""
    centred = {"lat", "lon"} <= view.keys()
    if "bounds" in view:
        shown = View.of_area(view["bounds"], zoom=view.get("zoom"))
        return replace(shown, lat=view["lat"], lon=view["lon"]) if centred else shown
    center = view if centred else framing["center"]
    return View.at(center["lat"], center["lon"], view.get("zoom", framing["zoom"]))


def page_view(page: Page, reported: Mapping | None) -> MapView | None:
    """Return the view the page's map reported, unless it belongs to other filters.

    The map reports its view (zoom, lat, lon, bounds) with the uirevision it was shown
    under: a view of other filters is stale (a new filter frames its records).
    """
    if not reported or reported.get("revision") != _revision(page):
        return None
    view, _ = parse_view(reported)
    return view


def parse_view(args: Mapping) -> tuple[MapView, list[str]]:
    """Return the zoom, lat, lon and bounds given in `args`, and notices of malformed ones."""
    view: MapView = {}
    notices: list[str] = []
    for name, (low, high) in VIEW_RANGES.items():
        text = str(args.get(name, "") or "").strip()
        if not text:
            continue
        value = _number(text)
        if low <= value <= high:
            view[name] = value
        else:
            notices.append(f'ignored {name} "{text[:60]}": not a number from {low:g} to {high:g}')
    text = str(args.get("bounds", "") or "").strip()
    if text:
        area = _area(text)
        if area is None:
            notices.append(f'ignored bounds "{text[:60]}": expected west,south,east,north '
                           "(degrees, west < east, south < north)")  # fmt: skip
        else:
            view["bounds"] = area
    return view, notices


def _number(text: str) -> float:
    """Return `text` as a number (NaN, which no range holds, when it is none)."""
    try:
        return float(text)
    except ValueError:
        return math.nan


def _area(text: str) -> tuple[float, float, float, float] | None:
    """Return west, south, east, north with west in -180..180, or None when malformed."""
    parts = [_number(part) for part in text.split(",")]
    if len(parts) != 4 or not all(math.isfinite(part) for part in parts):
        return None
    west, south, east, north = parts
    if not (-90 <= south < north <= 90 and west < east):
        return None
    # A map panned across the antimeridian reports longitudes past ±180: shift them back.
    shift = 360 * math.floor((west + 180) / 360)
    return (west - shift, south, min(east - shift, west - shift + 360), north)


def _ecosystem_items(dataset: Dataset) -> EcosystemItems:
    """Return the records' listed ecosystems as arrays, built once per data set."""
    return dataset.derived("map_ecosystems", lambda d: ecosystem_items(d.records["ecosystems"]))


def _revision(page: Page) -> str:
    """Return the map's uirevision: the user's pan and zoom survive until the data changes.

    A new filter frames its clusters; a colour or mode change, or a box drawn on the map,
    keeps the user's view (plotly keeps it while uirevision stays the same).
    """
    filters = replace(page.state.filters, bbox=None)
    return f"map:{page.state.data or ''}{filters.to_query_string()}"
