"""The flow engine: collect slots step by step, re-ask with a hint, confirm, accept corrections.

The engine is pure: it takes the client's ``FlowProgress`` and a message and returns the new
state and what to say. Global intents (cancel, hand-over, digressions) are the dialogue manager's
job, so the engine only ever sees answers to its own questions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from assistant.flows.spec import FlowSpec, StepSpec
from assistant.flows.state import FlowProgress
from assistant.validators import Rejected, ValidationContext, get_validator
from assistant.validators.base import normalise
from assistant.validators.choices import yes_no

CONFIRM = "__confirm__"
_SKIP = re.compile(r"^(没有|无|不涉及|不知道|不清楚|不记得|跳过|暂无|没|skip|none|n/?a|no|don'?t know)[。.!！\s]*$",
                   re.I)

Outcome = Literal["ask", "reask", "confirm", "complete", "fix"]


@dataclass
class TurnOutcome:
    kind: Outcome
    state: FlowProgress
    text: str
    quick_replies: list[str] = field(default_factory=list)
    offer_handover: bool = False
    hint_key: str | None = None


class FlowEngine:
    def __init__(self, flows: dict[str, FlowSpec], hints: dict[str, dict[str, str]]) -> None:
        self.flows = flows
        self.hints = hints  # generic hints per validator rejection key, {"zh": …, "en": …}

    def start(self, name: str, lang: str, opening: str, today: date) -> TurnOutcome:
        spec = self.flows[name]
        state = FlowProgress(flow=name, lang=lang)
        for step in spec.steps:  # the opening message may already answer a step (我想贷500万)
            if step.prefill_pattern and (m := re.search(step.prefill_pattern, normalise(opening), re.I)):
                result = get_validator(step.validator)(m.group(0), self._ctx(step, today))
                if not isinstance(result, Rejected):
                    state.slots[step.slot], state.display[step.slot] = result.value, result.display
        outcome = self._next(spec, state)
        if spec.intro:
            outcome.text = spec.intro(lang) + "\n" + outcome.text
        return outcome

    def current_step(self, state: FlowProgress) -> StepSpec | None:
        step = state.step
        return None if step in (None, CONFIRM) else self.flows[state.flow].step(step)

    def prompt(self, state: FlowProgress) -> TurnOutcome:
        """Repeat the current question (after a digression or when the client comes back)."""
        spec = self.flows[state.flow]
        if state.step == CONFIRM:
            return self._confirm(spec, state)
        return self._ask(spec, state, spec.step(state.step))

    def try_answer(self, state: FlowProgress, text: str, today: date) -> TurnOutcome | Rejected:
        """Accept ``text`` as the answer to the current step, or say why not (state untouched)."""
        spec = self.flows[state.flow]
        if state.step == CONFIRM:
            return self._at_confirm(spec, state, text, today)
        step = spec.step(state.step)
        if step.optional and _SKIP.match(normalise(text)):
            result_value, display = None, "—"
        else:
            result = get_validator(step.validator)(text, self._ctx(step, today))
            if isinstance(result, Rejected):
                return result
            result_value, display = result.value, result.display
        state = state.copy()
        state.slots[step.slot], state.display[step.slot] = result_value, display
        state.failures.pop(step.slot, None)
        if state.return_to_confirm:
            state.return_to_confirm = False
            return self._confirm(spec, state)
        return self._next(spec, state)

    def reject(self, state: FlowProgress, rejected: Rejected) -> TurnOutcome:
        """Count a failed answer and re-ask with a hint; offer a person after repeated failures."""
        spec = self.flows[state.flow]
        state = state.copy()
        lang = state.lang
        if state.step == CONFIRM:
            outcome = self._confirm(spec, state)
            outcome.kind, outcome.hint_key = "reask", rejected.hint_key
            outcome.text = self._hint(None, rejected.hint_key, lang) + "\n" + outcome.text
            return outcome
        step = spec.step(state.step)
        failures = state.failures[step.slot] = state.failures.get(step.slot, 0) + 1
        outcome = self._ask(spec, state, step)
        outcome.kind, outcome.hint_key = "reask", rejected.hint_key
        outcome.text = self._hint(step, rejected.hint_key, lang) + "\n" + outcome.text
        if failures >= spec.max_failures:
            outcome.offer_handover = True
            outcome.text += "\n" + self.hints["offer_handover"][lang]
            outcome.quick_replies = [*outcome.quick_replies, *self.hints["handover_quick_replies"][lang].split("|")]
        return outcome

    # internals ------------------------------------------------------------------------------
    def _ctx(self, step: StepSpec, today: date) -> ValidationContext:
        return ValidationContext(today=today, options=step.validator_options())

    def _hint(self, step: StepSpec | None, key: str, lang: str) -> str:
        if step and step.hint and key not in ("too_long",):
            return step.hint(lang)
        return self.hints.get(key, self.hints["generic"])[lang]

    def _next(self, spec: FlowSpec, state: FlowProgress) -> TurnOutcome:
        step = spec.next_step(state.slots)
        if step is None:
            if spec.confirm is None:
                state.step = None
                return TurnOutcome("complete", state, "")
            return self._confirm(spec, state)
        return self._ask(spec, state, step)

    def _ask(self, spec: FlowSpec, state: FlowProgress, step: StepSpec) -> TurnOutcome:
        state.step = step.slot
        lang = state.lang
        text = step.prompt(lang)
        replies = step.quick_replies(lang)
        if step.optional:
            replies.append("跳过" if lang == "zh" else "skip")
        return TurnOutcome("ask", state, text, replies)

    def summary(self, spec: FlowSpec, state: FlowProgress) -> str:
        lang = state.lang
        return "\n".join(f"· {s.label(lang)}：{state.display.get(s.slot, '—')}" for s in spec.steps
                         if s.slot in state.slots)

    def _confirm(self, spec: FlowSpec, state: FlowProgress) -> TurnOutcome:
        state.step = CONFIRM
        lang = state.lang
        assert spec.confirm is not None
        text = self.summary(spec, state) + "\n" + spec.confirm(lang)
        replies = ["确认提交", "取消"] if lang == "zh" else ["Confirm", "Cancel"]
        return TurnOutcome("confirm", state, text, replies)

    def _at_confirm(self, spec: FlowSpec, state: FlowProgress, text: str, today: date) -> TurnOutcome | Rejected:
        # A correction names a slot (电话写错了，是139…); look for that before reading yes/no,
        # because "是139…" would otherwise read as a "yes".
        lowered = normalise(text).lower()
        named = [s for s in spec.steps if any(a.lower() in lowered for a in s.aliases)]
        if named:
            step = max(named, key=lambda s: max(len(a) for a in s.aliases if a.lower() in lowered))
            result = get_validator(step.validator)(text, self._ctx(step, today))
            state = state.copy()
            if isinstance(result, Rejected):  # named the field but no usable value: ask for it
                state.return_to_confirm = True
                outcome = self._ask(spec, state, step)
                outcome.kind = "fix"
                return outcome
            state.slots[step.slot], state.display[step.slot] = result.value, result.display
            outcome = self._confirm(spec, state)
            outcome.kind = "fix"
            return outcome
        answer = yes_no(text, ValidationContext(today=today))
        if isinstance(answer, Rejected):
            return Rejected("confirm")
        if answer.value:
            state = state.copy()
            state.step = None
            return TurnOutcome("complete", state, "")
        return Rejected("which_field")
