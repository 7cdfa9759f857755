"""The partner index: built from distinct texts, kept in the data set's folder, mapped back."""

import fcntl
import json
import math

import numpy as np
import pytest

from analysis._partner_index import FILES, partner_index
from analysis.dataset import prepare
from analysis.filters import FilterSpec
from analysis.marketplace import market_items
from analysis.partners import rank_partners
from data.countries import find_countries, partnership_targets
from data.schema import parse_offer
from tests.filter_oracle import demo

SPECS = [(FilterSpec(), None, None), (FilterSpec(country=("DE", "FR")), "need", None),
         (FilterSpec(scope=("third-country",)), "offer", "technology"),
         (FilterSpec(q="implants"), None, None)]  # fmt: skip


@pytest.fixture(scope="module")
def kept(tmp_path_factory):
    """The demo data set in memory, and the same records prepared from a folder twice: the
    first process builds and saves the partner index, the second maps it."""
    folder = tmp_path_factory.mktemp("entry")
    records = demo().records
    partner_index(prepare(records, folder=folder))
    return demo(), prepare(records, folder=folder)


def test_the_kept_index_is_mapped_not_copied(kept):
    _, mapped = kept
    index = partner_index(mapped)
    assert FILES.folder(mapped.folder).is_dir()
    # scipy keeps the mapped arrays of a sparse matrix too (no copy per process).
    matrices = (index.text_vectors.sparse, index.descriptions.sparse, index.targets)
    arrays = [index.item_texts, index.sides["offer"].rows, index.text_vectors.dense]
    arrays += [getattr(m, name) for m in matrices for name in ("data", "indices", "indptr")]
    assert all(_mapped(array) and not array.flags.writeable for array in arrays)


def _mapped(array: np.ndarray) -> bool:
    while array is not None and not isinstance(array, np.memmap):
        array = array.base if isinstance(array, np.ndarray) else None
    return array is not None


def _partners(dataset, position):
    everyone = np.ones(len(dataset), dtype=bool)
    return [(p.position, p.score, p.components, p.why, p.matches)
            for p in rank_partners(dataset, position, everyone, limit=25)]  # fmt: skip


@pytest.mark.parametrize("position", [0, 3, 640, 1299])
def test_a_mapped_index_ranks_partners_as_a_built_one(kept, position):
    built, mapped = kept
    for ours, theirs in zip(_partners(built, position), _partners(mapped, position), strict=True):
        assert ours[0] == theirs[0] and ours[3:] == theirs[3:]
        assert math.isclose(ours[1], theirs[1], abs_tol=1e-6)
        assert all(math.isclose(ours[2][k], theirs[2][k], abs_tol=1e-6) for k in ours[2])


@pytest.mark.parametrize(("spec", "side", "kind"), SPECS)
def test_a_mapped_index_lists_the_marketplace_as_a_built_one(kept, spec, side, kind):
    built, mapped = kept
    ours = market_items(built, spec, side=side, kind=kind, limit=60)
    theirs = market_items(mapped, spec, side=side, kind=kind, limit=60)
    assert ours == theirs and ours.items


def test_items_and_targets_are_those_of_each_record():
    """The vectorised build agrees with reading every record's lists one by one."""
    dataset = demo()
    index = partner_index(dataset)
    records = dataset.records
    expected = []
    for row, (needs, offers) in enumerate(zip(records["needs"], records["offers"], strict=True)):
        for side, entries in (("need", needs), ("offer", offers)):
            expected += [(row, side, *(parse_offer(e) or ("", e))) for e in entries]
    items = [index.item(i) for i in range(len(index.item_rows))]
    assert [(i.row, i.side, i.kind, i.text) for i in items] == expected
    names = records["country_code"].astype(object).fillna("").tolist()
    name_of = dict(zip(index.countries.tolist(), names, strict=True))
    for row in range(len(records)):
        wanted = set().union(*map(partnership_targets, records["partnerships"].iat[row]),
                             *map(find_countries, records["needs"].iat[row]))  # fmt: skip
        # Not its own country, nor countries no record is in (no candidate can be there).
        wanted = (wanted - {names[row]}) & set(names)
        assert {name_of[code] for code in index.targets_of(row).tolist()} == wanted


@pytest.fixture
def small(tmp_path):
    """Records of a small data set and a folder where their partner index was kept."""
    records = demo().records.head(150)
    partner_index(prepare(records, folder=tmp_path))
    return records, tmp_path


def _is_mapped(dataset) -> bool:
    return isinstance(partner_index(dataset).item_rows, np.memmap)


def test_an_index_of_other_code_is_rebuilt_and_removed(small):
    records, folder = small
    stale = folder / f"{FILES.prefix}0000000000000000"
    FILES.folder(folder).rename(stale)
    assert _is_mapped(prepare(records, folder=folder))  # built, saved, then mapped
    assert not stale.exists() and FILES.folder(folder).is_dir()


@pytest.mark.parametrize("damage", ["meta", "truncated", "missing", "foreign", "other records"])
def test_a_damaged_or_foreign_index_is_rebuilt_not_used(small, damage):
    records, folder = small
    kept = FILES.folder(folder)
    meta = kept / "index.json"
    if damage == "meta":
        meta.write_text("{broken", encoding="utf-8")
    elif damage == "truncated":
        (kept / "item_texts.npy").write_bytes((kept / "item_texts.npy").read_bytes()[:150])
    elif damage == "missing":
        (kept / "descriptions.dense.npy").unlink()
    elif damage == "foreign":
        fields = json.loads(meta.read_text(encoding="utf-8"))
        meta.write_text(json.dumps({**fields, "size": {"value": "many"}, "extra": {"value": 1}}))
    else:
        records = records.head(40)
    dataset = prepare(records, folder=folder)
    assert partner_index(dataset).size == len(records)
    assert len(rank_partners(dataset, 1, np.ones(len(dataset), dtype=bool), limit=3)) == 3
    # The damaged folder was replaced: the next process maps the rebuilt index.
    assert _is_mapped(prepare(records, folder=folder))


def test_the_build_lock_keeps_a_second_process_waiting(tmp_path):
    # Another open of the lock file, as another process's, cannot take it during a build.
    lock = tmp_path / f".{FILES.prefix}lock"
    with FILES.building(tmp_path), open(lock) as other, pytest.raises(BlockingIOError):
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
    with open(lock) as other:
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)  # released after the build
