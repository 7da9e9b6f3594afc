"""Writes the annotated pages: each article of articles.py inside one of eight page
layouts, with its publication date placed one of eight ways, and truth.json with the
annotated main text and day of every page.

    python bench/pages/make.py      # rewrites bench/pages/*.html and truth.json

The layouts imitate the furniture real sites have (navigation, mega menus, sidebars,
cookie banners, newsletter boxes, related links inside the text, comments, author
boxes, footers, layout tables, class-name soup); all text is invented. The dates come
with distractors: a later modification date, dated comments and sidebar posts, a
copyright line.
"""

from __future__ import annotations

import html
import json
from datetime import datetime, timedelta
from pathlib import Path

from articles import ARTICLES

HERE = Path(__file__).resolve().parent
E = html.escape

SITES = [
    ("The Riverside Courier", "riverside-courier.example"),
    ("Daily Lantern", "dailylantern.example"),
    ("Valley Gazette", "valleygazette.example"),
    ("Northbridge Post", "northbridgepost.example"),
    ("Harbour Weekly", "harbourweekly.example"),
    ("Small Kitchen Notes", "smallkitchen.example"),
    ("Fieldwork Journal", "fieldwork.example"),
    ("Wire Desk", "wiredesk.example"),
]


def paragraphs(paras: list[str], read_more: list[str] | None = None) -> str:
    """The article body as HTML; read_more links are slipped in between paragraphs."""
    out, items = [], []
    for n, p in enumerate(paras):
        if p.startswith("* "):
            items.append(f"<li>{E(p[2:])}</li>")
            continue
        if items:
            out.append("<ul>" + "".join(items) + "</ul>")
            items = []
        if p.startswith("## "):
            out.append(f"<h2>{E(p[3:])}</h2>")
        elif p.startswith("> "):
            out.append(f"<blockquote><p>{E(p[2:])}</p></blockquote>")
        elif p.startswith("$ "):
            out.append(f"<pre><code>{E(p[2:])}</code></pre>")
        else:
            out.append(f"<p>{_inline(E(p))}</p>")
        if read_more and n % 2 == 1 and read_more:
            link = read_more.pop(0)
            out.append(
                f'<p class="read-more"><strong>Read more:</strong> <a href="/x">{link}</a></p>'
            )
    if items:
        out.append("<ul>" + "".join(items) + "</ul>")
    return "\n".join(out)


def _inline(text: str) -> str:
    """Some words in inline markup, as editors leave them: the spaces stay outside."""
    words = text.split(" ")
    if len(words) > 12:
        words[5] = f"<em>{words[5]}</em>"
        words[9] = f'<a href="/topic/{words[9].strip(",.")}">{words[9]}</a>'
    return " ".join(words)


def main_text(paras: list[str]) -> str:
    return "\n".join(p[2:] if p[:2] in ("* ", "> ", "$ ") else p.lstrip("# ") for p in paras)


# -- the ways a date is given -------------------------------------------------------------


def long_day(d: datetime) -> str:
    return f"{d.strftime('%B')} {d.day}, {d.year}"


def dated(a: dict, mode: int, site: tuple[str, str]) -> tuple[str, str, str, str]:
    """(tags for <head>, byline html, canonical URL, extra html for comments)"""
    d = datetime.fromisoformat(a["date"])
    later = d + timedelta(days=3, hours=5)
    url = f"https://{site[1]}/{a['slug']}"
    by = f'<span class="author">By <a href="/authors/{a["slug"][:4]}">{E(a["author"])}</a></span>'
    head, line = "", by
    if mode == 0:
        head = f'<meta property="article:published_time" content="{d.isoformat()}">'
    elif mode == 1:
        ld = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": a["title"],
            "datePublished": d.isoformat(),
            "dateModified": later.isoformat(),
            "author": {"@type": "Person", "name": a["author"]},
        }
        head = f'<script type="application/ld+json">{json.dumps(ld)}</script>'
        line = f'{by} <span class="updated">Updated {long_day(later)}</span>'
    elif mode == 2:
        line = f'{by} <time class="published" datetime="{d.isoformat()}">{long_day(d)}</time>'
    elif mode == 3:
        line = f'{by} <span class="meta">Published: {d.day} {d.strftime("%B")} {d.year}</span>'
    elif mode == 4:
        url = f"https://{site[1]}/{d.year}/{d.month:02d}/{d.day:02d}/{a['slug']}"
    elif mode == 5:
        line = f'{by} <div class="dt">{d.day:02d}.{d.month:02d}.{d.year} | {d:%H:%M}</div>'
    elif mode == 6:
        head = f'<meta property="article:modified_time" content="{later.isoformat()}">'
        line = (
            f'{by} <p class="dates">Published on <time datetime="{d.date()}">{long_day(d)}</time>'
        )
        line += f" &middot; last modified {long_day(later)}</p>"
    else:
        line = f"{by} &bull; {d.strftime('%b')} {d.day}, {d.year}"
    comments = comment_block(later)
    return head, line, url, comments


