"""Turning queries into what to look for (the item side, documents, is
``app.search.documents``): normalise, classify (chinese, pinyin, initials, mixed), read Latin
letters as words through the lexicon, drop question words and fillers, add synonyms and
intents, segment.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.search.documents import (  # noqa: F401  (re-exported: the item side moved)
    LEVELS,
    Document,
    analyze_item,
    audience_token,
    body_text,
    dept_token,
    scope_tokens,
)
from app.search.foreign import words as foreign_words
from app.search.lexicon import Lexicon
from app.search.synonyms import Synonyms
from app.search.text import (
    compact,
    cut,
    fuzzy_typed_pinyin,
    has_cjk,
    normalize,
    pinyin,
    pinyin_coverage,
    segment,
)


@dataclass
class Query:
    """What one query asks for."""

    raw: str
    text: str  # normalised, spaces kept
    compact: str  # normalised, no spaces
    kind: str  # empty | chinese | pinyin | initials | mixed | foreign
    phrases: list[tuple[str, float]] = field(default_factory=list)  # CJK phrases with weights
    words: list[str] = field(default_factory=list)  # segmented words of all phrases
    latin: str = ""  # fuzzy pinyin (kind pinyin) or letters (kind initials)
    concepts: list[str] = field(default_factory=list)  # content words of a sentence
    # terms the question was read to mean, each with the share of the query its intent's
    # words cover (0-1)
    intents: dict[str, float] = field(default_factory=dict)
    # field texts already scored against this query (``rank.field_score``): the items of one
    # service repeat their keywords, and the same query asked again meets the same names
    memo: dict[str, float] = field(default_factory=dict, compare=False, repr=False)

    @property
    def empty(self) -> bool:
        return self.kind == "empty"


def analyze_query(raw: str, synonyms: Synonyms, lexicon: Lexicon | None = None) -> Query:
    """Normalise, classify, read Latin letters as words (``lexicon``), drop question words
    and fillers, expand with synonyms and intents, and segment a query."""
    text = normalize(raw)
    flat = text.replace(" ", "")
    foreign = [] if has_cjk(flat) else synonyms.foreign.match(raw)
    if foreign and (not flat or foreign[0][1] >= 0.9 or pinyin_coverage(flat) < 0.99):
        return _foreign_query(raw, text, flat, foreign)
    if not flat:
        return Query(raw, text, flat, "empty")
    rewrite = lexicon.rewrite(flat) if lexicon is not None else None
    if has_cjk(flat):
        kind = "chinese" if flat == "".join(ch for ch in flat if has_cjk(ch)) else "mixed"
        if kind == "mixed" and rewrite is not None:
            # 居zhu证 → 居住证: the Chinese path from here on, on what the letters meant
            text = flat = rewrite.text
        q = Query(raw, text, flat, kind)
        _chinese(q, flat, text, synonyms)
    else:
        latin = flat
        py = fuzzy_typed_pinyin(latin) if pinyin_coverage(latin) >= 0.99 else ""
        kind = "pinyin" if py and (len(latin) > 3 or py in synonyms.by_pinyin) else "initials"
        if rewrite is not None and rewrite.stray == 0:
            kind = "pinyin"
            if rewrite.edits:  # the pinyin as it should have been typed
                py = pinyin(rewrite.text)
        q = Query(raw, text, flat, kind, latin=py)
        phrases = list(synonyms.by_pinyin.get(py, [])) if py else []
        if len(latin) >= 2:
            phrases += synonyms.by_initials.get(latin, [])
        for phrase in dict.fromkeys(phrases):
            q.phrases.append((phrase, 0.8))
            _add_expansions(q, synonyms.expand(phrase), len(phrase), 0.55)
        if rewrite is not None and rewrite.stray == 0:
            weight = 0.95 if not rewrite.edits else 0.9
            q.phrases = _merge(q.phrases, [(rewrite.text, weight)])
            _add_expansions(q, synonyms.expand(rewrite.text), len(rewrite.text), 0.55)
            if rewrite.edits and lexicon is not None:
                # a letter off can mean more than one word (jiaishizheng: 驾驶证 or 教师证):
                # every word as near as the one read counts, the ranking decides
                for word, edits in lexicon.lookup(latin, typo=True)[:3]:
                    if edits == rewrite.edits and word != rewrite.text:
                        q.phrases = _merge(q.phrases, [(word, weight)])
                        _add_expansions(q, synonyms.expand(word), len(word), 0.55)
    seen: dict[str, None] = {}
    for phrase, _ in q.phrases:
        for word in segment(phrase):
            seen.setdefault(word, None)
    q.words = list(seen)
    return q


def _foreign_query(raw: str, text: str, flat: str, found: list[tuple[str, float]]) -> Query:
    """An English or Uyghur query: the Chinese names of the items it names, as phrases
    weighted by how well it matched (the best first, so it ranks as the official name), and
    its own words as terms of the indexed foreign names (``analyze_item``)."""
    q = Query(raw, text, flat, "foreign")
    q.phrases = [(compact(name), 0.6 + 0.4 * score) for name, score in found]
    seen: dict[str, None] = {}
    for phrase, _ in q.phrases:
        for word in segment(phrase):
            seen.setdefault(word, None)
    for word in foreign_words(raw):
        seen.setdefault(word, None)
    q.words = list(seen)
    return q


def _chinese(q: Query, flat: str, text: str, synonyms: Synonyms) -> None:
    """Phrases of a query with characters: what is left once question words and fillers
    are gone, each typed chunk, each content word of a sentence, synonyms and intents."""
    content = content_words(flat)
    core = "".join(content)
    q.phrases.append((core or flat, 1.0))
    for part in text.split():  # each typed chunk also counts on its own
        part = strip_filler(part)
        if part and part != core and has_cjk(part):
            q.phrases.append((part, 0.9))
    words = [w for w in content if len(w) >= 2 and has_cjk(w)]
    if len(words) >= 2:  # a sentence: every content word also stands for itself
        q.phrases = _merge(q.phrases, [(w, 0.7) for w in words])
    q.concepts = words
    length = max(len(core), 1)
    _add_expansions(q, synonyms.expand(flat), length, 0.6)
    for n, term in synonyms.meant(flat):
        q.intents[term] = max(q.intents.get(term, 0.0), min(n / length, 1.0))
    if q.intents:
        q.phrases = _merge(q.phrases, [(t, 0.8 + 0.15 * c) for t, c in q.intents.items()])


def _merge(
    phrases: list[tuple[str, float]], more: list[tuple[str, float]]
) -> list[tuple[str, float]]:
    weights = dict(phrases)
    for phrase, w in more:
        if w > weights.get(phrase, 0.0):
            weights[phrase] = w
    return list(weights.items())


# Question words, particles, pronouns and verbs of asking that say nothing about the service
# (dropped as whole words, so 了解 or 目的 keep their characters).
_FILLER_WORDS = """
    怎么办理 怎么办 怎么样 怎么 怎样 咋办 咋 如何办理 如何 在哪里 在哪儿 在哪 哪里 哪儿 哪个 哪家
    去哪 去哪里 需要 需要什么 要什么 要哪些 什么 哪些 啥 多少 几 材料 流程 手续 步骤 办法 方法
    条件 我 我们 我的 你 你们 他 她 它 咱 自己 家里 想 我要 我想 想要 要 得 应该 应当 必须 可以
    能 能不能 能否 可不可以 会 是不是 有没有 是否 吗 呢 啊 吧 呀 嘛 哦 了 的 地 之 一下 一个
    个 请问 请 麻烦 帮 帮忙 网上 在线 现在 刚刚 刚 已经 还 又 也 都 就 才 把 被 给 让 对 跟
    和 与 及 或 或者 以后 之后 后 以前 之前 时候 时 有 没有 没 是 去 来 到 在 这 那 这个 那个
    这些 那些 一 一家 一些 些 办 办理 弄 搞 做 哪 该 好 行 不 吗呢 多 快 很 非常 最 呗 哈 嗯
    """
FILLER = frozenset(_FILLER_WORDS.split())


def content_words(flat: str) -> list[str]:
    """The words of a compact query that are not question words or fillers."""
    return [w for w in cut(flat) if w not in FILLER]


def strip_filler(text: str) -> str:
    """A query without the question words and particles that say nothing about the service."""
    return "".join(content_words(text.replace(" ", "")))


def _add_expansions(q: Query, found: list[tuple[str, str]], length: int, base: float) -> None:
    """Synonym terms weigh more the more of the query their phrase explains; a phrase's
    first term more than its later ones."""
    weights: dict[str, float] = dict(q.phrases)
    order: dict[str, int] = {}
    for phrase, term in found:
        n = order.get(phrase, 0)
        order[phrase] = n + 1
        w = (base + 0.3 * min(len(phrase) / max(length, 1), 1.0)) * (0.92**n)
        if w > weights.get(term, 0.0):
            weights[term] = w
    q.phrases = list(weights.items())
