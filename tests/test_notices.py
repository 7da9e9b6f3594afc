"""Notices are not body text: the edge rule, the repetition rule, and both kept right by
incremental runs (the same stored bodies as a rebuild of the final folder)."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from searchcli import Searcher, build_index, notices, update_index
from searchcli.notices import separate

SEED_NOTICE = (
    "Cookies are used limited to the purposes in th e Personal Data Protection Law No.6698 "
    "and in accordance with the legislation. For detailed information, you can review our "
    "cookie policy."
)
PLEA = (
    "Anadolu Agency website contains only a portion of the news stories offered to "
    "subscribers in the AA News Broadcasting System, and in summarized form."
)
QUOTE = "We will never accept a settlement that leaves the question of the border open."


# -- the edge rule -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "paragraph",
    [
        SEED_NOTICE,
        "We use cookies to improve your experience. By continuing to browse, you agree to "
        "our use of cookies.",
        "This website uses cookies. Learn more in our privacy policy.",
        "We and our partners use cookies and process personal data in line with the GDPR. "
        "Manage your preferences at any time.",
        "By using this site you accept our Terms of Use.",
        "© 2026 Example News. All rights reserved.",
        "Copyright 2025 Harbour Gazette",
        "Copyright, 1993. The Associated Press. All rights reserved.",
        "(c) 2024 The Daily Example",
    ],
)
def test_notices_at_either_end_are_not_body(paragraph: str) -> None:
    article = ["The council met on Tuesday.", "It approved the harbour budget."]
    for paragraphs in (article + [paragraph], [paragraph] + article):
        body, found = separate(paragraphs)
        assert [text for _, text in found] == [paragraph]
        assert body == "\n\n".join(article)


@pytest.mark.parametrize(
    "paragraph",
    [
        # about cookies or privacy law, in the third person: content
        "The EU's new rules require websites to ask for consent before placing cookies, a "
        "change that privacy advocates welcomed.",
        "Cookies track you across the web. Here is how browsers are starting to block them.",
        "Parliament passed a personal data protection law on Tuesday; the GDPR served as "
        "its model.",
        "The phrase 'all rights reserved' dates from the Buenos Aires Convention of 1910, "
        "which required it for protection in the signatory states of the Americas and which "
        "lost its meaning once those states joined the Berne Convention.",
        # questions about copyright are no copyright line
        "What is the copyright status of this data? Are there restrictions on its use?",
        "The copyright notices themselves seem to be making conflicting restrictions.",
        # notice words, but far too long to be a banner
        "We use cookies " + "and more words " * 30,
        # short lines that are no notice at all
        "Photo",
        "Reuter",
    ],
)
def test_prose_about_notices_stays_body(paragraph: str) -> None:
    paragraphs = ["The council met on Tuesday.", paragraph]
    assert separate(paragraphs) == ("\n\n".join(paragraphs), [])


def test_a_notice_in_the_middle_or_alone_stays_body() -> None:
    middle = ["One.", "Two.", SEED_NOTICE, "Three.", "Four."]
    assert separate(middle)[1] == []
    assert separate([SEED_NOTICE]) == (SEED_NOTICE, [])


def test_restore_puts_notices_back_in_place() -> None:
    paragraphs = [SEED_NOTICE, "Body one.", "Body two.", "© 2026 X. All rights reserved."]
    for sep in ("\n\n", "\n"):
        body, found = separate(paragraphs, sep=sep)
        assert body == f"Body one.{sep}Body two."
        assert notices.restore(body, notices.to_stored(sep, found)) == sep.join(paragraphs)
    assert notices.restore("One.\nTwo.", []) == "One.\nTwo."


LONG = "A paragraph of a web page, long enough that no hard-wrapped text has a line like it. " * 2


@pytest.mark.parametrize(
    ("body", "paragraphs"),
    [
        ("One.\n\nTwo\nwrapped.", ["One.", "Two\nwrapped."]),  # blank lines part paragraphs
        ("Hard-wrapped\nmail text\nof short lines.", ["Hard-wrapped\nmail text\nof short lines."]),
        (f"Title\n{LONG}\n{SEED_NOTICE}", ["Title", LONG, SEED_NOTICE]),  # HTML: a block a line
        ("", []),
    ],
)
def test_paragraphs(body: str, paragraphs: list[str]) -> None:
    assert notices.split(body)[0] == paragraphs


# -- the repetition rule -------------------------------------------------------------------


def test_fingerprints_ignore_case_and_spacing_but_not_short_lines() -> None:
    assert notices.fingerprint(PLEA) == notices.fingerprint("  " + PLEA.upper().replace(" ", "\n"))
    assert notices.fingerprint("Photo") is None
    assert notices.fingerprint("Read more here") is None  # three words
    assert notices.fingerprint("新华社北京十一月二十七日电记者从国家统计局获悉今年") is not None
    assert notices.fingerprint("word " * 100) is None  # a long passage is content


MIDDLE = "(Contributed by Raymond Hettinger in the standard library team.)"


def test_common_paragraphs_leave_only_from_either_end() -> None:
    common = {notices.fingerprint(PLEA), notices.fingerprint(MIDDLE), notices.fingerprint(QUOTE)}
    own = ["First own paragraph of this story.", "Second own paragraph of the story."]
    # the run from the end passes a short "Share" line and the seed's notice
    footer = "Created usingSphinx5.3.0."  # a few words, if not few characters: short too
    paragraphs = [QUOTE, own[0], MIDDLE, own[1], PLEA, "Share", SEED_NOTICE, footer]
    body, found = separate(paragraphs, common)
    assert found == [(0, QUOTE), (4, PLEA), (6, SEED_NOTICE)]
    assert body == "\n\n".join([own[0], MIDDLE, own[1], "Share", footer])
    # a paragraph that repeats the document's title is its heading, and stays
    heading = "Graphic User Interface FAQ and answers"
    common.add(notices.fingerprint(heading))
    paragraphs = ["Python » FAQ", heading, *own]
    assert separate(paragraphs, common, title=heading)[1] == []
    assert separate(paragraphs, common, title=f"{heading} — Python 3.11 documentation")[1] == []
    glued = heading.replace(" ", "", 1)  # spacing lost by a parser
    common.add(notices.fingerprint(glued))
    assert separate(["Python » FAQ", glued, *own], common, title=heading)[1] == []
    assert separate(paragraphs, common, title="Other")[1] == [(1, heading)]
    # a line of the article's own after the plea ends the run: the plea stays
    trailer = "Reporting by Jane Doe; editing by John Roe in London."
    assert separate([own[0], own[1], PLEA, trailer], common)[1] == []


def test_threshold_needs_three_documents_and_a_fifth_of_the_group() -> None:
    assert [notices.threshold(n) for n in (1, 3, 15, 16, 200)] == [3, 3, 3, 4, 40]


def test_groups() -> None:
    assert notices.group_of("https://www.aa.com.tr/en/x", "/a/b.txt") == "host:aa.com.tr"
    assert notices.group_of("/a/b.txt", "/a/b.txt") == "dir:/a"
    assert notices.group_of("x", "/a/docs.jsonl") == "file:/a/docs.jsonl"
    assert notices.group_of("x", "-") == "stdin"


def article(title: str, *paragraphs: str) -> str:
    return f"{title}\n\n" + "\n\n".join(paragraphs) + "\n"


def write_folder(folder: Path, n: int, extra: dict[int, list[str]] | None = None) -> None:
    """n articles, each with its own text, the agency plea, and a "Photo" line."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        own = f"Story {i} reports harbour item number {i} in detail, with its own words."
        paras = [own, "Photo", *(extra or {}).get(i, []), PLEA]
        (folder / f"a{i:02}.txt").write_text(article(f"Title {i}", *paras), encoding="utf-8")


