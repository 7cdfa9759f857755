"""Statistics charts from compute_stats() output; styling comes from the shared template.

Figures are plain dicts (the JSON plotly.js reads): building go.Figure objects validates every
property and cost ~40 ms per filter update for these four charts.
"""

from mapping.theme import ATLAS_TEMPLATE

BAR_COLOR = "#0b5cad"
TOP_COUNTRIES = 15
HEATMAP_SCALE = [[0, "#f4f7fb"], [0.15, "#c6dbef"], [0.5, "#4292c6"], [1, "#08306b"]]
TEMPLATE = ATLAS_TEMPLATE.to_plotly_json()
CLICK_HINT = "<extra>click to filter</extra>"


def _figure(trace: dict, **layout) -> dict:
    """Return a figure of one trace with the charts' shared layout."""
    base = {"template": TEMPLATE, "margin": {"l": 8, "r": 8, "t": 4, "b": 8},
            "showlegend": False, "clickmode": "event"}  # fmt: skip
    return {"data": [trace], "layout": {**base, **layout}}


def _bars(rows: list[dict], *, key: str, color: str) -> dict:
    return _figure(
        {"type": "bar", "orientation": "h", "x": [r["count"] for r in rows],
         "y": [r["name"] for r in rows], "customdata": [r[key] for r in rows],
         "marker": {"color": color}, "hovertemplate": "%{y}: %{x:,} clusters" + CLICK_HINT},
        yaxis={"automargin": True}, xaxis={"automargin": True},
    )  # fmt: skip


def make_country_bars(stats: dict) -> dict:
    """Return horizontal bars of the top countries; customdata is the ISO2 code (click filter)."""
    return _bars(stats["by_country"][:TOP_COUNTRIES][::-1], key="code", color=BAR_COLOR)


def make_ecosystem_bars(stats: dict) -> dict:
    """Return horizontal bars per ecosystem; customdata is the ecosystem slug (click filter)."""
    rows = sorted(stats["by_ecosystem"], key=lambda r: r["count"])
    return _bars(rows, key="slug", color="#2a9d8f")


def make_heatmap(stats: dict) -> dict:
    """Return the ecosystem x country heatmap of cluster counts (click a cell to filter)."""
    heat = stats["heatmap"]
    slugs = [[slug] * len(heat["countries"]) for slug in heat["ecosystem_slugs"]]
    return _figure(
        {"type": "heatmap", "z": heat["counts"], "x": heat["countries"], "y": heat["ecosystems"],
         "customdata": slugs, "colorscale": HEATMAP_SCALE, "xgap": 1, "ygap": 1,
         "hovertemplate": "%{y} in %{x}: %{z:,} clusters" + CLICK_HINT,
         "colorbar": {"title": {"text": "Clusters"}, "thickness": 10}},
        yaxis={"automargin": True}, xaxis={"automargin": True, "tickangle": 0},
    )  # fmt: skip


def make_sme_histogram(stats: dict) -> dict:
    """Return the distribution of member SMEs per cluster over size bins."""
    dist = stats["sme_distribution"]
    return _figure(
        {"type": "bar", "x": dist["labels"], "y": dist["counts"], "marker": {"color": "#6c5ce7"},
         "hovertemplate": "%{x} member SMEs: %{y:,} clusters<extra></extra>"},
        xaxis={"title": {"text": "Member SMEs per cluster"}, "type": "category"},
        yaxis={"title": {"text": "Clusters"}}, margin={"l": 48, "r": 8, "t": 4, "b": 40},
    )  # fmt: skip
