"""HTML main text (trafilatura), page metadata, the whole-text fallback, spacing at
inline tags, hostile pages, and trafilatura staying out of a search."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from _generated import child_env, deadline

from searchcli import htmltext
from searchcli.documents import MAX_BYTES, parse_file, walk
from searchcli.errors import BadDocument
from searchcli.models import Document

ARTICLE = [
    "The harbour authority will dredge the inner basin this winter, the first time in "
    "twenty years that the silt has been removed from the old fishing quay.",
    "Boats longer than twelve metres have run aground twice since the spring, and the "
    "pilots' association asked for the work after a trawler stuck fast at low tide.",
    "The dredger arrives in November and will work at night, when the basin is quiet. "
    "The silt goes by barge to a licensed site beyond the breakwater.",
    "Fishermen will be moved to the outer pontoons for about six weeks, and the fish "
    "auction will open an hour later than usual while the work goes on.",
]

PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Harbour basin to be dredged | Quayside News</title>
<link rel="canonical" href="https://quayside.example/2025/10/02/harbour-dredging">
<meta property="og:url" content="https://quayside.example/amp/harbour-dredging">
<meta property="og:site_name" content="Quayside News">
<meta name="author" content="Ingrid Solberg">
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",
"headline": "Harbour basin to be dredged", "datePublished": "2025-10-02T07:30:00+02:00",
"dateModified": "2025-10-06T10:00:00+02:00"}</script>
</head><body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/news">Navwordnews</a></li>
<li><a href="/sport">Navwordsport</a></li>
<li><a href="/weather">Navwordweather</a></li></ul></nav></header>
<div class="layout"><article><h1>Harbour basin to be dredged</h1>
<p class="byline">By Ingrid Solberg</p>
ARTICLE
<div class="share"><a href="/s">Share on social</a></div></article>
<aside class="sidebar"><h3>Most read</h3><ul>
<li><a href="/a">Sidebarword ferry timetable changes</a></li>
<li><a href="/b">Sidebarword new lighthouse keeper</a></li>
<li><a href="/c">Sidebarword storm</a></li></ul></aside></div>
<section class="comments"><h3>Comments</h3><div class="comment"><p>Commentword about time too,
the basin has been a mess for years.</p></div></section>
<div id="cookie-banner" class="cookie-consent"><p>Cookieword: we use cookies to improve your
experience. Accept all cookies to continue.</p><button>Accept</button></div>
<footer><p>Footerword &copy; 2026 Quayside News. All rights reserved.</p>
<a href="/imprint">Imprint</a> <a href="/privacy">Privacy</a></footer>
</body></html>"""


def page(paragraphs: list[str] = ARTICLE) -> str:
    return PAGE.replace("ARTICLE", "\n".join(f"<p>{p}</p>" for p in paragraphs))


def read(path: Path) -> Document:
    (sf,) = walk([str(path)], lambda skip: None)
    (doc,) = parse_file(sf)
    assert isinstance(doc, Document)
    return doc


def write(tmp_path: Path, text: str | bytes, name: str = "page.html") -> Path:
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return path


def test_main_text_without_the_page_furniture(tmp_path: Path) -> None:
    doc = read(write(tmp_path, page()))
    for paragraph in ARTICLE:
        assert paragraph in doc.body.split("\n")
    for furniture in ("Navword", "Sidebarword", "Commentword", "Cookieword", "Footerword"):
        assert furniture not in doc.body


def test_metadata_fields(tmp_path: Path) -> None:
    doc = read(write(tmp_path, page()))
    assert doc.title == "Harbour basin to be dredged"
    assert doc.body.split("\n")[0] == ARTICLE[0]  # the headline is the title, not body
    assert doc.author == "Ingrid Solberg"
    assert doc.site == "Quayside News"
    assert doc.source == "https://quayside.example/2025/10/02/harbour-dredging"  # canonical
    assert doc.date == "2025-10-02"  # JSON-LD's datePublished, not dateModified


