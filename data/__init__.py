"""Records in and out: schema, taxonomies, readers, validation, ingest, demo data, exports."""
