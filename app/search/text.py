"""Text analysis shared by documents and queries: normalisation, segmentation, pinyin.

Everything here is deterministic and cached: the same text always gives the same terms, so
the index and the query side agree. Pinyin is "fuzzy" (zh/z, ch/c, sh/s, ing/in, eng/en,
ang/an, l/n merged, no tones) so that homophones and the usual regional confusions meet.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from types import ModuleType

MAX_QUERY_CHARS = 64
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaffa-z0-9]+")
# Characters that mean nothing to search: everything but letters, digits and CJK.
_JUNK = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaffa-z0-9]+")


def is_cjk(ch: str) -> bool:
    return bool(_CJK.fullmatch(ch))


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def simplify(text: str) -> str:
    """Traditional → simplified Chinese (zhconv's table, shipped in the package), run by run
    of CJK characters: names that differ only by a number or a Latin part convert once."""
    if not has_cjk(text):
        return text
    return _CJK_RUN.sub(lambda m: _simplify_run(m.group()), text)


@lru_cache(maxsize=65536)
def _simplify_run(run: str) -> str:
    return _zhconv().convert(run, "zh-hans")


@lru_cache(maxsize=1)
def _zhconv() -> ModuleType:
    """zhconv with its table loaded through a closed file: left to itself it reads the table
    from a file it never closes (a ResourceWarning on the first conversion)."""
    import zhconv
    import zhconv.zhconv as table

    table.loaddict(str(Path(table.__file__).with_name(table.DICTIONARY)))
    return zhconv


def normalize(text: str, limit: int = MAX_QUERY_CHARS) -> str:
    """Fold a query or field for matching: NFKC (full-width → half-width), simplified Chinese,
    lower case, punctuation, emoji and control characters become single spaces; at most
    ``limit`` characters are kept (a longer text is cut, never rejected)."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = _JUNK.sub(" ", text).strip()
    text = simplify(text)
    return text[:limit].strip()


@lru_cache(maxsize=131072)
def compact(text: str) -> str:
    """``normalize`` without spaces: the form phrase matching works on (cached: the names and
    keywords of the index come back with every query that finds them)."""
    return normalize(text, limit=10_000).replace(" ", "")


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


@lru_cache(maxsize=262144)
def segment(text: str) -> tuple[str, ...]:
    """Words of a normalised text, jieba in search mode (long words and their parts).

    CJK runs are cut by jieba (cached per run: names that differ only by a number or a
    Latin suffix cost one look-up); Latin letters and digits stay whole words."""
    words: dict[str, None] = {}
    for chunk in _WORD.findall(text):
        for run in _RUNS.findall(chunk):
            if has_cjk(run):
                words.update(dict.fromkeys(_cut(run)))
            else:
                words[run] = None
    return tuple(words)


_RUNS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z0-9]+")


@lru_cache(maxsize=262144)
def _cut(run: str) -> tuple[str, ...]:
    """jieba's search-mode words of one CJK run."""
    return tuple(w for w in (w.strip() for w in _jieba().cut_for_search(run)) if w)


@lru_cache(maxsize=65536)
def cut(text: str) -> tuple[str, ...]:
    """jieba's precise-mode words of a compact text, dictionary only (no HMM guesses): the
    tokens question words and fillers are dropped from."""
    out: list[str] = []
    for run in _RUNS.findall(text):
        if has_cjk(run):
            out.extend(w for w in _jieba().cut(run, HMM=False) if w.strip())
        else:
            out.append(run)
    return tuple(out)


def ngrams(text: str, n: int) -> list[str]:
    """Character n-grams of the CJK runs of ``text``."""
    out: list[str] = []
    for run in _CJK_RUN.findall(text):
        out.extend(run[i : i + n] for i in range(len(run) - n + 1))
    return out


_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")

_FUZZY = (
    (re.compile(r"(?<![a-z])zh"), "z"),
    (re.compile(r"(?<![a-z])ch"), "c"),
    (re.compile(r"(?<![a-z])sh"), "s"),
    (re.compile(r"ing(?![a-z])"), "in"),
    (re.compile(r"eng(?![a-z])"), "en"),
    (re.compile(r"ang(?![a-z])"), "an"),
    (re.compile(r"(?<![a-z])l"), "n"),
)


