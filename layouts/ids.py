"""Every component id of the page, as constants (callbacks and browser tests import these)."""

# Page frame
URL = "url"
COUNT = "cluster-count"
DEMO_NOTICE = "demo-notice"
DATASET_NAME = "dataset-name"
DATASET_BACK = "dataset-back"
NOTICES = "filter-notices"
FOOTER = "page-footer"
TABS = "main-tabs"
MAP_VIEW = "map-view"

# Filters: one control per query parameter of the parameter table (analysis/params.py), as
# pattern-matching ids {"type": ..., "param": name}: FACET controls list values with counts
# (their options change with the filter), FIELD controls take free text or numbers.
FACET = "filter-facet"
FIELD = "filter-field"
BBOX = "filter-bbox"
BBOX_CLEAR = "filter-bbox-clear"
RESET = "filter-reset"
FILTER_PANEL = "filter-panel"
FILTER_TOGGLE = "filter-toggle"
FILTER_DONE = "filter-done"
NO_MATCH = "no-match"
NO_MATCH_RESET = "no-match-reset"


def facet(param: str) -> dict:
    """Return the id of the control choosing values of the `keys` filter `param`."""
    return {"type": FACET, "param": param}


def field(param: str) -> dict:
    """Return the id of the input of the text or number parameter `param`."""
    return {"type": FIELD, "param": param}


def dom_id(component_id: dict | str) -> str:
    """Return the DOM id Dash gives a component (pattern-matching ids are serialised JSON)."""
    if isinstance(component_id, str):
        return component_id
    parts = ",".join(f'"{key}":"{component_id[key]}"' for key in sorted(component_id))
    return "{" + parts + "}"


# Statistics
KPIS = "kpi-strip"
CHART_COUNTRY = "chart-country"
CHART_COUNTRY_TITLE = "chart-country-title"
CHART_ECOSYSTEM = "chart-ecosystem"
CHART_HEATMAP = "chart-heatmap"
CHART_HEATMAP_TITLE = "chart-heatmap-title"
CHART_SME = "chart-sme"
# The four charts' figures, as the dashboard callback answers them; the graphs get them once
# the map has drawn (assets/atlas-map.js afterMap).
CHART_FIGURES = "chart-figures"

# Map
MAP = "cluster-map"
COLOR_BY = "map-color-by"
COLOR_HINT = "map-color-hint"
# The map's viewport (its view after each pan or zoom), and the same view set only when the
# figure shown does not cover it (a redraw is due).
MAP_VIEWPORT = "map-viewport"
MAP_REDRAW = "map-redraw"
MAP_MODE = "map-mode"

# Table, downloads, profile
TABLE = "cluster-table"
# The sort a user chose by clicking a column header (set by assets/atlas.js).
TABLE_SORT = "table-sort"
# What the table shows (data set, filters, sort): when it changes the grid reloads its rows.
TABLE_KEY = "table-key"
DOWNLOAD_CSV = "download-csv"
DOWNLOAD_GEOJSON = "download-geojson"
PROFILE = "profile-panel"
PROFILE_BODY = "profile-body"
PROFILE_TITLE = "profile-title"
PROFILE_FIND = "profile-find-partners"

# Partner finder
PARTNER_VIEW = "partner-view"
PARTNER_SUBJECT = "partner-subject"
PARTNER_MAP = "partner-map"
PARTNER_LIST = "partner-list"
PARTNER_CSV = "partner-csv"
PROFILE_COPY = "profile-copy-link"

# Marketplace
MARKET_VIEW = "market-view"
MARKET_HEADER = "market-header"
MARKET_LIST = "market-list"

# Insights (specialisation)
INSIGHT_VIEW = "insight-view"
INSIGHT_HEADER = "insight-header"
INSIGHT_MAP = "insight-map"
INSIGHT_MAP_NOTE = "insight-map-note"
INSIGHT_HEATMAP = "insight-heatmap"
INSIGHT_TABLE = "insight-table"

# Insights: strategic partnerships (network) and time
NETWORK_HEADER = "network-header"
NETWORK_MAP = "network-map"
NETWORK_MATRIX = "network-matrix"
NETWORK_LIST = "network-list"
TIME_HEADER = "time-header"
TIME_FOUNDED = "time-founded"
TIME_EXPIRY_NOTE = "time-expiry-note"
TIME_EXPIRY = "time-expiry"

# Printed pages: the link they came from (set by assets/atlas.js).
PRINT_LINK = "print-link"

# Compare areas
COMPARE_VIEW = "compare-view"
COMPARE_AREAS = "compare-areas"
COMPARE_NOTE = "compare-note"
COMPARE_BODY = "compare-body"
COMPARE_MIX = "compare-mix"
COMPARE_LABELS = "compare-labels"

# Your data: upload, progress, the report of a data set and its actions
UPLOAD_VIEW = "upload-view"
UPLOAD = "upload"
UPLOAD_ZONE = "upload-zone"
UPLOAD_MESSAGE = "upload-message"
UPLOAD_BUSY = "upload-busy"
UPLOAD_PROGRESS = "upload-progress"
UPLOAD_POLL = "upload-poll"
UPLOAD_REPORT = "upload-report"
UPLOAD_ACTIONS = "upload-actions"
UPLOAD_OPEN = "upload-open"
UPLOAD_RECORDS_CSV = "upload-records-csv"
UPLOAD_REJECTS_CSV = "upload-rejects-csv"
UPLOAD_REMOVE = "upload-remove"

# The header's name of the data set shown.
DATASET_NAME = "dataset-name"
DATASET_BACK = "dataset-back"
DEMO_NOTICE_WRAP = "demo-notice-wrap"

# The element of each main view, by the page state's `tab`.
VIEW_IDS = {"map": MAP_VIEW, "partners": PARTNER_VIEW, "marketplace": MARKET_VIEW,
            "insights": INSIGHT_VIEW, "compare": COMPARE_VIEW, "upload": UPLOAD_VIEW}  # fmt: skip
# Per view but the map's: the URL search, copied in the browser only when the link asks for
# that view (callbacks._views), so a hidden view costs no request per filter change.
VIEW_SEARCH = {tab: f"{tab}-search" for tab in VIEW_IDS if tab != "map"}
# The views already mounted: all but the map's are put in the page when first shown.
VIEWS_MOUNTED = "views-mounted"
