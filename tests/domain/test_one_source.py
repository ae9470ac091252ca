"""Each closed vocabulary of the domain is declared once: the audiences (个人/法人 and their
English keys) in app.domain.enums.Audience, an application's statuses in
app.domain.rules.Status. Read from the source: a tuple, list, set, dict or ``Literal[...]``
that spells two of a vocabulary's words anywhere else is a second declaration. Today's
exceptions sit in modules other branches are rewriting; each is listed with its reason, and
the test fails when one is gone (take it off the list)."""

from __future__ import annotations

import ast
from pathlib import Path

from app.domain.enums import Audience
from app.domain.rules import Status

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = ("app", "components", "themes", "scripts")

AUDIENCE_WORDS = {a.value for a in Audience}
AUDIENCE_KEYS = {a.key for a in Audience}
#: the component library's data-audience values: the one other English spelling there was
OTHER_KEYS = {"personal", "legal"}
STATUS_WORDS = {s.value for s in Status}

#: (path, vocabulary) of declarations still to be replaced, each with its reason
KNOWN: dict[tuple[str, str], str] = {
    ("components/audience_switch/__init__.py", "audience"): (
        "the component's own prop vocabulary (Literal['个人', '法人'] and its data-audience keys, "
        "the same as Audience.key: tests/journeys/test_catalogue.py): components sit below "
        "app.domain and cannot import it"
    ),
}


def _words(node: ast.AST) -> set[str]:
    """The string constants a declaration spells out (a container's items, a dict's keys and
    values, ``Literal[...]``'s arguments)."""
    items: list[ast.expr | None] = []
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        items = list(node.elts)
    elif isinstance(node, ast.Dict):
        items = [*node.keys, *node.values]
    elif isinstance(node, ast.Subscript) and getattr(node.value, "id", "") == "Literal":
        inner = node.slice
        items = list(inner.elts) if isinstance(inner, ast.Tuple) else [inner]
    return {i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)}


def declarations() -> set[tuple[str, str]]:
    vocabularies = {
        "audience": (AUDIENCE_WORDS, AUDIENCE_KEYS, OTHER_KEYS),
        # (not the milestones: the cashier's and the courier's own protocols use those words)
        "status": (STATUS_WORDS,),
    }
    homes = {"audience": "app/domain/enums.py", "status": "app/domain/rules.py"}
    found = set()
    for path in (p for folder in FOLDERS for p in (ROOT / folder).rglob("*.py")):
        where = str(path.relative_to(ROOT))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            words = _words(node)
            for name, spellings in vocabularies.items():
                if where != homes[name] and any(len(words & s) >= 2 for s in spellings):
                    found.add((where, name))
    return found


def test_each_vocabulary_is_declared_once() -> None:
    assert declarations() - set(KNOWN) == set()


def test_the_known_exceptions_are_still_there() -> None:
    gone = sorted(set(KNOWN) - declarations())
    assert gone == [], f"no longer a second declaration, take it off KNOWN: {gone}"


def test_an_audience_has_its_word_and_one_english_key() -> None:
    assert [(a.value, a.key) for a in Audience] == [("个人", "person"), ("法人", "business")]
    for audience in Audience:
        assert Audience.from_key(audience.key) is audience
        assert Audience.parse(audience.value) is Audience.parse(audience.key) is audience
    assert Audience.parse("企业") is None and Audience.parse("") is None


def test_the_scan_sees_a_declaration() -> None:
    mapping = ast.parse('{"个人": "personal", "法人": "legal"}', mode="eval").body
    assert _words(mapping) == {"个人", "法人", "personal", "legal"}
    literal = ast.parse('Literal["submitted", "returned"]', mode="eval").body
    assert _words(literal) == {"submitted", "returned"}
