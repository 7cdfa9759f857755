"""Map wiring: redraw the map for the page state; render the open profile."""

from dash import Dash, Input, Output

from analysis.maps import make_page_map
from analysis.state import open_page
from analysis.store import DatasetStore
from callbacks.partners import similar_links
from layouts import ids
from layouts.profile import build_profile_body
from mapping.modes import COLOR_CHOICES

COLOR_HINT = "(points only)"


def register(
    app: Dash, store: DatasetStore, *, features: frozenset[str], map_options: dict
) -> None:
    """Register the map and profile callbacks; the map is the one `/api/map.json` returns."""

    @app.callback(
        Output(ids.MAP, "figure"),
        Output(ids.COLOR_BY, "options"),
        Output(ids.COLOR_HINT, "children"),
        Input(ids.URL, "search"),
    )
    def redraw(search):
        page = open_page(store, search or "", features=features)
        points = page.state.mode == "points"
        # Colour applies to points only: the choropleths colour areas by their value.
        options = [{"label": c.label, "value": c.name, "disabled": not points}
                   for c in COLOR_CHOICES]  # fmt: skip
        return make_page_map(page, options=map_options), options, "" if points else COLOR_HINT

    @app.callback(Output(ids.PROFILE_BODY, "children"), Input(ids.URL, "search"))
    def profile(search):
        page = open_page(store, search or "", features=features)
        if page.state.cluster is None:
            return None  # closed: never show the last profile while the next one loads
        position = page.dataset.positions[page.state.cluster]
        record = page.dataset.records.iloc[position]
        return build_profile_body(record, similar=similar_links(page, position))
