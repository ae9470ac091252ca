"""Query understanding: the lexicon reads mixed and misspelt pinyin syllable by syllable,
questions lose their fillers and gain their intents, synonyms come from a list of files, and
what the page shows of a result (entries, badges, suggestions)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.catalogue.cli import seed_path
from app.catalogue.db import get_engine, upgrade
from app.catalogue.i18n import content_for
from app.ingest import load_files
from app.search.analyze import analyze_query, content_words
from app.search.lexicon import build_lexicon, edit1, syllable_distance
from app.search.present import entries, suggestions
from app.search.service import lexicon_for, search
from app.search.synonyms import SynonymError, load_table, synonyms_for, synonyms_from
from app.text import pick, translate

LEX = build_lexicon(
    [("居民身份证换领", 1), ("户口迁移", 1), ("社会保障卡申领", 1), ("社保卡", 1), ("结婚登记", 1),
     ("住房公积金提取", 1), ("小吃", 1)],
    [],
)  # fmt: skip


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('understanding') / 'u.db'}"
    engine = get_engine(url)
    upgrade(engine)
    assert load_files([seed_path("shandong"), seed_path("sichuan")], engine).ok
    return url


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("户kou迁移", "户口迁移"),  # letters among characters
        ("shebao卡", "社保卡"),  # letters first
        ("结hun登记", "结婚登记"),
        ("gongjijin提取", "公积金提取"),
    ],
)
def test_mixed_pinyin_and_characters_read_as_words(typed: str, meant: str) -> None:
    rewrite = LEX.rewrite(typed)
    assert rewrite is not None and rewrite.text == meant and rewrite.stray == 0


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("hukouqinyi", "户口迁移"),  # a letter missing
        ("shebaooka", "社保卡"),  # a letter doubled
        ("jiehum", "结婚"),  # a letter wrong
        ("shenfezheng", "身份证"),
    ],
)
def test_pinyin_one_letter_off_is_corrected(typed: str, meant: str) -> None:
    rewrite = LEX.rewrite(typed)
    assert rewrite is not None and rewrite.text == meant and rewrite.edits == 1


def test_corrections_stay_within_one_letter_of_one_syllable() -> None:
    assert edit1("qin", "qian") and not edit1("qn", "qian")
    assert syllable_distance("hukouqinyi", ("hu", "kou", "qian", "yi")) == 1
    assert syllable_distance("hukqinyi", ("hu", "kou", "qian", "yi")) is None  # two letters
    # two real syllables that are another word, not a typo of a two-syllable one
    assert LEX.rewrite("xiaomi") is None
    assert LEX.rewrite("qwrtzx") is None


def test_questions_lose_fillers_as_whole_words() -> None:
    assert content_words("请问身份证快到期了应该去哪里换") == ["身份证", "到期", "换"]
    assert "了解" in content_words("想了解医保")  # 了 is a filler, 了解 is not


def test_intents_need_one_word_of_every_group() -> None:
    syn = synonyms_for(None)
    q = analyze_query("公司搬到新地方了要办什么", syn)
    assert "企业变更登记" in q.intents
    assert "企业变更登记" not in analyze_query("搬家", syn).intents


def test_what_a_question_means_outranks_a_service_sharing_its_generic_word(
    tmp_path: Path,
) -> None:
    """A question's generic word (the subject 渔船 of 渔船换港口) can match another service's
    name and keyword better than anything matches the service the question means; the meant
    service, named by the intent's term or a longer name holding it, ranks first all the same,
    and more so the more of the question the intent explains."""
    from app.search.rank import Candidate, score

    table = tmp_path / "intents.toml"
    table.write_text(
        '[[intents]]\nmeans = ["渔船变更登记"]\nall = [["渔船"], ["换港口", "搬港"]]\n\n'
        '[[intents]]\nmeans = ["渔船补贴"]\nall = [["渔船"], ["油价"]]\n',
        encoding="utf-8",
    )
    syn = synonyms_from((table,))

    def candidate(name: str, keywords: list[str]) -> Candidate:
        return Candidate(name, "", name, name, keywords, "", 0, "370000000000", "个人", "省级",
                         "", True)  # fmt: skip

    other = candidate("渔船名称核定", ["渔船名称查重"])
    meant = candidate("渔船变更登记", ["改船东"])
    subsidy = candidate("渔船补贴申领", ["燃油补助"])
    q = analyze_query("渔船换港口", syn)
    assert q.intents == {"渔船变更登记": 1.0}
    assert score(q, meant, None) > score(q, other, None)
    q = analyze_query("渔船油价", syn)
    assert score(q, subsidy, None) > score(q, other, None)  # the term inside a longer name
    # typed words the intent does not explain weaken its pull
    long = analyze_query("渔船换港口以后渔民证书要换吗", syn)
    assert 0 < long.intents["渔船变更登记"] < 1


def test_synonyms_from_a_list_of_files_later_wins(tmp_path: Path) -> None:
    base = tmp_path / "base.toml"
    base.write_text('[synonyms]\n"蓝月亮" = ["居民身份证"]\n', encoding="utf-8")
    extra = tmp_path / "province.toml"
    extra.write_text(
        '[synonyms]\n"蓝月亮" = ["户口迁移"]\n\n[[intents]]\nmeans = ["出生登记"]\n'
        'all = [["熊猫"], ["宝宝"]]\n',
        encoding="utf-8",
    )
    syn = synonyms_from((base, extra))
    assert syn.terms["蓝月亮"] == ("户口迁移",)
    assert syn.meant("熊猫宝宝") == [(3, "出生登记")]  # characters the words cover
    bad = tmp_path / "bad.toml"
    bad.write_text('[[intents]]\nmeans = ["x"]\nall = "宝宝"\n', encoding="utf-8")
    with pytest.raises(SynonymError, match=r"bad.toml: intents\[1\].all"):
        load_table(bad)


def test_nonsense_finds_nothing_and_sense_finds_its_service(db: str) -> None:
    with get_engine(db).connect() as conn:
        for query in ("明天的天气预报", "周末去哪里钓鱼", "qwertyuiop", "红烧排骨做法"):
            assert search(conn, query, province="shandong").hits == [], query
        for query, name in [
            ("孙子刚生下来要去办什么", "出生登记"),
            ("户籍qianyi", "户口迁移"),
            ("yibaoyidi", "医保异地就医备案"),
            ("公司地址变了怎么弄", "企业变更登记"),
        ]:
            names = [h.name for h in search(conn, query, province="shandong").hits[:3]]
            assert name in names, (query, names)


def test_entries_carry_what_a_citizen_reads(db: str) -> None:
    with get_engine(db).connect() as conn:
        result = search(conn, "身份证换领", province="shandong")
        top = entries(conn, result.hits, result.query, content_for(None))[0]
    assert top["name"] == "居民身份证换领" and top["href"].startswith("/item/")
    assert top["area"].endswith(("区", "县", "市")) and top["department"]
    # badges, the name and the department are local texts: read per locale
    badges = [pick(b, "zh_Hans") for b in top["badges"]]
    assert any("跑" in b or "网办" in b for b in badges)
    assert any(b in ("收费", "不收费") for b in badges)
    fee_en = (translate("en", "收费"), translate("en", "不收费"))
    assert any(pick(b, "en") in fee_en for b in top["badges"])
    assert pick(top["local"], "en") == content_for(None).names["en"]["居民身份证换领"]
    assert pick(top["local"], "zh_Hans") == "居民身份证换领"
    assert top["others"] and all(o["label"] and o["href"] for o in top["others"])
    assert any(p["hit"] for p in top["parts"])


def test_zero_results_suggest_what_the_query_nearly_spells(db: str) -> None:
    with get_engine(db).connect() as conn:
        lex = lexicon_for(conn, "shandong")
        q = analyze_query("shebaoka", synonyms_for("shandong"))
        assert "社保卡" in suggestions(lex, q)
        q = analyze_query("火星探测器", synonyms_for("shandong"))
        assert suggestions(lex, q) == []
