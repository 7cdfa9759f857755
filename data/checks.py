"""Building blocks of the row checks: problem lines and per-unique-value look-ups."""

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

PROBLEM_COLUMNS = ("row", "column", "value", "reason")


@dataclass(frozen=True)
class Check:
    """What one rule produced: normalised columns to write back, and problem lines."""

    values: dict[str, pd.Series] = field(default_factory=dict)
    problems: list[pd.DataFrame] = field(default_factory=list)


def problem_lines(
    mask: pd.Series, column: str, values: pd.Series, reason: str | pd.Series
) -> pd.DataFrame:
    """Return one problem line (row, column, value, reason) per row where `mask` is true."""
    mask = mask.fillna(False).astype(bool)
    if not mask.any():
        return pd.DataFrame(columns=["row", "column", "value", "reason"])
    reasons = reason[mask].to_numpy(dtype=object) if isinstance(reason, pd.Series) else reason
    return pd.DataFrame(
        {
            "row": mask.index[mask].to_numpy(),
            "column": column,
            "value": values[mask].astype("string").fillna("").to_numpy(dtype=object),
            "reason": reasons,
        }
    )


def per_unique(
    values: pd.Series, parse: Callable[[pd.Series], pd.Series | pd.DataFrame]
) -> pd.Series | pd.DataFrame:
    """Apply a vectorised parser to the distinct values only and spread the results back
    (a missing value's row is missing in every column the parser returns)."""
    codes, distinct = pd.factorize(values)
    parsed = parse(pd.Series(distinct, dtype=values.dtype)).reset_index(drop=True)
    return parsed.reindex(codes).set_axis(values.index)  # code -1 (missing) becomes NA


def map_unique(values: pd.Series, func: Callable[[str], object]) -> pd.Series:
    """Apply `func` once per distinct non-missing value and map the results back as text."""
    codes, distinct = pd.factorize(values)
    results = pd.Series([func(value) for value in distinct], dtype="string")
    return results.reindex(codes).set_axis(values.index)


def unknown_reason(noun: str, value: str, suggestion: str | None) -> str:
    """Return `unknown <noun> "<value>"`, with a "did you mean" hint when there is one."""
    hint = f' (did you mean "{suggestion}"?)' if suggestion else ""
    return f'unknown {noun} "{value}"{hint}'


def add_finding(records: pd.DataFrame, mask: pd.Series, flag: str | None, notes: pd.Series) -> None:
    """Append a flag and a note to the `flags` and `notes` columns of the rows in `mask`.

    Accepted rows keep what a check changed or doubted in these two extra columns (short
    codes, "; "-joined, and one sentence per finding), so nothing is changed silently.
    """
    if not mask.any():
        return
    for column, text in (("flags", flag), ("notes", notes)):
        if text is None:
            continue
        current = records.get(column, pd.Series("", index=records.index)).fillna("")
        # A Series of notes may cover only the flagged rows: it is aligned on the index.
        if isinstance(text, pd.Series):
            addition = text.reindex(mask.index)[mask]
        else:
            addition = pd.Series(text, index=mask.index)
        joined = current.where(current == "", current + "; ") + addition
        records[column] = current.mask(mask, joined).astype("string").replace("", pd.NA)
