"""Search across languages: the foreign lexicon (word overlap with inflections) and the query
analysis that turns an English or Uyghur query into the Chinese names it means."""

from __future__ import annotations

import pytest

from app.search.analyze import analyze_item, analyze_query
from app.search.foreign import ForeignLexicon, index_terms, lexicon_for, same_word, words
from app.search.synonyms import synonyms_for


def test_words_drop_stop_words_and_keep_uyghur() -> None:
    assert words("How do I apply for a Passport?") == ("passport",)
    assert words("پاسپورت ئىلتىماس قىلىش") == ("پاسپورت", "ئىلتىماس", "قىلىش")
    assert words("apply") == ("apply",)  # nothing but stop words: keep them


def test_inflections_match_but_short_words_must_be_equal() -> None:
    assert same_word("renewal", "renew") and same_word("registration", "register")
    assert same_word("پاسپورتنى", "پاسپورت") and same_word("licence", "license")
    assert not same_word("car", "card") and not same_word("fund", "funeral")


def test_lexicon_ranks_the_best_explained_item_first() -> None:
    lex = ForeignLexicon(
        (
            (("renew", "id", "card"), "居民身份证换领"),
            (("lost", "id", "card"), "居民身份证丢失补领"),
            (("renew", "driving", "licence"), "机动车驾驶证期满换证"),
        )
    )
    found = lex.match("ID card renewal")
    assert found[0] == ("居民身份证换领", 1.0)
    assert [name for name, _ in found] == ["居民身份证换领", "居民身份证丢失补领"]
    assert lex.match("weather forecast") == []


def test_english_and_uyghur_queries_become_chinese_phrases() -> None:
    syn = synonyms_for("shandong")
    q = analyze_query("register a company", syn)
    assert q.kind == "foreign" and q.phrases[0][0] == "企业设立登记"
    assert "企业" in q.words and "company" in q.words
    ug = analyze_query("شىركەت قۇرۇش", syn)  # dropped by normalize(): handled before it
    assert ug.kind == "foreign" and ug.phrases[0][0] == "企业设立登记"
    # pinyin and Chinese queries keep their own analysis
    assert analyze_query("shenfenzheng", syn).kind == "pinyin"
    assert analyze_query("身分證換領", syn).kind == "chinese"


def test_the_indexed_document_holds_the_foreign_names() -> None:
    terms = index_terms("shandong", "普通护照签发")
    assert "passport" in terms and "پاسپورت" in terms
    row = {
        "name": "普通护照签发", "province": "shandong", "audience": "个人", "level": "市级",
        "online": True, "department": "出入境管理支队", "data": {"keywords": ["办护照"]},
    }  # fmt: skip
    assert "passport" in analyze_item(row).keywords.split()
    assert lexicon_for("shandong").entries


def test_a_row_analysed_where_it_is_validated_gets_its_provinces_foreign_names(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The loader's worker processes analyse a row before its province is known
    (``analyse_row``); the document still holds the foreign names of that province's own
    translations, as when the row is analysed whole (``analyze_item``)."""
    from app.search import documents

    monkeypatch.setattr(documents, "index_terms", lambda p, name: (f"name{p or 'base'}",))
    row = {
        "implementation_code": "x", "basic_code": "b", "name": "普通护照签发", "province": "",
        "audience": "个人", "level": "市级", "online": True, "department": "出入境管理支队",
        "popularity": 1, "area_code": "370100000000",
        "data": {"keywords": ["办护照"], "themes": ["出入境"]},
    }  # fmt: skip
    prepared = documents.analyse_row(dict(row))
    whole = {**row, "province": "shandong"}
    _, doc = documents.doc_row({**prepared, "province": "shandong"}, 1, 1)
    _, expected = documents.doc_row(whole, 1, 1)
    assert doc == expected
    assert "nameshandong" in doc.keywords.split() and "namebase" not in doc.keywords.split()
