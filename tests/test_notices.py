"""Notices are not body text: the edge rule and the repetition rule."""

from __future__ import annotations

import pytest

from searchcli import notices
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
    body, found = separate(paragraphs)
    assert body == "Body one.\n\nBody two."
    assert notices.restore(body, found) == paragraphs


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
    paragraphs = [QUOTE, own[0], MIDDLE, own[1], PLEA, "Share", SEED_NOTICE]
    body, found = separate(paragraphs, common)
    assert found == [(0, QUOTE), (4, PLEA), (6, SEED_NOTICE)]
    assert body == "\n\n".join([own[0], MIDDLE, own[1], "Share"])
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
