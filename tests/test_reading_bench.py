"""bench/reading.py: its measures count what they say (no timing thresholds here)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import reading  # bench/ is on sys.path (conftest.py)


def test_glued_words_are_words_the_source_never_holds() -> None:
    vocabulary = reading.source_words(
        "<p>Return <code>True</code> if</p><p><b>foo</b>bar</p><ul><li>one</li><li>two</li></ul>"
    )
    assert reading.glued("Return True if foobar one two", vocabulary)[:2] == (0, 6)
    assert reading.glued("ReturnTrueif foobar onetwo", vocabulary)[:2] == (2, 3)


def test_word_multiset_overlap() -> None:
    shared, got, want = reading.overlap("the cat saw the dog. Menu", "The cat saw the cat")
    assert (shared, got, want) == (4, 6, 5)
    p, r, f = reading.prf(shared, got, want)
    assert (p, r) == (4 / 6, 4 / 5) and f == pytest.approx(2 * p * r / (p + r))
    assert reading.prf(0, 0, 3) == (0.0, 0.0, 0.0)


def test_every_annotated_page_exists_with_its_day_and_text() -> None:
    truth = json.loads((reading.PAGES / "truth.json").read_text(encoding="utf-8"))
    assert len(truth) >= 20
    for name, want in truth.items():
        page = (reading.PAGES / name).read_text(encoding="utf-8")
        assert len(want["date"]) == 10 and len(want["main"].split()) > 40
        first = set(reading.WORD.findall(want["main"].split("\n")[0]))
        assert first <= reading.source_words(page)


def test_runs_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    sentence = "<p>Call <code>open()</code> first, then <em>read</em> the <a>file</a>.</p>"
    (docs / "a.html").write_text(f"<html><body>{sentence * 3}</body></html>", encoding="utf-8")
    assert reading.main(["--docs", str(docs), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    new = result["pages"]["new, extensive dates"]
    assert 0 < new["F1"] <= 1 and 0 <= new["dates right"] <= new["dates found"] <= 24
    assert result["docs"]["pages"] == 1
    assert result["docs"]["new, fast dates"]["glued words"] == 0
    if "old parser" in result["docs"]:  # git history is there
        assert result["docs"]["old parser"]["glued words"] == 6  # Callopen, thenreadthefile
