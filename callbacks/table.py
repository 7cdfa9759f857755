"""Table wiring: answer the grid's requests for a block of rows of the page state."""

from dash import Dash, Input, Output, State, no_update

from analysis.state import open_page
from analysis.store import DatasetStore
from analysis.table import sort_positions, table_rows
from layouts import ids


def register(app: Dash, store: DatasetStore, *, features: frozenset[str]) -> None:
    """Register the infinite row model's data source: rows come in blocks from the server."""

    @app.callback(
        Output(ids.TABLE, "getRowsResponse"),
        Input(ids.TABLE, "getRowsRequest"),
        State(ids.URL, "search"),
    )
    def rows(request, search):
        if not request:
            return no_update
        page = open_page(store, search or "", features=features)
        return table_block(page, start=request.get("startRow", 0), end=request.get("endRow", 0))


def table_block(page, *, start: int, end: int) -> dict:
    """Return rows start..end of the page's records in its sort, and how many there are."""
    order = sort_positions(page.dataset, page.positions, page.state.sort)
    start, end = max(int(start), 0), max(int(end), 0)
    return {"rowData": table_rows(page.dataset, order[start:end]), "rowCount": len(order)}
