"""Topic files, TREC qrels and runs, and the ranking metrics that score them.

Plain Python, independent of the engine: nothing here imports Whoosh, click or Rich.

The metrics follow trec_eval (and so pytrec_eval and ir-measures, which the tests
cross-check against):

- a run is ordered by score, highest first; equal scores are ordered by document id,
  *descending* (trec_eval's ``comp_sim_docno``); the rank column of a run file is ignored;
- nDCG@10 uses the judgement itself as the gain (linear), a log2(rank + 1) discount, and an
  ideal ranking built from every judged document with rel > 0;
- MAP is average precision over the top 1000, divided by all relevant documents (rel >= 1);
- P@10 divides by 10 even when fewer documents were retrieved; R@100 divides by all relevant.

Only queries with at least one judgement rel > 0 are scored. A scored query missing from
the run scores 0 on every metric; run queries without such judgements are counted, not scored.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# EvalFileError lives in errors.py with the other errors; re-exported here.
from .errors import EvalFileError as EvalFileError

Qrels = dict[str, dict[str, int]]
Run = dict[str, list[tuple[str, float]]]

METRICS = ("nDCG@10", "MAP", "P@10", "R@100")
MAP_DEPTH = 1000

Source = str | os.PathLike[str] | Iterable[str]


# --------------------------------------------------------------------------- reading


def _lines(source: Source) -> tuple[str, Iterable[str]]:
    """(name for messages, lines) for a path or an iterable of lines."""
    if isinstance(source, str | os.PathLike):
        path = os.fspath(source)
        try:
            with open(path, encoding="utf-8-sig") as f:
                return path, list(f)
        except OSError as e:
            raise EvalFileError(path, f"cannot read: {e.strerror or e}") from None
        except UnicodeDecodeError as e:
            raise EvalFileError(path, f"not UTF-8 text ({e.reason})") from None
    return "<lines>", source


def iter_query_lines(lines: Iterable[str]) -> Iterator[tuple[int, str, str | None]]:
    """Topic lines one at a time, as they arrive: ``(line number, qid, query)`` for a good
    line, ``(line number, "", None)`` with the reason in place of the qid for a bad one.

    A line is ``qid<TAB>query`` or just ``query`` (its qid is then the line number). Blank
    lines are skipped, not errors. Streaming, so `batch` can answer a pipe line by line.
    """
    seen: dict[str, int] = {}
    for lineno, raw in enumerate(lines, 1):
        line = raw.rstrip("\r\n")
        if lineno == 1:
            line = line.removeprefix("\ufeff")
        if not line.strip():
            continue
        if "\t" in line:
            qid, query = line.split("\t", 1)
            qid, query = qid.strip(), " ".join(query.split())
            if not qid:
                yield lineno, "empty query id before the tab", None
                continue
            if any(c.isspace() for c in qid):
                yield lineno, f"query id {qid!r} contains spaces", None
                continue
            if not query:
                yield lineno, f"query {qid} is empty after the tab", None
                continue
        else:
            qid, query = str(lineno), " ".join(line.split())
        if qid in seen:
            yield lineno, f"query id {qid} already used on line {seen[qid]}", None
            continue
        seen[qid] = lineno
        yield lineno, qid, query


def parse_query_lines(
    lines: Iterable[str],
) -> tuple[list[tuple[str, str]], list[tuple[int, str]]]:
    """Parse topic lines: ``qid<TAB>query`` or just ``query`` (its qid is the line number).

    Returns ``(queries, errors)``: queries in file order as (qid, query) pairs, and the bad
    lines as (1-based line number, reason).
    """
    queries: list[tuple[str, str]] = []
    errors: list[tuple[int, str]] = []
    for lineno, qid_or_reason, query in iter_query_lines(lines):
        if query is None:
            errors.append((lineno, qid_or_reason))
        else:
            queries.append((qid_or_reason, query))
    return queries, errors


def read_queries(path_or_lines: Source) -> list[tuple[str, str]]:
    """All (qid, query) pairs of a topic file; raises EvalFileError at the first bad line.

    For a lenient reader that reports bad lines and goes on, use `parse_query_lines`.
    """
    name, lines = _lines(path_or_lines)
    queries, errors = parse_query_lines(lines)
    if errors:
        lineno, reason = errors[0]
        more = f" (and {len(errors) - 1} more bad lines)" if len(errors) > 1 else ""
        raise EvalFileError(name, reason + more, lineno)
    return queries


def _records(source: Source, width: int, shape: str) -> Iterable[tuple[str, int, list[str]]]:
    """(name, line number, fields) for each non-blank line; wrong field count is an error."""
    name, lines = _lines(source)
    for lineno, line in enumerate(lines, 1):
        fields = line.split()
        if not fields:
            continue
        if len(fields) != width:
            raise EvalFileError(
                name, f"expected {width} fields '{shape}', found {len(fields)}", lineno
            )
        yield name, lineno, fields


def read_qrels(path: Source) -> Qrels:
    """TREC qrels (``qid 0 docid rel``, whitespace separated) as {qid: {docid: rel}}.

    A document judged twice with the same grade is accepted; with two grades it is an error.
    """
    qrels: Qrels = {}
    for name, lineno, (qid, _iter, docid, rel_text) in _records(path, 4, "qid 0 docid rel"):
        try:
            rel = int(rel_text)
        except ValueError:
            raise EvalFileError(
                name, f"relevance {rel_text!r} is not a whole number", lineno
            ) from None
        judged = qrels.setdefault(qid, {})
        if judged.get(docid, rel) != rel:
            raise EvalFileError(
                name,
                f"document {docid} judged twice for query {qid} with different grades",
                lineno,
            )
        judged[docid] = rel
    return qrels


def read_run(path: Source) -> Run:
    """A TREC run (``qid Q0 docid rank score tag``) as {qid: [(docid, score), ...]}.

    The rank column must be a whole number but is otherwise ignored, as trec_eval does:
    order comes from the scores. A document listed twice for one query is an error.
    """
    run: Run = {}
    seen: set[tuple[str, str]] = set()
    shape = "qid Q0 docid rank score tag"
    for name, lineno, (qid, _q0, docid, rank, score_text, _tag) in _records(path, 6, shape):
        try:
            int(rank)
            score = float(score_text)
        except ValueError:
            raise EvalFileError(
                name, f"rank {rank!r} / score {score_text!r} are not numbers", lineno
            ) from None
        if not math.isfinite(score):
            raise EvalFileError(name, f"score {score_text!r} is not a finite number", lineno)
        if (qid, docid) in seen:
            raise EvalFileError(name, f"document {docid} listed twice for query {qid}", lineno)
        seen.add((qid, docid))
        run.setdefault(qid, []).append((docid, score))
    return run


def format_trec_line(qid: str, docid: str, rank: int, score: float, tag: str) -> str:
    """One run line, ``qid Q0 docid rank score tag`` (no newline).

    The score is written exactly (shortest round-trip form), so that a run read back
    from a file ranks, ties included, exactly as the run it was written from.
    """
    for what, value in (("query id", qid), ("document id", docid), ("run tag", tag)):
        if not value or any(c.isspace() for c in value):
            raise ValueError(f"{what} {value!r} must be non-empty and without spaces")
    score = float(score)
    if not math.isfinite(score):
        raise ValueError(f"score {score!r} is not a finite number")
    return f"{qid} Q0 {docid} {int(rank)} {score!r} {tag}"


# --------------------------------------------------------------------------- metrics


def rank_documents(scored: Iterable[tuple[str, float]]) -> list[str]:
    """Document ids in trec_eval's order: score descending, then document id descending.

    A document listed more than once keeps its best score.
    """
    best: dict[str, float] = {}
    for docid, score in scored:
        if docid not in best or score > best[docid]:
            best[docid] = score
    return [d for d, _ in sorted(best.items(), key=lambda ds: (ds[1], ds[0]), reverse=True)]


def _dcg(gains: Sequence[int]) -> float:
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains) if g > 0)


def query_metrics(ranked: Sequence[str], judged: Mapping[str, int]) -> dict[str, float]:
    """The four metrics for one query: `ranked` in rank order, `judged` its qrels."""
    relevant = {d for d, rel in judged.items() if rel > 0}
    if not relevant:
        raise ValueError("a query needs at least one relevant judgement to be scored")
    ideal = _dcg(sorted((rel for rel in judged.values() if rel > 0), reverse=True)[:10])
    ndcg = _dcg([judged.get(d, 0) for d in ranked[:10]]) / ideal

    found = 0
    precision_sum = 0.0
    for i, docid in enumerate(ranked[:MAP_DEPTH]):
        if docid in relevant:
            found += 1
            precision_sum += found / (i + 1)
    return {
        "nDCG@10": ndcg,
        "MAP": precision_sum / len(relevant),
        "P@10": sum(d in relevant for d in ranked[:10]) / 10,
        "R@100": sum(d in relevant for d in ranked[:100]) / len(relevant),
    }


def qid_sort_key(qid: str) -> tuple[int, int, str]:
    """Numeric ids in numeric order, then the others alphabetically."""
    return (0, int(qid), "") if qid.isdigit() else (1, 0, qid)


@dataclass(frozen=True)
class EvalReport:
    """Mean metrics over the scored queries, and optionally each query's own."""

    means: dict[str, float]
    scored: int  # queries with at least one relevant judgement
    unjudged_queries: int  # queries in the run without a relevant judgement: not scored
    missing_runs: int = 0  # scored queries the run has no results for: each scored 0
    per_query: dict[str, dict[str, float]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "scored": self.scored,
            "unjudged_queries": self.unjudged_queries,
            "missing_runs": self.missing_runs,
            "means": dict(self.means),
            "per_query": {q: dict(m) for q, m in self.per_query.items()},
        }


def evaluate(
    run: Mapping[str, Iterable[tuple[str, float]]],
    qrels: Mapping[str, Mapping[str, int]],
    per_query: bool = False,
) -> EvalReport:
    """Score `run` ({qid: [(docid, score), ...]}) against `qrels` ({qid: {docid: rel}})."""
    scored = sorted(
        (q for q, judged in qrels.items() if any(rel > 0 for rel in judged.values())),
        key=qid_sort_key,
    )
    results = {q: query_metrics(rank_documents(run.get(q, ())), qrels[q]) for q in scored}
    n = len(scored)
    means = {m: (sum(r[m] for r in results.values()) / n if n else 0.0) for m in METRICS}
    scored_set = set(scored)
    return EvalReport(
        means=means,
        scored=n,
        unjudged_queries=sum(q not in scored_set for q in run),
        missing_runs=sum(q not in run for q in scored),
        per_query=results if per_query else {},
    )
