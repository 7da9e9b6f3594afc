"""Topic/qrels/run readers and the metrics, by hand and against ir-measures (trec_eval)."""

from __future__ import annotations

import json
import math
import random
from collections import Counter
from pathlib import Path

import pytest
from _corpus import default_data_dir

from searchcli.errors import EvalFileError, SearchError
from searchcli.evaluation import (
    METRICS,
    evaluate,
    format_trec_line,
    parse_query_lines,
    rank_documents,
    read_qrels,
    read_queries,
    read_run,
)

DATA = default_data_dir()  # $SEARCHCLI_DATA, else ../shared/data

# --------------------------------------------------------------------------- by hand

QRELS = {
    "1": {"d1": 2, "d2": 1, "d3": 0, "d4": 1},  # 3 relevant documents, d1 graded 2
    "2": {"d5": 0},  # judged, but nothing relevant: not scored
    "3": {"d9": 1},  # relevant judgement but absent from the run: scored 0
}
RUN = {
    # d1 and d2 tie at 4.0: trec_eval puts the larger docid first, so the order is
    # d3 d2 d1 d7 d4, with gains 0 1 2 0 1.
    "1": [("d3", 5.0), ("d1", 4.0), ("d2", 4.0), ("d7", 3.0), ("d4", 1.0)],
    "2": [("d5", 1.0)],
    "4": [("dx", 1.0)],  # not in the qrels at all
}

# Query 1, worked out by hand:
#   DCG@10  = 1/log2(3) + 2/log2(4) + 1/log2(6)   (ranks 2, 3, 5; linear gain = rel)
#           = 0.6309298 + 1.0 + 0.3868528 = 2.0177826
#   IDCG@10 = 2/log2(2) + 1/log2(3) + 1/log2(4)   (ideal order: 2, 1, 1)
#           = 2.0 + 0.6309298 + 0.5 = 3.1309298
#   nDCG@10 = 2.0177826 / 3.1309298 = 0.6444675
#   AP      = (1/2 + 2/3 + 3/5) / 3 relevant = 1.7666667 / 3 = 0.5888889
#   P@10    = 3 relevant in the top 10 / 10 = 0.3
#   R@100   = 3 of 3 relevant in the top 100 = 1.0
# Query 3 scores 0 everywhere; means are over the 2 scored queries (1 and 3).
Q1 = {"nDCG@10": 0.6444675286963276, "MAP": 0.5888888888888889, "P@10": 0.3, "R@100": 1.0}


def test_metrics_by_hand() -> None:
    report = evaluate(RUN, QRELS, per_query=True)
    assert report.scored == 2
    assert report.unjudged_queries == 2  # run queries 2 and 4
    assert report.missing_runs == 1  # query 3
    assert set(report.per_query) == {"1", "3"}
    for m in METRICS:
        assert report.per_query["1"][m] == pytest.approx(Q1[m], abs=1e-12)
        assert report.per_query["3"][m] == 0.0
        assert report.means[m] == pytest.approx(Q1[m] / 2, abs=1e-12)


def test_hand_arithmetic_matches_the_formula() -> None:
    dcg = 1 / math.log2(3) + 2 / math.log2(4) + 1 / math.log2(6)
    idcg = 2 / math.log2(2) + 1 / math.log2(3) + 1 / math.log2(4)
    assert dcg / idcg == pytest.approx(Q1["nDCG@10"], abs=1e-12)


def test_per_query_only_on_request_and_to_dict() -> None:
    report = evaluate(RUN, QRELS)
    assert report.per_query == {}
    d = report.to_dict()
    assert json.loads(json.dumps(d)) == d
    assert set(d) == {"scored", "unjudged_queries", "missing_runs", "means", "per_query"}
    assert list(d["means"]) == list(METRICS)


def test_no_scored_queries_gives_zero_means() -> None:
    report = evaluate({"1": [("a", 1.0)]}, {"1": {"a": 0}})
    assert report.scored == 0
    assert report.means == dict.fromkeys(METRICS, 0.0)


def test_ties_ordered_by_docid_descending_and_duplicates_keep_best() -> None:
    assert rank_documents([("a", 1.0), ("c", 1.0), ("b", 2.0), ("a", 3.0)]) == ["a", "b", "c"]
    assert rank_documents([("d1", 4.0), ("d10", 4.0), ("d2", 4.0)]) == ["d2", "d10", "d1"]


