"""Random but valid business data for synthetic documents: names, credit codes, amounts."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from ocr.validators import CREDIT_CHARSET, credit_check_char, repair_credit_code

CITIES = ["福州", "厦门", "泉州", "杭州", "宁波", "苏州", "南京", "合肥", "长沙", "成都", "武汉", "青岛"]
CORES = ["鑫源", "华泰", "恒达", "瑞丰", "金桥", "宏图", "博远", "星辰", "海纳", "中联", "安和", "锦程", "正信", "万通"]
TRADES = ["电子科技", "机械制造", "食品", "纺织", "建材", "物流", "信息技术", "新材料", "医疗器械", "包装"]
GOODS = [("*电子元件*集成电路", "个"), ("*金属制品*不锈钢板", "吨"), ("*纺织产品*棉布", "米"),
         ("*信息技术服务*软件开发", "项"), ("*运输服务*货物运输", "次"), ("*食品*包装饮用水", "箱"),
         ("*建筑材料*水泥", "吨"), ("*机械设备*数控机床配件", "套")]
PEOPLE = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄勇", "周婷", "吴强"]
RATES = [Decimal("0.13"), Decimal("0.09"), Decimal("0.06"), Decimal("0.03")]


def company(rng: random.Random) -> str:
    return f"{rng.choice(CITIES)}{rng.choice(CORES)}{rng.choice(TRADES)}有限公司"


def credit_code(rng: random.Random) -> str:
    body = rng.choice("9") + rng.choice("123") + "".join(rng.choice("0123456789") for _ in range(6))
    body += "".join(rng.choice(CREDIT_CHARSET) for _ in range(9))
    return body + credit_check_char(body)


def bad_credit_code(rng: random.Random) -> str:
    """A well-shaped code with a wrong check character that no single look-alike fix can rescue."""
    while True:
        good = credit_code(rng)
        wrong = rng.choice([c for c in CREDIT_CHARSET if c != good[17] and c.isdigit()])
        code = good[:17] + wrong
        if not repair_credit_code(code, "x")[1]:
            return code


def issue_date(rng: random.Random, today: date, max_days: int = 300) -> date:
    return today - timedelta(days=rng.randint(1, max_days))


def money(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low * 100, high * 100)) / 100


def digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))
