"""The partnership network: strategic cluster partnerships as links between countries.

Among the filtered clusters, every strategic partnership (ESCP-4i / Euroclusters style, named
like "AlpArc 4i: future food to China & Japan") links the countries of its members. Nodes are
countries (clusters in at least one partnership, partnerships they are in); an edge joins two
countries for every partnership with members in both (`partnerships` counts them); `targets`
are the third countries the partnerships aim at (from their names). `cluster_ids` are a
partnership's first MEMBER_IDS members (`members` counts them all). A node's `lat`/`lon` is
the median place of all the data set's clusters in that country (where its links are drawn).
"""

from collections import Counter
from itertools import combinations

import numpy as np
import pandas as pd

from analysis.dataset import Dataset
from data.countries import country_name, partnership_targets

# A partnership lists at most this many member ids (all of them: the partnership filter on
# /api/clusters.csv), so that the answer does not grow with the members.
MEMBER_IDS = 100


def partnership_network(dataset: Dataset, mask: np.ndarray) -> dict:
    """Return partnerships, country nodes, country-to-country edges and target countries."""
    mask = np.asarray(mask, dtype=bool)
    facet, country = dataset.facets["partnership"], dataset.facets["country"]
    # (record, partnership) pairs of the filtered records, in record order.
    kept = mask[facet.item_rows]
    rows, codes = facet.item_rows[kept], facet.codes[kept]
    homes = country.codes[rows]
    ids = dataset.records["cluster_id"].to_numpy()
    members: dict[str, list[str]] = {}  # partnership -> its first member cluster ids
    sizes: dict[str, int] = {}  # partnership -> members
    countries: dict[str, set[str]] = {}  # partnership -> member countries
    # One stable sort groups the pairs by partnership (record order kept within each).
    order = np.argsort(codes, kind="stable")
    present, starts = np.unique(codes[order], return_index=True)
    groups = np.split(order, starts[1:]) if len(present) else []
    for code, group in zip(present, groups, strict=True):
        name = facet.labels[code]
        sizes[name] = len(group)
        members[name] = [str(i) for i in ids[rows[group[:MEMBER_IDS]]]]
        countries[name] = {country.keys[c] for c in np.unique(homes[group]) if c >= 0}
    # Clusters in any partnership, per country (a cluster once, whatever its partnerships).
    first = np.unique(rows)
    home = country.codes[first]
    in_partnership = Counter({country.keys[c]: int(n) for c, n in
                              enumerate(np.bincount(home[home >= 0], minlength=len(country.keys)))
                              if n})  # fmt: skip
    names = dict(zip(country.keys, country.labels, strict=True))
    per_country: Counter = Counter(c for codes in countries.values() for c in codes)
    edges: Counter = Counter()
    for codes in countries.values():
        edges.update(combinations(sorted(codes), 2))
    targets: Counter = Counter()
    listed = []
    for name in sorted(members, key=lambda n: (-sizes[n], n)):
        aimed = sorted(partnership_targets(name))
        targets.update(aimed)
        listed.append({"name": name, "members": sizes[name],
                       "countries": sorted(countries[name]), "targets": aimed,
                       "cluster_ids": members[name][:MEMBER_IDS]})  # fmt: skip
    places = dataset.derived("country_points", country_points)
    return {
        "partnerships": listed,
        "nodes": [{"id": code, "name": names.get(code, code), "clusters": in_partnership[code],
                   "partnerships": per_country[code], **places.get(code, _NOWHERE)}
                  for code in sorted(per_country, key=lambda c: (-per_country[c], c))],
        "edges": [{"source": a, "target": b, "partnerships": n}
                  for (a, b), n in sorted(edges.items(), key=lambda e: (-e[1], e[0]))],
        "targets": [{"code": code, "name": country_name(code), "partnerships": n}
                    for code, n in targets.most_common()],
    }  # fmt: skip


_NOWHERE = {"lat": None, "lon": None}


def country_points(dataset: Dataset) -> dict[str, dict[str, float]]:
    """Return per country code the median lat/lon of its clusters (rounded to 0.01 degree)."""
    records = dataset.records
    places = records.groupby(records["country_code"].astype(str))[["lat", "lon"]].median()
    return {
        code: {"lat": round(float(row.lat), 2), "lon": round(float(row.lon), 2)}
        for code, row in places.dropna().iterrows()
    }


def partnership_rows(network: dict) -> pd.DataFrame:
    """Return the network's partnerships as a table (lists joined with "; ")."""
    rows = [
        {
            "partnership": p["name"],
            "members": p["members"],
            "countries": "; ".join(p["countries"]),
            "targets": "; ".join(p["targets"]),
            "cluster_ids": "; ".join(p["cluster_ids"]),
        }
        for p in network["partnerships"]
    ]
    return pd.DataFrame(rows, columns=["partnership", "members", "countries", "targets",
                                       "cluster_ids"])  # fmt: skip
