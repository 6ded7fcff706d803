"""What the slot validators accept from a client, what they turn it into, and what they refuse.

"Today" is fixed at Wednesday 2024-06-12 so that relative dates read the same on every run.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from assistant.validators import Rejected, Validated, ValidationContext, get_validator
from assistant.validators.identity import credit_code_check_char, is_valid_credit_code

WEDNESDAY = date(2024, 6, 12)
VALID_CODE = "91350100M000100Y43"  # a well-formed unified social credit code (check character 3)


def check(validator: str, text: str, today: date = WEDNESDAY, **options: Any) -> Validated | Rejected:
    return get_validator(validator)(text, ValidationContext(today=today, options=options))


def value(validator: str, text: str, **options: Any) -> Any:
    result = check(validator, text, **options)
    assert isinstance(result, Validated), f"{validator} rejected {text!r}: {result}"
    return result.value


# mobile numbers ---------------------------------------------------------------------------------
@pytest.mark.parametrize("typed", [
    "13912345678",
    "139 1234 5678",  # grouped as on a business card
    "139-1234-5678",
    "+86 139 1234 5678",
    "+8613912345678",
    "8613912345678",
    "１３９１２３４５６７８",  # full-width digits from a Chinese keyboard
    "我的手机是13912345678，白天都在",
])
def test_a_mobile_number_is_read_in_the_ways_clients_type_it(typed: str) -> None:
    assert value("mobile", typed) == "13912345678"


@pytest.mark.parametrize("typed", [
    "1391234567",  # ten digits
    "139123456789",  # twelve digits
    "12912345678",  # no mobile network starts 12x
    "010-12345678",  # a landline
    "不告诉你",
])
def test_what_is_not_a_mobile_number_is_refused_with_the_mobile_hint(typed: str) -> None:
    assert check("mobile", typed) == Rejected("mobile")


# unified social credit codes (GB 32100-2015) ----------------------------------------------------
def test_the_check_character_is_computed_from_the_first_seventeen() -> None:
    assert credit_code_check_char(VALID_CODE[:17]) == "3"
    assert is_valid_credit_code(VALID_CODE)
    assert not is_valid_credit_code(VALID_CODE[:17] + "4")


def test_a_valid_credit_code_is_accepted_from_a_sentence_spaced_or_lowercase() -> None:
    assert value("credit_code", VALID_CODE) == VALID_CODE
    assert value("credit_code", f"统一社会信用代码：{VALID_CODE}。") == VALID_CODE
    assert value("credit_code", "9135 0100 M000 100Y43") == VALID_CODE
    assert value("credit_code", VALID_CODE.lower()) == VALID_CODE  # stored upper-case


@pytest.mark.parametrize("typo", [
    "91350100M000100Y44",  # the last character
    "91350100M000200Y43",  # a digit in the middle
    "81350100M000100Y43",  # the first character
])
def test_one_wrong_character_fails_the_check_and_says_so(typo: str) -> None:
    assert check("credit_code", typo) == Rejected("credit_code_check")


def test_letter_o_typed_for_zero_is_read_as_zero_because_codes_never_use_o() -> None:
    # I, O, S, V and Z are not in the code's alphabet; the check character confirms the reading.
    assert value("credit_code", "91350100MO00100Y43") == VALID_CODE
    assert value("credit_code", "91350100M00010OY43") == VALID_CODE


def test_a_short_code_is_not_mistaken_for_a_typo() -> None:
    assert check("credit_code", VALID_CODE[:17]) == Rejected("credit_code")


# amounts of money -------------------------------------------------------------------------------
@pytest.mark.parametrize(("typed", "yuan", "shown"), [
    ("500万", "5000000.00", "500万元"),
    ("1.2亿", "120000000.00", "1.2亿元"),
    ("一点二亿", "120000000.00", "1.2亿元"),
    ("1亿2千万", "120000000.00", "1.2亿元"),
    ("三百万", "3000000.00", "300万元"),
    ("两千万", "20000000.00", "2000万元"),
    ("一百二十万", "1200000.00", "120万元"),
    ("贰佰元", "200.00", "200.00元"),
    ("5,000,000", "5000000.00", "500万元"),
    ("100w", "1000000.00", "100万元"),
    ("200万元人民币", "2000000.00", "200万元"),
    ("5000元", "5000.00", "5000.00元"),
])
def test_amounts_in_arabic_and_chinese_numerals_with_wan_and_yi(typed: str, yuan: str, shown: str) -> None:
    assert check("amount", typed) == Validated(yuan, shown)


@pytest.mark.parametrize(("typed", "yuan", "shown"), [
    ("三百来万", "3000000.00", "约300万元"),
    ("三百多万", "3000000.00", "约300万元"),
    ("十几万", "100000.00", "约10万元"),
    ("大概500万左右", "5000000.00", "约500万元"),
    ("300-500万", "3000000.00", "约300万元"),  # a range: the lower bound, in the unit said after it
    ("五十万到一百万", "500000.00", "约50万元"),
])
def test_an_approximate_amount_is_its_round_number_and_is_shown_back_as_an_estimate(
        typed: str, yuan: str, shown: str) -> None:
    # Decided behaviour: never read 三百来万 as 300 yuan; take the round number the client said, in
    # its unit, and show it with 约 so the client can correct it at the confirmation.
    assert check("amount", typed) == Validated(yuan, shown)


@pytest.mark.parametrize("typed", ["三五百万", "半个亿", "不知道", "0元"])
def test_amounts_that_cannot_be_read_safely_are_asked_again(typed: str) -> None:
    # 三五百万 (300 to 500万) must not become 35百万; the client is asked for a number instead.
    assert check("amount", typed) == Rejected("amount")


def test_a_bare_number_means_wan_where_the_flow_says_so() -> None:
    assert value("amount", "300", bare_number_unit="万") == "3000000.00"
    assert value("amount", "300") == "300.00"  # a complaint's 300 is yuan
    assert value("amount", "300元", bare_number_unit="万") == "300.00"  # a unit said wins


def test_an_amount_outside_the_flow_range_is_refused_as_out_of_range() -> None:
    assert check("amount", "5000元", min=10000) == Rejected("amount_range")


def test_years_and_loan_terms() -> None:
    assert value("years", "三年多") == 3.0
    assert value("years", "2019年成立的") == 5.0
    assert value("years", "18个月") == 1.5
    assert value("term_months", "三年") == 36
    assert value("term_months", "半年") == 6


# dates ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("said", "day"), [
    ("上周五", "2024-06-07"),
    ("周五", "2024-06-07"),  # the most recent Friday
    ("上上周一", "2024-05-27"),
    ("上星期天", "2024-06-09"),
    ("这周一", "2024-06-10"),
    ("今天", "2024-06-12"),
    ("昨天", "2024-06-11"),
    ("前天", "2024-06-10"),
    ("大前天", "2024-06-09"),
    ("三天前", "2024-06-09"),
    ("两天前", "2024-06-10"),
    ("3天前", "2024-06-09"),
    ("last Friday", "2024-06-07"),
    ("五月三日", "2024-05-03"),
    ("2024年5月3日", "2024-05-03"),
    ("12月20日", "2023-12-20"),  # said in June: last December
    ("10号", "2024-06-10"),
    ("15号", "2024-05-15"),  # the 15th has not come yet this month: last month's
    ("上个月15号", "2024-05-15"),
    ("上个月", "2024-05-01"),  # no day given: the first of that month
])
def test_relative_and_partial_dates_are_read_against_today(said: str, day: str) -> None:
    assert value("past_date", said) == day


@pytest.mark.parametrize("said", ["下周一", "本周五", "2024-07-01", "2018-01-01"])
def test_a_date_in_the_future_or_over_five_years_ago_is_questioned(said: str) -> None:
    assert check("past_date", said) == Rejected("date_range")


def test_not_remembering_the_date_is_an_answer() -> None:
    assert check("past_date", "记不清了") == Validated(None, "不详")


def test_the_same_words_mean_another_day_on_another_day() -> None:
    monday = date(2024, 6, 10)
    assert check("past_date", "上周五", today=monday) == Validated("2024-06-07", "2024-06-07")
    assert check("past_date", "周五", today=monday) == Validated("2024-06-07", "2024-06-07")
    assert check("past_date", "三天前", today=date(2024, 3, 1)) == Validated("2024-02-27", "2024-02-27")


# ticket numbers ---------------------------------------------------------------------------------
def test_a_ticket_number_is_read_however_it_is_spaced_or_cased() -> None:
    for typed in ("TS-20240612-0001", "ts20240612 0001", "工单号是 TS-20240612-0001 谢谢"):
        assert value("ticket_number", typed) == "TS-20240612-0001"
    assert check("ticket_number", "工单号我忘了") == Rejected("ticket_number")


def test_an_id_card_number_is_told_apart_from_a_credit_code():
    from assistant.validators.identity import looks_like_id_number

    assert looks_like_id_number("110101199003071234")  # region, born 1990-03-07, sequence, check
    assert not looks_like_id_number("91350100M000100Y43")  # a credit code has letters …
    assert not looks_like_id_number("913301067238154653")  # … or no birth date where an ID has one