def stored(index_dir: Path) -> dict[str, tuple[str, list[str]]]:
    """id -> (body, notices) of every stored document."""
    from searchcli.opening import open_index

    ix, _, _ = open_index(str(index_dir))
    with ix.searcher() as s:
        docs = {f["id"]: (f["body"], f["notices"]) for f in s.all_stored_fields()}
    ix.close()
    with Searcher(index_dir) as searcher:  # what `show` reads: the notices' text
        for doc_id, (body, found) in docs.items():
            doc = searcher.document(doc_id)
            assert doc is not None and doc.body == body
            assert doc.notices == notices.texts(found)
    return {k: (body, list(notices.texts(found))) for k, (body, found) in docs.items()}


def test_boilerplate_repeated_across_a_folder_is_not_body(tmp_path: Path) -> None:
    write_folder(tmp_path / "news", 10, extra={1: [QUOTE], 2: [QUOTE]})
    build_index([str(tmp_path / "news")], str(tmp_path / "ix"))
    docs = stored(tmp_path / "ix")
    for body, found in docs.values():
        assert found == [PLEA]
        assert "Photo" in body and "subscribers" not in body
    with Searcher(tmp_path / "ix") as s:
        assert s.search("subscribers broadcasting").total == 0
        # a quote shared by two articles is their content
        assert sorted(h.id for h in s.search('"settlement that leaves"').hits) == [
            "a01.txt",
            "a02.txt",
        ]


