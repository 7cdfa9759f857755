"""Specialisation of areas in ecosystems: counts, location quotients and stars.

For the filtered clusters that have an area (a country, an admin-1 region or a NUTS-2 region):

- `count` n_ae: clusters of area a in ecosystem e (a cluster counts once in each of its
  ecosystems), or their member SMEs with `weight="smes"`;
- `lq` = (n_ae / n_a) / (n_e / n), n_a and n counting clusters (or SMEs) of the area and of all
  areas, each once: above 1 the area has more of the ecosystem than the whole map does;
- `stars`, after the European Cluster Observatory's three-star method adapted to cluster
  organisations, one star each for: *size*, the area's count for the ecosystem is in the top
  10 % of areas; *specialisation*, lq >= 2; *focus*, the ecosystem's share of the area's
  clusters (n_ae / n_a) is in the top 10 % of areas. "Top 10 %": fewer than ceil(10 % of the
  ranked areas) areas have a higher value. Only areas with at least `min_clusters` clusters are
  ranked and get stars, so that one cluster alone does not make a "specialised" area.

Clusters without the area's code (e.g. no NUTS-2 region) are left out of n and reported as
`unplaced`. Pure pandas and numpy on the data set's filter indexes, no dash.
"""

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.dataset import Dataset

# by= -> (code column, name column; None: the code is the name).
AREAS = {
    "country": ("country_code", "country"),
    "region": ("region_code", "region_name"),
    "nuts2": ("nuts2", None),
}
# What one area of each kind is called in sentences ("clusters without a NUTS-2 region").
AREA_NOUNS = {"country": "country", "region": "region", "nuts2": "NUTS-2 region"}
WEIGHTS = ("clusters", "smes")
TOP_SHARE = 0.10
LQ_STAR = 2.0
# Areas with fewer filtered clusters get no stars (also the default of the setting
# ATLAS_STAR_MIN_CLUSTERS).
MIN_CLUSTERS = 5
ROW_FIELDS = ("area", "area_name", "ecosystem", "count", "lq", "stars")


@dataclass(frozen=True)
class Specialisation:
    """The rows (one per area and ecosystem with a count above 0) and what they cover."""

    rows: pd.DataFrame
    areas: int
    unplaced: int
    # Filtered clusters per area, most first (for "the largest areas").
    sizes: pd.Series = field(default_factory=lambda: pd.Series(dtype=int))

    def records(self) -> list[dict]:
        """Return the rows as JSON-ready dicts (lq rounded to 4 decimals)."""
        rows = self.rows.assign(lq=self.rows["lq"].round(4))[list(ROW_FIELDS)]
        return rows.to_dict("records")


def specialise(
    dataset: Dataset,
    mask: np.ndarray,
    *,
    by: str = "country",
    weight: str = "clusters",
    min_clusters: int = MIN_CLUSTERS,
) -> Specialisation:
    """Return counts, location quotients and stars per area and ecosystem of the masked rows.

    Vectorised on the data set's facets (area codes per record, (record, ecosystem) pairs):
    no Python work per record, so a million records take about as long as a few bincounts.
    """
    mask = np.asarray(mask, dtype=bool)
    area_facet, ecosystems = dataset.facets[by], dataset.facets["ecosystem"]
    area = area_facet.codes
    placed = mask & (area >= 0)
    unplaced = int(mask.sum() - placed.sum())
    if weight == "smes":
        weights = np.nan_to_num(dataset.numbers["sme_members"], nan=0.0)
    else:
        weights = np.ones(len(area))
    n_areas, n_ecosystems = len(area_facet.keys), len(ecosystems.keys)
    sizes = np.bincount(area[placed], weights=weights[placed], minlength=n_areas)  # n_a
    clusters = np.bincount(area[placed], minlength=n_areas)  # for the stars' minimum
    counts_per_area = pd.Series(clusters, index=list(area_facet.keys))
    counts_per_area = counts_per_area[counts_per_area > 0]
    # (record, ecosystem) pairs of placed records; the facet lists each pair once.
    pairs = placed[ecosystems.item_rows]
    rows_of = ecosystems.item_rows[pairs]
    cells = np.bincount(area[rows_of] * n_ecosystems + ecosystems.codes[pairs],
                        weights=weights[rows_of], minlength=n_areas * n_ecosystems)  # fmt: skip
    cells = cells.reshape(n_areas, n_ecosystems)
    total = float(sizes.sum())  # n
    a, e = np.nonzero(cells > 0)
    if len(a) == 0 or total <= 0:
        empty = pd.DataFrame(columns=list(ROW_FIELDS))
        return Specialisation(empty, len(counts_per_area), unplaced, _largest(counts_per_area))
    per_ecosystem = cells.sum(axis=0)  # n_e
    share = cells[a, e] / sizes[a]  # n_ae / n_a
    codes = np.asarray(area_facet.keys, dtype=object)
    names = dataset.derived(f"area_names:{by}", lambda d: _area_names(d, by))
    rows = pd.DataFrame({
        "area": codes[a],
        "ecosystem": np.asarray(ecosystems.labels, dtype=object)[e],
        "count": cells[a, e].round(6),
        "lq": share / (per_ecosystem[e] / total),
        "share": share,
    })  # fmt: skip
    rows["stars"] = _stars(rows, counts_per_area, min_clusters)
    rows["area_name"] = rows["area"].map(names)
    if weight == "clusters":
        rows["count"] = rows["count"].astype(int)
    rows = rows.sort_values(["area", "ecosystem"], kind="stable").reset_index(drop=True)
    return Specialisation(rows[list(ROW_FIELDS)], len(counts_per_area), unplaced,
                          _largest(counts_per_area))  # fmt: skip


def _area_names(dataset: Dataset, by: str) -> dict[str, str]:
    """Return each area code's name as the records write it (first record with the code)."""
    code_column, name_column = AREAS[by]
    codes = dataset.facets[by].codes
    present, first = np.unique(codes, return_index=True)
    keep = present >= 0
    column = dataset.records[name_column or code_column].astype(object).iloc[first[keep]]
    keys = np.asarray(dataset.facets[by].keys, dtype=object)[present[keep]]
    return {str(k): "" if pd.isna(v) else str(v) for k, v in zip(keys, column, strict=True)}


def _largest(counts: pd.Series) -> pd.Series:
    return counts.sort_values(ascending=False, kind="stable").astype(int)


def _stars(rows: pd.DataFrame, clusters: pd.Series, min_clusters: int) -> pd.Series:
    """Return per row its stars: size, specialisation (lq >= 2) and focus, each 0 or 1."""
    eligible = rows["area"].map(clusters).to_numpy() >= min_clusters
    ranked = clusters[clusters >= min_clusters].index
    stars = pd.Series(0, index=rows.index)
    for _ecosystem, group in rows[eligible].groupby("ecosystem"):
        # Areas without the ecosystem rank with 0: they are part of "the areas".
        for column in ("count", "share"):
            values = group.set_index("area")[column].reindex(ranked, fill_value=0)
            top = math.ceil(TOP_SHARE * len(ranked))
            higher = (values.to_numpy()[None, :] > group[column].to_numpy()[:, None]).sum(1)
            stars.loc[group.index] += (higher < top).astype(int)
        stars.loc[group.index] += (group["lq"] >= LQ_STAR).astype(int)
    return stars
