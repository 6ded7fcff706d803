"""Slot filling from free text: every fact a message states, for every step of the flow.

Clients answer in sentences ("想贷300万扩产，有厂房", "杭州明远科技有限公司，联系人王建国 13857112345"),
not field by field. Each step's own validator decides whether a value is valid; this module only
finds where in the message a step's value is said:

1. self-delimiting values first (mobile, credit code, ticket number, a company with its legal
   suffix), anywhere in the message; they are cut out, with the word that named them (手机, 电话),
   so their digits and letters cannot be read as amounts or channels;
2. the rest is split into clauses (punctuation, or spaces between Chinese words);
3. per step, as its ``extract`` in the flow file says: a money or duration phrase near a cue
   (营收 → revenue, 成立 → years), the flow's default for an un-cued one (贷300万 → amount),
   patterns with a value group (用于扩建车间), a choice's keywords, a place or a person's name
   found by the word segmenter (jieba's part-of-speech tags).

A phrase fills at most one step: cued steps claim theirs before default steps look.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from assistant.flows.spec import FlowSpec, StepSpec
from assistant.validators import Rejected, Validated, ValidationContext, get_validator
from assistant.validators.base import normalise
from assistant.validators.identity import is_form_of_address, looks_like_id_number

_CN_NUM = "零〇一二两三四五六七八九十百千万亿点壹贰叁肆伍陆柒捌玖拾佰仟"
PHRASES = {
    "money": re.compile(rf"(?:rmb|cny|¥|￥)?\s*(?:\d[\d,]*(?:\.\d+)?|[{_CN_NUM}]+)\s*(?:来|多|余|个)?\s*"
                        r"(?:千万|百万|十万|万|亿|千|w(?![a-z])|k(?![a-z])|million|m(?![a-z])|billion|元|块|yuan|rmb)"
                        r"(?:\s*(?:元|块|yuan|rmb))?", re.I),
    "duration": re.compile(rf"半年|(?:\d+(?:\.\d+)?|[{_CN_NUM}]+)\s*(?:个|多)?\s*(?:年|月|years?|months?)", re.I),
}
_SELF_DELIMITING = {
    "mobile": re.compile(r"(?:(?:手机号?码?|电话|联系电话|手机号|mobile|phone|tel)\s*(?:是|为|:|：)?\s*)?"
                         r"(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)", re.I),
    "credit_code": re.compile(r"(?:(?:统一社会)?信用代码\s*(?:是|为|:|：)?\s*)?"
                              r"(?<![0-9A-Za-z])[0-9A-Za-z]{18}(?![0-9A-Za-z])"),
    "ticket_number": re.compile(r"(?:工单号?|单号|编号|ticket)?\s*(?:是|:|：)?\s*TS-?\d{8}-?\d{4}", re.I),
}
# Out of turn, only a name with a legal form counts as a company (not "我们公司").
_COMPANY = re.compile(r"[\u4e00-\u9fff（）()·]{2,30}?(?:股份有限公司|有限责任公司|有限公司|集团|事务所|合作社|工作室)"
                      r"|(?:[A-Z][\w&'-]*\s+){1,6}(?:Co\.?,?\s*Ltd\.?|Ltd\.?|Limited|Inc\.?|LLC|Corp\.?)")
_COMPANY_LEAD = re.compile(r"^(你好|您好|我是|我们是|我们|我司|本公司|公司|企业|单位|全称|名称|名字|叫|是|为|的"
                           r"|在|跟|和|昨天|今天|前天|上周[一二三四五六日天]?|上个?月|最近|刚才|去年|今年|company)+")
_CLAUSE = re.compile(r"[，,。；;！!？?\n、]+|(?<=[\u4e00-\u9fff])\s+|\s+(?=[\u4e00-\u9fff])"
                     r"|(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bDr)\.\s+|\s+and\s+")
_EN_PLACES = ("beijing", "shanghai", "shenzhen", "guangzhou", "hangzhou", "ningbo", "wenzhou", "suzhou", "nanjing",
              "wuxi", "changzhou", "shaoxing", "jiaxing", "huzhou", "jinhua", "yiwu", "taizhou", "hefei", "xiamen",
              "fuzhou", "quanzhou", "qingdao", "jinan", "tianjin", "chongqing", "chengdu", "wuhan", "changsha",
              "xi'an", "xian", "zhengzhou", "dongguan", "foshan", "zhuhai", "kunming", "nanning", "shenyang",
              "dalian", "harbin", "changchun")
_EN_PLACE = re.compile(r"\b(" + "|".join(re.escape(p) for p in _EN_PLACES) + r")\b", re.I)
PLACES = Path(__file__).with_name("places.txt")
_PLACE_LEAD = re.compile(r"^(公司|我们|企业|工厂|厂子?|总部)?(在|位于|地址是?|地址在|注册在|办公在|坐落在)?")
_PLACE_SUFFIX = re.compile(r"市|区|县|省|镇|开发区|园区|高新区|新区|一带|附近|这边|那边")
_LEAD_IN = re.compile(r"^(好的?|嗯|对|是|的|在|叫|ok|so)[，,\s]*", re.I)


@dataclass
class _Text:
    rest: str
    clauses: list[str]
    claimed: set[tuple[int, int, int]]  # (clause, start, end) of phrases already used


def fill(spec: FlowSpec, text: str, today: date, skip: set[str] | frozenset[str] = frozenset(),
         opening: bool = False) -> dict[str, Validated]:
    """Every step of ``spec`` (but ``skip``) that ``text`` gives a valid value for."""
    raw = normalise(text)
    if not raw or len(raw) > 2000:
        return {}
    found: dict[str, Validated] = {}
    for step in spec.steps:
        if step.slot in skip or step.slot in found:
            continue
        if step.extract and step.extract.opening and opening:
            result = _validate(step, text, today)
            if result:
                found[step.slot] = result
    raw = _cut_self_delimiting(spec, raw, today, skip, found)
    clauses = [c.strip() for c in _CLAUSE.split(raw) if c and c.strip()]
    work = _Text(raw, clauses, set())
    pending = [s for s in spec.steps if s.extract and s.slot not in skip and s.slot not in found]
    # Cued steps claim their phrases before steps that take an un-cued one.
    for step in sorted(pending, key=lambda s: bool(s.extract and s.extract.default)):
        result = _extract(step, work, today)
        if result is not None:
            found[step.slot] = result
    return found


def misread(spec: FlowSpec, text: str, today: date,
            skip: set[str] | frozenset[str] = frozenset()) -> list[tuple[StepSpec, str]]:
    """Self-delimiting values the client clearly typed but that fail their check (a credit code's
    check character): the step and the validator's reason, so the client is told, not ignored."""
    raw = normalise(text)
    wrong = []
    for step in spec.steps:
        pattern = _SELF_DELIMITING.get(step.validator)
        if step.slot in skip or pattern is None or step.validator == "mobile":
            continue
        for match in pattern.finditer(raw):
            if step.validator == "credit_code" and looks_like_id_number(match.group(0)[-18:]):
                continue  # an ID card number (in a complaint's story, say) is not a mistyped credit code
            result = get_validator(step.validator)(match.group(0), ValidationContext(
                today=today, options=step.validator_options()))
            if isinstance(result, Rejected) and result.hint_key.endswith("_check"):
                wrong.append((step, result.hint_key))
                break
    return wrong


