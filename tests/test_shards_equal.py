"""A sharded index answers as one index of the same documents: ids, order, scores.

Built in local processes (the Dask cluster's tests are in test_shards_cluster.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from searchcli import Searcher
from searchcli.indexing import update
from searchcli.shards.layout import shard_of

IR = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "ir"


def _docs(name: str) -> Path:
    path = IR / name / "docs.jsonl"
    if not path.exists():
        pytest.skip(f"the shared IR collection {name} is not there")
    return path


def _queries(name: str) -> list[str]:
    lines = (IR / name / "queries.tsv").read_text(encoding="utf-8").splitlines()
    return [line.split("\t", 1)[1] for line in lines if "\t" in line]


def _pair(tmp: Path, docs: Path, shards: int) -> tuple[Path, Path]:
    single, sharded = tmp / "single", tmp / "sharded"
    update([str(docs)], str(single))
    update([str(docs)], str(sharded), shards=shards)
    return single, sharded


def _answer(s: Searcher, query: str, **options: object) -> tuple[object, ...]:
    r = s.search(query, snippets=False, **options)  # type: ignore[arg-type]
    return r.total, r.mode, r.suggestion, r.folded, [(h.rank, h.id) for h in r.hits], r.hits


def assert_same(one: Searcher, many: Searcher, query: str, **options: object) -> int:
    a, b = _answer(one, query, **options), _answer(many, query, **options)
    assert a[:5] == b[:5], query
    for x, y in zip(a[5], b[5], strict=True):  # type: ignore[call-overload]
        assert abs(x.score - y.score) <= 1e-9, (query, x.id, x.score, y.score)
        assert (x.title, x.path, x.date, x.duplicates) == (y.title, y.path, y.date, y.duplicates)
    return int(a[0])  # type: ignore[call-overload]


@pytest.fixture(scope="module", params=[("cran", 3), ("cisi", 2)], ids=["cran-3", "cisi-2"])
def collection(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Path, Path]:
    name, shards = request.param
    single, sharded = _pair(tmp_path_factory.mktemp(name), _docs(name), shards)
    return name, single, sharded


def test_every_query_of_the_collection_ranks_the_same(collection: tuple[str, Path, Path]) -> None:
    name, single, sharded = collection
    found = 0
    with Searcher(single) as one, Searcher(sharded) as many:
        assert many.doc_count == one.doc_count
        for query in _queries(name):
            found += assert_same(one, many, query, limit=20) > 0
            assert_same(one, many, query, limit=5, page=3, mode="any")
    assert found > 50  # the queries really found documents


def test_query_syntax_ranks_the_same(collection: tuple[str, Path, Path]) -> None:
    name, single, sharded = collection
    with Searcher(single) as one, Searcher(sharded) as many:
        words = [w for q in _queries(name)[:40] for w in q.split() if w.isalpha() and len(w) > 5]
        for w in words[:25]:
            for query in (
                f"{w[:4]}*",  # wildcard
                f"{w[:-1]}x~",  # fuzzy, a typo
                f'"{w} of"',  # a phrase with a stop word
                f"{w} -the",
                f"title:{w}",
                f"{w} OR {w[::-1]}",
                f"{w[:-1]}q",  # a typo: nothing found, a suggestion
            ):
                assert_same(one, many, query, limit=15)
                assert_same(one, many, query, limit=15, mode="all")


PLANTED = [
    {"id": f"p{n}", "title": f"report {n}", "body": body, "date": date}
    for n, (body, date) in enumerate(
        [
            ("the treaty was signed in vienna after long talks", "2024-03-01"),
            ("talks about the treaty stalled in geneva", "2024-05-10"),
            ("vienna hosts the talks on the nuclear treaty", "2025-01-20"),
            ("geneva and vienna compete to host summits", ""),
            ("an aardvark wandered into the summit hall", "2023-12-31"),
            ("summit talks treaty treaty treaty", "2024-07-04"),
            ("nothing to see here, only weather and rain", "2024-02-29"),
            ("the rain in vienna fell mainly on the talks", "2025-06-30"),
        ]
        * 1
    )
] + [
    # identical bodies: equal scores, so the tie order (by id) decides
    {"id": f"tie-{c}", "title": "copy", "body": "the treaty summit copy", "date": "2024-01-01"}
    for c in "qwertyuiopasdfgh"
]


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("planted")
    docs = tmp / "docs.jsonl"
    docs.write_text("".join(json.dumps(d) + "\n" for d in PLANTED), encoding="utf-8")
    return _pair(tmp, docs, 4)


@pytest.mark.parametrize(
    "query,options",
    [
        ("aardvark", {}),  # a word in one shard only
        ('"nuclear treaty"', {}),
        ("treaty -vienna", {}),
        ("vien*", {}),
        ("genva~", {}),
        ("treaty summit", {"limit": 3}),  # the cut falls inside a run of equal scores
        ("treaty summit", {"limit": 4, "page": 2}),
        ("copy", {"limit": 5}),
        ("treaty", {"since": "2024-02", "until": "2024-12"}),
        ("talks", {"sort": "date"}),
        ("talks", {"sort": "-date"}),
        ("talks treaty", {"recent": "90d", "today": None}),
        ("talks", {"since": "2025"}),
        ("zzzz", {}),
        ("trety", {}),  # a suggestion from every shard's words
    ],
)
def test_planted_cases_rank_the_same(
    planted: tuple[Path, Path], query: str, options: dict[str, object]
) -> None:
    single, sharded = planted
    with Searcher(single) as one, Searcher(sharded) as many:
        assert_same(one, many, query, **options)


def test_planted_corpus_spreads_over_the_shards(planted: tuple[Path, Path]) -> None:
    used = {shard_of(d["id"], 4) for d in PLANTED}
    assert used == {0, 1, 2, 3}
    with Searcher(planted[1]) as many:
        assert many.search("aardvark").hits[0].id == "p4"


def test_ties_are_ordered_by_id_in_both(planted: tuple[Path, Path]) -> None:
    for index in planted:
        with Searcher(index) as s:
            hits = s.search("copy", limit=5, snippets=False).hits
            assert [h.id for h in hits] == sorted(f"tie-{c}" for c in "qwertyuiopasdfgh")[:5]


def test_timeline_similar_and_show_agree(planted: tuple[Path, Path]) -> None:
    single, sharded = planted
    with Searcher(single) as one, Searcher(sharded) as many:
        a, b = one.timeline("talks", by="month"), many.timeline("talks", by="month")
        assert a.to_dict() == b.to_dict()
        sa, sb = one.similar("p0", snippets=False), many.similar("p0", snippets=False)
        assert [(h.id, round(h.score, 9)) for h in sa.hits] == [
            (h.id, round(h.score, 9)) for h in sb.hits
        ]
        assert one.document("p5") == many.document("p5")
        assert many.document("nope") is None
        files = {p for p in (h.path for h in sa.hits)}
        for path in files:
            assert sorted(d.id for d in one.documents_at(path)) == sorted(
                d.id for d in many.documents_at(path)
            )
