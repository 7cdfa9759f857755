"""The ingest pipeline: file -> canonical records, the one place that calls data/ and mapping/."""
