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
`unplaced`. Pure pandas and numpy, no dash.
"""

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

# by= -> (code column, name column; None: the code is the name).
AREAS = {
    "country": ("country_code", "country"),
    "region": ("region_code", "region_name"),
    "nuts2": ("nuts2", None),
}
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
    records: pd.DataFrame,
    mask: np.ndarray,
    *,
    by: str = "country",
    weight: str = "clusters",
    min_clusters: int = MIN_CLUSTERS,
) -> Specialisation:
    """Return counts, location quotients and stars per area and ecosystem of the masked rows."""
    code_column, name_column = AREAS[by]
    chosen = records.loc[mask]
    codes = chosen[code_column].astype(object)
    placed = chosen.loc[codes.notna().to_numpy() & (codes.astype(str) != "").to_numpy()]
    unplaced = len(chosen) - len(placed)
    if weight == "smes":
        weights = placed["sme_members"].astype("Float64").fillna(0).to_numpy(dtype=float)
    else:
        weights = np.ones(len(placed))
    area = placed[code_column].astype(str).to_numpy()
    names = placed[name_column].astype(object) if name_column else placed[code_column]
    area_names = dict(zip(area, names.fillna("").astype(str), strict=True))
    clusters = pd.DataFrame({"area": area, "w": weights,
                             "ecosystem": placed["ecosystems"].to_numpy()})  # fmt: skip
    sizes = clusters.groupby("area")["w"].sum()  # n_a
    counts_per_area = clusters.groupby("area").size()  # clusters, for the stars' minimum
    total = float(sizes.sum())  # n
    # One row per cluster and ecosystem (an ecosystem listed twice counts once).
    pairs = clusters.explode("ecosystem").dropna(subset=["ecosystem"]).reset_index()
    pairs = pairs.drop_duplicates(subset=["index", "ecosystem"])
    if pairs.empty or total <= 0:
        empty = pd.DataFrame(columns=list(ROW_FIELDS))
        return Specialisation(empty, len(sizes), unplaced, _largest(counts_per_area))
    rows = pairs.groupby(["area", "ecosystem"], as_index=False)["w"].sum()
    rows = rows.rename(columns={"w": "count"})
    rows = rows[rows["count"] > 0]
    per_ecosystem = rows.groupby("ecosystem")["count"].sum()  # n_e
    share = rows["count"] / rows["area"].map(sizes)  # n_ae / n_a
    rows["lq"] = share / (rows["ecosystem"].map(per_ecosystem) / total)
    rows["share"] = share
    rows["stars"] = _stars(rows, counts_per_area, min_clusters)
    rows["area_name"] = rows["area"].map(area_names)
    rows["count"] = rows["count"].round(6)
    if weight == "clusters":
        rows["count"] = rows["count"].astype(int)
    rows = rows.sort_values(["area", "ecosystem"], kind="stable").reset_index(drop=True)
    return Specialisation(rows[list(ROW_FIELDS)], len(sizes), unplaced, _largest(counts_per_area))


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
