"""The started data set is ingested once: a restart loads the prepared records from the cache."""

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from analysis._index_files import index_folder
from analysis._partner_index import FILES, partner_index
from analysis.dataset import prepare
from analysis.filters import apply_filter, parse_query_string
from data import datasets
from data.schema import records_from_arrow
from ingest.pipeline import (
    PREPARED_FOLDER,
    IngestOptions,
    load_checked,
    load_prepared,
    prepared_key,
)
from tests.filter_oracle import demo

ROWS = "name,city,country,sme_members\nAlpha Cluster,Graz,AT,10\nBeta Cluster,Lyon,FR,20\nX,,,\n"


def test_a_second_load_reads_the_prepared_records_not_the_file(tmp_path):
    source = tmp_path / "clusters.csv"
    source.write_text(ROWS, encoding="utf-8")
    cache = tmp_path / "cache"
    first, _ = load_prepared(source, options=IngestOptions(), cache_dir=cache)
    fresh = load_checked(source)
    pd.testing.assert_frame_equal(first.records, fresh.records)
    key = prepared_key(source, IngestOptions())
    root = cache / PREPARED_FOLDER
    assert datasets.has_records(root, key)
    # Mark the kept records: a second load that shows the mark read them, not the file.
    kept = datasets.load_records(root, key)
    kept.loc[0, "name"] = "Read From The Cache"
    # A new file renamed over the mapped one, as the app would have to (never overwritten).
    datasets.write_records(kept, tmp_path / "marked.arrow")
    (tmp_path / "marked.arrow").replace(root / key / datasets.RECORDS)
    again, _ = load_prepared(source, options=IngestOptions(), cache_dir=cache)
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
    result, _ = load_prepared(source, options=IngestOptions(), cache_dir=tmp_path / "cache")
    assert result.accepted == 3


def test_the_filter_indexes_are_kept_and_mapped_by_the_next_process(tmp_path):
    records = demo().records
    folder = tmp_path / "entry"
    folder.mkdir()
    built = prepare(records, folder=folder)
    kept = index_folder(folder)
    assert kept.is_dir() and not isinstance(built.lat, np.memmap)  # built in memory
    mapped = prepare(records, folder=folder)
    assert isinstance(mapped.lat, np.memmap) and not mapped.lat.flags.writeable
    # The mapped indexes answer exactly as the built ones, filter by filter.
    for link in ("country=DE,FR&ecosystem=digital", "q=hydrogen", "label=gold&sme_min=100",
                 "partnership=x", "scope=eu&founded_min=2000", "bbox=-10,35,30,60"):  # fmt: skip
        spec, _ = parse_query_string(link, dataset=built)
        assert np.array_equal(apply_filter(built, spec), apply_filter(mapped, spec)), link
    for param, facet in built.facets.items():
        other = mapped.facets[param]
        assert (facet.keys, facet.labels) == (other.keys, other.labels)
        assert np.array_equal(facet.counts(), other.counts())


def test_indexes_of_other_code_or_other_records_are_not_used(tmp_path):
    records = demo().records
    folder = tmp_path / "entry"
    folder.mkdir()
    prepare(records, folder=folder)
    stale = folder / "index-0000000000000000"
    index_folder(folder).rename(stale)
    # Another code's folder is ignored, and removed once the current indexes are written.
    assert not isinstance(prepare(records, folder=folder).lat, np.memmap)
    assert not stale.exists() and index_folder(folder).is_dir()
    # Indexes of a different number of records, or a damaged folder, are rebuilt, not used.
    assert len(prepare(records.head(10), folder=folder).lat) == 10
    (index_folder(folder) / "index.json").write_text("{broken", encoding="utf-8")
    assert len(prepare(records, folder=folder)) == len(records)


def test_the_partner_index_is_kept_beside_the_prepared_records(tmp_path):
    source = tmp_path / "clusters.csv"
    source.write_text(ROWS, encoding="utf-8")
    result, folder = load_prepared(source, options=IngestOptions(), cache_dir=tmp_path / "c")
    dataset = prepare(result.records, folder=folder)
    assert dataset.folder == folder and not FILES.folder(folder).exists()  # built on first use
    first = partner_index(dataset)
    # The next process (a restart, another worker) maps what the first one kept.
    restarted, _ = load_prepared(source, options=IngestOptions(), cache_dir=tmp_path / "c")
    mapped = partner_index(prepare(restarted.records, folder=folder))
    assert FILES.folder(folder).is_dir() and isinstance(mapped.item_rows, np.memmap)
    assert mapped.size == first.size == 2 and mapped.kinds == first.kinds


def test_kept_records_read_back_equal_with_lists_as_tuples(tmp_path):
    records = demo().records.copy()
    records.loc[3, "ecosystems"] = ()
    path = tmp_path / "records.parquet"
    records.to_parquet(path, index=False)
    back = records_from_arrow(pq.read_table(path))
    pd.testing.assert_frame_equal(back, records.reset_index(drop=True))
    assert back.loc[3, "ecosystems"] == () and isinstance(back.loc[0, "sectors"], tuple)
    # The file the app keeps (each distinct list converted once) reads back the same.
    datasets.write_records(records, tmp_path / "records.arrow")
    mapped = records_from_arrow(
        pa.ipc.open_file(pa.memory_map(str(tmp_path / "records.arrow"))).read_all()
    )
    pd.testing.assert_frame_equal(mapped, records.reset_index(drop=True))
