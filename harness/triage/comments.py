"""Issue comments: stored rows, and what they say about an issue's state.

Only what triage needs is kept: who wrote (and their association with the repository,
as GitHub reports it: OWNER, MEMBER, COLLABORATOR, CONTRIBUTOR, NONE), the text and when.
From them: whether someone has claimed the issue ("I'd like to work on this", "can I take
this?"), whether a maintainer answered, and whether a maintainer agreed on a fix ("a PR
is welcome").
"""
from __future__ import annotations

import enum
import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Comment:
    repo: str
    number: int  # the issue's
    id: str
    author: str
    association: str  # OWNER, MEMBER, COLLABORATOR, CONTRIBUTOR, NONE, ... ("" unknown)
    body: str
    created_at: str


MAINTAINERS = frozenset({"OWNER", "MEMBER", "COLLABORATOR"})
# what one would like to do when it is taking the issue on ("would love to work on")
_TAKE_ON = r"work on|take|pick up|tackle|give it a try|contribute|start (?:by )?working on"
# a pull request named by its number or its link ("#2744", "https://github.com/o/r/pull/9")
_PR_REF = r"(?:#|https://github\.com/\S+/pull/)\d"
# someone says they are on it (in a comment by anyone but a maintainer answering); matched
# on the text with typographic apostrophes (U+2019, as phones and Macs type) made plain.
# On 772 real comments two readers labelled (bench/triage_claims.py) it finds 88 of the 142
# claims and reads 2 of the 623 others as one.  The third sample (261 comments) was drawn
# after the phrasings of "I'm also working on", "made a PR", "is it okay if I take", "I'd
# like to claim", "Yes. Would like to take": they found 10 of its 34 claims; those read
# from its misses ("I will get started on it", "Will open a PR today", "I fixed it here
# <a PR>", "sure @ana go ahead"), 19.  On the fourth (133), drawn after those, 5 of 15
# either way; on the fifth (65), drawn after the last phrasings below, 4 of 13 either way
# (a word model fitted on the first four, joined to the patterns, 4 or 5 of 13 at the
# highest threshold tried, each reading 1 of the 52 others so):
# the ways to say it are many, and each round finds few beyond its own sample
_CLAIM = re.compile(
    # "... and would love to work on this", "Yes. Would like to take this one.": the speaker,
    # not "anyone who would like to work on this"
    rf"(?:(?:^|[.!?;,\n])\s*|\band )would(?: really)? (?:like|love) to (?:{_TAKE_ON})|"
    # "so cool! Will open a PR today.": the speaker, at a sentence's start
    r"(?:^|[.!?;\n])\s*will (?:open|submit|send) a (?:wip |draft )?(?:pr|pull request)\b|"
    r"\b(?:i(?:'d| would)(?: really)? (?:like|love|want) to (?:"
    rf"{_TAKE_ON}|fix|try|help out|help (?:you )?with|claim)|"
    r"i(?:'ll| will| am going to|'m going to)(?: also| now| then| try to| be)? (?:work(?:ing)? on|"
    r"take|pick|open a (?:wip |draft )?pr|submit a pr|fix|handle)|"
    # "I will get started on it", "I'll start looking into it once the PR is merged",
    # "Currently starting to work on this :)"
    r"i(?:'ll| will)(?: get)? start(?:ed)? (?:on|looking into|working on) (?:this|it)\b|"
    r"starting to work on (?:this|it)\b|"
    r"i(?:'m| am)(?: also| currently| already| now| still)? (?:working on|on it|taking)|"
    r"i(?:'m| am) interested in (?:working on|"
    r"taking(?: on)?|fixing|tackling) (?:this|it|the)\b|"
    r"i (?:really )?want to (?:(?:work on|take|tackle|fix) (?:this|it)\b|"
    r"contribute to (?:this|it|the (?:translation|fix|implementation|docs?))\b)|"
    r"i(?:'d| would) be (?:happy|glad) to (?:work on|take|tackle|pick up) (?:this|it|them)\b|"
    r"i can (?:work on|take|pick up|tackle) (?:this|it)\b|"
    r"can i (?:work on|take|pick|try|tackle|fix)|could i (?:work on|take|pick|try)|"
    r"may i (?:work on|take|pick|try)|assign (?:it |this )?(?:to )?me\b|"
    r"(?:is it|would it be) ok(?:ay)? if i (?:take|work on|pick|tackle|handle)|"
    r"assign (?:[\w#-]+ ){1,4}to me\b|"
    r"let me (?:work on|take|try|fix)|working on (?:it|this|a fix|a pr)|"
    r"(?:opened|created|submitted|made|raised|sent) (?:a|the|my) (?:pr|pull request)\b|"
    r"will address (?:this|it)\b|pr (?:is )?(?:up|open(?:ed)?)\b|"
    # "I fixed it here https://github.com/o/r/pull/9", "requesting your review on #2744":
    # their own PR
    rf"fixed (?:it|this) (?:here|in) {_PR_REF}|"
    rf"requesting (?:your |a )?review (?:on|of|for) {_PR_REF})|"
    # the same, said in more ways: a page of the docs to translate ("I'll translate
    # quicktour.mdx", "I can do the translation of ..."), time set aside ("I'll have time to
    # work on this in a few weeks"), work under way ("I'm halfway through the PR", "we are in
    # the process of adding it", "took a crack at it"), an interest in the issue itself ("I
    # am interested in this issue"), a PR to send ("I'll raise a PR", "happy to look into it
    # and open a PR"), a request ("mind if I take this?").  Read from the misses of the four
    # samples (bench/triage_claims.py): 13 more of their 129 claims, none of their 571 others
    r"\bi(?:'ll| will| can|'d like to| would like to| want to|'m going to| am going to)"
    r"(?: also| now)? (?:do the )?translat(?:e|ion)\b|"
    r"\bi(?:'m| am)(?: really| very)? interested in (?:this|the) (?:issue|task|one)\b|"
    r"\bwork towards (?:contributing|adding|implementing|fixing)|"
    r"\bi(?:'ll| will) (?:have|find|make|allocate) (?:some )?time (?:to )?(?:work|look|for)|"
    r"\bi(?:'ll| will) try to (?:allocate|find|make) (?:some )?time|"
    r"\bi(?:'m| am) halfway through\b|\bi(?:'m| am) (?:almost|nearly) (?:done|finished) with "
    r"(?:the|my) (?:pr|pull request|fix|implementation|changes)\b|"
    r"\b(?:i|we)(?:'m| am|'re| are) (?:currently )?in the process of "
    r"(?:adding|fixing|implementing|writing|porting)|"
    r"\btook a (?:crack|stab) at\b|"
    r"\bi(?:'ll| will|'d like to| would like to| can| could| might)? (?:take|have) a "
    r"(?:crack|stab|go) at\b|"
    r"\bi(?:'m| am) starting (?:on|work(?:ing)? on) (?:it|this)\b|"
    r"\bhappy to (?:[a-z ]{0,25} and )?(?:open|submit|send) a (?:pr|pull request)\b|"
    r"\bi(?:'ll| will) (?:send|raise|create|make|put up) a (?:wip |draft )?(?:pr|pull request)\b|"
    r"\bmind if i (?:take|work on|pick|tackle|give it)\b|"
    # ("I'd like to take a stab" is "I'd like to take" above)
    r"\bi(?:'d| would)(?: really)? (?:like|love) to (?:give it a (?:shot|go)|have a go)\b|"
    r"\bi can (?:open|submit|send|make) a (?:pr|pull request)\b"
    r"|(?:^|(?<=\s))[#.](?:take|self-assign)\b", re.I)  # the bots' self-assign commands
