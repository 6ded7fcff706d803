"""Messages that must not be answered from the documents: injections, chit-chat, greetings.

Rules, not a model: they run offline, are predictable, and a compliance officer can read them.
An instruction hidden in a question (忽略之前的指令…) is refused as a whole even when the rest
of the message is a real question, because complying partly is already complying.
"""

from __future__ import annotations

import re
from typing import Literal

Scope = Literal["injection", "fraud", "greeting", "thanks", "chitchat"]

# What a client may ask to have altered, and how (成立时间能不能改早, 帮我把逾期记录消掉).
_RECORD = r"(成立时间|成立日期|注册时间|合同日期|签订日期|开票日期|逾期记录|不良记录|系统里)"
_CAN = r"(能不能|可不可以|可以|能否|帮我|帮忙|给我)"
_ALTER = r"(改成|改早|改晚|改一下|改掉|改为|消掉|删掉|抹掉|洗白)"
# 包装 as dressing papers up, not the trade (包装材料, 包装盒: a client's products).
_PACKAGE = r"包装(?!材料|纸|盒|箱|袋|厂|行业|设备|机械|印刷|公司|产品)"
# Asking the bank to help deceive it (a forged contract, padded bank statements): refused with a
# warning, whatever else the message asks.
_FRAUD = re.compile(
    r"(假|虚假)的?.{0,4}(合同|发票|流水|报表|财报|材料|证明|章|执照|资料|账|订单|单据|凭证|确认函|记录|证书)"
    # (对开票有要求: 对 is "regarding"; invoices issued to each other are 对开发票, 和朋友公司对开)
    r"|伪造|造假|虚开|刷.{0,4}流水|做流水|对开[^，,。？?]{0,4}(发票|增值税|专票|普票)|(和|跟|与|找|让|请)[^，,。？?]{1,10}对开|互开|买.{0,2}发票"
    # Colluding with a third party, borrowing another's record, hiding it from the bank.
    # (跟你们打招呼, telling the bank beforehand, is no collusion: a third party or a favour makes it one.)
    r"|(找人|托人|找关系|让人)打个?招呼|打个?招呼[^，,。？?]{0,6}(评高|估高|通融|放宽|关照|照顾|帮忙|通过|批)"
    r"|(评估|审批|审核|风控|领导|行长|内部|里面|熟人)[^，,。？?]{0,6}打个?招呼|评高|估高|私下.{0,8}(盖|签|开|出具)|(不(容易)?|别|免得)被(银行)?(发现|查出)|瞒(着|过)银行|骗过(银行|审核|审批|风控)"
    r"|(用|借用?|拿|冒用)[^，,。？?]{0,6}(别人|他人|朋友|亲戚|表[哥弟姐妹]|堂[哥弟姐妹]|同学|别家|别的公司|其他公司)"
    r"[^，,。？?]{0,4}的.{0,4}(纳税|流水|资质|执照|报表|专利|身份|名义|记录)"
    # Backfilled papers for a deal that did not happen, inflated or hidden figures.
    r"|(没有|并无|不存在)真实的?(交易|贸易|背景)|补(一|个|份|张)?.{0,4}(合同|发票|订单|单据|确认函)"
    r"|(还没|没有|并未)(发生|发货|交货)的.{0,4}(应收|账款|订单|合同|交易)|多报|虚报|瞒报|高报"
    r"|(瞒|不说|不报|隐瞒).{0,10}(查出来|查得出|发现)|绕过去"
    r"|\b(adjust|inflate|pad|massage|tweak|dress up)\w*\b.{0,30}\b(financial statements?|revenue|figures|accounts)"
    rf"|编(一|个|份|套)?.{{0,6}}(合同|流水|报表|发票|材料|证明)|{_PACKAGE}.{{0,4}}(流水|报表|材料|资质)|p图|ps一下"
    r"|(营收|收入|利润|流水|报表|财报|数据|销售额|纳税额|开票额).{0,8}(写|改|做|报|调|填|弄)(高|大|多|好看|一下|一调|到\d|成\d)"
    r"|(美化|粉饰|修饰).{0,4}(报表|财报|流水|数据|材料)|(报表|财报|流水|材料).{0,4}做得?好看"
    r"|\b(fake|forged?|forging|falsif\w*|fabricat\w*|doctor(ed)?)\b.{0,30}\b(contract|invoice|statement|document|record)s?"
    # Records altered (成立时间改早, 系统里改成A级, 倒签, 自刻公章, 逾期消掉), papers or parties made up
    # (做个订单出来, 让朋友假装客户, 代持, 壳公司), a bill discounted twice, a figure made to look bigger.
    rf"|{_RECORD}[^，,。？?]{{0,8}}{_CAN}[^，,。？?]{{0,6}}{_ALTER}|{_CAN}[^，,。？?]{{0,12}}{_RECORD}[^，,。？?]{{0,8}}{_ALTER}"
    r"|倒签|(自己|私自|偷偷)刻.{0,6}章|章.{0,8}(自己|私自|偷偷)刻"
    r"|(做|造|编|弄|搞)(一|个|份|张|几)?.{0,4}(订单|合同|发票|流水|单据|凭证|业务)出来"
    r"|(让|找|叫|请)[^，,。？?]{0,8}假装.{0,8}(客户|供应商|买方|卖方|股东)"
    r"|(找|让|请)(个)?人代持|壳公司|(没有|并无|不存在)真实的?(订单|合同|业务)|贴现过的.{0,8}再.{0,2}贴"
    r"|别(告诉|让)[^，,。？?]{0,4}(他们|银行|你们|对方)|(避开|规避|躲过|逃避|绕开).{0,8}(检查|审查|审核|核查|贷后|监管|记录|逾期)"
    r"|(评估价|估值|评估值|合同金额|订单金额|资产).{0,6}(写|改|做|报|调|弄)(高|大)"
    r"|(显得|看起来|看上去).{0,6}(收入|营收|利润|流水|实力|规模|业绩).{0,4}(高|多|大|好|强)"
    r"|(个人|私人).{0,6}(流水|收入).{0,4}(算成|当成|算作|充当)"
    r"|(合同|申请)?上?用途.{0,4}(写|填|报)(成|个)?[^，,。？?]{0,6}就(行|好|可以)"
    rf"|{_PACKAGE}.{{0,4}}(资料|数据)|(假|虚假)的?.{{0,4}}征信"
    # Asking how not to be found out (怎么写才不会被你们查出来), invoices traded back and forth (互相开票),
    # a paper made to say more than is true (实际只有三十万…写成八十万, 显示是B级…其实是C级).
    r"|(才|就)不(会|容易)?被[^，,。？?]{0,4}(发现|查出|查到|看出)|互相.{0,2}开.{0,3}票"
    r"|(其实|实际上?)(是|只有|才|就)[^。？?]{0,24}(写成|报成|填成|做成|开成|显示)"
    r"|(写成|报成|填成|做成|开成|显示(成|为|是))[^。？?]{0,24}(其实|实际上?)(是|只有|才|就)",
    re.IGNORECASE,
)

