"""One mechanism for the main views: show the view the URL names, render it while it is shown.

The views but the map's are put in the page when first shown (`register_view_switch`); their
callbacks then make their first call, as a page's callbacks do on load.

The browser copies the URL's search into the view's store (layouts.ids.VIEW_SEARCH) only when
the link names that view (`tab=`), so the views not shown send no request when the filters
change; the server still checks the tab it parses (the gate only lets fewer links through).
"""

from collections.abc import Callable

from dash import ClientsideFunction, Dash, Input, Output, State, no_update
from dash.development.base_component import Component

from analysis.state import Page, open_page
from analysis.store import DatasetStore
from layouts import ids


def register_view(
    app: Dash, store: DatasetStore, *, features: frozenset[str], tab: str,
    outputs: list[Output], render: Callable[[Page], tuple],
) -> None:  # fmt: skip
    """Register a callback that fills `outputs` with `render(page)` when `tab` is shown.

    A hidden view keeps what it showed (no_update): switching back to it needs no redraw
    unless the link changed meanwhile. The first call comes when the view is mounted (before
    that, Dash drops a call whose outputs are not in the page).
    """

    @app.callback(*outputs, Input(ids.VIEW_SEARCH[tab], "data"))
    def update(search):
        if search is None:
            return (no_update,) * len(outputs)
        page = open_page(store, search, features=features)
        if page.state.tab != tab:
            return (no_update,) * len(outputs)
        return render(page)


def register_view_switch(
    app: Dash, store: DatasetStore, *, features: frozenset[str], views: dict[str, Component]
) -> None:
    """Register the callback that shows the view the URL names, mounting it when first shown.

    `views` are the whole views but the map's, by tab (layouts.page.build_views): the page
    holds their frames only (layouts.page.unmounted).
    """

    @app.callback(
        output={
            "hidden": [Output(view, "hidden") for view in ids.VIEW_IDS.values()],
            "content": {tab: Output(ids.VIEW_IDS[tab], "children") for tab in views},
            "mounted": Output(ids.VIEWS_MOUNTED, "data"),
        },
        inputs={"search": Input(ids.URL, "search")},
        state={"mounted": State(ids.VIEWS_MOUNTED, "data")},
    )
    def show(search, mounted):
        tab = open_page(store, search or "", features=features).state.tab
        mounted = mounted or []
        mount = tab in views and tab not in mounted
        return {
            "hidden": [tab != name for name in ids.VIEW_IDS],
            "content": {
                name: view.children if mount and name == tab else no_update
                for name, view in views.items()
            },
            "mounted": [*mounted, tab] if mount else no_update,
        }


def register_view_gates(app: Dash) -> None:
    """Register, per view, the browser-side copy of the URL search into the view's store."""
    for store in ids.VIEW_SEARCH.values():
        app.clientside_callback(
            ClientsideFunction(namespace="atlas", function_name="viewSearch"),
            Output(store, "data"),
            Input(ids.URL, "search"),
            State(store, "id"),
        )
