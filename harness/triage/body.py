"""The parts of an issue body: template sections, code blocks, tracebacks, names.

Hugging Face's issue forms render as ``### System Info``, ``### Reproduction``,
``### Expected behavior`` (diffusers: ``### Describe the bug``, ``### Logs``); older
issues use ``## To reproduce`` or ``**Describe the bug**``.  What the System Info sections
and the pasted dumps list, the reporter's environment, is kept apart (:mod:`.environment`).
"""
from __future__ import annotations

import itertools
import re
import string
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from harness.triage.environment import PROSE_SYSTEM, SYSTEM_HEADS, strip_env, told_in

_HEADING = re.compile(r"^(?:#{2,4}\s+(.+?)|\*\*([^*\n]{3,40})\*\*:?)\s*$", re.M)
_CODE_LINE = re.compile(r"^\s*(?:from\s+[\w.]+\s+import\b|import\s+\w|>>>\s|[\w.]+\s*=\s*[\w.]+\()",
                        re.M)
_CALL = re.compile(r"\w\(")
_PY_FILE = re.compile(r"((?:/?[\w.-]+/)*[\w.-]+\.py)\b")
# a traceback's frame ('File "/usr/lib/.../trainer.py", line 1540, in train') pasted with no
# fence around it: where the error passed, not a file or line the reporter points at
_FRAME_LINE = re.compile(r'^[ \t]*File "[^"\n]*", line \d+.*$', re.M)
# punctuation → space on UTF-8 bytes (ASCII punctuation never occurs inside a multi-byte
# character): translate then split() finds the words, several times faster than \w+
_SPACE_BYTES = bytes(32 if chr(b) in string.punctuation.replace("_", "") else b
                     for b in range(256))


def words_of(low: str) -> list[str]:
    """The words of a lower-cased text: runs of letters, digits and ``_``."""
    return low.encode("utf-8", "surrogatepass").translate(_SPACE_BYTES).decode(
        "utf-8", "surrogatepass").split()


_BACKTICK = re.compile(r"`([A-Za-z_][\w.]*(?:\(\))?)`")
_VERSION = re.compile(r"v\d+(?:\.\d+)*")  # `v4.51.0`: a release, not code

# pasted logs can run to megabytes; what decides the features comes first
MAX_CHARS = 20_000
# an HTML comment: the old issue templates' prompts ("<!-- A clear and concise description of
# the feature proposal. Please provide a link to the paper and code in case they exist.
# -->"), left in the body GitHub's API returns and shown to no reader: they found a new
# architecture, a docs change and design in every feature request of that template.  The
# labelled posts here are read as a page shows them (1 of 1,931 holds one).  One left open
# is kept: reporters type their words inside the prompt (transformers#12821), and the page
# hiding them is no reason to read nothing.
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
HEAD_WORDS = 150  # words kept in order (.words reads pairs of neighbours from them)
REPRO = ("reproduction", "to reproduce", "steps to reproduce", "code example",
         "reproduction steps", "minimal reproducible example")


class Body(NamedTuple):
    sections: dict[str, str]  # heading (lowercase) → text; "" → text before any heading
    code: tuple[str, ...]  # fenced code blocks
    text: str  # title and body without the system info: where the problem is told
    low: str  # text, lower-cased
    words: frozenset[str]  # the words of low
    prose: str  # the same without code blocks
    system: str  # the system-info sections
    traceback: bool
    files: tuple[str, ...]  # .py paths named in the prose
    frames: tuple[str, ...]  # .py paths in code blocks and tracebacks, in order
    symbols: tuple[str, ...]  # `names` in backticks
    title_words: frozenset[str] = frozenset()  # the words of the title, lower-cased
    # what the word model weighs (.words): the words of low and the first HEAD_WORDS of
    # them in order, less a feature request's reasons for it (WHY)
    weighed: frozenset[str] = frozenset()
    head: tuple[str, ...] = ()


def sections(text: str) -> dict[str, str]:
    """Heading (lower-case) → its text; "" → the text before the first heading."""
    if "\n**" in text or text.startswith("**"):  # old-style bold headings: line by line
        return _sections_by_line(text)
    chunks = ("\n" + text).split("\n##")
    found = {"": chunks[0]}
    for chunk in chunks[1:]:
        head, _, rest = chunk.partition("\n")
        name = head.lstrip("#").strip(" :").lower()
        found[name] = f"{found[name]}\n{rest}" if name in found else rest
    return found


