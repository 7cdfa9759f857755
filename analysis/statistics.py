"""Statistics of the filtered records: the KPIs and breakdowns the page shows, JSON-ready."""

import numpy as np

from analysis.dataset import Dataset
from data.taxonomies import NO_LABEL, vocabulary

# Lower edges of the SME-member bins; the last bin is open-ended (1000 and more).
SME_BINS = (0, 10, 25, 50, 100, 250, 500, 1000)
# Columns of the ecosystem-by-country heatmap: the countries with the most clusters.
HEATMAP_COUNTRIES = 15
# The label keys that are an excellence label (all but "no label").
LABELLED = tuple(k for k, term in vocabulary("labels").by_slug.items() if term != NO_LABEL)
THIRD_COUNTRY = "third-country"


def compute_stats(dataset: Dataset, mask: np.ndarray) -> dict:
    """Return the KPIs, per-country and per-ecosystem counts, heatmap and SME bins of `mask`.

    Parameters
    ----------
    dataset:
        The prepared records.
    mask:
        Which records count (as `analysis.filters.apply_filter` returns).

    Returns
    -------
    Plain Python values only: `kpis`, `by_country`, `by_ecosystem`, `heatmap` and
    `sme_distribution` (see the helpers for each shape). Shares of no clusters are 0.0.
    """
    mask = np.asarray(mask, dtype=bool)
    by_country = _counted(dataset, "country", mask, name="code")
    by_ecosystem = _counted(dataset, "ecosystem", mask, name="slug")
    return {
        "kpis": _kpis(dataset, mask, countries=len(by_country)),
        "by_country": by_country,
        "by_ecosystem": by_ecosystem,
        "heatmap": _heatmap(dataset, mask, by_country[:HEATMAP_COUNTRIES], by_ecosystem),
        "sme_distribution": _sme_distribution(dataset.numbers["sme_members"][mask]),
    }


def _kpis(dataset: Dataset, mask: np.ndarray, *, countries: int) -> dict:
    """Return clusters, total_clusters, countries, sme_members and the two shares (0-1)."""
    clusters = int(mask.sum())
    scopes = dataset.option_counts("scope", mask)
    labels = dataset.option_counts("label", mask)
    return {
        "clusters": clusters,
        "total_clusters": len(dataset),
        "countries": countries,
        "sme_members": int(np.nansum(dataset.numbers["sme_members"][mask])),
        "third_country_share": _share(scopes.get(THIRD_COUNTRY, 0), clusters),
        "labelled_share": _share(sum(labels.get(label, 0) for label in LABELLED), clusters),
    }


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _counted(dataset: Dataset, param: str, mask: np.ndarray, *, name: str) -> list[dict]:
    """Return [{name: key, "name": label, "count": n}] of the keys present, most first."""
    facet = dataset.facets[param]
    counts = facet.counts(mask)
    # A stable sort keeps the facet's own order (names, vocabulary) among equal counts.
    order = np.argsort(-counts, kind="stable")
    return [
        {name: facet.keys[i], "name": facet.labels[i], "count": int(counts[i])}
        for i in order
        if counts[i] > 0
    ]


def _heatmap(
    dataset: Dataset, mask: np.ndarray, countries: list[dict], ecosystems: list[dict]
) -> dict:
    """Return clusters per ecosystem (rows) and top country (columns) as a 2-D list."""
    ecosystem, country = dataset.facets["ecosystem"], dataset.facets["country"]
    # Lookup tables from facet positions to heatmap rows/columns (-1: not shown).
    column_of = np.full(len(country.keys) + 1, -1)
    column_of[[country.position[c["code"]] for c in countries]] = np.arange(len(countries))
    row_of = np.full(len(ecosystem.keys), -1)
    row_of[[ecosystem.position[e["slug"]] for e in ecosystems]] = np.arange(len(ecosystems))
    kept = mask[ecosystem.item_rows]
    columns = column_of[country.codes[ecosystem.item_rows[kept]]]
    rows = row_of[ecosystem.codes[kept]]
    shown = (columns >= 0) & (rows >= 0)
    cells = np.bincount(
        rows[shown] * len(countries) + columns[shown], minlength=len(countries) * len(ecosystems)
    ).reshape(len(ecosystems), len(countries))
    return {
        "ecosystems": [e["name"] for e in ecosystems],
        "ecosystem_slugs": [e["slug"] for e in ecosystems],
        "countries": [c["code"] for c in countries],
        "country_names": [c["name"] for c in countries],
        "counts": cells.tolist(),
    }


def _sme_distribution(sme: np.ndarray) -> dict:
    """Return clusters per SME-member bin; `bins` are lower edges, the last bin open-ended."""
    known = sme[~np.isnan(sme)]
    bins = np.clip(np.searchsorted(SME_BINS, known, side="right") - 1, 0, None)
    counts = np.bincount(bins, minlength=len(SME_BINS))
    return {
        "bins": list(SME_BINS),
        "labels": _bin_labels(),
        "counts": counts.tolist(),
        "unknown": int(len(sme) - len(known)),
    }


def _bin_labels() -> list[str]:
    """Return the bin labels "0–9", "10–24", … "1000+"."""
    pairs = zip(SME_BINS, SME_BINS[1:], strict=False)
    return [f"{low}–{high - 1}" for low, high in pairs] + [f"{SME_BINS[-1]}+"]