@lru_cache(maxsize=65536)
def fuzzy_syllable(syllable: str) -> str:
    """One toneless pinyin syllable folded: zh→z, ch→c, sh→s, ing→in, eng→en, ang→an, l→n."""
    for pattern, repl in _FUZZY:
        syllable = pattern.sub(repl, syllable)
    return syllable


@lru_cache(maxsize=65536)
def char_pinyin(ch: str) -> str:
    """Fuzzy pinyin of one character, or the character itself when it has none."""
    from pypinyin import Style, lazy_pinyin

    if not is_cjk(ch):
        return ch
    return fuzzy_syllable(lazy_pinyin(ch, style=Style.NORMAL, errors="default")[0])


def syllables(text: str) -> tuple[str, ...]:
    """Fuzzy pinyin syllables of the CJK characters of ``text``, in context (多音字 by word)."""
    return _syllables("".join(_CJK_RUN.findall(text)))


@lru_cache(maxsize=262144)
def _syllables(cjk: str) -> tuple[str, ...]:
    from pypinyin import Style, lazy_pinyin

    if not cjk:
        return ()
    return tuple(fuzzy_syllable(s) for s in lazy_pinyin(cjk, style=Style.NORMAL))


def pinyin(text: str) -> str:
    """Joined fuzzy pinyin of a text's CJK characters (``社保卡`` → ``sebaoka``)."""
    return "".join(syllables(text))


def initials(text: str) -> str:
    """First letters of the pinyin of a text's CJK characters (``社保卡`` → ``sbk``)."""
    return _initials("".join(_CJK_RUN.findall(text)))


@lru_cache(maxsize=262144)
def _initials(cjk: str) -> str:
    from pypinyin import Style, lazy_pinyin

    if not cjk:
        return ""
    return "".join(s[:1] for s in lazy_pinyin(cjk, style=Style.FIRST_LETTER))


_RAW_FUZZY = (
    ("zh", "z"),
    ("ch", "c"),
    ("sh", "s"),
)


def fuzzy_typed_pinyin(text: str) -> str:
    """Fold pinyin typed in Latin letters the way ``fuzzy_syllable`` folds syllables.

    Typed pinyin has no syllable boundaries, so it is split greedily first."""
    return "".join(fuzzy_syllable(s) for s in split_pinyin(text))


_SYLLABLES: frozenset[str] | None = None


def _syllable_set() -> frozenset[str]:
    global _SYLLABLES
    if _SYLLABLES is None:
        from pypinyin.constants import PINYIN_DICT, Style
        from pypinyin.style import convert

        found: set[str] = set()
        for value in PINYIN_DICT.values():
            for reading in value.split(","):
                found.add(convert(reading, Style.NORMAL, strict=False))
        _SYLLABLES = frozenset(s for s in found if s.isascii() and s.isalpha())
    return _SYLLABLES


@lru_cache(maxsize=65536)
def split_pinyin(text: str) -> tuple[str, ...]:
    """Split Latin letters into pinyin syllables (longest match with backtracking); letters
    that form no syllable stay as single-letter pieces (typed initials)."""
    known = _syllable_set()
    text = text.replace(" ", "")
    n = len(text)
    best: list[tuple[int, tuple[str, ...]] | None] = [None] * (n + 1)
    best[n] = (0, ())
    for i in range(n - 1, -1, -1):
        options: list[tuple[int, tuple[str, ...]]] = []
        for j in range(min(n, i + 6), i, -1):
            piece = text[i:j]
            rest = best[j]
            if rest is None:
                continue
            if piece in known:
                options.append((rest[0], (piece, *rest[1])))
            elif j == i + 1:
                options.append((rest[0] + 1, (piece, *rest[1])))
        # fewest stray letters, then fewest pieces
        best[i] = min(options, key=lambda o: (o[0], len(o[1])))
    result = best[0]
    return result[1] if result else ()


def pinyin_coverage(text: str) -> float:
    """Share of letters of ``text`` that fall in real pinyin syllables (1.0 = full pinyin)."""
    pieces = split_pinyin(text)
    letters = sum(len(p) for p in pieces)
    if not letters:
        return 0.0
    stray = sum(1 for p in pieces if len(p) == 1 and p not in _syllable_set())
    return 1 - stray / letters
