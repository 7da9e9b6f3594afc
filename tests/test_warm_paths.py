"""The fast paths of a warm query give exactly what the plain ones give.

Postings read in blocks without their positions (postings.py), phrases matched in
bulk (phrases.py), an And that narrows its phrases (WithinAnd), BM25F's sums in C
(sums.py) and the snippet shortcuts are each compared with what Whoosh's own
classes or a plain loop give: the same documents, bit-identical scores, the same
dict order, the same result pages. The index has two segments and deleted
documents, dated records, near-duplicates and phrases with stop words and
repeated words.
"""

from __future__ import annotations

import json
import random
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import query as wq

from searchcli import Searcher, build_index, highlight, phrases, postings, ranking, update_index
from searchcli.folding import Groups
from searchcli.phrases import ExactPhrase, WithinAnd
from searchcli.ranking import ALL, ANY, FIRST, K1, BM25FQuery, _length_norm, idf
from searchcli.schema import index_terms, term_of
from searchcli.sums import add_into, field_sums

WORDS = "oil crude price new york stock exchange the of bank rate gold mine trade".split()


def _text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two segments (a build, then an update that adds a file and rewrites the first
    with fewer records: deleted documents), dates, exact copies (near-duplicates)."""
    rng = random.Random(5)
    folder = tmp_path_factory.mktemp("warm")
    first = [
        {
            "id": f"a{i}",
            "title": _text(rng, 4),
            "body": _text(rng, rng.randint(5, 300)),
            "date": f"1987-{1 + i % 12:02d}-{1 + i % 27:02d}",
        }
        for i in range(700)
    ]
    # copies of a few records under new ids: near-duplicate groups
    first += [{**first[i], "id": f"copy{i}"} for i in range(0, 60, 3)]
    first.append({"id": "nn", "title": "new new york", "body": "the new new exchange of oil"})
    a = folder / "a.jsonl"
    a.write_text("".join(json.dumps(r) + "\n" for r in first), encoding="utf-8")
    ix = folder / "index"
    build_index([str(a)], str(ix))
    a.write_text("".join(json.dumps(r) + "\n" for r in first[::2]), encoding="utf-8")
    second = [
        {"id": f"b{i}", "title": _text(rng, 3), "body": _text(rng, rng.randint(3, 200))}
        for i in range(400)
    ]
    b = folder / "b.jsonl"
    b.write_text("".join(json.dumps(r) + "\n" for r in second), encoding="utf-8")
    update_index([str(a), str(b)], str(ix))
    return ix


@pytest.fixture(scope="module")
def searcher(index: Path) -> Any:
    with Searcher(index) as s:
        assert len(list(s._searcher.leaf_searchers())) >= 2, "needs several segments"
        yield s


def _whoosh_postings(reader: Any, field: str, text: str) -> tuple[list[int], list[float]]:
    """A term's postings read as Whoosh's matcher reads them, posting by posting."""
    m = reader.postings(field, text)
    ids, weights = [], []
    while m.is_active():
        ids.append(m.id())
        weights.append(m.weight())
        m.next()
    return ids, weights


def test_postings_in_blocks_are_whooshs_postings(searcher: Any) -> None:
    deleted = 0
    for leaf, _ in searcher._searcher.leaf_searchers():
        reader = leaf.reader()
        deleted += len(reader.deleted_docs_set) if reader.has_deletions() else 0
        for field in ("title", "body"):
            for text in reader.lexicon(field):
                got = postings.postings(reader, field, text)
                assert got is not None
                want = _whoosh_postings(reader, field, text)
                assert got[0] == want[0], (field, text)
                assert [float(w) for w in got[1]] == [float(w) for w in want[1]]
    assert deleted, "the fixture should have deleted documents"
    assert postings.postings(reader, "body", "nosuchterm") is None


def _as_whoosh(q: Any) -> Any:
    """The same query tree with Whoosh's own Phrase and And."""

    def back(node: Any) -> Any:
        if type(node) is ExactPhrase:
            return wq.Phrase(node.fieldname, node.words, slop=node.slop, boost=node.boost)
        if type(node) is WithinAnd:
            return wq.And(node.subqueries, boost=node.boost)
        return node

    return q.accept(back)


