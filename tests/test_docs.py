"""The README documents every query parameter of the page and the API."""

import re
from pathlib import Path

import pytest

from analysis.params import PARAMS
from analysis.state import VIEW_PARAMS
from analysis.table import SORTABLE
from mapping.modes import COLOR_CHOICES, MAP_MODES

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
INTERFACE = README.split("## Public interface", 1)[1].split("\n## ", 1)[0]


@pytest.mark.parametrize(
    "name",
    [*PARAMS, *VIEW_PARAMS, *SORTABLE, *(m.name for m in MAP_MODES),
     *(c.name for c in COLOR_CHOICES)],
)  # fmt: skip
def test_every_query_parameter_and_value_is_in_the_public_interface(name):
    # Listed as code (`name`), or in a comma-separated list of names, or as name=value.
    assert re.search(rf"[`\s,(]{re.escape(name)}[`,=\s]", INTERFACE), name


def test_the_readme_states_every_partner_weight():
    from analysis.partners import COMPONENTS

    for component in COMPONENTS:
        assert f"| `{component.name}` | {component.weight:.2f} |" in README
