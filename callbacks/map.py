"""Map callbacks: recolour the markers."""

import pandas as pd
from dash import Dash, Input, Output

from api.routes import COUNTRIES_URL
from layouts import ids
from mapping.figures import make_cluster_map


def register(app: Dash, records: pd.DataFrame, *, tiles: str | None) -> None:
    """Register the map callbacks on `app`, closing over the loaded records."""

    @app.callback(
        Output(ids.MAP, "figure"), Input(ids.COLOR_BY, "value"), prevent_initial_call=True
    )
    def recolour(color_by: str):
        return make_cluster_map(
            records, countries_url=COUNTRIES_URL, color_by=color_by, tiles=tiles
        )
