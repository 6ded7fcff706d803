"""Signs that a complaint must reach a person at once (监管/媒体/诉讼 escalation, fraud, data leaks, anger).

Rules a complaint officer can read and extend; the bot flags, it never decides the complaint.
"""

from __future__ import annotations

import re

URGENT_SIGNS: dict[str, re.Pattern[str]] = {
    "regulator": re.compile(r"12378|银保监|金融监管|监管局|人民银行|举报到|向监管", re.I),
    "media": re.compile(r"媒体|曝光|记者|电视台|报社|微博|抖音|上热搜|media|journalist|press", re.I),
    "legal": re.compile(r"律师|起诉|诉讼|法院|打官司|仲裁|法律途径|lawyer|\bsue\b|court|legal action",
                        re.I),
    "fraud": re.compile(r"盗刷|诈骗|欺诈|被骗|未经授权|没授权|未授权|莫名其妙.{0,4}扣"
                        r"|unauthori[sz]ed|fraud|scam"
                        r"|without (?:our|my|the owner'?s?) (?:permission|consent|authori[sz]ation)",
                        re.I),
    "data_leak": re.compile(r"泄露|泄漏|信息被卖|隐私|leak|data breach", re.I),
    "anger": re.compile(r"气死|太过分|欺人太甚|忍无可忍|垃圾银行|骗子银行|无法忍受|[!！]{3,}"
                        r"|furious|outrageous|unacceptable", re.I),
}


def urgent_signs(text: str) -> list[str]:
    return [name for name, pattern in URGENT_SIGNS.items() if pattern.search(text)]
