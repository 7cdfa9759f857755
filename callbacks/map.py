"""Map wiring: redraw for the filter state, colour and mode; open a profile on click."""

from dash import Dash, Input, Output, ctx, no_update

from analysis.dataset import Dataset
from analysis.filters import apply_filter, parse_query_string
from api.routes import COUNTRIES_URL
from layouts import ids
from layouts.profile import build_profile_body
from mapping.figures import make_cluster_map
from mapping.view import fit_view


def register(app: Dash, dataset: Dataset, *, map_options: dict) -> None:
    """Register the map callbacks, closing over the dataset and the map settings."""
    positions = {str(cid): i for i, cid in enumerate(dataset.records["cluster_id"])}

    @app.callback(
        Output(ids.MAP, "figure"),
        Input(ids.URL, "search"),
        Input(ids.COLOR_BY, "value"),
        Input(ids.MAP_MODE, "value"),
    )
    def redraw(search, color_by, mode):
        spec, _ = parse_query_string(search or "", dataset=dataset)
        records = dataset.records[apply_filter(dataset, spec)]
        figure = make_cluster_map(records, countries_url=COUNTRIES_URL, color_by=color_by,
                                  mode=mode, **map_options)  # fmt: skip
        view = fit_view(records["lat"], records["lon"]) if not spec.is_empty else None
        if view is not None and spec.bbox is None:
            # A new filter frames its clusters; the user's pan and zoom survive colour and
            # mode changes (same uirevision) but not a new filter.
            figure.update_layout(map=view, uirevision=spec.to_query_string())
        return figure

    @app.callback(
        Output(ids.PROFILE, "is_open"),
        Output(ids.PROFILE_BODY, "children"),
        Input(ids.MAP, "clickData"),
        Input(ids.TABLE, "cellClicked"),
        prevent_initial_call=True,
    )
    def open_profile(map_click, cell_click):
        cluster_id = clicked_cluster(map_click, cell_click)
        if cluster_id not in positions:
            return no_update, no_update
        return True, build_profile_body(dataset.records.iloc[positions[cluster_id]])


def clicked_cluster(map_click: dict | None, cell_click: dict | None) -> str | None:
    """Return the cluster id of the latest click on a map point or a table row."""
    if ctx.triggered_id == ids.TABLE and cell_click:
        return cell_click.get("rowId")
    points = (map_click or {}).get("points") or []
    if points and points[0].get("customdata") is not None:
        data = points[0]["customdata"]
        return str(data[0] if isinstance(data, list) else data)
    return None
