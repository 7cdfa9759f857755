"""The partner finder view: the chosen cluster, its ranked partners with why, their map."""

import pandas as pd
from dash import dcc, html

from analysis.charts import empty_figure
from analysis.partners import COMPONENTS, Partner
from layouts import ids
from layouts.panels import GRAPH_CONFIG
from layouts.profile import safe_link

INTRO = (
    "Open a cluster's profile (click it on the map or in the table) and press "
    "“Find partners”: this view ranks the filtered clusters as its partners."
)
# The map before a cluster is chosen: a note, not empty axes.
# Two short lines: one long line is cut off on a 390 px phone.
NO_SUBJECT_MAP = empty_figure("The chosen cluster and its partners<br>will be mapped here.")


def build_partner_view() -> html.Section:
    """Return the (hidden) partner view: subject, download, map and the ranked list."""
    return html.Section(
        [
            html.Div(INTRO, id=ids.PARTNER_SUBJECT, className="mb-2"),
            html.Div(
                dcc.Graph(
                    id=ids.PARTNER_MAP,
                    figure=NO_SUBJECT_MAP,
                    config={**GRAPH_CONFIG, "scrollZoom": True},
                ),  # fmt: skip
                className="atlas-partner-map",
            ),
            html.Ol(id=ids.PARTNER_LIST, className="atlas-partner-list list-unstyled"),
            _method(),
        ],
        id=ids.PARTNER_VIEW,
        className="atlas-card",
        hidden=True,
        **{"aria-label": "Partner finder"},
    )


def _method() -> html.Details:
    rows = [html.Li(f"{c.weight:.0%} {c.meaning}") for c in COMPONENTS]
    return html.Details(
        [html.Summary("How partners are scored"), html.Ul(rows, className="small")],
        className="mt-2",
    )


def partner_subject(record: pd.Series, *, csv_href: str, count: int) -> list:
    """Return the header of the view: the chosen cluster, its needs and offers, the download."""
    place = ", ".join(str(v) for v in (record["city"], record["country"]) if pd.notna(v))
    return [
        html.H2(f"Partners for {record['name']}", className="h5 mb-1"),
        html.P(f"{place} · {count} best of the filtered clusters", className="small mb-1"),
        _items("Needs", record["needs"]),
        _items("Offers", record["offers"]),
        html.A("Download this list (CSV)", href=csv_href, id=ids.PARTNER_CSV,
               className="btn btn-sm btn-primary mt-1"),
    ]  # fmt: skip


def _items(title: str, items) -> html.P | None:
    if not len(items):
        return None
    return html.P([html.Strong(f"{title}: "), "; ".join(items)], className="small mb-1")


def partner_items(
    records: pd.DataFrame, partners: list[Partner], *, profile_href: str
) -> list[html.Li]:
    """Return one list item per partner: rank, name, place, score bar, why, contact."""
    return [_partner_item(records.iloc[p.position], p, rank, profile_href)
            for rank, p in enumerate(partners, start=1)]  # fmt: skip


def _partner_item(record: pd.Series, partner: Partner, rank: int, profile_href: str) -> html.Li:
    cluster_id = str(record["cluster_id"])
    place = ", ".join(str(v) for v in (record["city"], record["country"]) if pd.notna(v))
    return html.Li(
        [
            html.Div(
                [
                    html.Span(f"{rank}.", className="me-1 fw-semibold"),
                    dcc.Link(str(record["name"]), href=profile_href + cluster_id,
                             className="fw-semibold"),
                    html.Span(f" · {place}", className="small text-muted"),
                ]
            ),
            _score_bar(partner.score),
            html.P(_why(partner), className="small mb-1"),
            _contact(record),
        ],
        className="atlas-partner",
        **{"data-cluster-id": cluster_id},
    )  # fmt: skip


def _score_bar(score: float) -> html.Div:
    return html.Div(
        [
            html.Div(className="atlas-score-fill", style={"width": f"{score:.0%}"}),
            html.Span(f"score {score:.2f}", className="atlas-score-text"),
        ],
        className="atlas-score",
        role="img",
        **{"aria-label": f"score {score:.2f} of 1"},
    )


def _why(partner: Partner) -> list:
    """Return the why sentence with the matched offer and need texts highlighted."""
    parts: list = []
    for text in partner.why.split("; "):
        if parts:
            parts.append("; ")
        parts += _highlighted(text, partner)
    return parts


def _highlighted(text: str, partner: Partner) -> list:
    labels = [item.label for pair in partner.matches for item in pair]
    for label in labels:
        if label in text:
            before, after = text.split(label, 1)
            return [*_highlighted(before, partner), html.Mark(label), *_highlighted(after, partner)]
    return [text] if text else []


def _contact(record: pd.Series) -> html.Div | None:
    links = []
    website = safe_link(record["website"])
    if website:
        links.append(html.A("Website", href=website, target="_blank", rel="noopener noreferrer",
                            className="me-3"))  # fmt: skip
    if pd.notna(record["email"]) and "@" in str(record["email"]):
        links.append(html.A("E-mail", href=f"mailto:{record['email']}"))
    return html.Div(links, className="small") if links else None
