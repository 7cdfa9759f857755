"""Compare wiring: the chosen areas' tables and charts, and the areas one can choose."""

from functools import partial

from dash import Dash, Output

from analysis.compare import MAX_AREAS, compare_areas
from analysis.insight_charts import make_label_chart, make_mix_chart
from analysis.state import Page
from analysis.store import DatasetStore
from callbacks._views import register_view
from layouts import ids
from layouts.compare import compare_tables

# Without a choice, the view compares the countries with the most filtered clusters.
DEFAULT_AREAS = 3


def register(
    app: Dash, store: DatasetStore, *, features: frozenset[str], min_clusters: int
) -> None:
    """Register the compare view's callback."""

    register_view(app, store, features=features, tab="compare",
                  outputs=[Output(ids.COMPARE_NOTE, "children"),
                           Output(ids.COMPARE_BODY, "children"),
                           Output(ids.COMPARE_MIX, "figure"),
                           Output(ids.COMPARE_LABELS, "figure")],
                  render=partial(render_compare, min_clusters=min_clusters))  # fmt: skip


def render_compare(page: Page, *, min_clusters: int) -> tuple:
    """Return the note, the tables and the two charts of a page state."""
    state, dataset = page.state, page.dataset
    if state.areas:
        codes = state.areas.split(",")
        note = "" if len(codes) > 1 else "Add one or more areas to compare with."
    else:
        counts = dataset.option_counts("country", page.mask)
        codes = sorted((c for c in counts if counts[c]), key=lambda c: -counts[c])[:DEFAULT_AREAS]
        note = (
            f"Showing the {len(codes)} countries with the most filtered clusters; choose up to "
            f"{MAX_AREAS} countries or regions above."
        )
    areas, unknown = compare_areas(dataset, page.mask, codes, min_clusters=min_clusters)
    if unknown:
        note = " ".join([*unknown, note])
    csv_href = "/api/compare.csv" + state.with_view(areas=",".join(codes) or None).to_query_string()
    return (
        note,
        compare_tables(areas, csv_href=csv_href),
        make_mix_chart(areas),
        make_label_chart(areas),
    )