PHRASES = [
    ["new", "york"],
    ["new", "new"],
    ["new", "new", "york"],
    ["the", "oil"],
    ["oil", "crude", "price"],
    ["gold", "mine", "gold"],
    ["york", "nosuchword"],
]


@pytest.mark.parametrize("words", PHRASES, ids=" ".join)
@pytest.mark.parametrize("field", ["title", "body"])
@pytest.mark.parametrize("boost", [1.0, 2.5])
def test_bulk_phrase_matches_and_scores_as_whoosh(
    searcher: Any, words: list[str], field: str, boost: float
) -> None:
    ws = searcher._searcher
    terms = index_terms(" ".join(words))  # stems; a stop word as its marked term
    mine = ws.search(ExactPhrase(field, terms, boost=boost), limit=None, optimize=False)
    theirs = ws.search(wq.Phrase(field, terms, boost=boost), limit=None, optimize=False)
    assert list(mine.items()) == list(theirs.items())


QUERIES = [
    '"new york" stock',
    '"crude oil" price',
    '"the oil" -gold',
    '"new new"',
    'title:"new york" body:oil',
    "oil AND (gold OR bank) NOT trade",
    '"stock exchange" OR "crude oil"',
    'gol* "new york"',
    "pric~ oil",
    "+oil +gold -mine",
    '"to be or not to be"',
    '"oil price" "bank rate" gold',
]


@pytest.mark.parametrize("text", QUERIES)
@pytest.mark.parametrize("mode", [ANY, ALL])
def test_queries_match_and_score_as_with_whooshs_classes(
    searcher: Any, text: str, mode: str
) -> None:
    q = searcher.parse(text, mode)
    ws = searcher._searcher
    mine = ws.search(q, limit=None, optimize=False)
    theirs = ws.search(_as_whoosh(q), limit=None, optimize=False)
    assert sorted(mine.items()) == sorted(theirs.items())


def _plain_scores(q: BM25FQuery, leaf: Any) -> dict[int, float]:
    """BM25FQuery's scores by the plain loop: every posting, one at a time, read as
    Whoosh reads it, summed field by field and word by word; documents with every
    word counted in `q.complete`, as `scores` counts them."""
    parent = leaf.get_parent()
    reader = leaf.reader()
    dfs = q._read(parent)
    norm = _length_norm(leaf, q.fields)
    scores: dict[int, float] = {}
    having = []
    for text, qf in q.wterms:
        tfs: dict[int, float] = {}
        for f in q.fields:
            if (f, text) not in reader:
                continue
            for doc, tf in zip(*_whoosh_postings(reader, f, text), strict=True):
                weight = ranking.FIELD_WEIGHTS.get(f, 1.0)
                tfs[doc] = tfs[doc] + weight * tf if doc in tfs else weight * tf
        w = qf * idf(parent.doc_count_all(), dfs[text]) * (K1 + 1) * q.boost
        for doc, tf in tfs.items():
            part = w * tf / (tf + K1 / norm(doc))
            scores[doc] = scores[doc] + part if doc in scores else part
        having.append(set(tfs))
    if sum(1 for t, _ in q.wterms if dfs[t]) < len(q.wterms):
        return {} if q.require == ALL else scores
    every = set.intersection(*having)
    q.complete += sum(1 for d in scores if d in every)  # counted as the searcher counts
    if q.require == ALL:
        return {d: s for d, s in scores.items() if d in every}
    bonus = q.every_word_bonus(parent.doc_count_all())
    return {d: s + bonus if d in every and bonus else s for d, s in scores.items()}


@pytest.mark.parametrize(
    "words",
    [["oil"], ["oil", "gold"], ["new", "york", "stock"], ["crude", "nosuchword"], ["mine"] * 2],
    ids=" ".join,
)
@pytest.mark.parametrize("require", [ANY, ALL, FIRST])
def test_bm25f_scores_are_the_plain_loops(searcher: Any, words: list[str], require: str) -> None:
    q = BM25FQuery(ranking.weighted_terms(words), ("title", "body"), require)
    for leaf, _ in searcher._searcher.leaf_searchers():
        got = q.scores(leaf)
        want = _plain_scores(q, leaf)
        assert list(got.items()) == list(want.items())  # same order, same floats