def comment_block(later: datetime) -> str:
    c1, c2 = later + timedelta(days=1), later + timedelta(days=9)
    return f"""<section id="comments" class="comments"><h3>2 comments</h3>
<ol class="comment-list">
<li class="comment"><div class="comment-meta"><b>rivertom</b> on {long_day(c1)} at 8:14 pm</div>
<div class="comment-body"><p>Finally somebody writes about this. I have been saying it for years and nobody listened.</p></div></li>
<li class="comment"><div class="comment-meta"><b>Greta K.</b> on {long_day(c2)}</div>
<div class="comment-body"><p>Thanks for the article, shared it with my neighbours.</p></div></li>
</ol>
<form class="comment-form"><h3>Leave a reply</h3><p>Your email address will not be published.</p>
<textarea name="comment"></textarea><button>Post comment</button></form></section>"""


COOKIE = """<div id="cookie-consent" class="cookie-banner" role="dialog"><p>We use cookies
to give you the best experience on our website, to personalise content and ads and to
analyse our traffic. By clicking "Accept all" you agree to the storing of cookies on
your device.</p><button>Accept all</button> <button>Manage preferences</button>
<a href="/privacy">Privacy policy</a></div>"""

NEWSLETTER = """<div class="newsletter-signup"><h4>Get the morning briefing</h4><p>The
five stories you need to know, in your inbox before breakfast. Free, every weekday.</p>
<input type="email" placeholder="Your email"><button>Sign up</button></div>"""


def nav(items: str) -> str:
    links = "".join(f'<li><a href="/{w.lower()}">{w}</a></li>' for w in items.split())
    return f'<nav class="main-nav"><ul>{links}</ul></nav>'


def related(titles: list[str]) -> str:
    cards = "".join(f'<li><a href="/r{n}"><h4>{E(t)}</h4></a></li>' for n, t in enumerate(titles))
    return f'<aside class="related"><h3>You might also like</h3><ul>{cards}</ul></aside>'


def footer(site: str) -> str:
    return f"""<footer class="site-footer"><div class="footer-links"><a href="/about">About
us</a> | <a href="/contact">Contact</a> | <a href="/jobs">Jobs</a> | <a href="/advertise">Advertise</a>
| <a href="/terms">Terms of use</a> | <a href="/privacy">Privacy</a></div>
<p>&copy; 2019&ndash;2026 {E(site)}. All rights reserved. Registered in the commercial
register under number 48151623.</p></footer>"""


# -- the layouts --------------------------------------------------------------------------


