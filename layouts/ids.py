"""Every component id of the page, as constants (callbacks and browser tests import these)."""

# Page frame
URL = "url"
COUNT = "cluster-count"
DEMO_NOTICE = "demo-notice"
NOTICES = "filter-notices"
FOOTER = "page-footer"

# Filters: one control per FilterSpec parameter (the parameter name is the id's suffix).
FILTER_PREFIX = "filter-"
SEARCH = "filter-q"
SCOPE = "filter-scope"
COUNTRY = "filter-country"
REGION = "filter-region"
NUTS2 = "filter-nuts2"
ECOSYSTEM = "filter-ecosystem"
SECTOR = "filter-sector"
EMERGING = "filter-emerging"
LABEL = "filter-label"
PARTNERSHIP = "filter-partnership"
SME_MIN = "filter-sme_min"
SME_MAX = "filter-sme_max"
FOUNDED_MIN = "filter-founded_min"
FOUNDED_MAX = "filter-founded_max"
BBOX = "filter-bbox"
BBOX_CLEAR = "filter-bbox-clear"
RESET = "filter-reset"
FILTER_PANEL = "filter-panel"
FILTER_TOGGLE = "filter-toggle"

# Statistics
KPIS = "kpi-strip"
CHART_COUNTRY = "chart-country"
CHART_ECOSYSTEM = "chart-ecosystem"
CHART_HEATMAP = "chart-heatmap"
CHART_SME = "chart-sme"

# Map
MAP = "cluster-map"
COLOR_BY = "map-color-by"
MAP_MODE = "map-mode"

# Table, downloads, profile
TABLE = "cluster-table"
DOWNLOAD_CSV = "download-csv"
DOWNLOAD_GEOJSON = "download-geojson"
PROFILE = "profile-panel"
PROFILE_BODY = "profile-body"
