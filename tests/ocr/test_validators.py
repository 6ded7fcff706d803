"""Identifier and money rules: what a credit officer relies on the checks to get right."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ocr.validators import (
    decimal_to_words,
    is_valid_credit_code,
    parse_money,
    repair_amount_words,
    repair_credit_code,
    tax_id_kind,
    words_to_decimal,
)

# Published codes of well-known companies: the check character is computed by GB 32100-2015.
REAL_CODES = ["914403001922038216", "9144030071526726XG", "91330100716105852F"]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_credit_codes_pass_and_any_changed_check_character_fails(code: str) -> None:
    assert is_valid_credit_code(code)
    for other in "0123456789ABCDEFGHJKLMNPQRTUWXY":
        if other != code[17]:
            assert not is_valid_credit_code(code[:17] + other)


def test_a_letter_o_read_for_zero_is_recovered_by_the_check_character_and_reported() -> None:
    misread = "9144O30071526726XG"  # the letter O, which credit codes never contain
    fixed, repairs = repair_credit_code(misread, "seller_tax_id")
    assert fixed == "9144030071526726XG"
    assert len(repairs) == 1 and repairs[0].before == misread and "第5位" in repairs[0].reason


def test_a_wrong_check_character_is_not_guessed_into_a_valid_code() -> None:
    fixed, repairs = repair_credit_code("914403001922038217", "buyer_tax_id")
    assert fixed == "914403001922038217" and repairs == []


def test_legacy_fifteen_character_tax_id_is_recognised_by_its_organisation_code() -> None:
    assert tax_id_kind("44030071526726X") == "legacy"
    assert tax_id_kind("440300715267261") is None  # wrong organisation-code check digit
    assert tax_id_kind("9144030071526726XG") == "credit_code"
    assert tax_id_kind("11010519491231002X") == "legacy"  # an individual business on a resident id
    assert tax_id_kind("110105194912310021") is None  # resident id with a wrong check digit
    assert tax_id_kind("914403001922038217") is None  # a broken credit code is not "some legacy id"


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("12345.67", "壹万贰仟叁佰肆拾伍元陆角柒分"),
        ("10010.20", "壹万零壹拾元贰角"),
        ("20300.04", "贰万零叁佰元零肆分"),
        ("105000.00", "壹拾万伍仟元整"),
        ("100000000.01", "壹亿元零壹分"),
    ],
)
def test_amount_in_words_both_ways(amount: str, words: str) -> None:
    assert decimal_to_words(Decimal(amount)) == words
    assert words_to_decimal(words) == Decimal(amount)


def test_lookalike_numerals_are_repaired_and_reported() -> None:
    fixed, repairs = repair_amount_words("参万武仟元整", "total_amount_cn")
    assert fixed == "叁万贰仟元整"
    assert words_to_decimal(fixed) == Decimal("32000")
    assert "参→叁" in repairs[0].reason and "武→贰" in repairs[0].reason


def test_letters_in_a_money_figure_are_repaired_and_reported() -> None:
    value, repairs = parse_money("¥1O,3S4.00", "amount")
    assert value == Decimal("10354.00")
    assert repairs and repairs[0].field == "amount"


def test_words_that_are_not_an_amount_are_refused() -> None:
    assert words_to_decimal("壹万贰仟元整") == Decimal(12000)
    assert words_to_decimal("发票专用章") is None
