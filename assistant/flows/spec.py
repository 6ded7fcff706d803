"""The shape of a flow file, checked when it is loaded so a typo fails at start-up, not mid-chat."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field, ValidationError, model_validator

from assistant.errors import ConfigError
from assistant.validators import VALIDATORS

FLOWS_DIR = Path(__file__).parent


class Text(BaseModel):
    zh: str
    en: str

    def __call__(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


class Choice(BaseModel):
    value: str
    zh: str
    en: str
    keywords: list[str] = Field(default_factory=list)


class Extract(BaseModel):
    """How a step is filled from a message that was not answering it (see ``flows/fill.py``).

    ``needs``: the kind of phrase that can fill it (``money``, ``duration``), found near one of the
    ``cues`` (regular expressions) and not in a clause with a ``veto``; ``default``: a phrase of that
    kind with no cue at all fills it too (the loan amount in "想贷300万"), ``alone``: only when the
    clause is nothing but that phrase ("8年"). ``patterns``: regular expressions whose group ``v`` is
    the value. ``kind``: ``place`` or ``person`` (found by the word segmenter). ``keywords``: a
    choice step is filled when one of its choices' keywords is said.
    """

    needs: Literal["money", "duration"] | None = None
    cues: list[str] = Field(default_factory=list)
    vetoes: list[str] = Field(default_factory=list)
    default: bool = False
    alone: bool = False
    patterns: list[str] = Field(default_factory=list)
    kind: Literal["place", "person"] | None = None
    keywords: bool = False
    opening: bool = False  # the whole first message of the flow is the value (a complaint's account)

    @model_validator(mode="after")
    def _regexes_compile(self) -> Extract:
        for pattern in [*self.cues, *self.vetoes, *self.patterns]:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"bad regular expression {pattern!r}: {exc}") from exc
        return self


class StepSpec(BaseModel):
    slot: str
    label: Text
    prompt: Text
    validator: str
    hint: Text | None = None  # overrides the validator's generic hint
    optional: bool = False  # the client may say 没有/不知道/跳过
    aliases: list[str] = Field(default_factory=list)  # words that name this slot in a correction
    choices: list[Choice] = Field(default_factory=list)
    options: dict[str, Any] = Field(default_factory=dict)
    prefill_pattern: str | None = None  # regex over the opening message that may already answer the step
    ask: bool = True  # False: never asked, only filled when the client says it (or defaulted)
    default: Any = None  # the value of a step that is not asked and was not said
    group: str | None = None  # steps of one group are asked in one question while several are missing
    group_prompt: Text | None = None  # that question (on the group's first step)
    extract: Extract | None = None

    @model_validator(mode="after")
    def _known_validator(self) -> StepSpec:
        if self.validator not in VALIDATORS:
            raise ValueError(f"step {self.slot}: unknown validator {self.validator!r}")
        if self.validator == "choice" and not self.choices:
            raise ValueError(f"step {self.slot}: a choice step needs choices")
        return self

    def validator_options(self) -> dict[str, Any]:
        return {**self.options, "choices": [c.model_dump() for c in self.choices]}

    def quick_replies(self, lang: str) -> list[str]:
        return [c.en if lang == "en" else c.zh for c in self.choices]


class FlowSpec(BaseModel):
    name: str
    title: Text
    intro: Text | None = None
    steps: list[StepSpec]
    confirm: Text | None = None  # the question under the summary; None = no confirmation step
    on_complete: str  # the action the dialogue manager runs with the slots
    max_failures: int = 2  # failed answers to one step before a person is offered

    def step(self, slot: str) -> StepSpec:
        return next(s for s in self.steps if s.slot == slot)

    def next_step(self, slots: dict[str, Any]) -> StepSpec | None:
        return next((s for s in self.steps if s.ask and s.slot not in slots), None)

    def group_of(self, step: StepSpec) -> list[StepSpec]:
        return [s for s in self.steps if step.group and s.group == step.group]


def load_flows(directory: Path = FLOWS_DIR) -> dict[str, FlowSpec]:
    flows: dict[str, FlowSpec] = {}
    for path in sorted(directory.glob("*.yaml")):
        try:
            spec = FlowSpec.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        except (yaml.YAMLError, ValidationError) as exc:
            raise ConfigError(f"flow file {path.name}: {exc}") from exc
        flows[spec.name] = spec
    return flows
