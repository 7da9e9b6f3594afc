"""The compact notice tally answers as the plain one it replaced: a model with strings in
lists and counters (the first implementation's way) beside it, through random runs of
adds, removes, loads and freezes, and the sidecar written a document at a time."""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path

import pytest

from searchcli import notices, noticesync
from searchcli.noticesync import NoticeSync
from searchcli.noticetally import Tally


class Model:
    """The plain tally: every document's fingerprints, and every group's counts."""

    def __init__(self) -> None:
        self.docs: dict[str, tuple[str, list[str]]] = {}
        self.counts: dict[str, Counter[str]] = {}

    def add(self, doc_id: str, group: str, fps: list[str]) -> None:
        self.remove(doc_id)
        if fps:
            self.docs[doc_id] = (group, fps)
            self.counts.setdefault(group, Counter()).update(fps)

    def remove(self, doc_id: str) -> None:
        if doc_id in self.docs:
            group, fps = self.docs.pop(doc_id)
            self.counts[group].subtract(fps)

    def common(self, group: str) -> frozenset[str]:
        size = sum(1 for g, _ in self.docs.values() if g == group)
        if not size:
            return frozenset()
        need = notices.threshold(size)
        return frozenset(fp for fp, c in self.counts[group].items() if c >= need)


def fp(n: int) -> str:
    return notices.fingerprint(f"paragraph number {n} of the shared furniture") or ""


def same(tally: Tally, model: Model, groups: list[str]) -> None:
    assert list(tally.items()) == [(i, g, f) for i, (g, f) in model.docs.items()]
    assert len(tally) == len(model.docs)
    for group in groups:
        assert tally.common(group) == model.common(group), group
    for doc_id, (group, fps) in model.docs.items():
        assert tally.group(doc_id) == group and tally.fingerprints(doc_id) == fps
        assert doc_id in tally


@pytest.mark.parametrize("seed", range(12))
def test_random_runs_match_the_plain_tally(seed: int) -> None:
    rng = random.Random(seed)
    groups = [f"file:/g{g}.jsonl" for g in range(3)] + ["dir:/d", "host:example.org"]
    pool = [fp(n) for n in range(12)] + ["0" * 16, "f" * 16]  # the extremes of 8 bytes
    tally, model = Tally(), Model()
    loaded = rng.random() < 0.5
    for k in range(rng.randrange(0, 40)):  # a saved tally, as an incremental run loads it
        group, fps = rng.choice(groups), sorted(set(rng.sample(pool, rng.randrange(0, 5))))
        (tally.load if loaded else tally.add)(f"d{k}", group, fps)
        model.add(f"d{k}", group, fps)
    same(tally, model, groups)
    for _ in range(300):
        doc_id = f"d{rng.randrange(60)}"
        action = rng.random()
        if action < 0.55:
            group = rng.choice(groups)
            fps = sorted(set(rng.sample(pool, rng.randrange(0, 6))))
            tally.add(doc_id, group, fps)
            model.add(doc_id, group, fps)
        elif action < 0.85:
            tally.remove(doc_id)
            model.remove(doc_id)
        elif action < 0.95:
            tally.freeze(rng.choice(groups))  # then changed again: counted afresh
        else:
            group = rng.choice(groups)
            assert tally.common(group) == model.common(group)
    same(tally, model, groups)


def test_edge_cases() -> None:
    tally = Tally()
    tally.add("empty", "dir:/a", [])  # a document without fingerprints is not kept
    assert len(tally) == 0 and tally.group("empty") is None and tally.fingerprints("x") == []
    tally.remove("never there")
    assert tally.common("dir:/nowhere") == frozenset()
    many = sorted({fp(n) for n in range(5000)})  # a huge document
    for k in range(3):
        tally.add(f"big{k}", "dir:/a", many)
    assert tally.common("dir:/a") == frozenset(many)
    tally.freeze("dir:/a")
    assert tally.common("dir:/a") == frozenset(many)  # kept while frozen
    tally.remove("big0")  # changed after all: counted again from the two left
    assert tally.common("dir:/a") == frozenset()
    for k in (1, 2):
        tally.remove(f"big{k}")
    assert len(tally) == 0 and not tally.sizes and tally.common("dir:/a") == frozenset()


def test_a_loaded_tally_counts_a_group_only_when_touched() -> None:
    tally = Tally()
    for k in range(5):
        tally.load(f"a{k}", "dir:/a", [fp(1), fp(k + 10)])
        tally.load(f"b{k}", "dir:/b", [fp(2)])
    tally.load("a0", "dir:/b", [fp(3)])  # the same id again: the last one counts
    assert tally.group("a0") == "dir:/b"
    assert tally.common("dir:/a") == frozenset({fp(1)})
    assert tally.common("dir:/b") == frozenset({fp(2)})
    tally.add("b9", "dir:/b", [fp(3)])
    tally.add("b8", "dir:/b", [fp(3)])
    assert tally.common("dir:/b") == frozenset({fp(2), fp(3)})


