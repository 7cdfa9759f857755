"""What the map can show (its modes) and colour by: names as in the URL, labels as shown."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Choice:
    """One value of a map setting: its URL name, its label, and a feature it needs."""

    name: str
    label: str
    # The colour bar title of an area mode (None for points).
    colorbar: str | None = None
    # Offered only when the app has this feature ("nuts": NUTS boundaries configured).
    needs: str | None = None


MAP_MODES = (
    Choice("points", "Clusters (points)"),
    Choice("country_count", "Clusters per country", "Clusters"),
    Choice("country_smes", "Member SMEs per country", "Member SMEs"),
    Choice("country_per_million", "Clusters per million inhabitants",
           "Clusters per<br>million inhabitants"),
    Choice("nuts2_count", "Clusters per NUTS-2 region", "Clusters per<br>NUTS-2 region",
           needs="nuts"),
)  # fmt: skip
COLOR_CHOICES = (
    Choice("scope", "Scope"),
    Choice("label", "Label"),
    Choice("ecosystem", "Ecosystem"),
)


def offered(choices: tuple[Choice, ...], features: frozenset[str]) -> tuple[Choice, ...]:
    """Return the choices available when the app has `features`."""
    return tuple(c for c in choices if c.needs is None or c.needs in features)
