"""Time views of the filtered clusters: founding years, and labels by the date they expire.

- `founding_years`: clusters founded per year, split by scope or by ecosystem (a cluster counts
  once in each of its ecosystems, as in the specialisation), with the running total of
  clusters (each once) founded up to that year. Clusters without a founding year are counted
  in `unknown`, not dropped silently.
- `label_expiry`: of the labelled clusters (Gold, Silver, Bronze), how many labels have expired,
  how many expire within the next `months` months of `today` (per month and label), and how
  many later; a label without a date is counted as such.
Pure pandas and numpy, no dash.
"""

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from analysis.dataset import Dataset
from analysis.statistics import LABELLED
from data.taxonomies import vocabulary

SPLITS = ("scope", "ecosystem")
EXPIRY_MONTHS = 12
YEAR_FIELDS = ("year", "group", "count", "cumulative")


@dataclass(frozen=True)
class Years:
    """Clusters founded per year and group (`rows`), and the clusters without a year."""

    rows: pd.DataFrame
    unknown: int
    groups: tuple[str, ...]

    def records(self) -> list[dict]:
        """Return the rows as JSON-ready dicts."""
        return self.rows[list(YEAR_FIELDS)].to_dict("records")


def founding_years(dataset: Dataset, mask: np.ndarray, *, split: str = "scope") -> Years:
    """Return clusters per founding year and scope (or ecosystem), with the running total.

    `cumulative` is the number of clusters (each once, whatever the split) founded in or
    before the row's year: the same for every group of a year. Vectorised on the data set's
    facets and number columns.
    """
    mask = np.asarray(mask, dtype=bool)
    founded = dataset.numbers["founded"]
    known = mask & ~np.isnan(founded)
    years = np.where(known, founded, 0).astype(np.int64)
    facet = dataset.facets["ecosystem" if split == "ecosystem" else "scope"]
    if facet.item_rows is None:  # one scope per record
        chosen = known & (facet.codes >= 0)
        year, group = years[chosen], facet.codes[chosen].astype(np.int64)
    else:  # (record, ecosystem) pairs, each once
        pairs = known[facet.item_rows]
        year, group = years[facet.item_rows[pairs]], facet.codes[pairs].astype(np.int64)
    size = len(facet.keys)
    cells, counts = np.unique(year * size + group, return_counts=True)
    order = vocabulary("ecosystems" if split == "ecosystem" else "scopes").terms
    labels = np.asarray(facet.labels, dtype=object)
    running = pd.Series(years[known]).value_counts().sort_index().cumsum()
    rows = pd.DataFrame({"year": cells // size, "group": labels[cells % size], "count": counts})
    rows["cumulative"] = rows["year"].map(running).astype(int)
    present = [g for g in order if g in set(rows["group"])]
    rows["group"] = pd.Categorical(rows["group"], categories=present)
    rows = rows.sort_values(["year", "group"]).reset_index(drop=True)
    rows["group"] = rows["group"].astype(str)
    return Years(rows[list(YEAR_FIELDS)], int(mask.sum() - known.sum()), tuple(present))


@dataclass(frozen=True)
class Expiry:
    """Labelled clusters by when their label expires, seen from `today`."""

    today: date
    until: date  # the end of the window (exclusive)
    labelled: int
    expired: int
    expiring: int
    later: int
    undated: int
    # One row per month the window touches and label: month ("2027-03"), label, count.
    months: pd.DataFrame

    def summary(self) -> dict:
        """Return the counts and the per-month rows as JSON-ready values."""
        return {
            "today": self.today.isoformat(),
            "until": self.until.isoformat(),
            "labelled": self.labelled,
            "expired": self.expired,
            "expiring": self.expiring,
            "later": self.later,
            "undated": self.undated,
            "months": self.months.to_dict("records"),
        }


def label_expiry(
    records: pd.DataFrame, mask: np.ndarray, *, today: date, months: int = EXPIRY_MONTHS
) -> Expiry:
    """Return how many labels of the masked clusters expire in the `months` after `today`."""
    chosen = records.loc[np.asarray(mask, dtype=bool), ["label", "label_valid_until"]]
    labels = chosen["label"].astype(str)
    labelled = chosen[labels.isin(_label_terms()).to_numpy()]
    valid = pd.to_datetime(labelled["label_valid_until"])
    start = pd.Timestamp(today)
    end = start + pd.DateOffset(months=months)
    dated = valid.notna()
    expired = dated & (valid < start)
    window = dated & (valid >= start) & (valid < end)
    inside = labelled.loc[window.to_numpy()]
    # The months the window touches: a partial first and last month included.
    periods = pd.period_range(start, end - pd.Timedelta(days=1), freq="M")
    counts = (
        pd.DataFrame({"month": valid[window].dt.to_period("M").astype(str).to_numpy(),
                      "label": inside["label"].astype(str).to_numpy()})
        .value_counts()
        .to_dict()
    )  # fmt: skip
    rows = [
        {"month": str(p), "label": label, "count": int(counts.get((str(p), label), 0))}
        for p in periods
        for label in _label_terms()
    ]
    return Expiry(
        today=today,
        until=end.date(),
        labelled=len(labelled),
        expired=int(expired.sum()),
        expiring=int(window.sum()),
        later=int((dated & (valid >= end)).sum()),
        undated=int((~dated).sum()),
        months=pd.DataFrame(rows, columns=["month", "label", "count"]),
    )


def _label_terms() -> list[str]:
    """Return the label names that are a label (not "no label"), best first."""
    return [vocabulary("labels").by_slug[key] for key in LABELLED]
