"""Headline statistics of a set of cluster records."""

import pandas as pd


def summarise(records: pd.DataFrame) -> dict[str, int]:
    """Return the headline counts: clusters, countries and member SMEs."""
    return {
        "clusters": len(records),
        "countries": int(records["country_code"].nunique()),
        "sme_members": int(records["sme_members"].sum()),
    }
