"""Server posture: security headers everywhere, a size limit, and no 5xx for malformed input."""

import http.client
import io
import json
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.serving import make_server

from api.security import CALLBACK_PATH, SERVER_NAME, QuietRequestHandler, content_policy
from app import create_app
from layouts import ids
from settings import Settings

PATHS = ("/", "/api/stats.json", "/api/clusters.csv?country=DE", "/assets/atlas.css",
         "/geo/countries.geojson", "/api/no-such-route", "/no-such-page")  # fmt: skip
API_ROUTES = ("/api/clusters.csv", "/api/clusters.geojson", "/api/stats.json", "/api/count.json",
              "/api/map.json",
              "/api/specialisation.json", "/api/compare.json", "/api/partnerships.json",
              "/api/timeline.json", "/api/marketplace.json", "/api/partners.json",
              "/api/report.json", "/api/rejects.csv")  # fmt: skip
PARAMS = (
    "country",
    "scope",
    "ecosystem",
    "q",
    "sme_min",
    "founded_max",
    "bbox",
    "tab",
    "areas",
    "cluster",
    "sort",
    "data",
    "limit",
    "by",
    "weight",
    "split",
    "zoom",
    "lat",
    "side",
)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return create_app(Settings(max_upload_mb=1, data_dir=tmp_path_factory.mktemp("datasets")))


@pytest.fixture(scope="module")
def client(app):
    return app.server.test_client()


@pytest.mark.parametrize("path", PATHS)
def test_every_answer_carries_the_security_headers(client, path):
    response = client.get(path)
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "http" not in policy and "*" not in policy  # no remote origin at all
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Server"] == SERVER_NAME


def test_the_page_s_inline_script_is_allowed_by_its_hash(app, client):
    page = client.get("/").get_data(as_text=True)
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert "<script>" in page or "<script " in page
    assert all(digest in policy for digest in app.csp_hashes())


@pytest.mark.parametrize(
    "body",
    ["not json", "[]", "{}", '{"output": 1, "outputs": [], "inputs": []}',
     '{"output": "no-such.children", "outputs": {}, "inputs": []}',
     '{"output": "..main-tabs.value...", "outputs": [], "inputs": [1, 2]}'],
)  # fmt: skip
def test_malformed_callback_requests_answer_400(client, body):
    response = client.post(CALLBACK_PATH, data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.json["error"].startswith("bad request")


def test_a_request_over_the_size_limit_answers_413(client):
    response = client.post(CALLBACK_PATH, data=b"x" * 2_000_000,
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 413


values = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=30),
    st.lists(st.text(max_size=8), max_size=3),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
)  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
          HealthCheck.function_scoped_fixture])  # fmt: skip
@given(data=st.data())
def test_callbacks_fed_random_values_never_answer_5xx(app, client, data):
    output = data.draw(st.sampled_from(sorted(app.callback_map)))
    spec = app.callback_map[output]
    inputs = [
        {**item, "value": data.draw(values)} if data.draw(st.booleans()) else item
        for item in spec["inputs"]
    ]
    body = {"output": output, "outputs": _outputs(output), "inputs": inputs,
            "changedPropIds": [f"{i['id']}.{i['property']}" for i in inputs[:1]
                               if isinstance(i.get("id"), str)],
            "state": spec.get("state", [])}  # fmt: skip
    response = client.post(CALLBACK_PATH, data=json.dumps(body), content_type="application/json")
    assert response.status_code < 500, (output, response.get_data(as_text=True)[:300])


def _outputs(output: str) -> list[dict] | dict:
    """Return the `outputs` field the renderer sends for a callback's output string."""
    parts = [p for p in output.strip(".").split("...") if p]
    found = [{"id": p.rsplit(".", 1)[0], "property": p.rsplit(".", 1)[1]} for p in parts]
    return found if output.startswith("..") else found[0]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow,
          HealthCheck.function_scoped_fixture])  # fmt: skip
@given(
    route=st.sampled_from(API_ROUTES),
    query=st.lists(st.tuples(st.sampled_from(PARAMS), st.text(max_size=40)), max_size=4),
)
def test_api_routes_fed_random_queries_never_answer_5xx(client, route, query):
    response = client.get(route, query_string=query)
    assert response.status_code < 500, (route, query, response.get_data(as_text=True)[:300])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
          HealthCheck.function_scoped_fixture])  # fmt: skip
@given(
    name=st.text(max_size=60),
    suffix=st.sampled_from([".csv", ".xlsx", ".json", ".geojson", ".parquet", ".tsv", ""]),
    data=st.binary(max_size=2_000),
)
def test_uploads_of_random_bytes_never_answer_5xx(app, client, name, suffix, data):
    response = client.post(
        "/api/datasets",
        data={"file": (io.BytesIO(data), name + suffix)},
        content_type="multipart/form-data",
    )
    assert response.status_code in (201, 400), response.get_data(as_text=True)[:300]
    body = response.get_json()
    assert "\n" not in body.get("error", "") and len(body.get("error", "")) <= 300


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
          HealthCheck.function_scoped_fixture])  # fmt: skip
@given(query=st.lists(st.tuples(st.sampled_from(PARAMS), st.text(max_size=30)), max_size=4))
def test_views_answer_any_link_without_failing(app, client, query):
    # A link is user input: every view's callback must render it (200/204), not fail (the
    # error handler would turn a failure into a 400, so this checks the callbacks themselves).
    search = "?" + "&".join(f"{k}={v}" for k, v in query)
    # The link's search, as the URL gives it or as the browser copies it to a view's store.
    searches = {("url", "search"), *((store, "data") for store in ids.VIEW_SEARCH.values())}
    checked = []
    for output, spec in app.callback_map.items():
        inputs = [(i["id"], i["property"]) for i in spec["inputs"]]
        # Wildcard outputs need the page's expanded component ids: left to the browser tests.
        # Clientside callbacks (no server function) run in the browser.
        if len(inputs) != 1 or inputs[0] not in searches or '"ALL"' in output:
            continue
        if "callback" not in spec:
            continue
        ((component, prop),) = inputs
        body = {"output": output, "outputs": _outputs(output),
                "inputs": [{"id": component, "property": prop, "value": search}],
                "changedPropIds": [f"{component}.{prop}"],
                "state": spec.get("state", [])}  # fmt: skip
        response = client.post(CALLBACK_PATH, data=json.dumps(body),
                               content_type="application/json")  # fmt: skip
        assert response.status_code in (200, 204), (output, search, response.get_data()[:200])
        checked.append(output)
    assert any(ids.PARTNER_LIST in output for output in checked), checked  # the views too


def test_opt_in_tiles_open_only_their_origin(app):
    policy = content_policy(app, tiles="https://tiles.example.org:8443/{z}/{x}/{y}.png")
    assert "img-src 'self' data: blob: https://tiles.example.org:8443;" in policy
    assert policy.count("tiles.example.org") == 2  # images and fetches, nothing else


def test_the_served_app_names_no_server_version(app):
    # `python app.py` serves with this handler: http.server would add Werkzeug's banner.
    server = make_server("127.0.0.1", 0, app.server, request_handler=QuietRequestHandler)
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=30)
    connection.request("GET", "/api/stats.json")
    response = connection.getresponse()
    banners = [value for name, value in response.getheaders() if name.lower() == "server"]
    connection.close()
    thread.join(timeout=30)
    server.server_close()
    assert response.status == 200 and banners == [SERVER_NAME]