def test_repetition_counts_within_a_group_only(tmp_path: Path) -> None:
    for name in ("one", "two"):  # two copies a folder: below the threshold in each
        write_folder(tmp_path / "all" / name, 2)
    build_index([str(tmp_path / "all")], str(tmp_path / "ix"))
    assert all(found == [] for _, found in stored(tmp_path / "ix").values())


def test_jsonl_records_group_by_file_and_url_sources_by_host(tmp_path: Path) -> None:
    records = [
        {"id": f"r{i}", "title": f"T{i}", "body": f"Own text number {i} here.\n\n{PLEA}"}
        for i in range(4)
    ]
    (tmp_path / "a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    web = [
        {
            "id": f"w{i}",
            "title": f"W{i}",
            "url": f"https://www.example.org/{i}" if i < 3 else f"https://other.net/{i}",
            "body": f"Page text number {i} here.\n\nSubscribe to our weekly harbour letter today.",
        }
        for i in range(4)
    ]
    (tmp_path / "b.jsonl").write_text("".join(json.dumps(r) + "\n" for r in web))
    build_index([str(tmp_path / "a.jsonl"), str(tmp_path / "b.jsonl")], str(tmp_path / "ix"))
    docs = stored(tmp_path / "ix")
    assert all(docs[f"r{i}"][1] == [PLEA] for i in range(4))
    assert [bool(docs[f"w{i}"][1]) for i in range(4)] == [True, True, True, False]


def test_html_pages_have_a_paragraph_a_line(tmp_path: Path) -> None:
    folder = tmp_path / "site"
    folder.mkdir()
    banner = (
        "We use cookies to give you the best experience on our website. By continuing to "
        "browse, you agree to our cookie policy."
    )
    story = (
        "The council approved the harbour budget on Tuesday after a long debate about the "
        "new quay, which will be finished next year, the mayor said."
    )
    (folder / "budget.html").write_text(
        f"<html><head><title>Harbour budget</title></head><body><div><p>{banner}</p></div>"
        f"<article><p>{story}</p><p>Work starts in May.</p></article>"
        "<footer><p>© 2026 Harbour Gazette. All rights reserved.</p></footer></body></html>",
        encoding="utf-8",
    )
    about = (
        "Cookies track readers across the web, and regulators want websites to ask for "
        "consent before placing them; browsers now block third-party cookies by default."
    )
    (folder / "cookies.html").write_text(
        f"<html><head><title>Browsers and cookies</title></head><body><p>{about}</p>"
        "<p>Privacy groups welcomed the change.</p></body></html>",
        encoding="utf-8",
    )
    build_index([str(folder)], str(tmp_path / "ix"))
    docs = stored(tmp_path / "ix")
    body, notices = docs["budget.html"]
    assert notices[0] == banner
    # the footer is furniture: main-text extraction drops it, or it is kept as a notice
    assert "All rights reserved" not in body
    assert notices[1:] in ([], ["© 2026 Harbour Gazette. All rights reserved."])
    assert story in docs["budget.html"][0]
    assert docs["cookies.html"][1] == [] and about in docs["cookies.html"][0]
    with Searcher(tmp_path / "ix") as s:
        assert [h.id for h in s.search("cookies").hits] == ["cookies.html"]


# -- incremental runs agree with a rebuild ---------------------------------------------------


def rebuilt(folder: Path, tmp_path: Path) -> dict[str, tuple[str, list[str]]]:
    ix = tmp_path / f"rebuild-{random.random()}"
    build_index([str(folder)], str(ix))
    return stored(ix)


def test_a_paragraph_becomes_common_and_stops_being_common(tmp_path: Path) -> None:
    folder, ix = tmp_path / "news", tmp_path / "ix"
    write_folder(folder, 2)
    build_index([str(folder)], str(ix))
    assert all(found == [] for _, found in stored(ix).values())  # in two documents: content
    write_folder(folder, 3)  # a third article with the plea: now it is boilerplate
    update_index([str(folder)], str(ix))
    assert all(found == [PLEA] for _, found in stored(ix).values())
    assert stored(ix) == rebuilt(folder, tmp_path)
    (folder / "a02.txt").unlink()
    update_index([str(folder)], str(ix))
    after = stored(ix)
    assert set(after) == {"a00.txt", "a01.txt"}
    assert all(found == [] and PLEA in body for body, found in after.values())
    assert after == rebuilt(folder, tmp_path)


