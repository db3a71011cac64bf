from __future__ import annotations

import pytest

from harness.triage import comments
from harness.triage.comments import Claim, Comment, claim, claimed_by, holds, maintainer_state


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
    # phrasings of real comments (bench/triage_claims.py) the pattern once missed
    "Yes. Would like to take this one.",
    "@rootonchair do you plan on adding it for all the pipelines? Else, would love to take one.",
    "Hey @qwapilot, I'm also working on a more extensive guide for exactly this question!",
    "Hi @charchit7, I took that pipeline and I already created the PR.",
    "Hey @a-r-r-o-w is it okay if I take the remaining one?",
    "Great! In that case I'd like to claim the TFPegasusPreTrainedModel.",
    "I would love to help you with adding types to the following models:",
    "Hey guys I started with this yesterday already and made a PR here: #14083",
    "Thanks, will address this!",
    "I would like to contribute to the DialoGPT model card. Thanks!",
    "Hi @stevhliu, I would love to start by working on the unispeech model card!",
    "I will try to fix this over the weekend.",
    # and of the comments drawn after those, which it missed too
    "Thank you! I will get started on it.",
    "Thanks! I will open a WIP PR soon and tag you there once I do.",
    "Currently starting to work on this :)",
    "Sounds great @amyeroberts, thank you :)\n\nI'll start looking into it once the PyTorch "
    "PR is merged.",
    "Hi there, I want to contribute to the translation of the \"Training on Specialized "
    "Hardware\" section and submit a PR once it\u2019s completed. Is it OK?",
    "@tolgacangoz so cool! Will open a PR today.",
    "@frankjoshua\nI fixed it here https://github.com/huggingface/diffusers/pull/9375\ndo you "
    "want to test it out?",
    "Hi @BenjaminBossan / @zqiu24 requesting your review on "
    "https://github.com/huggingface/peft/pull/2744",
    # said in more ways: a page to translate, time set aside, work under way, an interest in
    # the issue itself, a PR to send, a request
    "I'll translate the quicktour page into Spanish.",
    "Hi, I can do the translation of pipeline_tutorial.md this week.",
    "I'll have time to work on this next month.",
    "I'm halfway through the implementation, will push soon.",
    "We are in the process of adding support for it.",
    "Took a crack at it in my fork, see the branch.",
    "Mind if I take this one?",
    "I'll raise a PR for this tomorrow.",
    "Happy to look into it and open a PR!",
    "I am interested in this issue, is it still open?",
    "I would like to work towards adding this method to the library.",
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
    "Who would like to work on this? It is a small change.",
    "Thanks, the fix was merged in #123.",
    "Someone will open a PR for this soon, I hope.",
    "I fixed it locally by pinning torch.",
    "I'll start by sharing a smaller reproduction.",
    "I want to contribute to the discussion: this also happens on 4.40.",
    "I'm starting to see this error on 4.45 too.",
    "I'll look into it and report back whether the workaround works.",
    "I'm interested in the answer too.",
    "You can have a go at it with the nightly build.",
    "I translated the error message below.",
])
def test_a_comment_that_does_not_claim_it_names_nobody(body: str) -> None:
    assert claimed_by([said(body)]) == ""


def test_a_maintainer_answering_is_not_a_claim_but_handing_it_over_is() -> None:
    assert claimed_by([said("I'll fix it in the next release.", "maint", "MEMBER")]) == ""
    assert claimed_by([said("Thanks a lot @ZiadHelal for offering to work on this feature",
                            "maint", "MEMBER")]) == "@ZiadHelal"
    assert claimed_by([said("@pie31415 go for it! Ping me for a review.", "maint",
                            "MEMBER")]) == "@pie31415"
    assert claimed_by([said("sure @PreethamNoelP go ahead", "maint", "MEMBER")]) \
        == "@PreethamNoelP"
    assert claimed_by([said("@ana go ahead and share your script", "maint", "MEMBER")]) == ""
    assert claimed_by([said("Thanks for your interest @raj-pandey55! @ENate, are you still "
                            "interested? If not, I'll reassign it to @raj-pandey55", "maint",
                            "MEMBER")]) == "@raj-pandey55"


def at(body: str, author: str, when: str, association: str = "NONE") -> Comment:
    return Comment("huggingface/peft", 1, when, author, association, body, when)


