"""One mechanism for the main views: render a view's outputs from the URL while it is shown.

The browser copies the URL's search into the view's store (layouts.ids.VIEW_SEARCH) only when
the link names that view (`tab=`), so the views not shown send no request when the filters
change; the server still checks the tab it parses (the gate only lets fewer links through).
"""

from collections.abc import Callable

from dash import ClientsideFunction, Dash, Input, Output, State, no_update

from analysis.state import Page, open_page
from analysis.store import DatasetStore
from layouts import ids


def register_view(
    app: Dash, store: DatasetStore, *, features: frozenset[str], tab: str,
    outputs: list[Output], render: Callable[[Page], tuple],
) -> None:  # fmt: skip
    """Register a callback that fills `outputs` with `render(page)` when `tab` is shown.

    A hidden view keeps what it showed (no_update): switching back to it needs no redraw
    unless the link changed meanwhile.
    """

    @app.callback(*outputs, Input(ids.VIEW_SEARCH[tab], "data"), prevent_initial_call=True)
    def update(search):
        if search is None:
            return (no_update,) * len(outputs)
        page = open_page(store, search, features=features)
        if page.state.tab != tab:
            return (no_update,) * len(outputs)
        return render(page)


def register_view_gates(app: Dash) -> None:
    """Register, per view, the browser-side copy of the URL search into the view's store."""
    for store in ids.VIEW_SEARCH.values():
        app.clientside_callback(
            ClientsideFunction(namespace="atlas", function_name="viewSearch"),
            Output(store, "data"),
            Input(ids.URL, "search"),
            State(store, "id"),
        )