def _validate(step: StepSpec, text: str, today: date) -> Validated | None:
    result = get_validator(step.validator)(text, ValidationContext(today=today, options=step.validator_options()))
    return None if isinstance(result, Rejected) else result


def _cut_self_delimiting(spec: FlowSpec, raw: str, today: date, skip: set[str] | frozenset[str],
                         found: dict[str, Validated]) -> str:
    for step in spec.steps:
        if step.slot in skip or step.slot in found:
            continue
        pattern = _SELF_DELIMITING.get(step.validator)
        if pattern is not None:
            for match in pattern.finditer(raw):
                result = _validate(step, match.group(0), today)
                if result:
                    found[step.slot] = result
                    raw = raw[:match.start()] + "，" + raw[match.end():]
                    break
        elif step.validator == "company" and (match := _COMPANY.search(raw)):
            name = _COMPANY_LEAD.sub("", match.group(0).strip())
            result = _validate(step, name, today) if len(name) >= 4 else None
            if result:
                found[step.slot] = result
                end = match.end()
                start = end - len(name)  # only the name goes: 昨天 before it is still a date
                raw = raw[:start] + "，" + raw[end:]
    return raw


def _extract(step: StepSpec, work: _Text, today: date) -> Validated | None:
    ex = step.extract
    assert ex is not None
    if ex.needs:
        return _phrase(step, work, today)
    for pattern in ex.patterns:
        for clause in work.clauses:
            for match in re.finditer(pattern, clause, re.I):
                value = match.groupdict().get("v") or match.group(0)
                result = _validate(step, value.strip(" ，,。"), today)
                if result:
                    return result
    if ex.keywords and step.choices:
        text = "，".join(work.clauses)
        if re.fullmatch(r"\s*\d{1,2}\s*", text):
            return None  # a bare number picks a choice only as the answer to that question
        return _validate(step, text, today)
    if ex.kind == "place":
        return _place(step, work, today)
    if ex.kind == "person":
        return _person(step, work, today)
    return None


