"""The words a query can mean, looked up by their pinyin.

The vocabulary is what the index can find: the names and keywords of the catalogue's services
(whole, and the words jieba cuts them into) and the phrases and terms of the synonyms. Each word
is kept with its toneless pinyin syllables, and keyed by its joined pinyin, plain
(``shenfenzheng``) and fuzzy (``senfenzen``, see ``text.fuzzy_syllable``).

``Lexicon.rewrite`` turns the Latin letters of a query into those words:

- pinyin mixed with characters, in any order (``居zhu证``, ``shebao卡补办``): a run of
  letters and characters becomes a word whose syllables the letters spell and whose
  characters the typed characters are (or sound like);
- pinyin with one letter missing, doubled or wrong (``hukouqinyi``, ``shebaooka``): the
  letters are cut into the word's syllables and compared syllable by syllable; one syllable
  may be one letter off (a deletion neighbourhood finds the candidates, the syllable alignment
  confirms them).

The result is the query in characters, which the Chinese path analyses as usual.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from app.search.text import fuzzy_syllable, has_cjk, is_cjk, segment, split_pinyin

_LATIN = re.compile(r"[a-z]+")
_PARENS = re.compile(r"（[^）]*）|\([^)]*\)")
MAX_SPAN = 24  # letters of one word's pinyin
MIN_TYPO_LETTERS = 5  # a word typed with a wrong letter needs this many letters typed


@lru_cache(maxsize=65536)
def raw_syllables(word: str) -> tuple[str, ...]:
    """Toneless pinyin syllables of a CJK word, in context (多音字 by word)."""
    from pypinyin import Style, lazy_pinyin

    return tuple(lazy_pinyin(word, style=Style.NORMAL))


@lru_cache(maxsize=65536)
def char_readings(ch: str) -> tuple[str, ...]:
    """Every toneless reading of one character (``行`` → ``xing``, ``hang``)."""
    from pypinyin import Style, pinyin

    return tuple(dict.fromkeys(pinyin(ch, style=Style.NORMAL, heteronym=True)[0]))


def _deletes(key: str) -> set[str]:
    return {key[:i] + key[i + 1 :] for i in range(len(key))}


def edit1(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` differ by at most one inserted, deleted or changed letter."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la > lb:
        a, b, la, lb = b, a, lb, la
    i = 0
    while i < la and a[i] == b[i]:
        i += 1
    if la == lb:
        return a[i + 1 :] == b[i + 1 :]
    return a[i:] == b[i + 1 :]


def syllable_distance(typed: str, syllables: tuple[str, ...]) -> int | None:
    """Edits needed to read ``typed`` as ``syllables``, aligned syllable by syllable: the
    letters are cut into as many pieces as there are syllables, each piece is compared with
    its syllable (plain or fuzzy), and at most one piece may be one letter off. ``None`` when
    no cut reads that way."""
    n, k = len(typed), len(syllables)
    # best[i][j]: fewest edits for typed[:i] as syllables[:j]
    inf = 99
    best = [[inf] * (k + 1) for _ in range(n + 1)]
    best[0][0] = 0
    for j in range(1, k + 1):
        syl = syllables[j - 1]
        forms = {syl, fuzzy_syllable(syl)}
        for i in range(1, n + 1):
            for start in range(max(0, i - len(syl) - 1), i):
                before = best[start][j - 1]
                if before >= inf:
                    continue
                piece = typed[start:i]
                if piece in forms:
                    cost = 0
                elif any(edit1(piece, f) for f in forms):
                    cost = 1
                else:
                    continue
                if before + cost < best[i][j]:
                    best[i][j] = before + cost
    found = best[n][k]
    return found if found <= 1 else None


@dataclass(eq=False)  # one per database and province, hashed by identity (query caches)
class Lexicon:
    """Words by their joined pinyin (plain and fuzzy), with the deletion neighbourhood."""

    words: dict[str, tuple[str, ...]] = field(default_factory=dict)  # word -> syllables
    weight: dict[str, int] = field(default_factory=dict)  # how often the catalogue uses it
    exact: dict[str, list[str]] = field(default_factory=dict)
    near: dict[str, list[str]] = field(default_factory=dict)  # key minus one letter -> words

    def add(self, word: str, weight: int = 1) -> None:
        if len(word) < 2 or not all(is_cjk(ch) for ch in word):
            return
        self.weight[word] = self.weight.get(word, 0) + weight
        if word in self.words:
            return
        syllables = raw_syllables(word)
        if len(syllables) != len(word):
            return
        self.words[word] = syllables
        for key in {"".join(syllables), "".join(fuzzy_syllable(s) for s in syllables)}:
            self.exact.setdefault(key, []).append(word)
            if len(key) >= MIN_TYPO_LETTERS - 1:
                for d in _deletes(key):
                    self.near.setdefault(d, []).append(word)

    def add_text(self, text: str, weight: int = 1) -> None:
        """A name or keyword: whole (without a parenthesised part) and its words."""
        text = _PARENS.sub("", text)
        for run in re.findall(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+", text):
            self.add(run, weight)
            for word in segment(run):
                self.add(word, weight)

    def lookup(self, typed: str, typo: bool) -> list[tuple[str, int]]:
        """Words whose pinyin ``typed`` spells: ``(word, edits)``, exact ones first."""
        out: dict[str, int] = {w: 0 for w in self.exact.get(typed, [])}
        if typo and len(typed) >= MIN_TYPO_LETTERS:
            found: set[str] = set(self.near.get(typed, []))  # a letter too many
            for d in _deletes(typed):
                found.update(self.exact.get(d, []))  # a letter missing
                found.update(self.near.get(d, []))  # a letter wrong
            pieces = split_pinyin(typed)
            valid = all(len(p) > 1 or p in "aeo" for p in pieces)
            for word in found:
                syllables = self.words[word]
                if word in out or syllable_distance(typed, syllables) is None:
                    continue
                if valid and len(pieces) == len(syllables) and len(syllables) < 3:
                    # xiaomi reads as two real syllables: a different word, not a typo of 小吃
                    continue
                out[word] = 1
        return sorted(out.items(), key=lambda x: (x[1], -self.weight.get(x[0], 0), -len(x[0])))

    def rewrite(self, text: str) -> Rewrite | None:
        """The query with its Latin letters read as words of the lexicon, or ``None`` when it
        has no letters or they spell nothing here. ``text`` is compact (normalised, no
        spaces)."""
        if not _LATIN.search(text):
            return None
        return _rewrite(self, text)


@dataclass(frozen=True)
class Rewrite:
    text: str  # the query in characters (letters no word explains are left out)
    words: tuple[str, ...]  # the words the letters were read as
    edits: int  # letters corrected
    stray: int  # letters no word explains


@dataclass(frozen=True)
class _Unit:
    text: str  # one character, or one letter
    cjk: bool


_Best = tuple[int, int, int, tuple[str, ...], tuple[str, ...]]


def _rewrite(lex: Lexicon, text: str) -> Rewrite | None:
    units = [_Unit(ch, is_cjk(ch)) for ch in text if is_cjk(ch) or ch.isalpha()]
    n = len(units)
    # best[i] = (stray letters, edits, pieces, pieces as text, words) for units[:i]
    best: list[_Best | None] = [None] * (n + 1)
    best[0] = (0, 0, 0, (), ())
    for i in range(n):
        here = best[i]
        if here is None:
            continue
        stray, edits, pieces, out, words = here
        # keep the unit as typed: a character stays, a letter is stray
        u = units[i]
        step: _Best = (stray + (0 if u.cjk else 1), edits, pieces + 1, (*out, u.text if u.cjk else ""), words)  # fmt: skip
        if (old := best[i + 1]) is None or step < old:
            best[i + 1] = step
        for j, word, cost in _spans(lex, units, i):
            cand: _Best = (stray, edits + cost, pieces + 1, (*out, word), (*words, word))
            if (prev := best[j]) is None or cand < prev:
                best[j] = cand
    final = best[n]
    if final is None or not final[4]:
        return None
    return Rewrite("".join(final[3]), final[4], final[1], final[0])


def _spans(lex: Lexicon, units: list[_Unit], i: int) -> Iterable[tuple[int, str, int]]:
    """(end, word, edits) for every lexicon word that units[i:end] can be read as; the span
    holds at least one letter and starts and ends on a unit."""
    letters = 0
    for j in range(i + 1, len(units) + 1):
        span = units[i:j]
        letters += 0 if span[-1].cjk else 1
        if sum(len(char_readings(u.text)[0]) if u.cjk else 1 for u in span) > MAX_SPAN:
            break
        if not letters:
            continue
        typed_cjk = [u.text for u in span if u.cjk]
        for key in _keys(span):
            for word, cost in lex.lookup(key, typo=letters >= MIN_TYPO_LETTERS - 1):
                if _fits(word, lex.words[word], typed_cjk):
                    yield j, word, cost


def _keys(span: list[_Unit]) -> list[str]:
    """The pinyin a span spells: letters as typed, characters by each of their readings."""
    keys = [""]
    for u in span:
        if u.cjk:
            keys = [k + r for k in keys for r in char_readings(u.text)[:2]]
        else:
            keys = [k + u.text for k in keys]
    return keys


def _fits(word: str, syllables: tuple[str, ...], typed_cjk: list[str]) -> bool:
    """Every character typed in the span is in the word, or sounds like one of its syllables,
    in order."""
    pos = 0
    for ch in typed_cjk:
        readings = {fuzzy_syllable(r) for r in char_readings(ch)}
        while pos < len(word) and not (
            word[pos] == ch or fuzzy_syllable(syllables[pos]) in readings
        ):
            pos += 1
        if pos == len(word):
            return False
        pos += 1
    return True


def build_lexicon(texts: Iterable[tuple[str, int]], phrases: Iterable[str]) -> Lexicon:
    """A lexicon of catalogue ``texts`` (name or keyword, weight) and synonym ``phrases``."""
    lex = Lexicon()
    for text, weight in texts:
        lex.add_text(text, weight)
    for phrase in phrases:
        if has_cjk(phrase):
            lex.add_text(phrase, 1)
    return lex
