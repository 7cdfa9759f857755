"""Page wiring that needs no server: filter panel on phones, copy-link, the grid's reloads."""

from dash import ClientsideFunction, Dash, Input, Output, State

from callbacks._views import register_view_gates
from layouts import ids


def _clientside(name: str) -> ClientsideFunction:
    return ClientsideFunction(namespace="atlas", function_name=name)


def register(app: Dash) -> None:
    """Register the clientside callbacks (functions in assets/atlas.js)."""
    register_view_gates(app)
    app.clientside_callback(
        _clientside("toggleFilters"),
        Output(ids.FILTER_PANEL, "className"),
        Input(ids.FILTER_TOGGLE, "n_clicks"),
        Input(ids.FILTER_DONE, "n_clicks"),
        State(ids.FILTER_PANEL, "className"),
        prevent_initial_call=True,
    )
    # The link copied is the page's own: with a profile open, the URL holds its cluster.
    app.clientside_callback(
        _clientside("pageLink"),
        Output(ids.PROFILE_COPY, "content"),
        Input(ids.PROFILE_COPY, "n_clicks"),
        prevent_initial_call=True,
    )
    # A graph drawn while its view was hidden has the wrong size: re-measure on a switch.
    app.clientside_callback(
        _clientside("remeasure"),
        Output(ids.PARTNER_VIEW, "id"),
        [Input(view, "hidden") for view in ids.VIEW_IDS.values()],
        State(ids.PARTNER_VIEW, "id"),
        prevent_initial_call=True,
    )
    # When the data set, filters or sort change, the grid applies the sort and reloads.
    app.clientside_callback(
        _clientside("reloadGrid"),
        Output(ids.TABLE, "id"),
        Input(ids.TABLE_KEY, "data"),
        State(ids.TABLE, "id"),
        prevent_initial_call=True,
    )
