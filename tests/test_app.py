"""The app in process: Flask test client against the real factory and the demo data."""

import json
import re

import pytest
from plotly.offline import get_plotlyjs_version
from plotly.utils import PlotlyJSONEncoder

from api.routes import PLOTLY_JS_PATH, PLOTLY_JS_URL, REGENERATOR_URL
from app import create_app, main
from ingest.pipeline import load_records
from layouts import ids
from settings import DEMO_DATA_PATH, Settings


@pytest.fixture(scope="module")
def dash_app():
    """Return the app serving the demo data."""
    return create_app(Settings())


@pytest.fixture(scope="module")
def client(dash_app):
    """Return a test client of the app serving the demo data."""
    return dash_app.server.test_client()


def test_index_and_layout_are_served(client):
    assert client.get("/").status_code == 200
    layout = client.get("/_dash-layout")
    assert layout.status_code == 200
    text = layout.get_data(as_text=True)
    total = len(load_records(DEMO_DATA_PATH))
    assert f"{total:,} of {total:,} clusters" in text
    assert "synthetic" in text and "GeoNames" in text and "Natural Earth" in text


def _find_component(node, component_id):
    """Return the component with `component_id` in a serialised Dash layout."""
    if isinstance(node, dict):
        if node.get("props", {}).get("id") == component_id:
            return node
        children = node.get("props", {}).get("children")
        nodes = children if isinstance(children, list) else [children]
        return next((f for n in nodes if (f := _find_component(n, component_id))), None)
    return None


def test_first_page_holds_the_map_view_and_only_the_frames_of_the_others(dash_app, client):
    """The other views (their graphs and grids) are mounted when first shown."""
    layout = client.get("/_dash-layout").get_json()
    for tab, view in ids.VIEW_IDS.items():
        frame = _find_component(layout, view)
        if tab == "map":
            assert _find_component(frame, ids.MAP) is not None
        else:
            assert frame["props"]["hidden"] is True and not frame["props"].get("children")
            assert frame["props"]["aria-label"]
    for component in (ids.INSIGHT_HEATMAP, ids.COMPARE_AREAS, ids.PARTNER_MAP, ids.UPLOAD):
        assert _find_component(layout, component) is None
    # Dash checks the callbacks against the whole page, every view mounted.
    whole = json.loads(json.dumps(dash_app.validation_layout, cls=PlotlyJSONEncoder))
    for component in (ids.INSIGHT_HEATMAP, ids.COMPARE_AREAS, ids.PARTNER_MAP, ids.UPLOAD):
        assert _find_component(whole, component) is not None


def test_map_uses_only_local_sources(client):
    figure = client.get("/api/map.json").get_json()["figure"]
    sources = [layer["source"] for layer in figure["layout"]["map"]["layers"]]
    assert sources and all(source.startswith("/") for source in sources)
    assert "http" not in json.dumps(figure)


def test_filters_update_everything_in_one_callback(client):
    layout = client.get("/_dash-layout").get_json()
    assert _find_component(layout, ids.URL) is not None
    assert _find_component(layout, ids.FILTER_PANEL) is not None


def test_country_polygons_are_served_as_geojson(client):
    response = client.get("/geo/countries.geojson")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    assert json.loads(response.get_data())["type"] == "FeatureCollection"


def test_the_page_gets_our_plotly_js_build(client):
    # dash-renderer loads plotly.js from Dash's URL; the app answers it with vendor/plotly's
    # build (the smaller bundle), not plotly's full one.
    response = client.get(PLOTLY_JS_URL)
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.get_data() == PLOTLY_JS_PATH.read_bytes()
    assert response.get_data().startswith(b"/* Cluster Atlas build of plotly.js")


def test_the_page_loads_the_regenerator_runtime_in_place_of_babel_polyfill(client):
    # Dash's bundles call the regeneratorRuntime global: it must come before them, after React.
    scripts = re.findall(r'<script src="([^"]+)"', client.get("/").get_data(as_text=True))
    assert scripts and not any("polyfill" in src for src in scripts)
    runtime = scripts.index(REGENERATOR_URL)
    assert all("/deps/" in src for src in scripts[:runtime])
    assert any("/deps/react@" in src for src in scripts[:runtime])
    assert all("/deps/" not in src for src in scripts[runtime + 1 :])
    response = client.get(REGENERATOR_URL)
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert b"regeneratorRuntime = runtime" in response.get_data()


def test_our_plotly_js_is_the_version_plotly_ships():
    # dcc.Graph is made for the plotly.js of the installed plotly: rebuild on an upgrade.
    package = json.loads((PLOTLY_JS_PATH.parent / "package.json").read_text())
    assert package["devDependencies"]["plotly.js"] == get_plotlyjs_version()
    assert PLOTLY_JS_PATH.read_bytes().startswith(
        f"/* Cluster Atlas build of plotly.js {get_plotlyjs_version()} ".encode()
    )


def test_bad_data_path_exits_with_one_clear_line(tmp_path, capsys):
    assert main(["--data", str(tmp_path / "missing.csv")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and "missing.csv" in err and "\n" not in err
