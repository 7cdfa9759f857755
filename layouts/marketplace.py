"""The marketplace view: offers and needs of the filtered clusters, with their best matches."""

from dash import dcc, html

from data.taxonomies import vocabulary
from layouts import ids

SIDE_NAMES = {"offer": "Offer", "need": "Need"}
MATCH_TITLE = {"offer": "Needs it answers best", "need": "Offers that answer it best"}


def build_market_view() -> html.Section:
    """Return the (hidden) marketplace view; its content follows the page state."""
    return html.Section(
        [html.Div(id=ids.MARKET_HEADER), html.Ol(id=ids.MARKET_LIST, className="list-unstyled")],
        id=ids.MARKET_VIEW,
        className="atlas-card",
        hidden=True,
        **{"aria-label": "Offers and needs"},
    )


def market_header(choices: list[tuple[str, list[tuple[str, str, bool]]]], *, shown: int,
                  total: int) -> list:  # fmt: skip
    """Return the title, the side and kind choices (links) and how many items are listed."""
    rows = [
        html.P([html.Strong(f"{title}: "),
                *[html.Span(dcc.Link(label, href=href, className="me-2 fw-semibold"
                                     if active else "me-2")) for label, href, active in links]],
               className="small mb-1")
        for title, links in choices
    ]  # fmt: skip
    count = f"{total:,} items" if shown == total else f"the first {shown:,} of {total:,} items"
    return [
        html.H2("Offers and needs", className="h5 mb-1"),
        *rows,
        html.P(
            f"Showing {count}. Search words narrow the items; their matches come from "
            "every cluster the other filters keep.",
            className="small",
        ),  # fmt: skip
    ]


def market_items(items: list[dict], *, profile_href: str) -> list[html.Li]:
    """Return one list item per offer or need, with its best matches of the other side."""
    return [_item(item, profile_href) for item in items]


def _item(item: dict, profile_href: str) -> html.Li:
    matches = [
        html.Li([f"{m['score']:.2f} · ", _kind(m), m["text"], " — ",
                 dcc.Link(m["name"], href=profile_href + m["cluster_id"])])
        for m in item["matches"]
    ]  # fmt: skip
    return html.Li(
        [
            html.Div([html.Span(SIDE_NAMES[item["side"]], className="badge bg-dark me-1"),
                      _kind(item), html.Span(item["text"], className="fw-semibold")]),
            html.Div(["by ", dcc.Link(item["name"], href=profile_href + item["cluster_id"])],
                     className="small"),
            html.Div([html.Span(MATCH_TITLE[item["side"]], className="small text-muted"),
                      html.Ul(matches, className="small mb-0")]) if matches
            else html.Div("No good match among the filtered clusters yet.",
                          className="small text-muted"),
        ],
        className="atlas-partner",
        **{"data-cluster-id": item["cluster_id"], "data-side": item["side"]},
    )  # fmt: skip


def _kind(item: dict) -> html.Span:
    name = vocabulary("offer_types").by_slug.get(item["kind"] or "", "Other")
    return html.Span(name, className="badge bg-secondary me-1")