def test_the_sidecar_is_the_record_it_always_was(tmp_path: Path) -> None:
    """Written a document at a time, read back the same; the JSON record is the one the
    plain tally wrote (groups numbered in order of first use, fingerprints joined)."""
    sync = NoticeSync(str(tmp_path))
    rows = [
        ("x", "dir:/a", [fp(1), fp(2)]),
        ('caf\u00e9 "quoted"', "host:example.org", [fp(3)]),
        ("bad\udcff", "dir:/a", [fp(1)]),  # a file name's undecodable byte
        ("y", "file:/t\u00e9st.jsonl", sorted([fp(4), fp(5), fp(6)])),
    ]
    for doc_id, group, fps in rows:
        sync.tally.add(doc_id, group, fps)
    sync.save(7)
    path = noticesync.sidecar_path(str(tmp_path), 7)
    text = Path(path).read_bytes()
    assert text.isascii()
    groups: dict[str, int] = {}
    docs = {i: [groups.setdefault(g, len(groups)), " ".join(f)] for i, g, f in rows}
    assert json.loads(text) == {"version": 1, "groups": list(groups), "docs": docs}
    back = noticesync.read_sidecar(path)
    assert back is not None and list(back.items()) == rows
    empty = NoticeSync(str(tmp_path))
    empty.save(8)
    assert json.loads(Path(noticesync.sidecar_path(str(tmp_path), 8)).read_text()) == {
        "version": 1,
        "groups": [],
        "docs": {},
    }


# -- through indexing runs -------------------------------------------------------------------


def sidecar_docs(ix: Path) -> dict[str, tuple[str, str]]:
    (path,) = ix.glob("data-*/notices-*.json")
    record = json.loads(path.read_text())
    return {i: (record["groups"][g], fps) for i, (g, fps) in record["docs"].items()}


def test_incremental_runs_over_json_files_end_as_a_rebuild(tmp_path: Path) -> None:
    """JSON files (a group each, frozen when the file ends), records with URL sources (a
    host's group across files) and a folder of text files come and go; after every run
    the stored bodies, notices and the saved tally are those of a rebuild."""
    from test_notices import PLEA, QUOTE, stored

    from searchcli import build_index, update_index

    rng = random.Random(11)
    folder = tmp_path / "in"
    folder.mkdir()
    shared = [PLEA, QUOTE, "Sign up for the morning briefing in your inbox every day."]
    huge = "\n\n".join(f"Paragraph {k} of a very long report on the harbour." for k in range(3000))

    def record(name: str, i: int) -> dict[str, str]:
        parts = [f"Own text {name} {i} about the river and the quay."]
        parts += [p for j, p in enumerate(shared) if rng.random() < 0.5 or (i + j) % 3 == 0]
        parts.append(f"Closing line {i} of {name}.")
        rng.shuffle(parts)
        body = "" if i == 7 else huge if i == 6 else "\n\n".join(parts)
        rec = {"id": f"{name}-{i}", "title": f"T {name} {i}", "body": body}
        if i % 4 == 1:
            rec["url"] = f"https://example.org/{name}/{i}"
        return rec

    def write(name: str) -> None:
        if name.endswith(".jsonl"):
            recs = [record(name, i) for i in range(rng.randrange(3, 9))]
            text = "".join(json.dumps(r) + "\n" for r in recs)
        else:
            text = "\n\n".join(p for p in [f"Own {name}.", *shared] if rng.random() < 0.6)
        (folder / name).write_text(text, encoding="utf-8")

    names = [f"f{k}.jsonl" for k in range(5)] + [f"t{k}.txt" for k in range(5)]
    removed = 0
    for step in range(8):
        for name in rng.sample(names, 4):
            path = folder / name
            if path.exists() and rng.random() < 0.4:
                path.unlink()
            else:
                write(name)
        ix, fresh = tmp_path / "ix", tmp_path / f"fresh{step}"
        (build_index if step == 0 else update_index)([str(folder)], str(ix))
        build_index([str(folder)], str(fresh))
        docs = stored(ix)
        assert docs == stored(fresh), f"step {step}"
        assert sidecar_docs(ix) == sidecar_docs(fresh), f"step {step}"
        removed += sum(1 for _, found in docs.values() if found)
    assert removed  # the runs did take common paragraphs out
