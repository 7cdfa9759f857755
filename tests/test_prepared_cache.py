"""The started data set is ingested once: a restart loads the prepared records from the cache."""

import pandas as pd

from data import datasets
from ingest.pipeline import (
    PREPARED_FOLDER,
    IngestOptions,
    load_checked,
    load_prepared,
    prepared_key,
)

ROWS = "name,city,country,sme_members\nAlpha Cluster,Graz,AT,10\nBeta Cluster,Lyon,FR,20\nX,,,\n"


def test_a_second_load_reads_the_prepared_records_not_the_file(tmp_path):
    source = tmp_path / "clusters.csv"
    source.write_text(ROWS, encoding="utf-8")
    cache = tmp_path / "cache"
    first = load_prepared(source, options=IngestOptions(), cache_dir=cache)
    fresh = load_checked(source)
    pd.testing.assert_frame_equal(first.records, fresh.records)
    key = prepared_key(source, IngestOptions())
    root = cache / PREPARED_FOLDER
    assert datasets.has_records(root, key)
    # Mark the kept records: a second load that shows the mark read them, not the file.
    kept = datasets.load_records(root, key)
    kept.loc[0, "name"] = "Read From The Cache"
    kept.to_parquet(root / key / datasets.RECORDS, index=False)
    again = load_prepared(source, options=IngestOptions(), cache_dir=cache)
    assert again.records.loc[0, "name"] == "Read From The Cache"
    assert (again.rows_read, again.accepted, again.rejected) == (3, 2, 1)
    assert again.summary() == fresh.summary()
    pd.testing.assert_frame_equal(again.rejects, fresh.rejects)


def test_a_changed_file_or_option_is_a_new_entry(tmp_path):
    source = tmp_path / "clusters.csv"
    source.write_text(ROWS, encoding="utf-8")
    before = prepared_key(source, IngestOptions())
    assert prepared_key(source, IngestOptions(online=True, cache_dir=tmp_path)) != before
    source.write_text(ROWS + "Gamma Cluster,Porto,PT,5\n", encoding="utf-8")
    assert prepared_key(source, IngestOptions()) != before
    result = load_prepared(source, options=IngestOptions(), cache_dir=tmp_path / "cache")
    assert result.accepted == 3