# "go ahead" hands an issue over when it ends a sentence or goes on to the PR, not when it
# asks for something else ("@ana go ahead and share your script")
_AHEAD = (r"(?:[.!,;:)]|\s*$| and (?:open|submit|make|send) a (?:pr|pull request)"
          r"| with (?:it|this)\b)")
# anyone (a maintainer most often) says a named user is on it: "thanks @ana for offering to
# work on this", "@ana go for it", "I'll reassign it to @ana"
_HANDED = re.compile(
    r"\bthanks?(?: you)?(?: (?:a lot|so much|again))?,? @([\w-]+),? for (?:offering|"
    r"volunteering) to (?:work on|take|tackle|fix|pick)|"
    rf"@([\w-]+),? (?:go for it\b|it's yours\b|(?:please )?go ahead{_AHEAD})|"
    rf"\b(?:sure|yes|of course)[,!.]? @([\w-]+),? go ahead{_AHEAD}|"
    r"\b(?:re)?assign(?:ed|ing)? (?:it |this )?to @([\w-]+)",
    re.I)
_PLAIN = str.maketrans({"\u2019": "'", "\u2018": "'"})


# a maintainer agrees on a fix: 29 of the 55 real comments that welcome one, and 1 of the
# 714 others (bench/triage_claims.py).  On the third sample, 4 of its 25 before the
# phrasings read from its misses ("feel free to translate", "if you or someone else want
# to submit a PR", "would you like to get started?"), 11; on the fourth, 2 of 5 either way;
# on the fifth, 1 of 6 either way
_AGREED = re.compile(
    r"\b(?:prs? (?:is |are |would be )?welcome|pull requests? (?:is |are |would be )?welcome|"
    r"feel free to (?:open|submit|send|make) a (?:pr|pull request)|"
    r"feel free to (?:go for it|take (?:it|this|up|one|any)|pick (?:it|this|up|one|any)|"
    # (a page of the docs, not one's own words "into English")
    r"translate\b(?![^.!?\n]{0,40}\b(?:in)?to english\b)|"
    r"work on (?:it|this))|"
    r"would you (?:like|want|be willing) to (?:open|submit|make|send|contribute) a "
    r"(?:pr|pull request|fix)|if you(?:'d| would) like to (?:contribute|open a pr|submit a pr)|"
    # "if you or someone else want to submit a PR", "it'd be great if you could start
    # working on a PR", "Would you like to get started?", "Would you like to give it a
    # try?" (not "... give it a try with the latest version?", which asks to test)
    r"if (?:you|anyone|someone)\b[^.?!\n]{0,30} (?:want|wants|would like|'d like) to "
    r"(?:submit|open|send|make) a (?:pr|pull request)|"
    r"if you could (?:open|submit|send|make|start working on) a (?:pr|pull request)|"
    r"would you like to (?:get started|give it a (?:try|go|shot)[?!])|"
    r"happy to (?:accept|review) a (?:pr|pull request|fix)|contributions? (?:is |are )?welcome|"
    r"open to (?:community )?contributions|we(?:'d| would)(?: very much| gladly| happily)? "
    r"welcome|go for it|please (?:submit|open|send|make) (?:a )?(?:prs?|pull requests?)\b|"
    r"we(?:'d| would) (?:really )?appreciate (?:a |an |any |your |some )?(?:prs?\b|pull requests?|"
    r"fix|contributions?|help|new )|"
    r"good first issue|a fix would be (?:great|welcome|appreciated)|"
    # said in more ways ("Don't hesitate to create an early draft PR", "you could open a PR",
    # "we'd be happy to review", "anyone interested can contribute by ..."): read from the
    # misses of the four samples, 2 more of their 49, none of their 655 others
    r"(?:don't|do not) hesitate to (?:create|open|submit|send|make) (?:a|an) "
    r"(?:early |draft |wip )*(?:pr|pull request)\b|"
    r"you (?:can|could) (?:open|submit|send|make|create) a (?:pr|pull request)\b|"
    r"(?:we'd|we would|i'd|i would) be (?:happy|glad) to (?:review|accept|merge)\b|"
    r"(?:anyone|somebody|someone) (?:who is |who's |is )?(?:interested|willing)\b"
    r"[^.!?\n]{0,40}\b(?:can|could|should) (?:contribute|open|submit|pick|take)|"
    r"good (?:issue|place) to start\b)", re.I)


