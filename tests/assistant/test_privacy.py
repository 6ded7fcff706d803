"""Masking personal information (PIPL) in logs and in staff views that do not need the full value.

Whatever form the validators accept a mobile number or credit code in, the masking hides it too.
"""

from __future__ import annotations

import pytest

from assistant.privacy import mask_credit_code, mask_mobile, mask_text


def test_a_mobile_keeps_its_first_three_and_last_four_digits() -> None:
    assert mask_mobile("13912345678") == "139****5678"


@pytest.mark.parametrize(("typed", "masked"), [
    ("139 1234 5678", "139 **** 5678"),
    ("139-1234-5678", "139-****-5678"),
    ("+86 13912345678", "+86 139****5678"),
    ("+8613912345678", "+86139****5678"),
    ("8613912345678", "86139****5678"),
])
def test_mobiles_written_with_spaces_or_the_country_code_are_masked_too(typed: str, masked: str) -> None:
    assert mask_text(typed) == masked


def test_a_credit_code_keeps_its_first_and_last_four_characters() -> None:
    assert mask_credit_code("91350100M000100Y43") == "9135**********0Y43"
    assert mask_text("代码91350100m000100y43") == "代码9135**********0y43"  # typed in lowercase


def test_an_id_card_number_keeps_its_region_and_last_four() -> None:
    assert mask_text("身份证110101199003071234") == "身份证110101********1234"
    assert mask_text("身份证号11010119900307123X。") == "身份证号110101********123X。"


def test_every_identifier_in_a_free_text_message_is_masked() -> None:
    message = ("我是张伟，手机13912345678，备用139 8765 4321，公司代码91350100M000100Y43，"
               "身份证110101199003071234，上周五被扣了200元")
    masked = mask_text(message)
    assert masked == ("我是张伟，手机139****5678，备用139 **** 4321，公司代码9135**********0Y43，"
                      "身份证110101********1234，上周五被扣了200元")
    for secret in ("12345678", "8765", "M000100", "19900307"):
        assert secret not in masked


def test_numbers_that_are_not_personal_are_left_alone() -> None:
    text = "发票号码24332000000012345678，金额1391234567890元，工单TS-20240612-0001，贷款300万元"
    assert mask_text(text) == text


def test_masking_twice_changes_nothing_more() -> None:
    once = mask_text("手机13912345678 代码91350100M000100Y43")
    assert mask_text(once) == once
