"""The profile of one cluster: every field of its record, readable."""

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from data.schema import parse_offer
from data.taxonomies import NO_LABEL, vocabulary

OFFER_COLORS = {"Technology": "primary", "Business": "success", "R&D": "info"}


def build_profile_body(record: pd.Series, *, similar: list | None = None) -> html.Div:
    """Return the profile content of one record; `similar` are links to peer clusters."""
    where = ", ".join(
        str(v) for v in (record["city"], record["region_name"], record["country"]) if _given(v)
    )
    return html.Div(
        [
            html.H3(record["name"], className="h5"),
            html.P(
                [
                    _text(record["acronym"]),
                    " · " if _given(record["acronym"]) else "",
                    where,
                    f" ({record['scope']})",
                ],
                className="text-muted small",
            ),
            html.P(_text(record["description"])),
            _facts(record),
            _badges("Ecosystems", record["ecosystems"], "secondary"),
            _badges("Sectors", record["sectors"], "light"),
            _badges("Emerging industries", record["emerging_industries"], "light"),
            _items("Offers", record["offers"]),
            _items("Needs", record["needs"]),
            _badges("Strategic partnerships", record["partnerships"], "warning"),
            html.Div(
                [
                    html.H4("Similar clusters", className="h6 mt-2 mb-1"),
                    html.Ul(similar, className="small"),
                ]
            )
            if similar
            else None,
        ],
        className="atlas-profile",
        **{"data-cluster-id": str(record["cluster_id"])},
    )


def _facts(record: pd.Series) -> html.Dl:
    label = _text(record["label"])
    if label == NO_LABEL:
        label = vocabulary("labels").display_name(label)
    elif _given(record["label_valid_until"]):
        label += f" (valid until {record['label_valid_until']:%Y-%m-%d})"
    website = record["website"]
    rows = [
        ("Member SMEs", _number(record["sme_members"])),
        ("Large companies", _number(record["large_company_members"])),
        ("Research organisations", _number(record["research_members"])),
        ("Cluster management staff", _number(record["employees"])),
        ("Founded", _text(record["founded"])),
        ("Excellence label", label),
        (
            "Website",
            html.A(website, href=website, target="_blank", rel="noopener noreferrer")
            if safe_link(website)
            else _text(website),
        ),
        (
            "E-mail",
            html.A(record["email"], href=f"mailto:{record['email']}")
            if _given(record["email"])
            else "—",
        ),
        ("NUTS-2", _text(record["nuts2"])),
        ("Location", f"{record['lat']:.4f}, {record['lon']:.4f} ({record['geocode_quality']})"),
        ("Record", f"{record['cluster_id']}, updated {_date(record['updated'])}"),
    ]
    children = []
    for term, value in rows:
        children += [html.Dt(term, className="col-5"), html.Dd(value, className="col-7 mb-1")]
    return html.Dl(children, className="row small")


def _badges(title: str, items: tuple, color: str) -> html.Div | None:
    if not items:
        return None
    badges = [
        dbc.Badge(
            item,
            color=color,
            text_color="dark" if color in ("light", "warning") else None,
            className="me-1 mb-1 fw-normal",
        )
        for item in items
    ]
    return html.Div([html.H4(title, className="h6 mt-2 mb-1"), html.Div(badges)])


def _items(title: str, items: tuple) -> html.Div | None:
    if not items:
        return None
    lines = []
    for item in items:
        kind, text = parse_offer(item) or ("", item)
        lines.append(
            html.Li(
                [dbc.Badge(kind, color=OFFER_COLORS.get(kind, "secondary"), className="me-1"), text]
            )
        )
    return html.Div(
        [html.H4(title, className="h6 mt-2 mb-1"), html.Ul(lines, className="list-unstyled small")]
    )


def safe_link(value: object) -> str | None:
    """Return `value` when it is an http(s) URL that may become a live link, else None."""
    text = str(value).strip() if _given(value) else ""
    return text if text.lower().startswith(("http://", "https://")) else None


def _given(value: object) -> bool:
    return (
        value is not None
        and not (isinstance(value, float) and value != value)
        and value is not pd.NA
        and value is not pd.NaT
        and str(value) != ""
    )


def _text(value: object) -> str:
    return str(value) if _given(value) else "—"


def _number(value: object) -> str:
    return f"{int(value):,}" if _given(value) else "—"


def _date(value: object) -> str:
    return f"{value:%Y-%m-%d}" if _given(value) else "—"