SEARCHES: list[dict[str, Any]] = [
    {},
    {"page": 2},
    {"mode": "any", "fold": False},
    {"mode": "all", "limit": 5},
    {"since": "1987-03-01", "until": "1987-08-31"},
    {"sort": "-date"},
    {"recent": "60d", "today": date(1987, 12, 31)},
]


def test_result_pages_are_those_of_the_plain_paths(
    index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whole result pages (ids, order, scores, totals, snippets, folded copies) with
    every fast path, then with each replaced by the plain one."""
    texts = [*QUERIES, "oil", "new york stock exchange", "gold mine trade bank rate price"]

    def pages() -> list[Any]:
        with Searcher(index) as s:
            return [s.search(t, **kw) for t in texts for kw in SEARCHES]

    fast = pages()
    assert any(r.folded for r in fast), "the fixture should fold near-duplicates"
    monkeypatch.setattr(postings, "bulk_readable", lambda m: False)
    monkeypatch.setattr(phrases, "bulk_readable", lambda m: False)
    monkeypatch.setattr(WithinAnd, "_matcher", wq.And._matcher)
    monkeypatch.setattr(BM25FQuery, "_score", lambda self, leaf, dfs: _plain_scores(self, leaf))
    assert fast == pages()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([1.0, 3.0, 0.5]),
            st.dictionaries(st.integers(0, 60), st.integers(1, 9).map(float), max_size=30),
        ),
        max_size=3,
    )
)
def test_field_sums_are_the_plain_loop(fields: list[tuple[float, dict[int, float]]]) -> None:
    present = [(w, (list(tfs), list(tfs.values()))) for w, tfs in fields if tfs]
    want: dict[int, float] = {}
    for w, (ids, tfs) in present:
        for d, tf in zip(ids, tfs, strict=True):
            want[d] = want.get(d, 0.0) + w * tf
    assert list(field_sums(present).items()) == list(want.items())


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(st.integers(0, 40), st.floats(0.01, 50)),
    st.dictionaries(st.integers(0, 40), st.floats(0.01, 50)),
)
def test_add_into_is_the_plain_loop(total: dict[int, float], more: dict[int, float]) -> None:
    want = dict(total)
    for d, v in more.items():
        want[d] = want.get(d, 0.0) + v
    add_into(total, dict(more))
    assert list(total.items()) == list(want.items())


TEXT = st.text(st.sampled_from(list("oil price the new york, gold-mine.\n\t  U.S ")), max_size=300)


@settings(max_examples=300, deadline=None)
@given(TEXT, st.sets(st.sampled_from(["oil", "price", "new", "york", "gold", "mine", "u.s"])))
def test_snippet_matches_look_terms_up_as_term_of(text: str, terms: set[str]) -> None:
    """The ASCII path looks a candidate word's term up directly; `term_of` gives the
    same answer for every word whose term can be one of these (no stop words)."""
    words = highlight._candidate_words(terms) if terms else None
    want = (
        [
            (m.start(), m.end(), t)
            for m in words.finditer(text)
            if (t := term_of(m.group())) in terms
        ]
        if words is not None
        else []
    )
    assert (highlight._matches(text, terms) if terms else []) == want


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_collapse_joins_words_by_one_space(text: str) -> None:
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    spans = [(a, a + 1) for a, _ in words[::2]]
    body, moved = highlight._collapse(text, spans)
    assert body == " ".join(text[a:b] for a, b in words)
    assert [body[a:b] for a, b in moved] == [text[a:b] for a, b in spans]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, 50), min_size=2, max_size=5), max_size=8),
    st.sets(st.integers(0, 50)),
)
def test_stories_count_each_group_once(groups: list[list[int]], matched: set[int]) -> None:
    """Folding's story count against the plain loop over every group (groups that
    share a document, or list one twice, take the plain loop themselves)."""
    g = Groups(groups)
    total = len(matched)
    want = total
    for docs in g.members:
        found = sum(1 for d in docs if d in matched)
        if found > 1:
            want -= found - 1
    assert g.stories(total, matched) == want
    assert g.stories(total, dict.fromkeys(matched).keys()) == want