def test_random_adds_and_removes_match_a_rebuild(tmp_path: Path) -> None:
    # Each shared paragraph sits in about four of the twelve articles, so as files come
    # and go it keeps crossing the threshold of three, both ways.
    rng = random.Random(8)
    folder, ix = tmp_path / "news", tmp_path / "ix"
    folder.mkdir()
    shared = [PLEA, QUOTE, "Sign up for the morning briefing in your inbox every day."]
    pool = {
        f"d{i:02}.txt": article(
            f"Title {i}",
            f"Own opening number {i} about the harbour and the river.",
            f"Closing line {i} of the story.",
            *(["Photo"] if i % 2 else []),
            *[p for j, p in enumerate(shared) if (i + j) % 3 == 0],
            *([SEED_NOTICE] if i % 4 == 0 else []),
        )
        for i in range(12)
    }
    for step in range(10):
        for name in rng.sample(sorted(pool), 3):
            path = folder / name
            if path.exists():
                path.unlink()
            else:
                path.write_text(pool[name], encoding="utf-8")
        if step == 0:
            build_index([str(folder)], str(ix))
        else:
            update_index([str(folder)], str(ix))
        assert stored(ix) == rebuilt(folder, tmp_path), f"step {step}"


def test_a_lost_tally_is_counted_again_from_the_index(tmp_path: Path) -> None:
    folder, ix = tmp_path / "news", tmp_path / "ix"
    write_folder(folder, 3)
    build_index([str(folder)], str(ix))
    for sidecar in ix.glob("data-*/notices-*.json"):
        sidecar.write_text("{not json")
    (folder / "a02.txt").unlink()
    update_index([str(folder)], str(ix))
    assert stored(ix) == rebuilt(folder, tmp_path)
    assert list(ix.glob("data-*/notices-*.json"))


def test_a_lost_tally_counts_html_like_lines_as_paragraphs(tmp_path: Path) -> None:
    # bodies without blank lines, one line too long to be hard-wrapped: a paragraph a line
    folder, ix = tmp_path / "news", tmp_path / "ix"
    folder.mkdir()

    def write(i: int) -> None:
        text = f"Title {i}\n\nOwn line {i} of this page.\n{PLEA}\n"
        (folder / f"p{i}.txt").write_text(text, encoding="utf-8")

    write(0), write(1)
    build_index([str(folder)], str(ix))
    assert all(found == [] for _, found in stored(ix).values())
    for sidecar in ix.glob("data-*/notices-*.json"):
        sidecar.unlink()
    write(2)  # the third page with the plea: the first two must lose it too
    update_index([str(folder)], str(ix))
    assert all(found == [PLEA] for _, found in stored(ix).values())
    assert stored(ix) == rebuilt(folder, tmp_path)


PARALLEL = (
    "import sys; from searchcli import writers; writers.PARALLEL_MIN_BYTES = 0; "
    "from searchcli.cli import main; main()"
)