def test_map_counts_only_the_top_1000() -> None:
    run = {"q": [(f"n{i:04d}", 2000.0 - i) for i in range(1000)] + [("rel", 1.0)]}
    report = evaluate(run, {"q": {"rel": 1}})
    assert report.means["MAP"] == 0.0
    assert report.means["R@100"] == 0.0


# --------------------------------------------------------------------------- readers


def test_parse_query_lines_reports_bad_lines_and_goes_on() -> None:
    lines = [
        "\ufeffq1\tfirst   query\n",
        "a query without an id\r\n",
        "\n",
        "q2\t\n",
        "\tno id\n",
        "q 3\tspace in id\n",
        "q1\tagain\n",
        "q4\tlast",
    ]
    queries, errors = parse_query_lines(lines)
    assert queries == [("q1", "first query"), ("2", "a query without an id"), ("q4", "last")]
    assert [n for n, _ in errors] == [4, 5, 6, 7]
    assert "empty" in errors[0][1]
    assert "line 1" in errors[3][1]


def test_read_queries_from_path_and_strict_errors(tmp_path: Path) -> None:
    path = tmp_path / "q.tsv"
    path.write_text("1\tone\n\n2\ttwo words\n", encoding="utf-8")
    assert read_queries(path) == [("1", "one"), ("2", "two words")]
    assert read_queries(str(path)) == read_queries(["1\tone", "2\ttwo words"])
    path.write_text("1\tone\n2\t\n", encoding="utf-8")
    with pytest.raises(EvalFileError, match=r"q\.tsv:2: query 2 is empty"):
        read_queries(path)
    with pytest.raises(EvalFileError, match="cannot read"):
        read_queries(tmp_path / "missing.tsv")