def claimed_by(comments: Sequence[Comment]) -> str:
    """``@login`` of whoever the first such comment says is on the issue: its author, when
    someone other than a maintainer claims it ("I'd like to work on this", "can I take
    this?"), or the user a comment hands it to ("thanks @ana for offering to work on
    this"); "" when nobody is."""
    return next(filter(None, map(_claimant, comments)), "")


def _claimant(c: Comment) -> str:
    """``@login`` of whoever one comment says is on the issue (:func:`claimed_by`), or ""."""
    text = c.body[:2000].translate(_PLAIN)
    if c.association not in MAINTAINERS and _CLAIM.search(text):
        return f"@{c.author}"
    if (m := _HANDED.search(text)) is not None:
        return f"@{next(filter(None, m.groups()))}"
    return ""


# A claim holds while its claimant is heard from: one who has said nothing in the thread
# for a month (and opened no pull request linked to it) has most likely moved on, as the
# maintainers say: "Feel free to go for it since it's been over a month of inactivity"
# (diffusers#8924, a maintainer handing a claimed issue to a second contributor, in the
# five samples of real comments of bench/triage_claims.py).  Others there took up claimed
# issues after 59, 183 and 483 days of silence (transformers#16059, peft#244,
# diffusers#11488), and diffusers' contribution guide says such attempts go stale "if the
# original contributor ... suddenly cannot find the time anymore", that "this often
# happens" and that the community is "very happy if you give it a new try".  A first sync
# reads the comments of as many days (github_sync.COMMENT_DAYS): older claims would not
# hold either.
QUIET_DAYS = 30