def _sections_by_line(text: str) -> dict[str, str]:
    found: dict[str, list[str]] = {"": []}
    current = found[""]
    for line in text.split("\n"):
        if line.startswith(("##", "**")) and (head := _HEADING.match(line)):
            current = found.setdefault((head.group(1) or head.group(2)).strip(": ").lower(), [])
        else:
            current.append(line)
    return {k: "\n".join(v) for k, v in found.items()}


# the section where a feature request tells why the reporter wants it: their own set-up and
# work ("I have been experimenting with qlora fine-tuning LLMs on multiple A10 GPUs",
# transformers#28079, a request to expose one DDP option, easy by both its readers),
# papers, benchmarks.  Read by the cues as the rest of the post, but its words are not
# weighed: left out, the dev set and the three fresh sets drawn to the 191st each rank
# better (0.9115 -> 0.9121, 0.8099 -> 0.8127, 0.6167 -> 0.6222, 0.7785 -> 0.7828; the 909
# pooled 0.8335 -> 0.8356), GPU recall unchanged.  Left out of all that is read (the cues,
# the post's length): 0.8378 pooled, but 2 of the 154 fresh GPU issues lost (a Trainer's
# parallel mode, parallelizing LongT5: the motivation tells the several GPUs the feature is
# for).  No other section's words gain so, left out (the 909 pooled: "expected behavior"
# 0.8323, "logs" 0.8313, "your contribution" 0.8328, "information" and "tasks" 0.8316,
# against 0.8335)
WHY = "motivation"

# the old question form's last prompt, filled or not: "**A link to original question on
# Stack Overflow**:" (28 of the 1,931 labelled posts here); its "link" read as a docs change
# ("+0.30 about docs, examples or links" for a usage question, transformers#5010).  Its
# words dropped, the labelled posts rank as before (AUC +0.0001)
_SO_PROMPT = re.compile(r"^\*\*A link to original question on (?:the forum/)?Stack Overflow\*\*:?",
                        re.M)


def _without_comments(text: str) -> str:
    """The text without its HTML comments, outside code blocks (in one, it is shown)."""
    pieces = text.split("```")
    pieces[::2] = [_HTML_COMMENT.sub("", p) for p in pieces[::2]]
    return "```".join(pieces)


def parse(title: str, text: str) -> Body:
    """One pass over the text: sections split once, then the told text lower-cased and
    cut into words once; every cue looks those up (very long bodies: the first
    :data:`MAX_CHARS`)."""
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS]
    if "<!--" in text:
        text = _without_comments(text)
    if "original question on" in text:
        text = _SO_PROMPT.sub("", text)
    parts = sections(text)
    weighed_source = None  # what the word model weighs, when not all that is told
    if len(parts) == 1:
        system, source = "", text
    else:
        system_parts: list[str] = []
        said: list[str] = []
        other: list[str] = []
        why = -1  # where a filled WHY section stands in other
        for k, v in parts.items():
            if k not in SYSTEM_HEADS:
                if k == WHY and v.strip():
                    why = len(other)
                other.append(v)
                continue
            system_parts.append(v)
            if k in PROSE_SYSTEM and len(v) > 80 and (told_there := told_in(v)):
                said.append(told_there)
        system = "\n".join(system_parts)
        source = "\n".join(said + other)
        if why >= 0:
            weighed_source = "\n".join(said + other[:why] + other[why + 1:])
    told, env = strip_env(source)
    if env:
        system = f"{system}\n{env}"
    if "```" in told:
        pieces = told.split("```")
        code = tuple(c.partition("\n")[2] for c in pieces[1::2])  # drop the language tag
        prose = f"{title}\n{' '.join(pieces[::2])}"
    else:
        code, prose = (), f"{title}\n{told}"
    if 'File "' in prose:
        prose = _FRAME_LINE.sub("", prose)
    text = f"{title}\n{told}"
    low = text.lower()
    seq = words_of(low)
    weighed = seq
    if weighed_source is not None:
        weighed = words_of(f"{title}\n{strip_env(weighed_source)[0]}".lower())
    traceback = "Traceback (most recent call last)" in told or (
        'File "' in told and '", line ' in told)
    return Body(
        sections=parts, code=code, text=text, low=low,
        words=(found := frozenset(seq)), prose=prose, system=system,
        title_words=title_words(title),
        weighed=found if weighed is seq else frozenset(weighed), head=tuple(weighed[:HEAD_WORDS]),
        traceback=traceback, files=py_files(prose),
        frames=py_files("\n".join(code) if code else told) if traceback or code else (),
        symbols=symbols(prose),
    )


