"""How well searchcli reads HTML: glued words, main text, publication dates.

    python bench/reading.py                      # Python docs + the annotated pages
    python bench/reading.py --limit 50           # only the first 50 documentation pages
    python bench/reading.py --no-docs --json     # only the annotated pages, as JSON

1. Glued words, on the HTML pages of Debian's python3.11-doc package: word tokens of a
   stored body that the page's source never holds (words that ran together across a tag).
2. Main text precision, recall and F1 on bench/pages/ (news-like pages written and
   annotated for this benchmark), scored by word-multiset overlap with the annotation.
3. Publication dates found and right (the annotated day) on the same pages, with
   htmldate's fast and extensive modes.

Each figure is printed for the new reader beside the old parser (formats.py as it was at
OLD_COMMIT, read from git) and the page's whole text. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import time
import types
import unicodedata
from collections import Counter
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO))

from searchcli import htmltext  # noqa: E402
from searchcli.formats import Parsed, parse_html  # noqa: E402
from searchcli.text import clean_body, normalise_date  # noqa: E402

PAGES = BENCH / "pages"
DOCS = Path("/usr/share/doc/python3.11/html")
OLD_COMMIT = "c4b5ab9"  # main before trafilatura: the old HTML parser
WORD = re.compile(r"\w+")
# lines of Sphinx's page furniture: a body that holds one still has navigation in it
FURNITURE = ("Report a Bug", "Previous topic", "Show Source", "Navigation")

Reader = Callable[[str], Parsed]


def old_parser() -> Reader | None:
    """formats.parse_html as it was at OLD_COMMIT, or None without git history."""
    try:
        source = subprocess.run(
            ["git", "-C", str(REPO), "show", f"{OLD_COMMIT}:searchcli/formats.py"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    module = types.ModuleType("old_formats")
    sys.modules["old_formats"] = module  # dataclasses look their module up
    exec(compile(source, "old_formats.py", "exec"), module.__dict__)
    return module.parse_html  # type: ignore[no-any-return]


def readers(old: Reader | None) -> dict[str, Reader]:
    found: dict[str, Reader] = {}
    if old is not None:
        found["old parser"] = old
    found["whole text"] = parse_html
    found["new, fast dates"] = lambda text: htmltext.parse_page(text, extensive_dates=False)
    found["new, extensive dates"] = lambda text: htmltext.parse_page(text, extensive_dates=True)
    return found


# -- 1. glued words ------------------------------------------------------------------------


# elements that end a word wherever they are: a browser starts a new box or line there
_BLOCKS = frozenset(
    "address article aside blockquote br caption dd div dl dt figcaption figure footer "
    "form h1 h2 h3 h4 h5 h6 header hr li main nav ol option p pre section table tbody td "
    "tfoot th thead title tr ul".split()
)


class _Chunks(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in _BLOCKS:
            self.chunks.append(" ")

    def handle_endtag(self, tag: str) -> None:
        self.handle_starttag(tag, None)

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)


def source_words(text: str) -> set[str]:
    """Every word the source can be read as holding: its text with block elements apart
    and inline ones joined as written (`<b>foo</b>bar` is one word, `Return <code>True
    </code> if` three), plus every text chunk's own words (a reader may break a line at
    an inline element). A stored word outside this set ran together across a tag."""
    parser = _Chunks()
    parser.feed(text)
    parser.close()
    words: set[str] = set()
    for joiner in ("", " "):
        joined = unicodedata.normalize("NFC", joiner.join(parser.chunks))
        words.update(WORD.findall(joined))
    return words


def glued(body: str, vocabulary: set[str]) -> tuple[int, int, list[str]]:
    tokens = WORD.findall(body)
    bad = [t for t in tokens if t not in vocabulary]
    return len(bad), len(tokens), bad[:3]


def docs_figures(docs: Path, limit: int | None, read: dict[str, Reader]) -> dict[str, Any]:
    files = sorted(docs.rglob("*.html"))[:limit]
    figures: dict[str, Any] = {"pages": len(files)}
    totals = {name: Counter() for name in read}  # type: ignore[var-annotated]
    seconds: dict[str, list[float]] = {name: [] for name in read}
    examples: dict[str, list[str]] = {name: [] for name in read}
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        vocabulary = source_words(text)
        for name, reader in read.items():
            if name == "new, extensive dates":
                continue  # the body does not depend on the date mode
            started = time.perf_counter()
            body = clean_body(reader(text).body)
            seconds[name].append(time.perf_counter() - started)
            bad, tokens, some = glued(body, vocabulary)
            totals[name].update(glued=bad, tokens=tokens, furniture=_furniture(body))
            if some and len(examples[name]) < 6:
                examples[name].extend(some)
    for name, counts in totals.items():
        if not counts:
            continue
        figures[name] = {
            "glued words": counts["glued"],
            "word tokens": counts["tokens"],
            "glued %": 100 * counts["glued"] / max(1, counts["tokens"]),
            "pages with navigation": counts["furniture"],
            "seconds a page (median)": statistics.median(seconds[name]),
            "seconds a page (max)": max(seconds[name]),
            "examples": examples[name][:6],
        }
    return figures


def _furniture(body: str) -> int:
    lines = set(body.split("\n"))
    return int(any(line in lines for line in FURNITURE))


# -- 2. and 3. main text and dates ---------------------------------------------------------


def overlap(extracted: str, annotated: str) -> tuple[int, int, int]:
    """(shared words, extracted words, annotated words), counted as multisets."""
    got = Counter(w.lower() for w in WORD.findall(extracted))
    want = Counter(w.lower() for w in WORD.findall(annotated))
    return sum((got & want).values()), sum(got.values()), sum(want.values())


def prf(shared: int, got: int, want: int) -> tuple[float, float, float]:
    p = shared / got if got else 0.0
    r = shared / want if want else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def pages_figures(pages: Path, read: dict[str, Reader]) -> dict[str, Any]:
    truth = json.loads((pages / "truth.json").read_text(encoding="utf-8"))
    figures: dict[str, Any] = {"pages": len(truth)}
    for name, reader in read.items():
        pooled = [0, 0, 0]
        f1s, found, right, seconds, wrong = [], 0, 0, [], []
        for file, want in truth.items():
            text = (pages / file).read_text(encoding="utf-8")
            started = time.perf_counter()
            parsed = reader(text)
            seconds.append(time.perf_counter() - started)
            counts = overlap(clean_body(parsed.body), want["main"])
            pooled = [a + b for a, b in zip(pooled, counts, strict=True)]
            f1s.append(prf(*counts)[2])
            day = normalise_date(parsed.date)
            found += day is not None
            right += day is not None and day[:10] == want["date"]
            if day is None or day[:10] != want["date"]:
                wrong.append(f"{file}: {day} (not {want['date']})")
        p, r, f = prf(*pooled)
        figures[name] = {
            "precision": p,
            "recall": r,
            "F1": f,
            "F1 a page (mean)": statistics.mean(f1s),
            "dates found": found,
            "dates right": right,
            "seconds a page (median)": statistics.median(seconds),
            "wrong dates": wrong,
        }
    return figures


# -- output --------------------------------------------------------------------------------


def table(title: str, figures: dict[str, Any], columns: list[str]) -> str:
    rows = [f"### {title}", "", "| reader | " + " | ".join(columns) + " |"]
    rows.append("|---" * (len(columns) + 1) + "|")
    for name, values in figures.items():
        if not isinstance(values, dict):
            continue
        cells = [_cell(values[c]) for c in columns]
        rows.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=Path, default=DOCS, help="folder of HTML documentation")
    ap.add_argument("--pages", type=Path, default=PAGES, help="annotated pages and truth.json")
    ap.add_argument("--limit", type=int, default=None, help="documentation pages to read")
    ap.add_argument("--no-docs", action="store_true", help="skip the documentation pages")
    ap.add_argument("--json", action="store_true", help="print every figure as JSON")
    args = ap.parse_args(argv)
    old = old_parser()
    read = readers(old)
    result: dict[str, Any] = {}
    if old is None:
        print(f"(no git history: the old parser at {OLD_COMMIT} is left out)", file=sys.stderr)
    result["pages"] = pages_figures(args.pages, read)
    if not args.no_docs:
        if args.docs.is_dir():
            result["docs"] = docs_figures(args.docs, args.limit, read)
        else:
            print(f"(no {args.docs}: install python3.11-doc for the glued-word count)")
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    pages = result["pages"]
    cols = ["precision", "recall", "F1", "F1 a page (mean)", "dates found", "dates right"]
    print(table(f"Main text and dates on {pages['pages']} annotated pages", pages, cols))
    print("\nwrong or missing dates (new, extensive dates):")
    for line in pages["new, extensive dates"]["wrong dates"] or ["none"]:
        print(f"  {line}")
    if "docs" in result:
        docs = result["docs"]
        cols = ["glued words", "word tokens", "glued %", "pages with navigation"]
        cols += ["seconds a page (median)", "seconds a page (max)"]
        print()
        print(table(f"Glued words on {docs['pages']} pages of {args.docs}", docs, cols))
        for name, values in docs.items():
            if isinstance(values, dict) and values["examples"]:
                print(f"  {name}, e.g.: {', '.join(values['examples'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
