"""Compare wiring: the chosen areas' tables and charts, and the areas one can choose."""

from functools import partial

from dash import Dash, Input, Output

from analysis.compare import MAX_AREAS, compare_areas
from analysis.insight_charts import make_label_chart, make_mix_chart
from analysis.state import Page
from analysis.store import DatasetStore
from callbacks._views import register_view
from callbacks.state import register_events
from layouts import ids
from layouts.compare import area_options, compare_tables

# Without a choice, the view compares the countries with the most filtered clusters.
DEFAULT_AREAS = 3


def register(
    app: Dash, store: DatasetStore, *, features: frozenset[str], min_clusters: int
) -> None:
    """Register the compare view's callbacks: its content, and the choice of areas."""

    register_view(app, store, features=features, tab="compare",
                  outputs=[Output(ids.COMPARE_AREAS, "value"),
                           Output(ids.COMPARE_AREAS, "options"),
                           Output(ids.COMPARE_NOTE, "children"),
                           Output(ids.COMPARE_BODY, "children"),
                           Output(ids.COMPARE_MIX, "figure"),
                           Output(ids.COMPARE_LABELS, "figure")],
                  render=partial(render_choice_and_compare, features=features,
                                 min_clusters=min_clusters))  # fmt: skip
    # The dropdown shows the link's known areas (value None: not filled yet); a change of
    # what it shows is a new choice.
    register_events(app, store, features=features,
                    events={ids.COMPARE_AREAS: Input(ids.COMPARE_AREAS, "value")},
                    shown=lambda page, events: events[ids.COMPARE_AREAS] in (
                        None, area_choice(page, features=features)[0]))  # fmt: skip


def area_choice(page: Page, *, features: frozenset[str]) -> tuple[list[str], list[dict]]:
    """Return the areas the dropdown shows (the link's known ones) and its options."""
    options = area_options(page.dataset, features=features)
    known = {o["value"] for o in options}
    # A dropdown drops (and reports as a change) values its options lack: an unknown area in
    # a link would be rewritten away, and its notice lost, so only known ones are shown.
    return [c for c in (page.state.areas or "").split(",") if c in known], options


def render_choice_and_compare(page: Page, *, features: frozenset[str], min_clusters: int) -> tuple:
    """Return the dropdown's value and options, then the view's content (`render_compare`)."""
    return *area_choice(page, features=features), *render_compare(page, min_clusters=min_clusters)


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