def test_read_qrels(tmp_path: Path) -> None:
    path = tmp_path / "qrels.txt"
    path.write_text("1 0 d1 2\n1\t0\td2\t0\n\n2 0 d1 1\n2 0 d1 1\n", encoding="utf-8")
    assert read_qrels(path) == {"1": {"d1": 2, "d2": 0}, "2": {"d1": 1}}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1 0 d1 1\n1 0 d2\n", r"qrels\.txt:2: expected 4 fields"),
        ("1 0 d1 yes\n", r"qrels\.txt:1: relevance 'yes' is not a whole number"),
        ("1 0 d1 1\n1 0 d1 2\n", r"qrels\.txt:2: document d1 judged twice"),
    ],
)
def test_read_qrels_malformed(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "qrels.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(EvalFileError, match=message) as info:
        read_qrels(path)
    assert isinstance(info.value, SearchError)


def test_read_run_and_format_round_trip(tmp_path: Path) -> None:
    lines = [
        format_trec_line(q, d, rank, s, "ours")
        for q, hits in RUN.items()
        for rank, (d, s) in enumerate(hits, 1)
    ]
    assert lines[0] == "1 Q0 d3 1 5.0 ours"
    path = tmp_path / "run.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert read_run(path) == RUN
    assert evaluate(read_run(path), QRELS) == evaluate(RUN, QRELS)
    # exact scores survive the file, so near-ties are not turned into ties
    assert read_run([format_trec_line("q", "d", 1, 1 / 3, "t")])["q"][0][1] == 1 / 3


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1 Q0 d1 1 2.5\n", r"run\.txt:1: expected 6 fields"),
        ("1 Q0 d1 1 high t\n", r"run\.txt:1: rank '1' / score 'high' are not numbers"),
        ("1 Q0 d1 1 nan t\n", "not a finite number"),
        ("1 Q0 d1 1 2 t\n1 Q0 d1 2 1 t\n", r"run\.txt:2: document d1 listed twice"),
    ],
)
def test_read_run_malformed(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "run.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(EvalFileError, match=message):
        read_run(path)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("q 1", "d", 1, 1.0, "t"), "query id"),
        (("q", "", 1, 1.0, "t"), "document id"),
        (("q", "d", 1, 1.0, "my tag"), "run tag"),
        (("q", "d", 1, math.inf, "t"), "finite"),
    ],
)
def test_format_trec_line_rejects_unparseable_fields(args: tuple, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        format_trec_line(*args)


# --------------------------------------------------------------------------- vs ir-measures

needs_data = pytest.mark.skipif(
    not (DATA / "ir").is_dir(),
    reason=f"test collections not found at {DATA} (set SEARCHCLI_DATA to the shared data folder)",
)


def _tfidf_run(collection: str, depth: int) -> dict[str, list[tuple[str, float]]]:
    """A deterministic run made without our engine: tf * idf over lowercased words."""
    folder = DATA / "ir" / collection
    docs: dict[str, Counter[str]] = {}
    with open(folder / "docs.jsonl", encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            docs[rec["id"]] = Counter(f"{rec['title']} {rec['body']}".lower().split())
    df = Counter(t for tf in docs.values() for t in tf)
    run = {}
    for qid, query in read_queries(folder / "queries.tsv"):
        terms = set(query.lower().split())
        scores = {
            d: sum(tf[t] * math.log(len(docs) / df[t]) for t in terms if t in tf)
            for d, tf in docs.items()
        }
        top = sorted(scores.items(), key=lambda ds: -ds[1])[:depth]
        # round so that near-equal scores become exact ties, as real engines produce
        run[qid] = [(d, round(s, 1)) for d, s in top if s > 0]
    return run


def _random_run(collection: str, seed: int) -> dict[str, list[tuple[str, float]]]:
    """Seeded scores from a handful of values over random subsets: ties everywhere."""
    folder = DATA / "ir" / collection
    with open(folder / "docs.jsonl", encoding="utf-8") as f:
        ids = [json.loads(line)["id"] for line in f]
    qrels = read_qrels(folder / "qrels.tsv")
    rng = random.Random(seed)
    run = {}
    for qid in qrels:
        if rng.random() < 0.1:
            continue  # some judged queries get no run at all
        pool = ids + list(qrels[qid])  # make sure judged documents can appear
        chosen = set(rng.sample(pool, min(len(pool), rng.randint(5, 1200))))
        run[qid] = [(d, float(rng.randint(0, 6))) for d in sorted(chosen)]
    return run


def _assert_matches_ir_measures(run: dict, qrels: dict) -> None:
    ir_measures = pytest.importorskip("ir_measures", reason="ir-measures is a test extra")
    from ir_measures import AP, P, R, nDCG

    theirs_names = {"nDCG@10": nDCG @ 10, "MAP": AP @ 1000, "P@10": P @ 10, "R@100": R @ 100}
    # ir-measures would also average queries without any relevant judgement: drop those
    judged = {q: j for q, j in qrels.items() if any(r > 0 for r in j.values())}
    as_dicts = {q: dict(hits) for q, hits in run.items()}
    theirs: dict[str, dict[str, float]] = {}
    for metric in ir_measures.iter_calc(list(theirs_names.values()), judged, as_dicts):
        theirs.setdefault(metric.query_id, {})[str(metric.measure)] = metric.value
    ours = evaluate(run, qrels, per_query=True)

    assert ours.scored == len(judged) == len(theirs)
    for qid, metrics in ours.per_query.items():
        for name, value in metrics.items():
            assert value == pytest.approx(theirs[qid][str(theirs_names[name])], abs=1e-9), (
                qid,
                name,
            )
    means = ir_measures.calc_aggregate(list(theirs_names.values()), judged, as_dicts)
    for name, measure in theirs_names.items():
        assert ours.means[name] == pytest.approx(means[measure], abs=1e-9), name


@needs_data
@pytest.mark.slow
@pytest.mark.parametrize(("collection", "depth"), [("adi", 1000), ("cran", 1400)])
def test_tfidf_run_matches_ir_measures(collection: str, depth: int) -> None:
    # cran at depth 1400 also checks that MAP stops at rank 1000
    run = _tfidf_run(collection, depth)
    assert sum(len(v) for v in run.values()) > 0
    _assert_matches_ir_measures(run, read_qrels(DATA / "ir" / collection / "qrels.tsv"))


@needs_data
@pytest.mark.slow
@pytest.mark.parametrize("collection", ["adi", "cran"])
def test_random_run_with_ties_matches_ir_measures(collection: str) -> None:
    run = _random_run(collection, seed=7)
    _assert_matches_ir_measures(run, read_qrels(DATA / "ir" / collection / "qrels.tsv"))


@needs_data
def test_reads_every_shipped_topic_and_qrels_file() -> None:
    for folder in sorted((DATA / "ir").iterdir()):
        for name in ("queries.tsv", "queries_train.tsv"):
            if (folder / name).exists():
                assert read_queries(folder / name), folder / name
        for name in ("qrels.tsv", "qrels_train.tsv"):
            if (folder / name).exists():
                assert read_qrels(folder / name), folder / name
