"""WSGI entry point for production servers: `make serve` runs gunicorn on `wsgi:server`."""

from app import create_app
from settings import load_settings

server = create_app(load_settings([])).server  # settings from CLUSTER_ATLAS_* variables only
