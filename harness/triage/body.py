"""The parts of an issue body: template sections, code blocks, tracebacks, names.

Hugging Face's issue forms render as ``### System Info``, ``### Reproduction``,
``### Expected behavior`` (diffusers: ``### Describe the bug``, ``### Logs``); older
issues use ``## To reproduce`` or ``**Describe the bug**``.
"""
from __future__ import annotations

import itertools
import re
import string
from collections.abc import Iterable, Mapping
from typing import NamedTuple

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

# headings of the sections that describe the reporter's machine, not the problem
SYSTEM = ("system info", "environment", "environment info", "who can help?", "who can help",
          "information", "tasks", "checklist", "system information", "environment information",
          "your environment", "versions", "env", "platform", "hardware", "software",
          "system info / environment", "environment / system info")
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


# a line of an environment dump outside a System Info section: `transformers env`'s
# "- `torch` version: 2.1 (GPU?)", "Platform: Linux", "GPU: 2x A100", pip's "torch==2.1.0",
# nvidia-smi's table rows.  What the reporter has, not what the bug needs.
_ENV_LINE = re.compile(
    r"^\s*(?:[-*]\s*)?`?(?:[\w.-]+`?\s+version|platform|python|pytorch|torch|cuda|cudnn|"
    r"gpus?|gpu type|gpu model|nvidia driver|driver version|os|operating system|hardware|"
    r"ram|cpu|using gpu in script|using distributed or parallel set-up in script|"
    r"accelerate config|accelerator|jax|flax|tensorflow|numpy)(?![\w.])`?"
    r"[^:\n]{0,40}:(?:\s*\S|[ \t]*$)|"  # filled in, or a template's line left empty
    r"^\s*[\w.-]+\s*==\s*[\w.+]+\s*$|^\s*\|.*(?:MiB|NVIDIA-SMI|Persistence-M|GPU\s+Name)|"
    r"^\s*[+|][-=+]{10,}",
    re.I | re.M)


# first words of the lines _ENV_LINE may match: a set look-up before any regex (fast)
_ENV_HEADS = frozenset({
    "platform", "python", "pytorch", "torch", "cuda", "cudnn", "gpu", "gpus", "nvidia",
    "driver", "os", "operating", "hardware", "ram", "cpu", "using", "accelerate",
    "accelerator", "jax", "jaxlib", "flax", "tensorflow", "numpy", "transformers",
    "diffusers", "peft", "huggingface_hub", "safetensors", "tokenizers", "bitsandbytes",
    "deepspeed", "xformers", "triton"})


# one of these is in every text that has an environment line (a fast first check)
_ENV_MARKS = ("ersion", "==", "latform", "GPU", "CUDA", "MiB", "NVIDIA", "RAM:", "OS:",
              "ardware", "ccelerat", "PU:", "Successfully installed",
              "Requirement already satisfied", "script?:", ".cc:")
# TensorFlow's (and XLA's) own log of its start, pasted with the output: "2022-11-25
# 18:45:40.340282: I tensorflow/core/platform/cpu_feature_guard.cc:193] This TensorFlow
# binary is optimized ...", "W tensorflow/stream_executor/platform/default/dso_loader.cc:64]
# Could not load dynamic library 'libcudart.so.11.0'", "E external/local_xla/xla/
# stream_executor/cuda/cuda_dnn.cc:9261] Unable to register cuDNN factory".  Printed on
# importing it, whatever the bug: the machine's set-up, not what the bug needs (its paths'
# "xla" read as a TPU: transformers#20457, an import error of Keras; 13 of the 1,871
# labelled posts hold such lines)
_TF_LOG = re.compile(r"\b(?:tensorflow|xla|tsl)/[\w/]+\.cc:\d+\]")
# JAX's own warning on importing it where it finds no accelerator, which `transformers env`
# prints atop the environment it lists: "No GPU/TPU found, falling back to CPU. (Set
# TF_CPP_MIN_LOG_LEVEL=0 and rerun for more info.)", or "An NVIDIA GPU may be present on this
# machine, but a CUDA-enabled jaxlib is not installed. Falling back to cpu."  The reporter's
# machine (one without a GPU), not what the bug needs: read as the post's words, its "TPU"
# flagged a failing `make style` as needing a TPU (transformers#27551)
_JAX_LOG = ("No GPU/TPU found, falling back to CPU", "CUDA-enabled jaxlib is not installed")
# pip's own output: the packages the reporter installed, not what the bug needs
_PIP_OUTPUT = ("Successfully installed ", "Requirement already satisfied")
# a row of `pip list`'s table ("deepspeed      0.14.0+ce78a632"), its header and its rule
# (real post: peft#1593, whose System Info is that table alone)
_PIP_LIST = re.compile(r"^\s*(?:[A-Za-z][\w.\-\[\]]*\s{2,}v?\d+\.[\w.+\-!]*|Package\s+Version"
                       r"|-{3,}\s+-{3,})\s*$")


