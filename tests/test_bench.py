"""The speed benchmark runs end to end on a tiny corpus (no timing thresholds here)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import _cold  # bench/ is on sys.path (conftest.py)
import _fts5
import _recoll
import pytest
import speed
from _corpus import article_text, load_queries, parse_query

SENTENCES = [
    "Cocoa prices rose as showers eased the drought in the growing zone.",
    "OPEC ministers agreed to cut crude oil output to support prices.",
    "The central bank held interest rates and said money supply growth slowed.",
    "The space shuttle launch was delayed by a fault in a fuel valve.",
    "Fans saw the Red Sox rally to win in the ninth inning.",
    "The hostile takeover bid values the company at twice its quarterly dividend.",
    "A Linux driver for the SCSI controller is in the new kernel.",
    "Voters heard Tony Blair promise an election on the budget.",
]


def write_news(data: Path, count: int = 40) -> None:
    """A few dozen documents in the news layout of ../shared/data, written by this test."""
    news = data / "news"
    news.mkdir(parents=True)
    with (news / "docs-000.jsonl").open("w", encoding="utf-8") as f:
        for i in range(count):
            body = " ".join(SENTENCES[(i + k) % len(SENTENCES)] for k in range(3))
            doc = {
                "id": f"t-{i}",
                "title": SENTENCES[i % len(SENTENCES)][:40] if i % 7 else "",
                "body": body,
                "source": "Test Wire",
                "collection": "test" if i % 2 else "other",
            }
            f.write(json.dumps(doc) + "\n")


def settings(**kw) -> speed.Settings:
    base = {"limit": None, "warm_rounds": 1, "cold_runs": 2, "batch_size": 20, "skip_build": None}
    return speed.Settings(**(base | kw))


def positive(x: float | None) -> bool:
    return x is not None and math.isfinite(x) and x > 0


def test_queries_file_has_sixty_parseable_queries() -> None:
    queries = load_queries()
    assert len(queries) == 60
    assert all(parse_query(q) for q in queries)
    assert any('"' in q for q in queries) and any(q.startswith("title:") for q in queries)


def test_query_parts_become_fts5_match_text() -> None:
    parts = parse_query('"crude oil" title:cocoa prices')
    assert parts == [
        (None, ["crude", "oil"], True),
        ("title", ["cocoa"], False),
        (None, ["prices"], False),
    ]
    assert _fts5.match_pair(parts) == (
        '"crude oil" AND title:"cocoa" AND "prices"',
        '"crude oil" OR title:"cocoa" OR "prices"',
    )


def test_article_text_is_the_seed_layout() -> None:
    doc = {"id": "x-1", "title": "", "source": "Wire", "body": "Body text.\n", "collection": "c"}
    assert article_text(doc) == "x-1\nWire\n\nBody text.\n"


def test_missing_data_is_skipped_with_a_message(tmp_path: Path, capsys) -> None:
    assert speed.main(["--data", str(tmp_path)]) == 0
    assert "skipped" in capsys.readouterr().err


def test_fts5_and_ripgrep_figures_on_a_tiny_corpus(tmp_path: Path) -> None:
    write_news(tmp_path / "data")
    figs, info = speed.run(tmp_path / "data", settings(), tmp_path / "work", {"fts5", "rg"})
    assert info["documents"] == 40 and info["queries"] == 60
    keys = [key for key, *_ in speed.ROWS if key not in ("cold_rich_ms", "incremental_s")]
    assert all(positive(figs["fts5"][k]) for k in keys), figs["fts5"]
    rows = speed.make_rows(figs)
    assert len(rows) == len(speed.ROWS) + 1
    table = speed.render_table(rows)
    assert all(label in table for _, label, *_ in speed.ROWS)
    if "ripgrep" in figs:
        assert positive(figs["ripgrep"]["cold_ms"]) and positive(figs["ripgrep"]["cold_p95_ms"])


def test_every_row_filled_for_searchcli(tmp_path: Path, capsys) -> None:
    pytest.importorskip("searchcli.cli", reason="the searchcli CLI is not written yet")
    write_news(tmp_path / "data")
    argv = ["--data", str(tmp_path / "data"), "--json", "--warm-rounds", "1", "--cold-runs", "2"]
    argv += ["--batch-size", "20", "--workdir", str(tmp_path / "work")]
    assert speed.main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    ours = out["figures"]["searchcli"]
    assert all(positive(ours[key]) for key, *_ in speed.ROWS), ours
    for row in out["rows"][: len(speed.ROWS)]:
        assert positive(row["searchcli"]), row
        assert row["met"] in (True, False) or row["target"] == ""
    # issue 11: the cold start and the floor of a cold query, beside their bases
    after = out["rows"][len(speed.ROWS) + 1 :]
    cold = {row["figure"]: row for row in after[: len(_cold.ROWS)]}
    assert [label for _, label, *_ in _cold.ROWS] == list(cold)
    assert all(positive(row["searchcli"]) and positive(row["ratio"]) for row in cold.values())
    version = cold["cold --version, to exit"]
    assert version["met"] == (version["ratio"] <= 1.5) and version["fts5"] is None
    served = out["figures"]["served"]  # cold queries through `searchcli serve`
    assert all(positive(served[k]) for k in ("cold_ms", "cold_rich_ms", "fts5_cold_ms")), served
    assert any(row["figure"].startswith("cold query through the server") for row in out["rows"])
    # issue 13: recoll's cold query in the same turns, when recollq/recollindex are installed
    by_label = {row["figure"]: row for row in out["rows"]}
    if _recoll.available():
        assert served["recoll_queries"] == 2 and positive(served["recoll_cold_ms"]), served
        assert positive(served["recoll_build_s"]), served
        versus = by_label["cold query, through the server / recoll"]
        assert versus["met"] == (versus["ratio"] <= 2.0)
        assert versus["ratio"] == pytest.approx(served["cold_ms"] / served["recoll_cold_ms"])
    else:
        assert "recoll_cold_ms" not in served
        assert "cold query, recoll (recollq)" not in by_label


def test_recoll_gets_each_querys_plain_words_once() -> None:
    parts = parse_query('title:oil "oil prices" opec')
    assert _recoll.plain_words(parts) == ["oil", "prices", "opec"]


def test_duplicates_benchmark_runs_end_to_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import duplicates
    from test_neardup import records

    from searchcli import build_index

    news = tmp_path / "data" / "news"
    news.mkdir(parents=True)
    recs = [{**r, "source": "test", "collection": "reuters21578"} for r in records()]
    recs = [{**r, "id": f"reuters-{r['id']}"} for r in recs]
    (news / "docs-000.jsonl").write_text("".join(json.dumps(r) + "\n" for r in recs))
    monkeypatch.setenv("SEARCHCLI_DATA", str(tmp_path / "data"))
    assert duplicates.main(["cost", "--docs", "12"]) == 0
    cost = capsys.readouterr().out
    assert "without detection" in cost and "slower by" in cost
    build_index([str(news)], str(tmp_path / "ix"))
    assert duplicates.main(["slots", str(tmp_path / "ix")]) == 0
    slots = capsys.readouterr().out
    assert "groups: 1, documents in them: 4" in slots and "0 folded" in slots
    assert "1 Reuters groups: two copies in the top 10" in slots
    assert duplicates.main(["sample", str(tmp_path / "ix"), "-n", "5"]) == 0
    sample = capsys.readouterr().out
    assert sample.count("=== group") == 1 and sample.count("Jaccard") == 3


def test_scaled_copies_have_new_ids_and_are_not_near_duplicates(tmp_path: Path) -> None:
    import _scale
    from test_neardup import article, edit

    from searchcli import neardup

    news = tmp_path / "news"
    news.mkdir()
    story = article(1)
    recs = [
        {"id": "s", "title": "Story", "body": story},
        {"id": "s-fixed", "title": "Story", "body": edit(story, 2, 0.01)},
        {"id": "o", "title": "Other", "body": article(3)},
    ]
    (news / "docs-000.jsonl").write_text("".join(json.dumps(r) + "\n" for r in recs))
    docs = list(_scale.scaled(tmp_path, 8))
    assert [d["id"] for d in docs] == [
        "s",
        "s-fixed",
        "o",
        "s~1",
        "s-fixed~1",
        "o~1",
        "s~2",
        "s-fixed~2",
    ]
    assert docs == list(_scale.scaled(tmp_path, 8))  # deterministic
    by_id = {d["id"]: d for d in docs}
    sigs = neardup.Hasher().signatures(
        [
            neardup.words_of(by_id[i]["title"], by_id[i]["body"])
            for i in ("s", "s-fixed", "s~1", "s-fixed~1", "s~2")
        ]
    )
    assert neardup.similarity(sigs[0], sigs[2]) < 0.5  # a copy is not its original's near-duplicate
    assert neardup.similarity(sigs[2], sigs[4]) < 0.5  # nor another copy's
    assert neardup.similarity(sigs[2], sigs[3]) >= neardup.THRESHOLD  # near-duplicates stay so
    assert by_id["s~1"]["body"].count("\n") == story.count("\n")


def test_scale_table_runs_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_news(tmp_path / "data", 12)
    argv = ["--data", str(tmp_path / "data"), "--scale", "12,24", "--cold-runs", "1"]
    assert speed.main([*argv, "--warm-rounds", "1", "--workdir", str(tmp_path / "w")]) == 0
    out = capsys.readouterr().out
    assert "| 12 |" in out and "| 24 |" in out
    assert "From 12 to 24 documents (2.00x)" in out
