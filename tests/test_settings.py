"""Settings: defaults, env vars and flags, clear errors, and a README that documents each one."""

from dataclasses import fields
from pathlib import Path

import pytest

from data.errors import SettingsError
from settings import DEMO_DATA_PATH, ROOT, Settings, env_name, load_settings, settings_table


def test_defaults_serve_the_demo_data_locally():
    settings = load_settings([], {})
    assert settings == Settings()
    assert settings.data == DEMO_DATA_PATH and settings.is_demo
    assert (settings.host, settings.port, settings.nuts, settings.tiles) == (
        "127.0.0.1",
        8050,
        None,
        None,
    )


def test_flags_override_environment_variables():
    environ = {"CLUSTER_ATLAS_PORT": "9000", "CLUSTER_ATLAS_HOST": "0.0.0.0"}
    settings = load_settings(["--port", "9100", "--data", "x.csv", "--debug"], environ)
    assert (settings.host, settings.port, settings.data, settings.debug) == (
        "0.0.0.0", 9100, Path("x.csv"), True,
    )  # fmt: skip
    assert not settings.is_demo


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"CLUSTER_ATLAS_PORT": "eighty"}, "port number"),
        ({"CLUSTER_ATLAS_PORT": "70000"}, "port number"),
        ({"CLUSTER_ATLAS_DEBUG": "maybe"}, "true or false"),
    ],
)
def test_bad_values_raise_one_clear_error(environ, message):
    with pytest.raises(SettingsError, match=message):
        load_settings([], environ)


def test_readme_documents_every_setting():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert settings_table() in readme, "README configuration table is stale: python settings.py"
    for spec in fields(Settings):
        assert env_name(spec.name) in readme


def test_cache_folder_defaults_to_the_user_cache(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert Settings().cache_dir == tmp_path / ".cache" / "cluster-atlas"
    assert Settings().ingest_options.cache_dir == tmp_path / ".cache" / "cluster-atlas"


def test_cache_folder_comes_from_the_environment_or_the_flag(tmp_path: Path):
    environ = {"CLUSTER_ATLAS_CACHE": str(tmp_path / "env")}
    assert load_settings([], environ).cache_dir == tmp_path / "env"
    flagged = load_settings(["--cache", str(tmp_path / "flag")], environ)
    assert flagged.ingest_options.cache_dir == tmp_path / "flag"
    assert load_settings([], {"CLUSTER_ATLAS_CACHE": ""}).cache == Settings().cache