_INJECTION = re.compile(
    r"(忽略|无视|忘记|忘掉|不要理会|跳过).{0,12}(指令|指示|提示|规则|设定|要求|限制|约束|system|prompt)"
    r"|(系统|初始|隐藏|内部)\s*(提示词|提示|指令|prompt)|提示词|越狱|jailbreak|(?<![A-Za-z])DAN(?![A-Za-z])"
    r"|developer mode|开发者模式|</?\s*(system|assistant|user)\s*>|新的指令|系统通知|管理员(已)?授权"
    r"|(每个|所有|每条)(回答|回复).{0,6}(加上|加入|附上|写上)|风控模型参数|内部审批规则|所有客户的"
    r"|hidden\s+instructions|your\s+instructions|绕过.{0,6}(审查|风控|征信)|做假(账|财务)|骗贷"
    r"|不受(任何)?限制|没有(任何)?限制的|扮演|假装你?是|你现在是(一个)?(?!.*银行的?助手)"
    r"|ignore\s+(all\s+|any\s+)?(previous|prior|above|earlier|the)\s+(instructions|prompts?|rules)"
    r"|disregard\s+(all\s+|any\s+)?(previous|prior|above|your)|system\s+prompt|reveal\s+your|pretend\s+(to\s+be|you)"
    r"|you\s+are\s+now|act\s+as\s+(an?\s+)?(unrestricted|different)"
    r"|(把|将).{0,8}(利率|额度|费率).{0,6}(说成|改成|写成|设为|设成)|批准我的贷款|直接(给我)?批(准|贷)",
    re.IGNORECASE,
)
_GREETING = re.compile(r"^(你好|您好|hi|hello|hey|在吗|在不在|嗨|哈喽|早上好|下午好|晚上好)[呀啊吗！!。.,，\s]*$", re.I)
_THANKS = re.compile(r"^(谢谢|多谢|感谢|thanks|thank you|好的谢谢|ok谢谢|辛苦了)[你您了啦呀！!。.,，\s]*$", re.I)
_CHITCHAT = re.compile(
    r"讲个笑话|说个笑话|笑话|你是谁|你叫什么|你几岁|你是机器人吗|你喜欢|唱首歌|写首诗|陪我聊|聊聊天|你好无聊|你吃饭了吗"
    r"|tell me a joke|who are you|sing a song|write a poem",
    re.IGNORECASE,
)


