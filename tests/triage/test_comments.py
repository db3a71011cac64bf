from __future__ import annotations

import pytest

from harness.triage.comments import Comment, claimed_by


def said(body: str, author: str = "ana", association: str = "NONE") -> Comment:
    return Comment("huggingface/peft", 1, "1", author, association, body, "2025-01-01")


@pytest.mark.parametrize("body", [
    "Hi! I'd like to work on this, can I take it?",
    "I\u2019d like to work on this.",  # a typographic apostrophe, as phones and Macs type it
    "Hi, I\u2019m just getting started here and would love to work on this issue, if it\u2019s "
    "still up for grabs.",
    "Would like to take this one.",
    "I'm interested in working on this!",
    "I can take this if nobody else is on it.",
    "@maint can I work on this issue?",
    "I have opened a PR: #123",
    "I want to work on this, can you please assign me?",
    "Please assign issue #41 to me",
    "I'd be happy to take it on.",
    "I\u2019m interested in taking on the docs part.",
    "#take",
])
def test_a_comment_that_claims_the_issue_names_its_author(body: str) -> None:
    assert claimed_by([said("Thanks for the report.", "bob"), said(body)]) == "@ana"


@pytest.mark.parametrize("body", [
    "If anyone would like to work on this, feel free to open a PR.",
    "Would you like to work on this?",
    "I can fix it locally by downgrading to 0.6.",
    "I would like to know how to load the adapter.",
    "Same problem here.",
    "I want to use this with a local model.",
    "Could someone assign a reviewer to my PR? I'd be happy to help.",
])
def test_a_comment_that_does_not_claim_it_names_nobody(body: str) -> None:
    assert claimed_by([said(body)]) == ""


def test_a_maintainer_answering_is_not_a_claim_but_handing_it_over_is() -> None:
    assert claimed_by([said("I'll fix it in the next release.", "maint", "MEMBER")]) == ""
    assert claimed_by([said("Thanks a lot @ZiadHelal for offering to work on this feature",
                            "maint", "MEMBER")]) == "@ZiadHelal"
    assert claimed_by([said("@pie31415 go for it! Ping me for a review.", "maint",
                            "MEMBER")]) == "@pie31415"
