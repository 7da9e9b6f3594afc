"""`searchcli eval`: score the index (or a run file) against relevance judgements."""

from __future__ import annotations

from typing import Any

import click

from .base import cli, consoles, fail, index_option, mode_options, stdout_bytes, warn
from .shardopts import scheduler_option


@cli.command(name="eval")
@click.option(
    "--queries",
    "queries_path",
    type=click.Path(dir_okay=False),
    help="Topics: qid<TAB>query lines (not needed with --run).",
)
@click.option(
    "--qrels", "qrels_path", required=True, type=click.Path(dir_okay=False), help="TREC qrels."
)
@click.option("--run", "run_path", type=click.Path(dir_okay=False), help="Score this run file.")
@index_option
@mode_options
@click.option("--depth", default=1000, show_default=True, type=click.IntRange(1))
@click.option("--per-query", is_flag=True, help="Also each query's figures.")
@click.option("--json", "as_json", is_flag=True, help="As JSON.")
@scheduler_option
def evaluate(
    queries_path: str | None,
    qrels_path: str,
    run_path: str | None,
    index_dir: str,
    mode: str | None,
    depth: int,
    per_query: bool,
    as_json: bool,
) -> None:
    """Score ranking quality: nDCG@10, MAP (top 1000), P@10 and R@100.

    Runs the --queries against the index, or scores an existing --run file,
    against TREC --qrels. Only queries with at least one relevant judgement
    are scored.
    """
    from ..evaluation import METRICS, evaluate, read_qrels, read_queries, read_run

    qrels = read_qrels(qrels_path)
    if run_path:
        run = read_run(run_path)
    elif queries_path:
        run = _run_queries(read_queries(queries_path), index_dir, mode or "auto", depth)
    else:
        fail("give --queries to run against the index, or --run to score a run file")
        return
    report = evaluate(run, qrels, per_query=per_query)
    if report.missing_runs:
        warn(f"{report.missing_runs} judged queries have no results in the run (scored 0)")
    if as_json:
        from ..serialize import write_json

        write_json(stdout_bytes(), report.to_dict())
        return
    from rich.table import Table

    table = Table(title=f"{report.scored} queries scored", title_justify="left")
    table.add_column("query")
    for metric in METRICS:
        table.add_column(metric, justify="right")
    rows: list[tuple[str, dict[str, Any]]] = list(report.per_query.items())
    for qid, figures in [*rows, ("all", report.means)]:
        table.add_row(qid, *(f"{figures[m]:.4f}" for m in METRICS))
    console, _ = consoles()
    console.print(table)


def _run_queries(
    queries: list[tuple[str, str]], index_dir: str, mode: str, depth: int
) -> dict[str, list[tuple[str, float]]]:
    from ..searching import Searcher

    run: dict[str, list[tuple[str, float]]] = {}
    with Searcher(index_dir) as searcher:
        for qid, text in queries:
            result = searcher.search(
                text, limit=depth, mode=mode, snippets=False, suggest=False, fold=False
            )
            run[qid] = [(hit.id, hit.score) for hit in result.hits]
    return run
