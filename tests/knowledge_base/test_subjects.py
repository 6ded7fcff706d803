"""Which product a question is about, on the demo handbook ingested without the bank's glossary:
what the documents themselves give (their titles, their words) and nothing more."""

from __future__ import annotations

import pytest

from knowledge_base.index import KnowledgeBaseIndex
from knowledge_base.ingest import ingest
from knowledge_base.store import KnowledgeBaseStore
from knowledge_base.subjects import SubjectFinder
from tests.conftest import DEMO


@pytest.fixture(scope="module")
def subjects(tmp_path_factory: pytest.TempPathFactory) -> SubjectFinder:
    store = KnowledgeBaseStore(tmp_path_factory.mktemp("bare") / "kb")
    assert ingest(store, "bare", [DEMO / "handbook"], glossary_path=None).published
    return SubjectFinder(KnowledgeBaseIndex.load(store.current_dir("bare")))


def test_part_of_a_title_names_its_product_when_no_other_title_has_it(subjects: SubjectFinder):
    assert subjects.named("本地政府的风险补偿资金池，这种贷款能贷多久") == []
    assert subjects.partly_named("本地政府的风险补偿资金池，这种贷款能贷多久") == ["政府风险补偿贷"]
    assert subjects.partly_named("有几项知识产权，能贷多少") == ["知识产权质押贷"]
    # Two words of one title that no other title has, apart.
    assert subjects.partly_named("我们区有政府补偿资金池，第一次能给多少") == ["政府风险补偿贷"]


def test_a_short_or_shared_word_of_a_title_names_nothing(subjects: SubjectFinder):
    assert subjects.partly_named("接了个政府采购订单") == []  # 政府 alone: a client's setting
    assert subjects.partly_named("我们应收款比较多") == []


def test_an_english_name_is_recognised_by_its_last_words_and_a_credit_rating_is_not_a_loan(
        subjects: SubjectFinder):
    assert subjects.named("For receivables financing, what share can we get?") == ["应收账款融资"]
    assert subjects.named("is there a pledge loan for patents") == ["知识产权质押贷"]
    assert subjects.named("is it linked to my loan") == []  # Investment-Linked: its words must be together
    assert subjects.named("our tax credit grade is M, can we get the IP pledge loan?") == ["知识产权质押贷"]
    assert subjects.named("what is the sme loan rate") == []  # SME: any loan's word


def test_what_the_client_does_not_have_names_no_product(subjects: SubjectFinder):
    assert subjects.named("我们没有知识产权质押贷那种条件，纳税记录还行，税金贷能贷多少") == ["税金贷"]
    assert subjects.named("不是知识产权质押贷，是税金贷") == ["税金贷"]


def test_a_figure_the_client_mentions_is_no_situation(subjects: SubjectFinder):
    # 1000万 appears in two products' documents; it says nothing about which product the client needs.
    assert subjects.situated(subjects.kb.tokenizer.tokens("刚拿到一笔1000万的股权投资，想再配点贷款")) == "投贷联动"
