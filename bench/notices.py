"""What notice removal takes out of real collections, and what it costs.

    python bench/notices.py                    # the 50k news set and the six IR collections
    python bench/notices.py --paths DIR ...    # any files or folders instead
    python bench/notices.py --examples 10      # show the most frequent removed paragraphs

Parses every document with searchcli's parsers, then applies notices.py the way an
indexing run does (tally the paragraph fingerprints per group, then separate each body
with its group's common paragraphs). Prints, per input: documents, documents that take
part in the tally, edge notices and repeated paragraphs removed, documents touched, the
size of the tally as `notices-G.json` would store it, and the CPU seconds of parsing
against the CPU seconds of the notice work (the extra an index build pays).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _corpus import default_data_dir  # noqa: E402

from searchcli import notices  # noqa: E402
from searchcli.documents import parse_file, walk  # noqa: E402
from searchcli.models import Document  # noqa: E402
from searchcli.noticetally import Tally  # noqa: E402


def documents(paths: list[str]) -> list[Document]:
    docs = []
    for sf in walk(paths, lambda skip: None):
        try:
            docs.extend(d for d in parse_file(sf) if isinstance(d, Document))
        except Exception as exc:  # a bad file is the indexer's business, not ours
            print(f"  skipped {sf.path}: {exc}", file=sys.stderr)
    return docs


def measure(name: str, paths: list[str], examples: int) -> dict[str, object]:
    started = time.process_time()
    docs = documents(paths)
    parse_seconds = time.process_time() - started

    started = time.process_time()
    tally = Tally()
    groups = {}
    for doc in docs:
        fps = notices.fingerprints(notices.split(doc.body)[0])
        if fps:
            groups[doc.id] = group = notices.group_of(doc.source, doc.path)
            tally.add(doc.id, group, fps)
    common = {group: tally.common(group) for group in tally.sizes}
    edge = repeated = touched = 0
    removed: Counter[str] = Counter()
    for doc in docs:
        paragraphs, sep = notices.split(doc.body)
        group = groups.get(doc.id)
        mine = common[group] if group else frozenset()
        _, found = notices.separate(paragraphs, mine, sep, doc.title)
        if found:
            touched += 1
            edges = notices.edge_notices(paragraphs)
            edge += sum(1 for i, _ in found if i in edges)
            repeated += sum(1 for i, _ in found if i not in edges)
            removed.update(" ".join(text.split())[:100] for _, text in found)
    notice_seconds = time.process_time() - started
    sidecar = json.dumps(
        {"docs": {i: [0, " ".join(fps)] for i, _, fps in tally.items()}},
        separators=(",", ":"),
    )
    figures: dict[str, object] = {
        "input": name,
        "documents": len(docs),
        "in tally": len(tally),
        "edge notices": edge,
        "repeated removed": repeated,
        "documents touched": touched,
        "tally KB": round(len(sidecar) / 1024),
        "parse CPU s": round(parse_seconds, 2),
        "notice CPU s": round(notice_seconds, 2),
    }
    for text, count in removed.most_common(examples):
        print(f"  {name}: {count:>6} x {text!r}")
    return figures


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--data", type=Path, default=default_data_dir(), help="has news/ and ir/")
    p.add_argument("--paths", nargs="+", help="files or folders to measure instead")
    p.add_argument("--examples", type=int, default=5, help="removed paragraphs to show")
    args = p.parse_args(argv)
    if args.paths:
        inputs = [(" ".join(args.paths), args.paths)]
    else:
        news = sorted(str(f) for f in (args.data / "news").glob("*.jsonl"))
        ir = sorted((args.data / "ir").glob("*/docs.jsonl"))
        inputs = [("news", news)] + [(f.parent.name, [str(f)]) for f in ir]
        if not news:
            print(f"no news data under {args.data}", file=sys.stderr)
            return 1
    rows = [measure(name, paths, args.examples) for name, paths in inputs]
    keys = list(rows[0])
    print("| " + " | ".join(keys) + " |")
    print("|" + "---|" * len(keys))
    for row in rows:
        print("| " + " | ".join(str(row[k]) for k in keys) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