def _env_line(line: str) -> bool:
    if ".cc:" in line and _TF_LOG.search(line):
        return True
    if "alling back to" in line and any(log in line for log in _JAX_LOG):
        return True
    if line.lstrip().startswith(_PIP_OUTPUT) or (
            ("  " in line or "- -" in line) and _PIP_LIST.match(line)):
        return True
    if ":" not in line and "==" not in line and "|" not in line and "+-" not in line:
        return False
    bare = line.lstrip(" \t-*`")
    if not bare:
        return False
    if bare[0] in "|+":
        return _ENV_LINE.match(line) is not None
    head = bare.split(None, 1)[0].strip("`:").lower()
    if head in _ENV_HEADS or "==" in bare or (" version" in bare[:40].lower()):
        return _ENV_LINE.match(line) is not None
    return False


# a row of `pip list`'s table anywhere in a text: the one environment dump with no mark
# (real post: peft#2716, "In a pc with the packages:" then rows of peft, triton, trl)
_PIP_ROW = re.compile(r"^[ \t]*[A-Za-z][\w.\-\[\]]*[ \t]{2,}v?\d+\.[\w.+\-!]*[ \t]*$", re.M)


def strip_env(text: str) -> tuple[str, str]:
    """(the text without environment-dump lines, those lines)."""
    for mark in _ENV_MARKS:
        if mark in text:
            break
    else:
        if "  " not in text or not _PIP_ROW.search(text):
            return text, ""
    kept: list[str] = []
    env: list[str] = []
    for line in text.split("\n"):
        (env if _env_line(line) else kept).append(line)
    return ("\n".join(kept), "\n".join(env)) if env else (text, "")


# the System Info sections where reporters often tell the problem itself, in prose
_PROSE_SYSTEM = frozenset({"system info", "environment", "system information", "environment info",
                           "your environment", "information", "who can help?", "who can help",
                           # a short list of versions with the rest of the post after it, no
                           # heading between (real post: transformers#16721, its launch on
                           # four GPUs read as the reporter's environment)
                           "versions"})
_SYSTEM = frozenset(SYSTEM)
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
# a line long enough to tell something (found by the regex engine, not a Python loop)
_LONG_LINE = re.compile(r"^[^\n]{40,}", re.M)
# a setting of a pasted config, however long: ``- deepspeed_config: {'zero_stage': 3, ...}``,
# or a line nested under one (``        - distributed_type: DEEPSPEED``)
_CONFIG_LINE = re.compile(r"\s*(?:[-*]\s+)?[\w.]+:\s*[\[{(]|\s{4,}(?:[-*]\s+)?[\w.]+:")
# the @mentions a line opens with ("@ArthurZucker @younesbelkada When using ZeRO-3, ...")
_MENTIONS = re.compile(r"(?:@[\w-]+[\s,:]*)+")


def prose_of(section: str) -> str:
    """The problem told in prose inside a System Info section: long lines outside code
    blocks that are not ``key: value`` pairs (nor a config's settings, however long),
    checkboxes, @mentions alone or environment lines (a link alone counts: it names the
    file at fault).  A line that opens with @mentions is told from where they end ("Who can
    help?" is often where the problem is told)."""
    told: list[str] = []
    for piece in section.split("```")[::2]:  # outside code blocks
        for line in _LONG_LINE.findall(piece):
            said = line
            bare = line.strip()
            if bare.startswith("@") and (mentions := _MENTIONS.match(bare)):
                said = bare = bare[mentions.end():]
            if len(bare) < 40 or bare.startswith(("- [", "* [", "|")) \
                    or (":" in bare[:45] and (len(bare) < 90 or _CONFIG_LINE.match(said))) \
                    or _env_line(said):
                continue
            told.append(said)
    return "\n".join(told)


# a code block that holds a reproduction or a traceback, not an environment's listing; or
# the command that ran it, a script with its arguments or a launcher ("python -m
# torch.distributed.launch --nproc_per_node 4 train.py": real post, transformers#16721)
_TOLD_CODE = re.compile(r"^\s*(?:from \S+ import |import \S|\w+(?:Error|Exception): "
                        r"|!?python3? (?:-m )?[\w.]+ -|torchrun |accelerate launch |deepspeed )"
                        r"|Traceback \(most recent call last\)", re.M)


def told_in(section: str) -> str:
    """What a System Info section tells of the problem: its prose (:func:`prose_of`) and
    the code blocks that hold a reproduction or a traceback, fenced again.  Old templates'
    "Information" section often holds the whole report, code and traceback."""
    blocks = [f"```\n{b}\n```" for b in section.split("```")[1::2] if _TOLD_CODE.search(b)]
    return "\n".join(filter(None, (prose_of(section), *blocks)))


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
        system_parts, said, other = [], [], []
        for k, v in parts.items():
            if k not in _SYSTEM:
                other.append(v)
                continue
            system_parts.append(v)
            if k in _PROSE_SYSTEM and len(v) > 80 and (told_there := told_in(v)):
                said.append(told_there)
        system = "\n".join(system_parts)
        source = "\n".join(said + other)
        if parts.get(WHY, "").strip():
            weighed_source = "\n".join(
                said + [v for k, v in parts.items() if k not in _SYSTEM and k != WHY])
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
    not plain words such as `mps`."""
    if "`" not in prose:
        return ()
    found = (s.removesuffix("()") for s in _BACKTICK.findall(prose)
             if ("_" in s or "." in s or s.endswith("()") or not s[1:].islower())
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