@dataclass(frozen=True)
class Claim:
    who: str  # "@login"
    last_heard: str  # when they last wrote in the thread (or were handed the issue), ISO 8601


def claim(comments: Sequence[Comment]) -> Claim | None:
    """Who the comments say is on the issue (:func:`claimed_by`'s reading of each), and
    when they were last heard from: of several claimants, the one heard from last (who,
    if anyone, is still on it); None when no comment claims it."""
    claimants: dict[str, str] = {}  # lower-cased login: as the first claim wrote it
    last: dict[str, str] = {}  # lower-cased login: the latest comment by or claiming them
    for c in comments:
        if who := _claimant(c):
            claimants.setdefault(who.lower(), who)
        for key in {f"@{c.author}".lower(), who.lower()} - {""}:
            last[key] = max(last.get(key, c.created_at), c.created_at)
    if not claimants:
        return None
    key = max(claimants, key=last.__getitem__)  # (ties: the first to claim)
    return Claim(claimants[key], last[key])


def holds(quiet_days: int) -> bool:
    """Whether a claim whose claimant has been silent ``quiet_days`` still holds."""
    return quiet_days < QUIET_DAYS


class Standing(enum.Enum):
    """What a claim means for its issue (:func:`standing`)."""

    TAKEN = "taken"  # the claimant is on the whole issue
    PART = "part"  # on one part of an issue of many, two or more parts still open
    QUIET = "quiet"  # the claimant has been silent QUIET_DAYS or more: it no longer holds


def standing(quiet_days: int, open_parts: int) -> Standing:
    """What a claim whose claimant has been silent ``quiet_days`` means for an issue whose
    post lists ``open_parts`` open parts (body.open_parts): it takes the whole issue when it
    :func:`holds` and the issue is not one of many parts of which two or more are still
    open ("Community contribution: Adding Flash Attention 2 support for more
    architectures", one checkbox an architecture: a comment takes one of them, and the
    others stay free)."""
    if not holds(quiet_days):
        return Standing.QUIET
    return Standing.PART if open_parts >= 2 else Standing.TAKEN


def maintainer_state(comments: Sequence[Comment]) -> str:
    """"agreed" (a maintainer asked for or welcomed a fix), "replied", or ""."""
    said = [c for c in comments if c.association in MAINTAINERS]
    # (typographic apostrophes made plain, as for claims: "we\u2019d welcome a PR")
    if any(_AGREED.search(c.body[:4000].translate(_PLAIN)) for c in said):
        return "agreed"
    return "replied" if said else ""


# ----------------------------------------------------------------- the store

def save(conn: sqlite3.Connection, comments: Iterable[Comment]) -> int:
    rows = [(c.repo, c.number, c.id, c.author, c.association, c.body, c.created_at)
            for c in comments]
    conn.executemany(
        "INSERT OR REPLACE INTO issue_comments "
        "(repo, number, id, author, association, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows)
    return len(rows)


def load(conn: sqlite3.Connection, repo: str) -> dict[int, list[Comment]]:
    """Issue number → its stored comments, oldest first."""
    found: dict[int, list[Comment]] = {}
    for r in conn.execute("SELECT * FROM issue_comments WHERE repo = ? "
                          "ORDER BY created_at, id", (repo,)):
        number = r["number"]
        if not isinstance(number, int):
            continue
        found.setdefault(number, []).append(Comment(
            repo, number, str(r["id"]), str(r["author"] or ""), str(r["association"] or ""),
            str(r["body"] or ""), str(r["created_at"] or "")))
    return found