def test_spaces_between_inline_elements_are_kept(tmp_path: Path) -> None:
    sentence = (
        "Return <code>True</code> if the <em>basin</em> is <a href='/x'>deep</a> "
        "enough, else<b> False</b> ,<i>said</i> the pilot"
    )
    expected = "Return True if the basin is deep enough, else False ,said the pilot"
    main = read(write(tmp_path, page([*ARTICLE, sentence]), "main.html"))
    assert expected in main.body.split("\n")
    short = read(write(tmp_path, f"<p>{sentence}</p>", "short.html"))  # the fallback
    assert short.body == expected


def test_nested_blocks_in_a_quotation_stay_apart(tmp_path: Path) -> None:
    # trafilatura joins them with nothing between: "on top oftitle - the title"
    lines = "".join(
        f"<div class='line-block'><div class='line'><em>{name}</em> - {what}</div></div>\n"
        for name, what in [("parent", "the window on top of"), ("title", "its title")]
    )
    paragraphs = "".join(f"<p>{p}</p>" for p in ARTICLE)
    text = f"<html><body><article>{paragraphs}<blockquote>{lines}</blockquote></article></body>"
    body = read(write(tmp_path, text)).body.split("\n")
    assert body[-2:] == ["parent - the window on top of", "title - its title"]


def test_source_line_breaks_are_spaces_except_in_code(tmp_path: Path) -> None:
    wrapped = "<p>" + ARTICLE[0].replace(" the ", "\n the\n") + "</p>"
    code = "<pre><code>def f():\n    return 1</code></pre>"
    text = f"<html><body><article>{wrapped}{code}{page_body()}</article></body></html>"
    body = read(write(tmp_path, text)).body.split("\n")
    assert body[0] == ARTICLE[0]
    assert body[1:3] == ["def f():", "return 1"]


def page_body() -> str:
    return "".join(f"<p>{p}</p>" for p in ARTICLE[1:])


def test_short_page_is_read_whole(tmp_path: Path) -> None:
    text = "<html><nav>Home</nav><p>Water off on <b>Tuesday</b> in Dock Lane.</p></html>"
    doc = read(write(tmp_path, text))
    assert doc.body == "Home\nWater off on Tuesday in Dock Lane."


def test_a_table_of_links_is_read_whole(tmp_path: Path) -> None:
    rows = "".join(
        f"<tr><td><a href='/m{n}'>Minutes of meeting {n}</a></td><td>kb {n * 7}</td></tr>"
        for n in range(40)
    )
    doc = read(write(tmp_path, f"<html><body><h1>Archive</h1><table>{rows}</table></body></html>"))
    assert all(f"Minutes of meeting {n}" in doc.body for n in range(40))


def test_too_many_elements_is_read_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(htmltext, "MAX_ELEMENTS", 20)
    doc = read(write(tmp_path, page()))
    assert "Navwordnews" in doc.body and "Footerword" in doc.body  # whole text
    assert doc.title == "Harbour basin to be dredged | Quayside News"  # from <title>
    assert doc.author == "Ingrid Solberg" and doc.site == "Quayside News"


def test_sphinx_header_links_are_dropped(tmp_path: Path) -> None:
    body = "".join(f"<p>{p}</p>" for p in ARTICLE)
    text = (
        "<html><head><title>8. Dredging &#8212; Harbour manual</title></head><body>"
        "<div class='body'><h1>8. Dredging<a class='headerlink' href='#d'>¶</a>"
        f"</h1>{body}</div></body></html>"
    )
    doc = read(write(tmp_path, text))
    assert doc.title == "8. Dredging" and "¶" not in doc.body
    assert doc.site != doc.title  # trafilatura takes "8. Dredging" for the site name


def test_no_log_lines_on_stderr(tmp_path: Path) -> None:
    # trafilatura logs pages it gives up on; Python prints unhandled records on stderr
    pages = tmp_path / "pages"
    pages.mkdir()
    write(pages, "<p>a<title>late</title>b</p>", "odd.html")
    write(pages, page(), "news.html")
    result = subprocess.run(
        [sys.executable, "-m", "searchcli", "index", str(pages), "--index", str(tmp_path / "ix")],
        capture_output=True,
        text=True,
        env=child_env(),
    )
    assert result.returncode == 0, result.stderr
    assert "trafilatura" not in result.stderr and "ERROR" not in result.stderr


