"""Real dated documents for the time tests: a sample of the Reuters records of the
shared news set (every 40th, February to October 1987), plus a few planted records
without a date and with a time zone offset, indexed once per session."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from _corpus import default_data_dir

STRIDE = 40  # about 540 of the 21,578 records, spread over every month they cover

PLANTED = [
    {"id": "undated-1", "title": "Crude oil without a date", "body": "oil oil prices"},
    {"id": "undated-2", "title": "Tin and oil, undated", "body": "An oil story, no date."},
    # written in New York late on 30 April: its day is 30 April (the date as written),
    # though it was already 1 May in UTC
    {
        "id": "offset-1",
        "title": "Late oil report",
        "body": "Oil prices late in the day.",
        "date": "1987-04-30T23:30:00-05:00",
    },
]


def reuters_sample() -> list[dict[str, Any]]:
    files = sorted((default_data_dir() / "news").glob("*.jsonl"))
    if not files:
        pytest.skip("the shared news data is not available")
    records: list[dict[str, Any]] = []
    seen = 0
    for path in files:
        with path.open(encoding="utf-8") as f:
            for line in f:
                if '"reuters21578"' not in line:
                    continue
                seen += 1
                if seen % STRIDE == 0:
                    records.append(json.loads(line))
    return records


@pytest.fixture(scope="session")
def reuters(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    """(index folder, the records indexed)."""
    from searchcli import build_index

    records = reuters_sample() + PLANTED
    folder = tmp_path_factory.mktemp("reuters")
    source = folder / "reuters.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    build_index([str(source)], str(folder / "index"))
    return folder / "index", records
