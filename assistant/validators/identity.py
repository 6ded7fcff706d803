"""Mobile numbers, unified social credit codes (GB 32100-2015), company and person names."""

from __future__ import annotations

import re
from datetime import date

from assistant.validators.base import Rejected, Validated, ValidationContext, cjk_count, normalise

_MOBILE = re.compile(r"(?<!\d)(?:\+?86[\s-]?)?(1[3-9]\d)[\s-]?(\d{4})[\s-]?(\d{4})(?!\d)")


def mobile(text: str, ctx: ValidationContext) -> Validated | Rejected:
    match = _MOBILE.search(normalise(text))
    if not match:
        return Rejected("mobile")
    number = "".join(match.groups())
    return Validated(number, number)


CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_LOOKALIKES = str.maketrans("OI", "01")
_CREDIT_CODE = re.compile(r"(?<![0-9A-Z])[0-9A-Z]{18}(?![0-9A-Z])")


def credit_code_check_char(first17: str) -> str:
    total = sum(CREDIT_CODE_CHARS.index(ch) * w for ch, w in zip(first17, _WEIGHTS, strict=True))
    return CREDIT_CODE_CHARS[(31 - total % 31) % 31]


def is_valid_credit_code(code: str) -> bool:
    code = code.upper()
    if len(code) != 18 or any(ch not in CREDIT_CODE_CHARS for ch in code):
        return False
    return credit_code_check_char(code[:17]) == code[17]


def looks_like_id_number(code: str) -> bool:
    """An 18-character resident identity card number (GB 11643 form: region, birth date, sequence,
    check). Masking treats such a string as an ID number, so the flows do too: a client who types
    one (in a complaint's story, say) is not typing a mistyped credit code."""
    code = code.upper()
    if not re.fullmatch(r"[1-9]\d{16}[\dX]", code):
        return False
    try:
        born = date(int(code[6:10]), int(code[10:12]), int(code[12:14]))
    except ValueError:
        return False
    return 1900 <= born.year <= 2100


def credit_code(text: str, ctx: ValidationContext) -> Validated | Rejected:
    cleaned = normalise(text).upper().replace(" ", "").replace("-", "")
    candidates = _CREDIT_CODE.findall(cleaned)
    if not candidates:
        return Rejected("credit_code")
    for code in candidates:
        # The code never uses I, O, S, V, Z; a typed O or I is the digit 0 or 1 (the check character confirms).
        code = code.translate(_LOOKALIKES) if not is_valid_credit_code(code) else code
        if is_valid_credit_code(code):
            return Validated(code, code)
    return Rejected("credit_code_check")  # 18 characters but the check character is wrong: a typo


_COMPANY_SUFFIX = (r"(?:股份有限公司|有限责任公司|有限公司|分公司|公司|集团|厂|商行|商店|店|工作室|合作社|中心|事务所"
                   r"|Co\.?,?\s*Ltd\.?|Ltd\.?|Limited|Inc\.?|LLC|Company|Corp\.?)")
_COMPANY = re.compile(r"([\u4e00-\u9fffA-Za-z0-9()（）&·\s.,-]{2,60}?" + _COMPANY_SUFFIX + ")", re.I)
_COMPANY_PREFIX = re.compile(r"^(我们|我司|我的|本)?(公司|企业|单位)?(名称|全称|名字)?(是|叫|为|:|：)\s*"
                             r"|^(it'?s|we are|our company is)\s+", re.I)


def company(text: str, ctx: ValidationContext) -> Validated | Rejected:
    raw = normalise(text)
    if len(raw) > 100:
        return Rejected("company")
    stripped = _COMPANY_PREFIX.sub("", raw).strip(" 。.!！")
    match = _COMPANY.search(stripped)
    if match:
        name = match.group(1).strip()
        return Validated(name, name)
    # Many clients give the short name (明远科技); accept 4+ Chinese characters that are not a question.
    if cjk_count(stripped) >= 4 and not re.search(r"[?？吗呢]|什么|怎么|多少", stripped) and len(stripped) <= 40:
        return Validated(stripped, stripped)
    return Rejected("company")


_NAME_PREFIX = re.compile(r"^(我叫|我是|我姓|联系人是?|联系|叫|姓名是?|名字是?|本人|contact(\s+person)?\s*(is)?"
                          r"|my name is|i am|i'm|this is)\s*[:：]?\s*", re.I)
# Roles and forms of address clients add to a name (财务刘芳, 王总, 张卫东张董, Mr. David Chen, CFO).
_ROLE = re.compile(r"^(财务|会计|出纳|法人代表|法定代表人|法人|老板|负责人|总经理|经理|董事长|联系人|的)+")
_TITLE = r"(总经理|董事长|总监|经理|总|董|老板|先生|女士|小姐|主任|会计|老师|厂长|行长|工)"
_ADDRESS = re.compile(rf"^[\u4e00-\u9fff]{_TITLE}$")  # 王总, 刘经理: a surname and a title, not a full name
_TRAILING_ADDRESS = re.compile(rf"(?<=[\u4e00-\u9fff]{{2}})[\u4e00-\u9fff]?{_TITLE}$")
_HONORIFIC = re.compile(r"^(mr|mrs|ms|miss|dr|prof)\.?\s+", re.I)
_EN_ROLE = re.compile(r"\b(cfo|ceo|coo|cto|gm|manager|director|owner|boss|accountant|finance)\b\.?", re.I)


def is_form_of_address(name: str) -> bool:
    """王女士, 刘经理: a surname and a title — a usable contact name, but not a full one."""
    return bool(_ADDRESS.fullmatch(name))


def _one_name(part: str, allow_address: bool = False) -> str | None:
    part = _ROLE.sub("", _NAME_PREFIX.sub("", part.strip(" 。.!！?？:：()（）"))).strip()
    if re.fullmatch(r"[\u4e00-\u9fff·]{2,8}", part):
        if _ADDRESS.fullmatch(part):
            return part if allow_address else None
        trimmed = _TRAILING_ADDRESS.sub("", part) if len(part) > 3 else part
        return trimmed if re.fullmatch(r"[\u4e00-\u9fff·]{2,5}", trimmed) and not _ADDRESS.fullmatch(trimmed) else None
    english = _EN_ROLE.sub("", _HONORIFIC.sub("", part)).strip(" ,.")
    if re.fullmatch(r"(mr|mrs|ms|miss|dr|prof|sir|madam)\.?", english, re.I):
        return None
    if re.fullmatch(r"[A-Za-z][A-Za-z.'-]+(\s+[A-Za-z][A-Za-z.'-]+){0,3}", english) and len(english) <= 40:
        return english.title() if english.islower() or english.isupper() else english
    return None


def person_name(text: str, ctx: ValidationContext) -> Validated | Rejected:
    """A contact's name; titles, roles and a repeated form of address are dropped (王建国，王总 → 王建国)."""
    raw = normalise(text)
    if len(raw) > 60:
        return Rejected("person_name")
    parts = re.split(r"[，,、;；/]+|\s{2,}|(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", raw)
    for allow_address in (False, True):  # a full name first (王建国，王总 → 王建国); else 王女士 will do
        for part in parts:
            if name := _one_name(part, allow_address):
                return Validated(name, name)
    return Rejected("person_name")


_TICKET = re.compile(r"TS-?(\d{8})-?(\d{4})", re.I)


def ticket_number(text: str, ctx: ValidationContext) -> Validated | Rejected:
    match = _TICKET.search(normalise(text).upper().replace(" ", ""))
    if not match:
        return Rejected("ticket_number")
    number = f"TS-{match[1]}-{match[2]}"
    return Validated(number, number)
