"""Near-duplicates at index time: planted copies group, near-misses do not, and every
kind of run (incremental, rebuild, parallel writer, stdin) leaves the same groups."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from searchcli import build_index, dupstore, neardup, update_index, writers
from searchcli.opening import open_index

_SYLLABLES = "ka lo mi ne ru sa ti po va de gi fu ha je ko lu ma ni ou pe ri so tu we yo za".split()
_VOCAB = sorted(
    {a + b + c for a in _SYLLABLES for b in _SYLLABLES for c in ("", "n", "s", "r") if a != b}
)


def article(seed: int, words: int = 150) -> str:
    """A text of its own: two articles from different seeds share almost no shingle."""
    rng = random.Random(seed)
    out = [rng.choice(_VOCAB) for _ in range(words)]
    return " ".join(w + ("." if i % 15 == 14 else "") for i, w in enumerate(out))


def edit(text: str, seed: int, share: float) -> str:
    """`text` with `share` of its words replaced by others (at random places)."""
    rng = random.Random(seed)
    words = text.split()
    for i in rng.sample(range(len(words)), int(len(words) * share)):
        words[i] = rng.choice(_VOCAB) + "x"
    return " ".join(words)


def records() -> list[dict[str, str]]:
    a, b, c = article(1), article(2), article(3)
    template = article(4, 60)
    return [
        {"id": "a", "title": "Story A", "body": a},
        {"id": "a-repeat", "title": "A, repeated under a new title", "body": a},
        {"id": "a-fixed", "title": "Story A (corrected)", "body": edit(a, 10, 0.01)},
        {"id": "a-longer", "title": "Story A, updated", "body": a + " " + article(11, 12)},
        {"id": "b", "title": "Story B", "body": b},
        # near-misses: a fifth of the words changed, or half the text another story's
        {"id": "b-rewritten", "title": "Story B rewritten", "body": edit(b, 20, 0.2)},
        {"id": "c", "title": "Story C", "body": c},
        {
            "id": "c-half",
            "title": "Half of C",
            "body": " ".join(c.split()[:75] + article(30, 75).split()),
        },
        # the same template with other figures and names in a sixth of its words
        {"id": "t1", "title": "Template", "body": template},
        {"id": "t2", "title": "Template", "body": edit(template, 40, 0.17)},
        # too short to judge, however alike
        {"id": "s1", "title": "Brief", "body": "rates up half a point"},
        {"id": "s2", "title": "Brief", "body": "rates up half a point"},
    ]


EXPECTED = [["a", "a-fixed", "a-longer", "a-repeat"]]


def groups_of(index_dir: Path) -> list[list[str]] | None:
    ix, data_dir, _ = open_index(str(index_dir))
    return dupstore.read_groups(data_dir, ix.latest_generation())


def write(folder: Path, recs: list[dict[str, str]]) -> None:
    """One JSON file a record, so that a test can change, add and delete single documents."""
    folder.mkdir(exist_ok=True)
    for r in recs:
        (folder / f"{r['id']}.json").write_text(json.dumps(r), encoding="utf-8")


def test_planted_copies_group_and_near_misses_do_not(tmp_path: Path) -> None:
    write(tmp_path / "docs", records())
    build_index([str(tmp_path / "docs")], str(tmp_path / "ix"))
    assert groups_of(tmp_path / "ix") == EXPECTED


def test_estimate_follows_the_true_jaccard_similarity() -> None:
    hasher = neardup.Hasher()
    base = article(5, 300).lower().split()
    for share in (0.0, 0.02, 0.05, 0.1, 0.3):
        other = edit(" ".join(base), 6, share).split()
        a = {tuple(base[i : i + 4]) for i in range(len(base) - 3)}
        b = {tuple(other[i : i + 4]) for i in range(len(other) - 3)}
        exact = len(a & b) / len(a | b)
        sigs = hasher.signatures([base, other])
        assert abs(neardup.similarity(sigs[0], sigs[1]) - exact) < 0.12, share


def test_signatures_do_not_depend_on_the_batch() -> None:
    docs = [article(i).split() for i in range(5)]
    together = neardup.Hasher().signatures(docs)
    alone = neardup.Hasher().signatures(docs[3:4])
    assert (together[3] == alone[0]).all()


def _sync_and_compare(folder: Path, ix: Path, rebuilt: Path) -> list[list[str]] | None:
    update_index([str(folder)], str(ix))
    build_index([str(folder)], str(rebuilt))
    assert groups_of(ix) == groups_of(rebuilt)
    return groups_of(ix)


def test_incremental_runs_group_as_a_rebuild_does(tmp_path: Path) -> None:
    recs = {r["id"]: r for r in records()}
    folder, ix, rebuilt = tmp_path / "docs", tmp_path / "ix", tmp_path / "rebuilt"
    write(folder, [recs["a"], recs["b"], recs["c"]])
    assert _sync_and_compare(folder, ix, rebuilt) == []
    write(folder, [recs["a-repeat"], recs["b-rewritten"]])  # one copy, one near-miss added
    assert _sync_and_compare(folder, ix, rebuilt) == [["a", "a-repeat"]]
    write(folder, [recs["a-fixed"]])
    assert _sync_and_compare(folder, ix, rebuilt) == [["a", "a-fixed", "a-repeat"]]
    (folder / "a.json").unlink()  # the first copy removed: the others stay together
    assert _sync_and_compare(folder, ix, rebuilt) == [["a-fixed", "a-repeat"]]
    write(folder, [{**recs["a-repeat"], "body": article(99)}])  # a copy changed into another
    assert _sync_and_compare(folder, ix, rebuilt) == []
    write(folder, [{**recs["a"], "id": "a"}])
    assert _sync_and_compare(folder, ix, rebuilt) == [["a", "a-fixed"]]
    # only the current generation's files are kept
    data_dir = next(ix.glob("data-*"))
    for kind in ("groups-*.json", "neardup-*.npz", "docnums-*.json"):
        assert len(list(data_dir.glob(kind))) == 1, kind
    assert_docnums_match(ix)


def assert_docnums_match(index_dir: Path) -> None:
    """The recorded document numbers are those of the ids, in the committed generation."""
    from searchcli import Searcher

    ix, data_dir, _ = open_index(str(index_dir))
    generation = ix.latest_generation()
    ids = dupstore.read_groups(data_dir, generation)
    numbers = dupstore.read_docnums(data_dir, generation)
    assert ids is not None and numbers is not None
    with Searcher(index_dir) as s:
        looked_up = [[s._searcher.document_number(id=i) for i in group] for group in ids]
        assert numbers == looked_up
        folded = s.search("story", limit=20, mode="any")
    # without the recorded numbers a searcher looks them up, and folds the same
    os.unlink(dupstore.docnums_path(data_dir, generation))
    with Searcher(index_dir) as s:
        assert s.search("story", limit=20, mode="any") == folded


def test_parallel_writer_and_stdin_group_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    recs = records()
    write(tmp_path / "docs", recs[:6])
    monkeypatch.setattr(writers, "PARALLEL_MIN_BYTES", 0)  # every run uses worker processes
    build_index([str(tmp_path / "docs")], str(tmp_path / "ix"))
    write(tmp_path / "docs", recs[6:])
    update_index([str(tmp_path / "docs")], str(tmp_path / "ix"))
    assert groups_of(tmp_path / "ix") == EXPECTED
    assert_docnums_match(tmp_path / "ix")
    stream = "".join(json.dumps(r) + "\n" for r in recs).encode()
    import io

    build_index(["-"], str(tmp_path / "stdin-ix"), stdin=io.BytesIO(stream))
    assert groups_of(tmp_path / "stdin-ix") == EXPECTED


def test_an_index_without_groups_gets_them_on_the_next_run(tmp_path: Path) -> None:
    write(tmp_path / "docs", records())
    build_index([str(tmp_path / "docs")], str(tmp_path / "ix"))
    data_dir = next((tmp_path / "ix").glob("data-*"))
    for name in os.listdir(data_dir):
        if name.startswith(("groups-", "neardup-", "docnums-")):
            os.unlink(data_dir / name)
    assert groups_of(tmp_path / "ix") is None
    from searchcli import Searcher

    with Searcher(tmp_path / "ix") as s:  # no groups: nothing folded, nothing fails
        assert s.search("story", limit=20, mode="any").folded == 0
    report = update_index([str(tmp_path / "docs")], str(tmp_path / "ix"))
    assert report.added == report.updated == 0
    assert groups_of(tmp_path / "ix") == EXPECTED
    assert_docnums_match(tmp_path / "ix")  # (which removes them again)
    update_index([str(tmp_path / "docs")], str(tmp_path / "ix"))
    data_dir = next((tmp_path / "ix").glob("data-*"))
    assert len(list(data_dir.glob("docnums-*.json"))) == 1


def test_a_damaged_signature_file_is_hashed_again(tmp_path: Path) -> None:
    recs = records()
    write(tmp_path / "docs", recs[:-3])
    build_index([str(tmp_path / "docs")], str(tmp_path / "ix"))
    sig = next((tmp_path / "ix").glob("data-*/neardup-*.npz"))
    sig.write_bytes(sig.read_bytes()[:100])
    write(tmp_path / "docs", recs[-3:])
    update_index([str(tmp_path / "docs")], str(tmp_path / "ix"))
    assert groups_of(tmp_path / "ix") == EXPECTED


def test_a_search_never_imports_numpy(tmp_path: Path) -> None:
    write(tmp_path / "docs", records())
    build_index([str(tmp_path / "docs")], str(tmp_path / "ix"))
    code = (
        "import sys; from searchcli import Searcher\n"
        f"with Searcher({str(tmp_path / 'ix')!r}) as s:\n"
        "    r = s.search('story', limit=20, mode='any')\n"
        '    assert r.folded == 2, r.folded  # a-repeat has no "story": not a match\n'
        "    s.similar('a')\n"
        "assert 'numpy' not in sys.modules and 'datasketch' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_signatures_gathered_from_many_batches_group_as_one_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch for each document, some replaced or removed after hashing: the written
    signatures are those of one batch of the live documents, row for row."""
    from searchcli.models import Document

    recs = records()
    docs = [Document(id=r["id"], title=r["title"], body=r["body"], source="") for r in recs]
    monkeypatch.setattr(dupstore, "_BATCH_WORDS", 1)
    tracker = dupstore.DupTracker()
    for doc in docs:
        tracker.add(doc)
    tracker.remove("b")
    tracker.add(Document(id="a-fixed", title="moved", body=recs[0]["body"], source=""))
    tracker.write(str(tmp_path), 1)
    assert dupstore.read_groups(str(tmp_path), 1) == [["a", "a-fixed", "a-longer", "a-repeat"]]
    import numpy as np

    with np.load(dupstore.signatures_path(str(tmp_path), 1)) as f:
        ids, sigs = json.loads(bytes(f["ids"]).decode()), f["sigs"]
    live = {d.id: d for d in docs if d.id != "b"} | {"a-fixed": docs[0]}
    words = {i: neardup.words_of(d.title, d.body) for i, d in live.items()}
    assert ids == sorted(i for i in live if neardup.signable(words[i]))  # the briefs are not
    assert sigs.dtype == np.uint16
    assert (sigs == neardup.Hasher().signatures([words[i] for i in ids])).all()
