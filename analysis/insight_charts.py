"""Charts of the policy views: founding years, label expiry, area comparison, partnerships.

Plain figure dicts built on the statistics charts' shared layout (analysis/charts.py).
"""

from analysis.charts import empty_figure, figure, wrapped_labels
from analysis.timeline import Expiry, Years
from data.taxonomies import vocabulary
from mapping.theme import ECOSYSTEM_COLORS, LABEL_COLORS, SCOPE_COLORS

CUMULATIVE_COLOR = "#1f2933"
MATRIX_SCALE = [[0, "#f4f7fb"], [0.2, "#c6dbef"], [0.6, "#4292c6"], [1, "#08306b"]]
MATRIX_COUNTRIES = 20
# A legend under the plot: on a phone a legend beside it takes half the width.
LEGEND_BELOW = {"orientation": "h", "x": 0, "y": -0.15, "yanchor": "top", "traceorder": "normal"}
# The compared areas' colours (Okabe-Ito: distinguishable with colour-vision deficiency).
AREA_COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9")


def make_founding_chart(years: Years, *, split: str) -> dict:
    """Return clusters founded per year as stacked bars per group, and the running total."""
    rows = years.rows
    if rows.empty:
        return empty_figure("No cluster with a founding year matches the filters")
    colors = SCOPE_COLORS if split == "scope" else ECOSYSTEM_COLORS
    noun = "clusters" if split == "scope" else "clusters (once per ecosystem)"
    traces = [
        {"type": "bar", "name": group, "x": part["year"].tolist(), "y": part["count"].tolist(),
         "marker": {"color": colors.get(group)},
         "hovertemplate": f"{group}, %{{x}}: %{{y:,}} {noun}<extra></extra>"}
        for group in years.groups
        if not (part := rows[rows["group"] == group]).empty
    ]  # fmt: skip
    running = rows.drop_duplicates("year")
    traces.append(
        {"type": "scatter", "mode": "lines", "name": "All founded so far (right axis)",
         "x": running["year"].tolist(), "y": running["cumulative"].tolist(), "yaxis": "y2",
         "line": {"color": CUMULATIVE_COLOR, "width": 2},
         "hovertemplate": "Founded by %{x}: %{y:,} clusters<extra></extra>"}
    )  # fmt: skip
    return _stacked(
        traces,
        xaxis={"title": {"text": "Founding year"}},
        yaxis={"title": {"text": "Founded that year"}},
        yaxis2={"title": {"text": "Founded so far"}, "overlaying": "y", "side": "right",
                "rangemode": "tozero", "showgrid": False},
    )  # fmt: skip


def make_expiry_chart(expiry: Expiry) -> dict:
    """Return labels expiring per month of the window, stacked by label."""
    months = expiry.months
    if not expiry.labelled:
        return empty_figure("No labelled cluster matches the filters")
    traces = [
        {"type": "bar", "name": label, "x": part["month"].tolist(), "y": part["count"].tolist(),
         "marker": {"color": LABEL_COLORS[label]},
         "hovertemplate": f"{label} labels expiring in %{{x}}: %{{y:,}}<extra></extra>"}
        for label, part in months.groupby("label", sort=False)
    ]  # fmt: skip
    return _stacked(
        traces,
        xaxis={"type": "category", "title": {"text": "Month the label expires"}},
        yaxis={"title": {"text": "Labels"}, "rangemode": "tozero"},
    )


def make_mix_chart(areas: list[dict]) -> dict:
    """Return each compared area's ecosystem mix: share of its clusters, grouped bars."""
    if not areas:
        return empty_figure("Choose areas to compare")
    present = {e["name"] for area in areas for e in area["ecosystems"]}
    ecosystems = [e for e in vocabulary("ecosystems").terms if e in present][::-1]
    traces = []
    for area in areas:
        share = {e["name"]: e["share"] for e in area["ecosystems"]}
        traces.append(
            {"type": "bar", "orientation": "h", "name": area["name"], "y": ecosystems,
             "marker": {"color": AREA_COLORS[len(traces) % len(AREA_COLORS)]},
             "x": [share.get(e, 0.0) for e in ecosystems],
             "hovertemplate": f"{area['name']}: %{{x:.0%}} of clusters in %{{y}}<extra></extra>"}
        )  # fmt: skip
    return figure(
        traces[::-1],  # plotly draws the first trace at the bottom of each group
        barmode="group",
        showlegend=True,
        legend={**LEGEND_BELOW, "traceorder": "reversed"},
        xaxis={"tickformat": ".0%", "title": {"text": "Share of the area's clusters"}},
        yaxis=wrapped_labels(ecosystems),
    )  # fmt: skip


def make_label_chart(areas: list[dict]) -> dict:
    """Return each compared area's label shares as one 100 % bar per area."""
    if not areas:
        return empty_figure("Choose areas to compare")
    names = [a["name"] for a in areas][::-1]
    labels = vocabulary("labels")
    traces = [
        {"type": "bar", "orientation": "h", "name": labels.display_name(term), "y": names,
         "x": [a["labels"].get(key, 0.0) for a in areas][::-1],
         "marker": {"color": LABEL_COLORS[term]},
         "hovertemplate": f"%{{y}}: %{{x:.0%}} {labels.display_name(term)}<extra></extra>"}
        for key, term in labels.by_slug.items()
    ]  # fmt: skip
    return _stacked(
        traces,
        xaxis={
            "tickformat": ".0%",
            "range": [0, 1],
            "title": {"text": "Share of the area's clusters"},
        },
        yaxis=wrapped_labels(names),
    )


def make_partnership_matrix(network: dict, *, top: int = MATRIX_COUNTRIES) -> dict:
    """Return the country x country heatmap of partnerships shared (the most linked countries)."""
    nodes = network["nodes"][:top]
    if not network["edges"] or len(nodes) < 2:
        return empty_figure("No partnership links two countries among the filtered clusters")
    codes = [n["id"] for n in nodes]
    names = {n["id"]: n["name"] for n in nodes}
    shared = {(e["source"], e["target"]): e["partnerships"] for e in network["edges"]}
    z = [[shared.get((a, b), shared.get((b, a))) if a != b else None for b in codes]
         for a in codes]  # fmt: skip
    custom = [[[names[a], names[b]] for b in codes] for a in codes]
    colorbar = {"title": {"text": "Partnerships", "side": "top"}, "thickness": 10,
                "orientation": "h", "x": 1, "xanchor": "right", "y": 1, "yanchor": "bottom",
                "len": 0.6}  # fmt: skip
    return figure(
        [{"type": "heatmap", "z": z, "x": codes, "y": codes, "customdata": custom,
          "colorscale": MATRIX_SCALE, "xgap": 1, "ygap": 1, "colorbar": colorbar,
          "hovertemplate": "%{customdata[0]} and %{customdata[1]}: %{z} shared "
                           "partnerships<extra></extra>"}],
        xaxis={"type": "category", "tickfont": {"size": 11}},
        yaxis={"type": "category", "tickfont": {"size": 11}, "autorange": "reversed"},
    )  # fmt: skip


def _stacked(traces: list[dict], **layout) -> dict:
    """Return stacked bars (and any lines) with the legend under the plot."""
    return figure(traces, barmode="stack", showlegend=True, legend=LEGEND_BELOW, **layout)
