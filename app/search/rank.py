"""Scoring of candidates: relevance first (name, then keywords and synonyms, then guide
text), then popularity and the user's region. Pure functions over plain rows."""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from app.search.analyze import Query
from app.search.text import char_pinyin, initials, pinyin, segment

NAME, KEYWORDS, BODY = 3.0, 2.0, 0.6
# an official name typed in full; a service the query's intent means, by the share of the
# query the intent's words explain (so a generic word of the question, 企业 in 企业搬家,
# matching another service's name or keyword does not outrank what the question means)
TYPED = 0.5
POPULARITY = 0.4  # at popularity 1000
REGION = {6: 0.3, 4: 0.2, 2: 0.1}  # same county, city, province as the user


@dataclass
class Candidate:
    code: str
    basic_code: str
    name: str  # as shown
    name_c: str  # compact
    keywords: list[str]  # compact
    body: str
    popularity: int
    area_code: str
    audience: str
    level: str
    department: str
    online: bool
    group_id: int = 0  # the service-and-province group the item (or group) belongs to
    score: float = 0.0
    relevance: float = 0.0


@lru_cache(maxsize=262144)
def phrase_sim(phrase: str, text: str) -> float:
    """How well a CJK phrase matches a field: 1 exact, ~0.9-1 contained, else the share of its
    characters (or, for homophone typos, its pinyin syllables) the field has, discounted."""
    if not phrase or not text:
        return 0.0
    if phrase == text:
        return 1.0
    if phrase in text:
        return 0.9 + 0.1 * len(phrase) / len(text)
    chars = set(text)
    char_cov = sum(ch in chars for ch in phrase) / len(phrase)
    syl_cov = window_match(phrase, text)
    best = max(0.8 * char_cov, 0.78 * syl_cov)
    return best * best if len(phrase) > 1 else 0.0


def window_match(phrase: str, text: str) -> float:
    """Best share of a phrase's characters that equal, or sound like, the characters of a
    same-length window of the text (substitution typos: 身分证, 驾使证)."""
    n = len(phrase)
    if n < 2 or len(text) < n:
        return 0.0
    sounds = _sounds(phrase)
    heard = _sounds(text)
    best = 0
    for start in range(len(text) - n + 1):
        hits = 0
        for i in range(n):
            if phrase[i] == text[start + i] or sounds[i] == heard[start + i]:
                hits += 1
        if hits > best:
            best = hits
    return best / n


@lru_cache(maxsize=65536)
def _sounds(text: str) -> tuple[str, ...]:
    return tuple(char_pinyin(ch) for ch in text)


def latin_sim(q: Query, text: str) -> float:
    """Typed pinyin or initials against a compact CJK field."""
    if not text:
        return 0.0
    full = pinyin(text)
    best = 0.0
    if q.latin and full:
        if q.latin == full:
            best = 1.0
        elif full.startswith(q.latin):
            best = 0.92 + 0.06 * len(q.latin) / len(full)
        elif q.latin in full:
            best = 0.88 + 0.06 * len(q.latin) / len(full)
        elif len(q.latin) >= 4:
            # a typo in typed pinyin: best matching block against the field's pinyin
            m = SequenceMatcher(None, q.latin, full, autojunk=False)
            ratio = sum(b.size for b in m.get_matching_blocks()) / len(q.latin)
            if ratio >= 0.8:
                best = 0.7 * ratio
    ini = initials(text)
    letters = q.compact
    words = [w for w in segment(text) if len(w) >= 2]
    if q.latin and any(pinyin(w) == q.latin for w in words):
        best = max(best, 0.97)
    if len(letters) >= 2 and any(initials(w) == letters for w in words):
        best = max(best, 0.95)
    if ini and len(letters) >= 2:
        if letters == ini:
            best = max(best, 0.97)
        elif ini.startswith(letters):
            best = max(best, 0.9 + 0.05 * len(letters) / len(ini))
        elif letters in ini:
            best = max(best, 0.86 + 0.05 * len(letters) / len(ini))
    return best


MEMO_TEXTS = 8192  # field texts remembered per query (then forgotten all at once)


def field_score(q: Query, text: str) -> float:
    """How well the query matches one field text (a name or a keyword), remembered per query
    (a query's score for a text never changes: ``Query.memo``)."""
    memo = q.memo
    found = memo.get(text)
    if found is None:
        if len(memo) >= MEMO_TEXTS:
            memo.clear()
        found = memo[text] = _field_score(q, text)
    return found


def _field_score(q: Query, text: str) -> float:
    if not q.phrases and q.kind in ("pinyin", "initials"):
        return latin_sim(q, text)
    sims = [w * phrase_sim(p, text) for p, w in q.phrases]
    if q.kind in ("pinyin", "initials"):
        sims.append(latin_sim(q, text))
    if not sims:
        return 0.0
    return max(sims) + 0.1 * sum(sims) / len(sims)


def body_score(q: Query, body: str) -> float:
    words = [w for w in q.words if len(w) >= 2]
    if not words or not body:
        return 0.0
    return sum(w in body for w in words) / len(words)


def score(q: Query, c: Candidate, area: str | None) -> float:
    s_name = field_score(q, c.name_c)
    base = c.name_c.split("（")[0]
    if q.phrases and q.phrases[0][0] == base:
        s_name += TYPED  # the official name, typed in full
    elif q.intents:  # a service the question was read to mean (企业搬家: 企业变更登记)
        s_name += TYPED * max(
            (share for term, share in q.intents.items() if term in base), default=0
        )
    s_kw = max((field_score(q, k) for k in c.keywords), default=0.0)
    c.relevance = NAME * s_name + KEYWORDS * s_kw + BODY * body_score(q, c.body)
    c.score = c.relevance + POPULARITY * min(max(c.popularity, 0), 1000) / 1000
    if area:
        for digits, boost in REGION.items():
            if c.area_code[:digits] == area[:digits]:
                c.score += boost
                break
    return c.score