def title_words(title: str) -> frozenset[str]:
    """The title's words, lower-cased, a link's left out: a title that pastes a link
    ("Generated text makes no sense. Trying to auto-generate sentences like
    https://transformer.huggingface.co/doc/distil-gpt2", a real post, a usage question) does
    not say what the link's path says ("doc": found as a docs change)."""
    if "://" in title:
        title = _LINK.sub(" ", title)
    return frozenset(words_of(title.lower()))


def symbols(prose: str) -> tuple[str, ...]:
    """Code names in backticks: `Linear.merge`, `get_peft_model()`, `DDIMScheduler`;
    not plain words such as `mps`, nor a name of a letter or a letter and digits (`y`,
    `f1`: a narrow scope told "y, max_length", transformers#18883), nor one in capitals
    (`BERT`, `NEW`, `mBART`: "narrow scope: NEW, CHANGED", transformers#47981)."""
    if "`" not in prose:
        return ()
    found = (s.removesuffix("()") for s in _BACKTICK.findall(prose)
             if ("_" in s or "." in s or s.endswith("()")
                 or ((tail := s[1:]) != tail.lower() and tail != tail.upper()))
             and not _VERSION.fullmatch(s))
    return tuple(dict.fromkeys(found))


def py_files(text: str) -> tuple[str, ...]:
    """The .py paths named, in order (only lines that name one are searched: fast)."""
    if ".py" not in text:
        return ()
    found = []
    for line in text.split("\n"):
        if 'File "' in line:  # a traceback frame: the path is quoted
            found.append(line.split('"')[1])
        elif ".py" in line:
            found += _PY_FILE.findall(line)
    return tuple(f for f in dict.fromkeys(found) if f.endswith(".py"))


# a quoted path on the reporter's machine: '/content/drive/...', 'C:\\models', './my_model'
_PRIVATE = re.compile(r"""["'](?:/(?:content|home|Users|mnt|data|root|workspace|nas)/|"""
                      r"""[A-Za-z]:[\\/]|~/|\./)""")


def private_files(body: Body) -> bool:
    """The code loads files only the reporter has (traceback frames do not count)."""
    return any(_PRIVATE.search(line) for block in body.code for line in block.split("\n")
               if ("/" in line or "\\" in line) and 'File "' not in line)


def runnable(body: Body) -> bool:
    """A code block that imports something and calls it: a reproduction one can paste."""
    if body.code:
        candidates: tuple[str, ...] = body.code
    else:
        repro = "".join(v for k, v in body.sections.items() if k in REPRO)
        candidates = (repro,) if repro else ()
    return any(_CODE_LINE.search(c) and _CALL.search(c) for c in candidates)


# a link (markdown, HTML or bare) and a word of two letters or more
_LINK = re.compile(r"\[[^\]]*\]\([^)]*\)|<[^>]*>|https?://\S+")
_WORD = re.compile(r"[^\W\d_]{2,}")
SAYS_NOTHING_WORDS = 3  # fewer words than this in the post: no task is told
_LONG_POST = 600  # a post longer than this says something: not counted word by word (fast)


def says_nothing(text: str) -> bool:
    """Whether a post (the body as written) tells nothing: fewer than
    :data:`SAYS_NOTHING_WORDS` words once links, headings and environment lines are left out
    (an empty or copied template, a bare link, a screenshot alone, a stray letter)."""
    if len(text) > _LONG_POST:
        return False
    told, _ = strip_env(text)
    said = "\n".join(line for line in told.split("\n") if not line.lstrip().startswith("#"))
    # (the words counted up to the one that says something, not all of them)
    words = _WORD.finditer(_LINK.sub(" ", said))
    return next(itertools.islice(words, SAYS_NOTHING_WORDS - 1, None), None) is None