def test_a_claim_is_heard_from_when_its_claimant_last_wrote() -> None:
    assert claim([at("I'd like to work on this.", "ana", "2024-01-02T00:00:00Z"),
                  at("Still on it, a PR soon.", "ana", "2024-03-01T00:00:00Z"),
                  at("Any news?", "maint", "2024-05-01T00:00:00Z", "MEMBER")]) \
        == Claim("@ana", "2024-03-01T00:00:00Z")
    assert claim([at("Thanks for the report.", "bob", "2024-01-02T00:00:00Z")]) is None
    assert claim([]) is None


def test_of_two_claimants_the_one_heard_from_last_is_on_it() -> None:
    """Real threads (peft#244, diffusers#11488): a second contributor asked for an issue
    claimed 183 and 483 days before, with nothing from the first since."""
    assert claim([at("I'd like to work on this.", "ana", "2022-01-02T00:00:00Z"),
                  at("Is this still open? I'd love to help out if so", "bob",
                     "2024-07-01T00:00:00Z")]) == Claim("@bob", "2024-07-01T00:00:00Z")
    # heard from in the same week: the first to claim it
    assert claim([at("I'd like to work on this.", "ana", "2024-07-01T00:00:00Z"),
                  at("Can I take this?", "bob", "2024-07-01T00:00:00Z")]) \
        == Claim("@ana", "2024-07-01T00:00:00Z")


def test_one_handed_the_issue_is_heard_from_when_handed_it_and_when_they_write() -> None:
    handed = at("Thanks a lot @ZiadHelal for offering to work on this feature", "maint",
                "2024-02-01T00:00:00Z", "MEMBER")
    assert claim([handed]) == Claim("@ZiadHelal", "2024-02-01T00:00:00Z")
    # GitHub's logins are not case-sensitive
    assert claim([handed, at("PR coming", "ziadhelal", "2024-04-01T00:00:00Z")]) \
        == Claim("@ZiadHelal", "2024-04-01T00:00:00Z")


def test_a_claim_holds_until_its_claimant_has_been_quiet_for_quiet_days() -> None:
    assert holds(0) and holds(comments.QUIET_DAYS - 1)
    assert not holds(comments.QUIET_DAYS) and not holds(1000)


@pytest.mark.parametrize("body", [
    "A PR is welcome!",
    "Feel free to go for it since it's been over a month of inactivity.",
    "If you'd like to contribute a PR for any of the Flux pipelines we are happy to review it.",
    "We're open to community contributions, because there are many models to update.",
    "We'd very much welcome some SDPA additions :hugs:",
    "If you can find other models that need type hints, then please submit PRs to add them!",
    "Yes, we would appreciate new merging methods being added.",
    # and of the comments drawn after those, which it missed too
    "Hi and thanks for your interest in translating @maximizemaxwell, feel free to translate "
    "that section! \U0001f917",
    "@GreenLandisaLie yes, for sure! We're still testing things with onnx, but if you or "
    "someone else want to submit a PR for img2img pipelines already - happy to integrate it :)",
    "cc @pcuenca here! @mar-muel it'd be great if you could start working on a PR, we'd "
    "definitely like to implement a SD-XL Flax pipeline :-)",
    "@mar-muel That'd be fantastic! Would you like to get started? We can help during the "
    "process as needed :)",
    "Hey @deepdiffuser, I think we could easily add such a pipeline under the "
    "https://github.com/huggingface/diffusers/tree/main/examples/community folder. Would you "
    "like to give it a try? Would love to advertise it!",
    # said in more ways
    "Don't hesitate to open a draft PR so we can give feedback early.",
    "You could open a PR adding the argument.",
    "We'd be happy to review it.",
    "Anyone interested in this can open a PR against main.",
    # a typographic apostrophe, as phones and Macs type it
    "We\u2019d welcome a PR for this.",
    "Don\u2019t hesitate to open a PR.",
])
def test_a_maintainer_welcoming_a_fix_is_read_as_agreed(body: str) -> None:
    assert maintainer_state([said(body, "maint", "MEMBER")]) == "agreed"


@pytest.mark.parametrize("body", [
    "We'd appreciate it if you could share a minimal reproducer.",
    "Thanks for the report, I'll look into it.",
    "This is fixed on main, please update.",
    "Feel free to translate the error into English so we can help.",
    "Would you like to give it a try with the latest version?",
    "You can open the notebook in Colab to reproduce it.",
])
def test_a_maintainer_replying_without_welcoming_a_fix_only_replied(body: str) -> None:
    assert maintainer_state([said(body, "maint", "MEMBER")]) == "replied"
