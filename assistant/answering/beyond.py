"""What lies next to an SME lending handbook, in the words clients use: topics a bank's
assistant is asked about (公积金, LPR, 按揭), situations (two products held together, a condition
that lapses) and legal forms (个体工商户, WFOE). Data only: ``coverage.py`` counts each one only
when the knowledge base never speaks of it, so a handbook that covers deposits answers them.
"""

from __future__ import annotations

import re

# Adjacent topics, by the words clients use for them (Chinese and English).
ADJACENT_TOPICS = (
    "公积金", "首付", "房贷", "车贷", "消费贷", "个人住房贷款", "住房贷款", "购房贷款", "个人消费贷款", "装修贷",
    "定期存款", "活期存款", "存款利率", "大额存单", "存单", "LPR", "贷款市场报价利率", "基点", "个税", "个人所得税",
    "社保", "养老金",
    "医保", "信用卡", "外汇", "汇款", "离婚", "起诉", "起诉状", "打官司", "律师", "遗产", "彩票",
    "理财产品", "保费", "意外险", "财产保险", "人寿保险", "保险公司", "助学贷款", "留学贷款", "借记卡", "储蓄卡",
    "征信报告", "企业所得税", "所得税", "增值税税率", "出口退税", "退税", "注册资本", "注册公司", "注销", "破产",
    "清算", "仲裁", "商标注册", "专利申请", "年费", "按揭", "法院", "加计扣除", "税收优惠", "税务处理", "税前扣除",
    "账务处理", "会计处理", "市场行情", "市场价", "降息", "加息", "利率走势",
    "结汇", "购汇", "换汇", "创业板", "科创板", "主板上市", "股改", "券商", "IPO",
    "mortgage for my home", "home loan", "car loan", "personal loan", "fixed deposit", "time deposit",
    "deposit rate", "credit card", "basis points", "lawsuit", "income tax", "insurance", "student loan",
    "bankruptcy", "stock", "stocks", "annual fee",
)
# Situations a handbook may never address: how a client asks about each, and how a passage would
# speak of it.
SITUATIONS = {
    "同时申请多个产品": (re.compile(r"同时(申请|办|贷|拿|用)|一起(申请|办)|叠加|并存"
                            r"|两个(额度|产品|贷款)?都(要|拿|办|申请)"),
                 re.compile(r"叠加|并存|同时申请|同时办理|同时持有")),
    "贷款期间条件变化": (re.compile(r"(认定|评级|等级|资质|证书|法人|法定代表人|实际控制人|股东)[^，,。？?]{0,8}"
                            r"(过期|失效|掉到|降到|降为|变更|换了|变了|换人)"
                            r"|(换了?|变更了?|更换了?)(法人|法定代表人|实际控制人|股东)"),
                 re.compile(r"过期|失效|变更")),
}
# The client's legal form, ownership or rights, by the words clients use for them; each counts only
# when the knowledge base never mentions it (a handbook that covers 个体工商户 answers them).
LEGAL_FORMS = ("个体工商户", "个体户", "外资", "外商投资", "外商独资", "港资", "台资", "中外合资", "合资企业", "境外",
               "外籍", "分公司", "合伙企业", "个人独资", "集体企业", "民办非企业", "社会组织", "著作权", "软著",
               "sole proprietor", "individual business", "self-employed", "foreign-owned", "foreign-invested", "wfoe",
               "joint venture", "partnership", "branch office", "software copyright")
