"""The fixed sentences shown to clients by the answering side, in the two languages it speaks.

Refusals, the scope message, the fraud warning and the compliance lines: one place, so that a
compliance officer reads them together.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.answering.language import Language


@dataclass(frozen=True)
class Messages:
    """Fixed sentences shown to clients, in the two languages the assistant speaks."""

    bank_name: str
    hotline: str
    bank_name_en: str = ""  # the name in English replies; the Chinese one when not set

    @property
    def _en(self) -> str:
        return self.bank_name_en or self.bank_name

    def out_of_scope(self, lang: Language) -> str:
        if lang == "en":
            return (f"Sorry, I could not find this in {self._en}'s documents. I can answer questions "
                    "about our SME financing products (amounts, rates, terms, eligibility, materials, process), "
                    f"register a complaint, or put you in touch with a relationship manager. For a person, "
                    f"reply \"human\" or call {self.hotline}.")
        return (f"抱歉，{self.bank_name}的资料中没有找到这个问题的答案。我可以解答本行小微企业融资产品的额度、利率、"
                f"期限、申请条件、材料和办理流程，也可以帮您登记投诉或联系客户经理。如需人工服务，请回复“转人工”"
                f"或拨打客服热线 {self.hotline}。")

    def refused_instruction(self, lang: Language) -> str:
        if lang == "en":
            return ("I can only answer from the bank's documents and cannot change my instructions, quote "
                    f"different terms or approve anything. Ask me about {self._en}'s SME financing "
                    f"products, or call {self.hotline} for a person.")
        return (f"我只能依据{self.bank_name}的资料作答，不能更改既定规则、改动产品条件或作出任何审批承诺。"
                f"欢迎咨询本行小微企业融资产品；如需人工服务，请拨打 {self.hotline}。")

    def greeting(self, lang: Language) -> str:
        if lang == "en":
            return (f"Hello! I am {self._en}'s SME financing assistant. Ask me about loan products, "
                    "eligibility, rates and materials; I can also check an invoice or contract you upload.")
        return (f"您好！我是{self.bank_name}小微企业融资助手，可以为您介绍贷款产品、申请条件、参考利率和所需材料，"
                "也可以帮您初步核对上传的发票或合同。请问有什么可以帮您？")

    def thanks(self, lang: Language) -> str:
        return "You're welcome. Anything else I can help with?" if lang == "en" else "不客气！还有其他可以帮您的吗？"

    def fraud_warning(self, lang: Language) -> str:
        if lang == "en":
            return (f"I cannot help with this. Submitting forged or altered documents (contracts, invoices, "
                    f"bank statements) to obtain a loan is loan fraud, a crime, and {self._en} checks every "
                    f"document it receives. I am glad to explain which genuine documents each product needs.")
        return (f"这个忙我不能帮。伪造、变造合同、发票、流水等材料申请贷款属于骗取贷款的违法行为，须承担法律责任，"
                f"{self.bank_name}会核验所有申请材料。如需了解各产品需要哪些真实材料，我可以为您介绍。")

    def not_covered(self, lang: Language, topics: list[str]) -> str:
        if lang == "en":
            about = f" ({', '.join(dict.fromkeys(topics))})" if topics else ""
            return f"{self._en}'s documents here do not cover this{about}. " + self._what_i_can_do(lang)
        about = f"（{'、'.join(dict.fromkeys(topics))}）" if topics else ""
        return f"抱歉，{self.bank_name}的资料没有涉及这个问题{about}，我不能凭猜测作答。" + self._what_i_can_do(lang)

    def figure_not_stated(self, lang: Language, things: list[str], time: bool = False) -> str:
        """The documents speak of the thing (客户集中度, 放款) but give no figure (or time) for it."""
        if lang == "en":
            what = "time" if time else "figure"
            return (f"{self._en}'s documents mention {', '.join(things)} but do not state the {what} you ask "
                    "for, and I will not guess one. " + self._what_i_can_do(lang))
        named = "、".join(f"“{t}”" for t in things)
        return (f"抱歉，{self.bank_name}的资料提到了{named}，但没有写明您问的具体{'时间' if time else '数字'}，"
                "我不能凭猜测作答。"
                + self._what_i_can_do(lang))

    def _what_i_can_do(self, lang: Language) -> str:
        if lang == "en":
            return ("I can answer questions about our SME financing products (amounts, rates, terms, eligibility, "
                    "materials, process), register a complaint or put you in touch with a relationship manager; "
                    f"for anything else please call {self.hotline}.")
        return ("我可以解答本行小微企业融资产品的额度、利率、期限、申请条件、材料和办理流程，"
                f"也可以帮您登记投诉或联系客户经理；其他业务请拨打客服热线 {self.hotline}。")

    def chinese_only(self, lang: Language) -> str:
        return ("(Only a Chinese source covers this; the passage above is quoted in Chinese.)" if lang == "en"
                else "（仅有中文资料。）")

    def chinese_original(self, lang: Language) -> str:
        return "Chinese original (authoritative):" if lang == "en" else "中文原文："

    def no_guarantee(self, lang: Language) -> str:
        if lang == "en":
            return ("We cannot promise approval or quote an exact rate in advance: the figures above are the "
                    "reference range, subject to approval (以审批为准).")
        return "本行不能事先承诺审批结果或确切利率：以上为参考范围，以审批为准。"

    def compliance(self, lang: Language) -> str:
        if lang == "en":
            return "(Indicative terms only; the actual amount, rate and term are subject to the bank's approval.)"
        return "（以上为参考信息，实际额度、利率和期限以本行审批结果为准。）"
