"""Every component id of the page, as constants (callbacks and browser tests import these)."""

MAP = "cluster-map"
COLOR_BY = "map-color-by"
COUNT = "cluster-count"
DEMO_NOTICE = "demo-notice"
FOOTER = "page-footer"
