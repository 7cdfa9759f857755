"""The page's map figure: the one builder behind the page and `/api/map.json`."""

from dataclasses import replace

import plotly.graph_objects as go

from analysis.state import Page
from mapping import theme
from mapping.figures import make_cluster_map
from mapping.view import bounds, fit_view

MapView = dict[str, float]


def make_page_map(page: Page, *, options: dict, view: MapView | None = None) -> go.Figure:
    """Return the map the page draws for `page`, framed on its records, or at `view`.

    Parameters
    ----------
    page:
        The resolved page state (filters, mode, colour) and its data set.
    options:
        The app's map settings: `countries_url`, and optionally `tiles`, `nuts`, `nuts_url`.
    view:
        `zoom`, `lat`, `lon` to show instead of the framing (the map API's parameters).
    """
    state = page.state
    records = page.dataset.records.iloc[page.positions]
    figure = make_cluster_map(records, color_by=state.color, mode=state.mode,
                              ecosystems=state.filters.ecosystem, **options)  # fmt: skip
    framing = fit_view(records["lat"], records["lon"]) or theme.EUROPE_VIEW
    # The bounds let a map narrower than the one fit_view assumes (a phone) frame itself.
    frame = bounds(records["lat"], records["lon"])
    figure.update_layout(map=framing, uirevision=_revision(page), meta={"frame": frame})
    view = view or {}
    if "lat" in view and "lon" in view:
        figure.update_layout(map_center={"lat": view["lat"], "lon": view["lon"]})
    if "zoom" in view:
        figure.update_layout(map_zoom=view["zoom"])
    return figure


def _revision(page: Page) -> str:
    """Return the map's uirevision: the user's pan and zoom survive until the data changes.

    A new filter frames its clusters; a colour or mode change, or a box drawn on the map,
    keeps the user's view (plotly keeps it while uirevision stays the same).
    """
    filters = replace(page.state.filters, bbox=None)
    return f"map:{page.state.data or ''}{filters.to_query_string()}"
