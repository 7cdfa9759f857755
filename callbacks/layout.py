"""Page-layout wiring that needs no server: the filter panel toggle on small screens."""

from dash import ClientsideFunction, Dash, Input, Output, State

from layouts import ids


def register(app: Dash) -> None:
    """Register the clientside filter-panel toggle (assets/atlas.js)."""
    app.clientside_callback(
        ClientsideFunction(namespace="atlas", function_name="toggleFilters"),
        Output(ids.FILTER_PANEL, "className"),
        Input(ids.FILTER_TOGGLE, "n_clicks"),
        State(ids.FILTER_PANEL, "className"),
        prevent_initial_call=True,
    )
