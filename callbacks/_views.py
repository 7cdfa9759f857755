"""One mechanism for the main views: render a view's outputs from the URL while it is shown."""

from collections.abc import Callable

from dash import Dash, Input, Output, no_update

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

    @app.callback(*outputs, Input(ids.URL, "search"))
    def update(search):
        page = open_page(store, search or "", features=features)
        if page.state.tab != tab:
            return (no_update,) * len(outputs)
        return render(page)