def test_parallel_writer_stores_the_same_bodies(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    write_folder(folder, 12, extra={3: [QUOTE], 4: [SEED_NOTICE]})
    ix = tmp_path / "parallel"
    subprocess.run(
        [sys.executable, "-c", PARALLEL, "index", str(folder), "--index", str(ix)],
        check=True,
        capture_output=True,
    )
    assert stored(ix) == rebuilt(folder, tmp_path)


# -- the bundled corpus and the command line ----------------------------------------------

SEED_ID = "000_9c47cbdf3046b2eb.txt"


def test_bundled_corpus_has_no_cookies_but_keeps_the_seed_article(corpus_index: Path) -> None:
    from click.testing import CliRunner

    from searchcli.cli import cli

    runner = CliRunner()
    result = runner.invoke(cli, ["search", "cookies", "--index", str(corpus_index), "--json"])
    assert result.exit_code == 1 and json.loads(result.stdout)["total"] == 0
    result = runner.invoke(cli, ["search", "karabakh", "--index", str(corpus_index), "--json"])
    assert result.exit_code == 0
    hit = json.loads(result.stdout)["hits"][0]
    assert hit["id"] == SEED_ID and "ookie" not in hit["snippet"]
    with Searcher(corpus_index) as s:
        for h in s.search("law legislation policy purposes information", mode="any").hits:
            assert "ookie" not in h.snippet.text


def test_show_lists_the_notices(corpus_index: Path) -> None:
    from click.testing import CliRunner

    from searchcli.cli import cli

    runner = CliRunner()
    result = runner.invoke(cli, ["show", SEED_ID, "--index", str(corpus_index), "--json"])
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["notices"] == [SEED_NOTICE]
    assert "ookie" not in doc["body"] and doc["body"].endswith("nearly 30 years.")
    result = runner.invoke(cli, ["show", SEED_ID, "--index", str(corpus_index)])
    text = result.stdout
    assert text.index("nearly 30 years.") < text.index("Notices") < text.index("Cookies are used")
    result = runner.invoke(cli, ["show", "001_river_cleanup.txt", "--index", str(corpus_index)])
    assert "Notices" not in result.stdout
    result = runner.invoke(
        cli, ["show", "001_river_cleanup.txt", "--index", str(corpus_index), "--json"]
    )
    assert json.loads(result.stdout)["notices"] == []


def test_notice_text_cannot_inject_markup_in_show(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from searchcli.cli import cli

    folder = tmp_path / "news"
    folder.mkdir()
    notice = "[bold red]We use cookies[/] \x1b[2J on this site; learn more."
    (folder / "a.txt").write_text(article("T", "Body text here.", notice), encoding="utf-8")
    build_index([str(folder)], str(tmp_path / "ix"))
    result = CliRunner().invoke(cli, ["show", "a.txt", "--index", str(tmp_path / "ix")])
    assert "[bold red]We use cookies[/]" in result.stdout and "\x1b" not in result.stdout


def test_stdin_records_are_one_group_across_runs(tmp_path: Path) -> None:
    import io

    def records(*numbers: int) -> io.BytesIO:
        return io.BytesIO(
            b"".join(
                json.dumps(
                    {"id": f"s{i}", "title": f"S{i}", "body": f"Piped text {i} here.\n\n{PLEA}"}
                ).encode()
                + b"\n"
                for i in numbers
            )
        )

    ix = tmp_path / "ix"
    build_index(["-"], str(ix), stdin=records(1, 2))
    assert all(found == [] for _, found in stored(ix).values())
    update_index(["-"], str(ix), stdin=records(3))  # the third makes the plea boilerplate
    assert all(found == [PLEA] for _, found in stored(ix).values())


def test_check_reads_the_notice_tally(tmp_path: Path) -> None:
    from searchcli.checking import check_index

    folder, ix = tmp_path / "news", tmp_path / "ix"
    write_folder(folder, 3)
    build_index([str(folder)], str(ix))
    report = check_index(str(ix))
    assert report.ok and report.notes == ()
    (sidecar,) = ix.glob("data-*/notices-*.json")
    record = json.loads(sidecar.read_text())
    record["docs"]["ghost.txt"] = record["docs"]["a00.txt"]
    sidecar.write_text(json.dumps(record))
    report = check_index(str(ix))
    assert not report.ok and "ghost.txt" in report.problems[0]
    sidecar.unlink()
    report = check_index(str(ix))
    assert report.ok and "notices-" in report.notes[0]


class _Recorder:
    """A writer that keeps what it is given."""

    def __init__(self) -> None:
        self.added: list[dict[str, Any]] = []

    def add_document(self, **fields: Any) -> None:
        self.added.append(fields)


def test_a_json_files_documents_are_written_once_the_file_is_read(tmp_path: Path) -> None:
    """Its group is that file: its tally is final when the file ends, so its documents
    do not wait for the whole run (a host's pages, which other files may add to, do)."""
    from searchcli.noticesync import NoticeSync

    sync, writer = NoticeSync(str(tmp_path)), _Recorder()
    path = str(tmp_path / "a.jsonl")
    for i in range(4):
        body = f"Own text number {i} here.\n\n{PLEA}"
        sync.add(writer, {"id": f"r{i}", "title": "", "body": body, "source": "", "path": path})
    page = f"Page text here.\n\n{PLEA}"
    url = "https://example.org/1"
    sync.add(writer, {"id": "w", "title": "", "body": page, "source": url, "path": path})
    assert writer.added == []  # held back: the file is not read to its end yet
    sync.file_done(writer, path)
    assert [f["id"] for f in writer.added] == ["r0", "r1", "r2", "r3"]
    assert all(PLEA not in f["body"] for f in writer.added)
    sync.finish(writer, None)
    assert [f["id"] for f in writer.added][4:] == ["w"]