def _phrase(step: StepSpec, work: _Text, today: date) -> Validated | None:
    ex = step.extract
    assert ex is not None and ex.needs
    pattern = PHRASES[ex.needs]
    for cued in (True, False):  # a phrase near a cue anywhere beats an un-cued one earlier on
        for index, clause in enumerate(work.clauses):
            if any(re.search(v, clause, re.I) for v in ex.vetoes):
                continue
            spans = [m for m in pattern.finditer(clause) if (index, m.start(), m.end()) not in work.claimed]
            if not spans:
                continue
            cues = [m for cue in ex.cues for m in re.finditer(cue, clause, re.I)]
            if cued and cues:
                # the phrase nearest a cue, preferring one after it (营收6000万, 6000万的营收)
                span = min(spans, key=lambda m: min(abs(m.start() - c.end()) + (m.start() < c.start()) * 3
                                                    for c in cues))
            elif not cued and not cues and (ex.default or (
                    ex.alone and _LEAD_IN.sub("", clause).strip(" 了左右大概约") == spans[0].group(0).strip())):
                span = spans[0]
            else:
                continue
            result = _validate(step, span.group(0), today)
            if result:
                work.claimed.add((index, span.start(), span.end()))
                return result
    return None


@lru_cache(maxsize=1)
def _segmenter():  # type: ignore[no-untyped-def]
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    for line in PLACES.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            for place in line.split():
                jieba.add_word(place, tag="ns")
    return jieba.posseg


def _tagged(clause: str) -> list[tuple[str, str]]:
    return [(w.word, w.flag) for w in _segmenter().cut(clause)]


def _place(step: StepSpec, work: _Text, today: date) -> Validated | None:
    for clause in work.clauses:
        if PHRASES["money"].search(clause):
            continue  # 杭州 in "去年杭州营收…" is rare; a clause with an amount is about the amount
        if match := _EN_PLACE.search(clause):
            return _validate(step, match.group(0).title(), today)
        # the clause is the place itself (在宁波北仑, 杭州西湖区), not a name that starts with one (温州小商品商行)
        words = _tagged(_PLACE_LEAD.sub("", clause).strip())
        if words and all(flag == "ns" or _PLACE_SUFFIX.fullmatch(word) for word, flag in words) \
                and words[0][1] == "ns":
            return _validate(step, "".join(w for w, _ in words), today)
    return None


def _person(step: StepSpec, work: _Text, today: date) -> Validated | None:
    ex = step.extract
    assert ex is not None
    addressed: Validated | None = None  # 王女士 / 刘经理: taken only when no full name is given
    for clause in work.clauses:
        for cue in ex.cues:
            for match in re.finditer(cue, clause, re.I):
                rest = clause[match.end():].strip(" :：是为")
                if re.match(r"[\u4e00-\u9fff]", rest):
                    # the name is the first word the segmenter reads as a person's (财务刘经理就行 has none)
                    rest = next((w for w, flag in _tagged(rest) if flag.startswith("nr") and len(w) >= 2), "")
                if rest and (result := _validate(step, rest, today)):
                    if not is_form_of_address(str(result.value)):
                        return result
                    addressed = addressed or result
    for clause in work.clauses:
        bare = _LEAD_IN.sub("", clause).strip()
        candidate = ""
        if re.fullmatch(r"[\u4e00-\u9fff]{2,6}", bare):
            words = _tagged(bare)
            if words and words[0][1].startswith("nr") and len(words[0][0]) >= 2:
                candidate = bare
        elif (re.fullmatch(r"(?:(?:Mr|Mrs|Ms|Miss|Dr)\.?\s+)?[A-Z][a-z]+(?:\s+[A-Z][a-z]+){1,2}", bare)
              and not _EN_PLACE.search(bare)):
            candidate = bare
        if candidate and (result := _validate(step, candidate, today)):
            if not is_form_of_address(str(result.value)):
                return result
            addressed = addressed or result
    return addressed