# -- hostile pages: results, with a stop for a hang -------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("nested", "<div>" * 100_000 + "deepword here" + "</div>" * 100_000, "deepword here"),
        ("unclosed", "<p><span><b>" * 50_000 + "openword", "openword"),
        ("attribute", f"<p title='{'x' * 5_000_000}'>attrword text</p>", "attrword text"),
        ("broken", "<p>ok</p><div <<a href='x>text & more</p></b><script>x", "ok"),
        ("comment", "<p>before</p><!-- never closed <p>hidden", "before"),
    ],
)
def test_hostile_pages(tmp_path: Path, name: str, text: str, expected: str) -> None:
    with deadline(120):
        doc = read(write(tmp_path, text, f"{name}.html"))
    assert doc.body.split("\n")[0] == expected


def test_ten_megabyte_line(tmp_path: Path) -> None:
    words = "long line words " * ((MAX_BYTES - 100) // 16)
    with deadline(120):
        doc = read(write(tmp_path, f"<html><body><p>{words}</p></body></html>"))
    assert doc.body == words.strip()


def test_many_elements_and_many_paragraphs(tmp_path: Path) -> None:
    text = "<html><body>" + "<p>para <b>bold</b> end</p>" * 60_000 + "</body></html>"
    with deadline(120):
        doc = read(write(tmp_path, text))
    assert doc.body.split("\n") == ["para bold end"] * 60_000


def test_declared_charset_still_decodes(tmp_path: Path) -> None:
    paragraphs = [
        f"Статья номер {n}: в порту начинаются работы по углублению дна." for n in range(8)
    ]
    text = '<meta charset="windows-1251"><title>Порт</title>' + "".join(
        f"<p>{p}</p>" for p in paragraphs
    )
    doc = read(write(tmp_path, text.encode("windows-1251")))
    assert doc.body.split("\n") == paragraphs


def test_markup_only_page_is_still_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "<html><script>x()</script><p> </p></html>")
    (sf,) = walk([str(path)], lambda skip: None)
    with pytest.raises(BadDocument, match="no text"):
        list(parse_file(sf))


# -- trafilatura stays out of searches ----------------------------------------------------

_PROBE = """
import json
import sys
from searchcli.cli import cli
try:
    cli(sys.argv[1:], prog_name="searchcli")
except SystemExit:
    pass
loaded = {name.split(".")[0] for name in sys.modules}
heavy = sorted(loaded & {"trafilatura", "lxml", "htmldate", "justext"})
sys.stderr.write("\\nHEAVY=" + json.dumps(heavy))
"""


def heavy_modules(*args: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, *args],
        capture_output=True,
        text=True,
        env={**child_env(), "COLUMNS": "200"},
    )
    return result, json.loads(result.stderr.rsplit("HEAVY=", 1)[1])


def test_search_never_imports_trafilatura(tmp_path: Path) -> None:
    write(tmp_path, page())
    index = str(tmp_path / "ix")
    result, heavy = heavy_modules("index", str(tmp_path / "page.html"), "--index", index)
    assert heavy == ["htmldate", "justext", "lxml", "trafilatura"]  # the probe sees them
    result, heavy = heavy_modules("search", "dredger", "--jsonl", "--index", index)
    (hit,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert (hit["author"], hit["site"]) == ("Ingrid Solberg", "Quayside News")
    assert heavy == []
    result, heavy = heavy_modules("show", hit["id"], "--index", index)
    assert "2025-10-02  by Ingrid Solberg  Quayside News" in result.stdout
    assert heavy == []
    result, heavy = heavy_modules("show", hit["id"], "--index", index, "--json")
    shown = json.loads(result.stdout)
    assert (shown["author"], shown["site"], shown["date"]) == (
        "Ingrid Solberg",
        "Quayside News",
        "2025-10-02",
    )