def page(a: dict, n: int, others: list[str]) -> str:
    layout, mode = n % 8, (n * 3 + n // 8) % 8
    site = SITES[layout]
    head, line, url, comments = dated(a, mode, site)
    title = E(a["title"])
    sitename = E(site[0])
    common_head = f"""<meta charset="utf-8"><title>{title} | {sitename}</title>
<link rel="canonical" href="{url}"><meta property="og:site_name" content="{sitename}">
<meta name="viewport" content="width=device-width"><link rel="stylesheet" href="/s.css">
<script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments)}}</script>
{head}"""
    body = paragraphs(a["paras"], list(others[:2]) if layout in (1, 3) else None)
    rel = related(others)
    if layout == 0:  # a blog on a common CMS
        inner = f"""<div id="page"><header id="masthead"><p class="site-title"><a href="/">{sitename}</a></p>
<p class="site-description">News and views from the river towns</p>{nav("Home News Sport Culture Opinion About")}</header>
<div id="content"><main id="primary"><article class="post type-post">
<header class="entry-header"><h1 class="entry-title">{title}</h1><div class="entry-meta">{line}</div></header>
<div class="entry-content">{body}</div>
<footer class="entry-footer"><span class="cat-links">Posted in <a href="/c">Local</a></span>
<span class="tags-links">Tagged <a href="/t1">council</a>, <a href="/t2">town</a></span></footer></article>
{comments}</main>
<aside id="secondary" class="widget-area"><section class="widget"><h2>Recent posts</h2><ul>
<li><a href="/p1">{E(others[0])}</a> <span class="post-date">January 3, 2023</span></li>
<li><a href="/p2">{E(others[1])}</a> <span class="post-date">December 12, 2022</span></li></ul></section>
<section class="widget"><h2>Archives</h2><ul><li><a href="/2023/01">January 2023</a></li>
<li><a href="/2022/12">December 2022</a></li></ul></section></aside></div>{footer(site[0])}</div>"""
    elif layout == 1:  # a big news site
        inner = f"""<div class="top-bar"><a href="/subscribe">Subscribe</a> <a href="/login">Sign in</a></div>
<header><a class="logo" href="/">{sitename}</a>{nav("World Politics Business Science Sport Culture Travel Video Podcasts")}</header>
<div class="ticker"><span>Breaking:</span> <a href="/b">Storm warning extended to the whole coast</a></div>
<div class="layout"><article class="story"><h1 class="headline">{title}</h1>
<div class="byline">{line}</div>
<figure><img src="/img/lead.jpg" alt=""><figcaption>The scene on Tuesday. Photo: agency</figcaption></figure>
<div class="story-body">{body}</div>
<div class="share"><a href="/s1">Share on social</a> <a href="/s2">Email</a> <a href="/s3">Copy link</a></div></article>
<aside class="most-read"><h3>Most read</h3><ol>{"".join(f"<li><a href='/m{i}'>{E(t)}</a></li>" for i, t in enumerate(others))}</ol></aside>
{NEWSLETTER}</div>{footer(site[0])}{COOKIE}"""
    elif layout == 2:  # an old layout made of tables
        inner = f"""<table width="100%" border="0"><tr><td colspan="2" bgcolor="#003366"><font color="white" size="5">{sitename}</font></td></tr>
<tr><td width="180" valign="top"><font size="2"><a href="/">Front page</a><br><a href="/local">Local</a><br>
<a href="/sport">Sport</a><br><a href="/obits">Obituaries</a><br><a href="/classifieds">Classifieds</a><br>
<a href="/weather">Weather</a><br><br>Today: 12&deg;C, showers</font></td>
<td valign="top"><h1>{title}</h1><font size="2">{line}</font>{body}
<p><a href="/print">Print this story</a> | <a href="/mail">Email this story</a></p></td></tr>
<tr><td colspan="2"><font size="1">&copy; 2026 {sitename}. All rights reserved. Reproduction without permission prohibited.</font></td></tr></table>"""
    elif layout == 3:  # class-name soup from a page builder
        inner = f"""<div class="x1a"><div class="x2b"><div class="k9">{sitename}</div>
<div class="m3">{"".join(f'<div class="m4"><a href="/{w}">{w}</a></div>' for w in "Start Topics Video Shop Newsletter".split())}</div></div>
<div class="c7"><div class="c8"><div class="t1"><span class="t2">{title}</span></div><div class="d5">{line}</div>
<div class="b2">{body}</div></div><div class="s6"><div class="s7">Advertisement</div>
<div class="s8"><div class="s9">Trending now</div>{"".join(f'<div class="s10"><a href="/t{i}">{E(t)}</a></div>' for i, t in enumerate(others))}</div></div></div>
{COOKIE}<div class="f1"><div class="f2">Imprint</div><div class="f2">Data protection</div><div class="f2">&copy; {sitename} 2026</div></div></div>"""
    elif layout == 4:  # a magazine long read
        inner = f"""<header class="mast"><a href="/">{sitename}</a>{nav("Latest Longreads Interviews Reviews Shop")}</header>
<main><article><p class="kicker">Feature</p><h1>{title}</h1><p class="standfirst-meta">{line}</p>
<div class="article-body">{body}</div>
<section class="author-bio"><h3>About the author</h3><p>{E(a["author"])} writes about towns, trades and the people
who keep them going. Their last book was shortlisted for a regional prize.</p></section>
<div class="share-bar">Share this article: <a href="/f">Facebook</a> <a href="/x">X</a> <a href="/l">LinkedIn</a></div>
{rel}</article></main>{footer(site[0])}"""
    elif layout == 5:  # a personal blog with a sidebar and comments
        inner = f"""<div class="wrapper"><header><h2 class="blog-name"><a href="/">{sitename}</a></h2>
<p>Cooking, walking and the occasional rant</p></header><div class="columns"><div class="main">
<div class="post"><h1 class="post-title">{title}</h1><div class="post-meta">{line}</div>
<div class="post-body">{body}</div><div class="post-footer">Labels: <a href="/l/a">home</a>, <a href="/l/b">seasons</a></div></div>
<div class="blog-pager"><a href="/newer">Newer post</a> <a href="/older">Older post</a> <a href="/">Home</a></div>
{comments}</div><div class="sidebar"><div class="widget"><h3>About me</h3><p>I write from a small flat with a big
window. Most recipes here feed two people and cost little.</p></div><div class="widget"><h3>Blog archive</h3>
<ul><li>2024 (31)</li><li>2023 (44)</li><li>2022 (29)</li></ul></div><div class="widget"><h3>Popular posts</h3>
<ul>{"".join(f"<li><a href='/p{i}'>{E(t)}</a></li>" for i, t in enumerate(others))}</ul></div></div></div></div>{COOKIE}"""
    elif layout == 6:  # a project site with documentation-like navigation
        inner = f"""<header class="navbar"><a class="brand" href="/">{sitename}</a>
<a href="/docs">Docs</a> <a href="/blog">Blog</a> <a href="/community">Community</a> <a href="/download">Download</a></header>
<div class="container"><nav class="toc"><p>On this page</p><ul><li><a href="#a">Overview</a></li><li><a href="#b">Details</a></li></ul></nav>
<main class="content"><h1>{title}</h1><div class="meta">{line}</div>{body}
<div class="edit"><a href="/edit">Edit this page</a> &middot; <a href="/issues">Report an issue</a></div></main></div>
{rel}<footer><p>Built with a static site generator. Content licensed CC BY 4.0.</p></footer>"""
    else:  # a wire service
        inner = f"""<header><div class="brand">{sitename}</div>{nav("Markets World Business Legal Tech Sustainability")}</header>
<div class="main"><div class="article"><div class="tags"><a href="/tag/a">Europe</a> <a href="/tag/b">Regional</a></div>
<h1 data-testid="Heading">{title}</h1><div class="info">{line}</div>
<div class="article-body">{body}</div>
<p class="trust">Our standards: <a href="/trust">The Trust Principles.</a></p></div>
<div class="sidebar">{rel}</div></div>{footer(site[0])}"""
    return f'<!DOCTYPE html>\n<html lang="en"><head>{common_head}</head>\n<body>{inner}</body></html>\n'


def main() -> None:
    truth = {}
    titles = [a["title"] for a in ARTICLES]
    for n, a in enumerate(ARTICLES):
        others = [titles[(n + k) % len(titles)] for k in (5, 11, 17)]
        name = f"{n + 1:02d}-{a['slug']}.html"
        (HERE / name).write_text(page(a, n, others), encoding="utf-8")
        truth[name] = {"date": a["date"][:10], "title": a["title"], "main": main_text(a["paras"])}
    (HERE / "truth.json").write_text(json.dumps(truth, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {len(truth)} pages and truth.json to {HERE}")


if __name__ == "__main__":
    main()
