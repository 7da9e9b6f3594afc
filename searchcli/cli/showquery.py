"""`searchcli show ID --query WORDS`: the whole document with the query's matches
highlighted, through a pager on a terminal, as plain text when piped."""

from __future__ import annotations

from collections.abc import Collection

import click

from ..models import Document
from .base import consoles, stdout_bytes, warn


def show_highlighted(doc: Document, terms: Collection[str], as_json: bool) -> None:
    from ..highlight import match_spans

    if as_json:
        from ..serialize import write_json

        record = doc.to_dict()
        record["highlights"] = {
            "title": [list(s) for s in match_spans(doc.title, terms)],
            "body": [list(s) for s in match_spans(doc.body, terms)],
        }
        write_json(stdout_bytes(), record)
        return
    from ..render import print_document
    from ..text import clean_line, clean_text

    title_spans = match_spans(clean_line(doc.title), terms)
    body_spans = match_spans(clean_text(doc.body), terms)
    if not (title_spans or body_spans):
        warn("none of the query's words occur in this document")
    console, _ = consoles()
    if not console.is_terminal:  # piped: plain text, no pager
        print_document(console, doc, title_spans, body_spans)
        return
    with console.capture() as page:
        print_document(console, doc, title_spans, body_spans)
    # $PAGER is respected; with less, click asks for -R so the highlights show
    click.echo_via_pager(page.get())
