"""The flow engine: collect slots step by step, re-ask with a hint, confirm, accept corrections.

The engine is pure: it takes the client's ``FlowProgress`` and a message and returns the new
state and what to say. Every message fills every step it gives a value for (``fill.py``), so a
step is asked only while it is missing; steps marked ``ask: false`` are never asked.
Global intents (cancel, hand-over, digressions) are the dialogue manager's
job, so the engine only ever sees answers to its own questions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from assistant.flows.fill import fill, misread
from assistant.flows.shown import shown
from assistant.flows.spec import FlowSpec, StepSpec
from assistant.flows.state import FlowProgress
from assistant.validators import Rejected, Validated, ValidationContext, get_validator
from assistant.validators.base import normalise
from assistant.validators.choices import yes_no

CONFIRM = "__confirm__"
_SKIP = re.compile(r"^(没有|无|不涉及|不知道|不清楚|不记得|跳过|暂无|没|skip|none|n/?a|no|don'?t know)[。.!！\s]*$",
                   re.I)

# "all correct" is a yes, not a correction
CORRECTION = re.compile(r"改成|改为|改一下|换成|应该是|其实是|写错|输错|说错|不对|更正|\bchange|should be|actually",
                        re.I)
_ASKS = re.compile(r"[?？]|吗|多少|什么|怎么|哪|几|是否|\b(how|what|which|when|can i|is there)\b", re.I)
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

    def start(self, name: str, lang: str, opening: str, today: date,
              known: dict[str, tuple[Any, str]] | None = None) -> TurnOutcome:
        """Open a flow: the first message fills what it can; ``known`` (facts the client gave earlier
        in the session: slot → value, display) fills the rest of those steps and is said so."""
        spec = self.flows[name]
        state = FlowProgress(flow=name, lang=lang)
        filled = fill(spec, opening, today, opening=True)
        self._apply(state, filled)
        reused = {slot: display for slot, (_value, display) in (known or {}).items()
                  if slot not in state.slots and any(s.slot == slot for s in spec.steps)}
        for slot in reused:
            state.slots[slot], state.display[slot] = known[slot]  # type: ignore[index]
        outcome = self._next(spec, state)
        if outcome.kind != "complete":
            self._say_misread(spec, state, opening, today, outcome)
        lines = [spec.intro(lang)] if spec.intro else []
        if noted := self.noted(spec, state, filled):
            lines.append(noted)
        if reused:
            facts = self._facts(spec, reused, lang)
            lines.append(self.hints["reused"][lang].format(facts=facts))
        outcome.text = "\n".join([*lines, outcome.text]).strip()
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
        """Take every fact ``text`` gives; it is a failed answer only when it gives none.

        An answer that fits another step fills that step (a mobile typed while the name was asked);
        the current question is then asked again, without a hint.
        """
        spec = self.flows[state.flow]
        if state.step == CONFIRM:
            return self._at_confirm(spec, state, text, today)
        step = spec.step(state.step)
        # A filled step named with a new value is a correction (金额改成400万): it may be filled again.
        named = {s.slot for s in spec.steps if _names(s, text)} if CORRECTION.search(text) else set()
        filled = fill(spec, text, today, skip=set(state.slots) - {step.slot} - named)
        if step.slot not in filled:
            # nothing else asked for in it (at most inferred details such as a fee type): it is the
            # answer to this question, or a failure
            if not any(spec.step(slot).ask for slot in filled):
                if step.optional and _SKIP.match(normalise(text)):
                    filled[step.slot] = Validated(None, "—")
                else:
                    result = get_validator(step.validator)(text, self._ctx(step, today))
                    # a question that only hints at details (科技贷的利率是多少？) is a side question
                    if isinstance(result, Rejected) and (not filled or _ASKS.search(text)):
                        return result
                    if not isinstance(result, Rejected):
                        filled[step.slot] = result
            elif step.validator == "yes_no":  # "同意，吴刚，139…": the yes or no comes first
                first = re.split(r"[，,。.;；!！\n]", normalise(text), maxsplit=1)[0]
                result = get_validator(step.validator)(first, self._ctx(step, today))
                if not isinstance(result, Rejected):
                    filled[step.slot] = result
        state = state.copy()
        self._apply(state, filled)
        if state.return_to_confirm:
            state.return_to_confirm = False
            outcome = self._confirm(spec, state)
        else:
            outcome = self._next(spec, state)
        if outcome.kind != "complete":
            self._say_misread(spec, state, text, today, outcome)
            if noted := self.noted(spec, state, filled):
                outcome.text = noted + "\n" + outcome.text
        return outcome

    def _say_misread(self, spec: FlowSpec, state: FlowProgress, text: str, today: date,
                     outcome: TurnOutcome) -> None:
        """A credit code with a wrong check character is said back and asked for, even if not asked."""
        for step, hint in misread(spec, text, today, skip=set(state.slots)):
            asked = self._ask(spec, state, step)
            outcome.kind, outcome.state, outcome.hint_key = "reask", state, hint
            outcome.text = self._hint(None, hint, state.lang) + "\n" + asked.text
            outcome.quick_replies = asked.quick_replies
            return

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
                return self._complete(spec, state)
            return self._confirm(spec, state)
        return self._ask(spec, state, step)

    def _complete(self, spec: FlowSpec, state: FlowProgress) -> TurnOutcome:
        for step in spec.steps:  # what was not asked and not said takes the flow's default
            if step.slot not in state.slots and step.default is not None:
                state.slots[step.slot] = step.default
        state.step = None
        return TurnOutcome("complete", state, "")

    def _ask(self, spec: FlowSpec, state: FlowProgress, step: StepSpec) -> TurnOutcome:
        state.step = step.slot
        lang = state.lang
        group = spec.group_of(step)
        missing = [s for s in group if s.ask and s.slot not in state.slots]
        lead = next((s for s in group if s.group_prompt), None)
        text = lead.group_prompt(lang) if lead and lead.group_prompt and len(missing) > 1 else step.prompt(lang)
        replies = step.quick_replies(lang)
        if step.optional:
            replies.append("跳过" if lang == "zh" else "skip")
        return TurnOutcome("ask", state, text, replies)

    def _apply(self, state: FlowProgress, filled: dict[str, Validated]) -> None:
        for slot, result in filled.items():
            state.slots[slot], state.display[slot] = result.value, result.display
            state.failures.pop(slot, None)

    def _facts(self, spec: FlowSpec, said: dict[str, str], lang: str) -> str:
        sep = "，" if lang == "zh" else "; "
        return sep.join(f"{s.label(lang)} {said[s.slot]}" for s in spec.steps if s.slot in said)

    def noted(self, spec: FlowSpec, state: FlowProgress, filled: dict[str, Validated]) -> str:
        """One line naming what this message filled (yes/no answers need no read-back)."""
        said = {slot: shown(spec.step(slot), r.value, r.display, state.lang) for slot, r in filled.items()
                if r.value is not None and spec.step(slot).validator != "yes_no"
                and not (spec.step(slot).extract and spec.step(slot).extract.opening)}
        return self.hints["noted"][state.lang].format(facts=self._facts(spec, said, state.lang)) if said else ""

    def summary(self, spec: FlowSpec, state: FlowProgress) -> str:
        lang = state.lang
        colon = "：" if lang == "zh" else ": "
        return "\n".join(f"· {s.label(lang)}{colon}{shown(s, state.slots[s.slot], state.display.get(s.slot), lang)}"
                         for s in spec.steps if s.slot in state.slots)

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
            return self._complete(spec, state.copy())
        return Rejected("which_field")


def _names(step: StepSpec, text: str) -> bool:
    lowered = normalise(text).lower()
    # English aliases are words ("contact" is not in "contacted"); Chinese ones are substrings
    return any(re.search(rf"\b{re.escape(a.lower())}\b", lowered) if a.isascii() else a in lowered
               for a in step.aliases)
