"""Synthetic contracts (购销合同) and business licences (营业执照) with planted defects."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from eval.ocr.render import Canvas
from eval.ocr.truth import PEOPLE, bad_credit_code, company, credit_code, digits, issue_date, money
from ocr.validators import decimal_to_words

CONTRACT_PAGE_BREAK = 170 + 62 * 12 - 12  # between clause 三 and 四: a scan split here cuts no line
CONTRACT_DEFECTS = ("missing_seal", "blank_fields", "words_mismatch", "bad_credit_code")
LICENCE_DEFECTS = ("bad_credit_code", "future_date")
CONTRACT_DEFECT_CHECKS = {"missing_seal": "seal", "blank_fields": "blanks", "words_mismatch": "amount_in_words",
                          "bad_credit_code": "party_b_credit_code"}
LICENCE_DEFECT_CHECKS = {"bad_credit_code": "credit_code", "future_date": "established_date"}


@dataclass
class DocData:
    kind: str  # "contract" or "business_licence"
    fields: dict[str, str]
    defects: list[str] = field(default_factory=list)


def _cn(d: date) -> str:
    return f"{d.year}年{d.month:02d}月{d.day:02d}日"


def make_contract(rng: random.Random, today: date, defect: str | None = None) -> DocData:
    amount = money(rng, 10000, 900000)
    signed = issue_date(rng, today, 200)
    words = decimal_to_words(amount)
    if defect == "words_mismatch":
        words = decimal_to_words(amount + rng.choice([100, 1000, 10000]))
    a, b = company(rng), company(rng)
    while a == b:
        b = company(rng)
    fields = {
        "contract_number": f"HT-{signed.year}-{digits(rng, 4)}",
        "party_a": a, "party_a_credit_code": credit_code(rng),
        "party_b": b, "party_b_credit_code": bad_credit_code(rng) if defect == "bad_credit_code" else credit_code(rng),
        "signing_date": signed.isoformat(), "amount": f"{amount:.2f}", "amount_cn": words,
        "term_start": signed.isoformat(), "term_end": (signed + timedelta(days=rng.randint(60, 400))).isoformat(),
    }
    if defect == "blank_fields":
        for name in rng.sample(["contract_number", "signing_date"], k=rng.randint(1, 2)):
            fields[name] = ""
    return DocData("contract", fields, [defect] if defect else [])


def render_contract(data: DocData, rng: random.Random) -> Canvas:
    c = Canvas.new(1240, 1754, rng)
    f = data.fields
    c.text((620, 70), rng.choice(["购销合同", "采购合同", "产品买卖合同"]), 44, anchor="ma")
    y = 170
    signed = date.fromisoformat(f["signing_date"]) if f["signing_date"] else None
    lines = [
        f"合同编号：{f['contract_number'] or '____________'}",
        f"甲方（买方）：{f['party_a']}",
        f"统一社会信用代码：{f['party_a_credit_code']}",
        f"乙方（卖方）：{f['party_b']}",
        f"统一社会信用代码：{f['party_b_credit_code']}",
        f"签订日期：{_cn(signed) if signed else '______年____月____日'}",
        "甲乙双方经平等协商，就下列事项达成一致，共同遵守。",
        "一、合同标的：乙方向甲方供应合同附件所列产品，规格、数量以附件为准。",
        "二、合同价款及付款方式",
        f"合同总金额（小写）：¥{f['amount']}",
        f"合同总金额（大写）：人民币{f['amount_cn']}",
        "甲方于验收合格后三十日内以银行转账方式付清全部价款。",
        "三、履行期限",
        f"履行期限：自{_cn(date.fromisoformat(f['term_start']))}至{_cn(date.fromisoformat(f['term_end']))}",
        "四、违约责任：任何一方违约，应向守约方支付合同总金额百分之五的违约金。",
        "五、争议解决：因本合同引起的争议，双方协商解决；协商不成的，提交甲方所在地人民法院诉讼解决。",
        "六、本合同一式两份，双方各执一份，自双方盖章之日起生效。",
    ]
    for line in lines:
        c.text((100, y), line, 26)
        y += 62
    sign_y = y + 80
    c.text((100, sign_y), "甲方（盖章）：", 26)
    c.text((680, sign_y), "乙方（盖章）：", 26)
    c.text((100, sign_y + 60), f"代表人：{rng.choice(PEOPLE)}", 26)
    c.text((680, sign_y + 60), f"代表人：{rng.choice(PEOPLE)}", 26)
    if "missing_seal" not in data.defects:
        c.seal((330, sign_y + 40), "合同专用章", rng, radius=100)
        c.seal((910, sign_y + 40), "合同专用章", rng, radius=100)
    return c


def make_licence(rng: random.Random, today: date, defect: str | None = None) -> DocData:
    established = issue_date(rng, today, 4000)
    if defect == "future_date":
        established = today + timedelta(days=rng.randint(10, 300))
    capital = rng.choice([50, 100, 200, 500, 1000, 3000])
    fields = {
        "credit_code": bad_credit_code(rng) if defect == "bad_credit_code" else credit_code(rng),
        "name": company(rng),
        "legal_representative": rng.choice(PEOPLE),
        "registered_capital": f"人民币{capital}万元",
        "established_date": established.isoformat(),
        "address": f"{rng.choice(['福建省福州市鼓楼区', '浙江省杭州市西湖区', '江苏省苏州市工业园区'])}"
        f"{rng.choice(['五四路', '文三路', '星湖街'])}{rng.randint(1, 300)}号",
    }
    return DocData("business_licence", fields, [defect] if defect else [])


def render_licence(data: DocData, rng: random.Random) -> Canvas:
    c = Canvas.new(1600, 1100, rng)
    f = data.fields
    c.rect((30, 30, 1570, 1070), (170, 120, 40))
    c.text((800, 70), "营业执照", 64, anchor="ma", fill=(30, 30, 30))
    c.text((90, 200), f"统一社会信用代码 {f['credit_code']}", 24)
    left = [("名称", f["name"]), ("类型", "有限责任公司（自然人投资或控股）"),
            ("法定代表人", f["legal_representative"]), ("经营范围", "一般项目：技术服务、技术开发；货物进出口。")]
    right = [("注册资本", f["registered_capital"]), ("成立日期", _cn(date.fromisoformat(f["established_date"]))),
             ("营业期限", "长期"), ("住所", f["address"])]
    for i, (label, value) in enumerate(left):
        c.text((120, 320 + 80 * i), label, 26)
        c.text((300, 320 + 80 * i), value, 26)
    for i, (label, value) in enumerate(right):
        c.text((900, 320 + 80 * i), label, 26)
        c.text((1060, 320 + 80 * i), value, 26)
    c.text((1100, 860), "登记机关", 26)
    c.text((1100, 920), f"{date.fromisoformat(f['established_date']).year}年", 26)
    c.seal((1220, 880), "市场监督管理局", rng, radius=110)
    return c
