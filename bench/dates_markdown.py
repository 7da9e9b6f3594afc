"""How well searchcli reads Markdown and dates, on real files.

    python bench/dates_markdown.py [--md DIR] [--news N]

Markdown: every .md/.markdown file under DIR (default /usr/share/doc), parsed as the
indexer does: CPU time (total, per MB, the largest files), and how much Markdown syntax is
left in the bodies, against the source text that was stored before (front matter removed).

Dates: the text files under DIR (.txt, README, NEWS...: any dateline found); the bundled
corpus, per format; the first N records of the shared news set
(Reuters carries a known date): JSON records found and right; the same articles written as
.txt without a dateline (a date found there is either a dateline the set does not mark or a
false one: look at the examples); and with a
dateline in each of six layouts made from the known date (found, and the right day).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _corpus import REPO, default_data_dir, news_available, read_news  # noqa: E402

from searchcli.documents import parse_file, walk  # noqa: E402
from searchcli.formats import parse_record, parse_txt  # noqa: E402
from searchcli.markdown_text import _FRONT_MATTER, parse_markdown  # noqa: E402
from searchcli.models import Document  # noqa: E402

SYNTAX = {
    "heading #": re.compile(r"^#{1,6} ", re.M),
    "quote >": re.compile(r"^ {0,3}>", re.M),
    "link target ](": re.compile(r"\]\("),
    "reference def": re.compile(r"^ {0,3}\[[^\]]+\]: ", re.M),
    "emphasis **": re.compile(r"\*\*"),
    "html comment": re.compile(r"<!--"),
    "autolink <http": re.compile(r"<https?:"),
    "code fence": re.compile(r"^ {0,3}```", re.M),
}
LAYOUTS = ("%d.%m.%Y", "%B %d, %Y", "%Y-%m-%d %H:%M GMT", "%d %b %Y", "%b. %d, %Y", "%d/%m/%Y")


def markdown(folder: Path) -> None:
    files = sorted(p for p in folder.rglob("*") if p.suffix in (".md", ".markdown"))
    total_bytes, total_cpu, timed = 0, 0.0, []
    before: Counter[str] = Counter()
    after: Counter[str] = Counter()
    dated = 0
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        start = time.process_time()
        parsed = parse_markdown(text)
        cpu = time.process_time() - start
        total_bytes += len(text.encode())
        total_cpu += cpu
        timed.append((cpu, len(text), path))
        dated += parsed.date is not None
        match = _FRONT_MATTER.match(text)
        source = text[match.end() :] if match else text
        for name, pattern in SYNTAX.items():
            before[name] += len(pattern.findall(source))
            after[name] += len(pattern.findall(parsed.body))
    mb = total_bytes / 1e6
    print(f"Markdown: {len(files)} files, {mb:.1f} MB under {folder}")
    rate = total_cpu / max(mb, 1e-9)
    print(f"  parse CPU {total_cpu:.2f} s, {rate:.2f} s/MB; with a front-matter date: {dated}")
    for cpu, size, path in sorted(timed, key=lambda t: t[1])[-5:]:
        print(f"  {size / 1e3:7.0f} KB  {cpu:5.2f} s  {path}")
    slowest = max(timed, default=(0.0, 0, folder))
    print(f"  slowest: {slowest[0]:.2f} s ({slowest[2]})")
    print(f"  {'syntax left':16} {'source':>8} {'body':>8}")
    for name in SYNTAX:
        print(f"  {name:16} {before[name]:8} {after[name]:8}")


def plain_text(folder: Path) -> None:
    """Datelines found in the real text files under folder (.txt, README, NEWS, ...)."""
    names = ("README", "NEWS", "AUTHORS", "CHANGES", "TODO")
    files = [
        p
        for p in sorted(folder.rglob("*"))
        if (p.suffix == ".txt" or (p.name.startswith(names) and not p.suffix)) and p.is_file()
    ]
    dated = []
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        found = parse_txt(text).date
        if found is not None:
            dated.append(f"{path}: {found}")
    print(f"Text files under {folder}: {len(files)}, with a dateline: {len(dated)} {dated[:5]}")


def bundled() -> None:
    found: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    for sf in walk([str(REPO / "corpus")], lambda skip: None):
        for doc in parse_file(sf):
            if isinstance(doc, Document):
                fmt = Path(sf.path).suffix
                seen[fmt] += 1
                found[fmt] += doc.date is not None
    parts = ", ".join(f"{fmt} {found[fmt]}/{seen[fmt]}" for fmt in sorted(seen))
    print(f"Bundled corpus dates: {sum(found.values())}/{sum(seen.values())} ({parts})")


def news(data: Path, limit: int) -> None:
    if not news_available(data):
        print(f"news set not found under {data}: skipped")
        return
    json_seen = json_right = txt_false = 0
    examples: list[str] = []
    line_seen: Counter[str] = Counter()
    line_found: Counter[str] = Counter()
    line_right: Counter[str] = Counter()
    total = 0
    files = sorted((data / "news").glob("*.jsonl"))
    raw = (json.loads(line) for path in files for line in path.open(encoding="utf-8"))
    for rec, trimmed in zip(raw, read_news(data, limit), strict=False):
        total += 1
        layout_text = f"{trimmed['title']}\n{trimmed['source']}\n\n{trimmed['body']}"
        parsed = parse_txt(layout_text)
        if parsed.date is not None:
            txt_false += 1
            if len(examples) < 5:
                examples.append(f"{trimmed['id']}: {parsed.date}")
        known = rec.get("date")
        if not known:
            continue
        json_seen += 1
        day = known[:10]
        got = parse_record({"title": "t", "body": "b", "date": known}).date
        json_right += got is not None and got[:10] == day
        moment = datetime.fromisoformat(known)
        for layout in LAYOUTS:
            line = moment.strftime(layout)
            date_text = f"{trimmed['title']}\n{line}\n\n{trimmed['body']}"
            got = parse_txt(date_text).date
            line_seen[layout] += 1
            line_found[layout] += got is not None
            line_right[layout] += got is not None and got[:10] == day
    print(f"News set, first {total} records:")
    print(f"  JSON 'date' (Reuters): {json_right}/{json_seen} right")
    print(f"  .txt with no dateline written: {txt_false} dates found {examples}")
    for layout in LAYOUTS:
        print(
            f"  .txt dateline {layout!r:22} found {line_found[layout]}/{line_seen[layout]},"
            f" right {line_right[layout]}"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--md", type=Path, default=Path("/usr/share/doc"))
    ap.add_argument("--news", type=int, default=50_249, help="how many news records")
    ap.add_argument("--data", type=Path, default=default_data_dir(), help="the shared data")
    args = ap.parse_args()
    markdown(args.md)
    plain_text(args.md)
    bundled()
    news(args.data, args.news)


if __name__ == "__main__":
    main()