# a task list's item: "- [ ] Llama", "* [x] Falcon", "1. [ ] Bark", and the rest of its line
_TASK = re.compile(r"^[ \t]*(?:[-*+]|\d+[.)])[ \t]+\[([ xX])\](.*)$", re.M)
_MENTION = re.compile(r"@[A-Za-z0-9]")  # "- [ ] BERT | @sorenmc": taken by whoever it names
# items a task list has at least when it lists an issue's parts: the issue forms' own
# check boxes ("- [ ] The official example scripts", "- [x] My own modified scripts") are 4
# at most (420 of the 1,570 labelled posts of the dev set and the 198th to 207th sets have
# 4; 2 have 5 or more: "Community contribution: Adding Flash Attention 2 support for more
# architectures", 23 items, and a plan of work in 12)
PARTS = 5


def open_parts(text: str) -> int:
    """How many items of the post's task list are still open (unchecked, and naming nobody
    who took it: transformers#26350 lists "- [ ] BERT | @sorenmc" beside "- [ ] GPT-2"),
    when the list has :data:`PARTS` items or more: an issue of many parts (one
    architecture, page or model card each), of which a comment may take one; 0 otherwise."""
    if "[ ]" not in text:  # (no unchecked item: most posts, found at once)
        return 0
    items = _TASK.findall(text)
    if len(items) < PARTS:
        return 0
    return sum(1 for mark, rest in items if mark == " " and not _MENTION.search(rest))


# a heading that names one of several separate problems: "## Issue 1: ...", "### Bug 2"
_FINDING = re.compile(r"(?:issue|bug|problem|finding)\s*#?\s*\d+\b")
_REVIEW_WORDS = frozenset({"review", "audit"})


def several_problems(body: Body) -> bool:
    """Whether the post lists separate problems under headings of their own ("## Issue 1:",
    "## Issue 2:"), as a review or an audit of a module does: one fix each, several files.
    Under a title that says review or audit, the first such heading is enough (a long
    post's later ones are often cut off)."""
    found = sum(1 for head in body.sections if head and _FINDING.match(head))
    return found >= 2 or (found == 1 and not body.title_words.isdisjoint(_REVIEW_WORDS))


def filled(body: Body, names: tuple[str, ...]) -> bool:
    """Whether any of the sections ``names`` has more than a placeholder."""
    return any(len(body.sections.get(n, "").strip()) > 20 for n in names)


class Phrases(NamedTuple):
    """Phrases looked for in the lower-cased text, each gated by its longest word."""

    gates: frozenset[str]
    pairs: tuple[tuple[str, str], ...]  # (longest word, phrase)


# words too common to gate a phrase on: nearly every post has them
_COMMON = frozenset({"the", "this", "it", "a", "an", "is", "to", "of", "in", "on", "for", "and",
                     "or", "be", "by", "as", "at", "i", "we", "you", "my", "not", "no", "with",
                     "that", "should", "would", "could", "only", "how", "do", "does", "can",
                     "model", "new", "what", "when", "if", "so", "there", "any", "some", "one",
                     "s", "m", "t", "d", "ll"})


def gated(phrases: tuple[str, ...]) -> Phrases:
    """Each phrase with the word it is looked for behind: its longest word that is not a
    common one (so that few posts need the substring search at all)."""
    pairs = []
    for p in phrases:
        words = words_of(p)
        pairs.append((max([w for w in words if w not in _COMMON] or words, key=len), p))
    return Phrases(frozenset(w for w, _ in pairs), tuple(pairs))


# a word of the text → the (group, phrase) pairs looked for behind it (:func:`gated`)
PhraseIndex = dict[str, tuple[tuple[str, str], ...]]


def phrase_index(groups: Mapping[str, tuple[str, ...]]) -> PhraseIndex:
    """Each group's phrases filed under the word they are looked for behind."""
    found: dict[str, list[tuple[str, str]]] = {}
    for group, phrases in groups.items():
        for gate, phrase in gated(phrases).pairs:
            found.setdefault(gate, []).append((group, phrase))
    return {gate: tuple(pairs) for gate, pairs in found.items()}


def add_phrase_groups(body: Body, index: PhraseIndex, gates: Iterable[str],
                      groups: set[str]) -> None:
    """Add to ``groups`` the group of each phrase filed under ``gates`` (words of the text)
    that the text holds; a group already there is not looked for again."""
    for word in gates:
        for group, phrase in index[word]:
            if group not in groups and phrase in body.low:
                groups.add(group)


def has_phrase(body: Body, phrases: Phrases) -> bool:
    """Whether the text holds one of ``phrases``: one set intersection first, so most
    issues look at no phrase at all."""
    if phrases.gates.isdisjoint(body.words):
        return False
    return any(w in body.words and p in body.low for w, p in phrases.pairs)