# Topics outside SME financing at this bank: answered with the scope message even when a word
# (额度, 利率) happens to match the handbook. Banks extend this list for their own deployment.
_OFF_TOPIC = re.compile(
    r"信用卡|比特币|虚拟币|数字货币|彩票|汇率|外汇|黄金价格|天气|电影|菜谱|吃什么药|看病"
    r"|\b(bitcoin|crypto|weather|restaurant|movie|credit card)\b",
    re.IGNORECASE,
)
# Another bank is off topic when it is what the client asks about (工商银行的科技贷利率是多少), not
# when it is part of their story (老板在别的银行贷过款都按时还了，你们的科技贷多久能批).
_OTHER_BANK = re.compile(
    r"(招商|工商|建设|农业|交通|中国|邮储|平安|浦发|民生|兴业|中信|光大|华夏|广发|微众|网商|北京|上海|宁波|江苏"
    r"|浙商|渤海|恒丰)银行|农商行|农商银行|农村商业银行|城商行|村镇银行|信用社|(别的|别家|其他|其它)银行"
)
CLAUSE_ENDS = "，,。？?！!；;\n"  # what ends a clause, in Chinese or Latin punctuation
_CLAUSE = re.compile(f"[{CLAUSE_ENDS}]")
_CLAUSE_WITH_END = re.compile(f"([^{CLAUSE_ENDS}]*)([{CLAUSE_ENDS}]|$)")
_FEW = re.compile(r"几(成|倍|年|个|天|岁|级|点|家|种|项)")
# (还别的银行的贷款: paying off another bank's loan is a question of what the money may be used for)
_STORY = re.compile(r"[贷办借申请还用开]过|之前|以前|曾经|原来|上次"
                    r"|(还|偿还|归还)(别的|其他|其它|别家)?[^，,。]{0,4}银行")
# What makes a clause the asking one; the other clauses of a long message are the client's situation.
# 啥也不懂 / 什么都不会 say "nothing", not ask.
_ASKING = re.compile(r"[吗呢？?]|多少|几(成|倍|年|个|天|岁|级|点|家|种|项|号)|哪|(什么|啥)(?![也都])"
                     r"|怎么|怎样|如何|是否|能不能|可不可以|有没有|要不要|是不是|会不会|谁|多久|多长|行不行")


def asking_clauses(text: str) -> list[str]:
    """The clauses of a message that ask something (the last clause when none does). In a message
    with a question mark, 几 asks only in a clause that ends with one: elsewhere it means "a few"
    (主要给几家主机厂供货，…最多能融到多少？)."""
    parts = _CLAUSE_WITH_END.findall(text)
    marked = any(end in ("？", "?") for _, end in parts)  # (an empty end is no mark: "" is in every string)
    clauses = [(c, end) for c, end in parts if c.strip()]
    asking = [c for c, end in clauses if _ASKING.search(_FEW.sub("", c) if marked and end not in ("？", "?") else c)]
    return asking or [c for c, _ in clauses[-1:]]
# Investment talk is off topic unless the client asks about a loan in the same breath
# (贷款能拿去炒股吗？ is a question about the permitted use of a loan).
_INVESTING = re.compile(r"炒股|股票|基金定投|买基金|理财产品|\bstocks?\b", re.IGNORECASE)
_LOAN_WORDS = re.compile(r"贷|借|融资|额度|利率|还款|loan|borrow", re.IGNORECASE)


def _asks_about_another_bank(text: str) -> bool:
    """Another bank named anywhere but in the client's own history (在别的银行贷过款, 之前在工行…)."""
    clauses = [c for c in _CLAUSE.split(text) if _OTHER_BANK.search(c)]
    return any(not _STORY.search(c) for c in clauses)


def classify_scope(text: str) -> Scope | None:
    stripped = text.strip()
    if _FRAUD.search(stripped):
        return "fraud"
    if _INJECTION.search(stripped):
        return "injection"
    if (_OFF_TOPIC.search(stripped) or _asks_about_another_bank(stripped)
            or (_INVESTING.search(stripped) and not _LOAN_WORDS.search(stripped))):
        return "chitchat"
    if _GREETING.match(stripped):
        return "greeting"
    if _THANKS.match(stripped):
        return "thanks"
    if _CHITCHAT.search(stripped) and len(stripped) <= 30:
        return "chitchat"
    return None


def without_instructions(sentences: list[str]) -> tuple[list[str], int]:
    """Drop sentences of a document that read like orders to the assistant.

    A bank's documents never need to instruct the assistant, so a sentence that does was planted
    (or pasted by mistake); it is neither shown to a model nor quoted to a client.
    """
    kept = [s for s in sentences if classify_scope(s) != "injection"]
    return kept, len(sentences) - len(kept)
