"""Helpers shared by the benchmark scripts: timing medians and Markdown tables."""

import statistics
import time
from collections.abc import Callable, Sequence


def median_seconds(func: Callable[[], object], *, runs: int = 5) -> float:
    """Return the median wall time of `runs` calls of `func`."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Return rows as a Markdown table."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)
