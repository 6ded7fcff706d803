"""Where a client is in a flow: the typed form of what ``FlowState.state`` stores as JSON."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any


@dataclass
class FlowProgress:
    flow: str
    lang: str = "zh"
    slots: dict[str, Any] = field(default_factory=dict)  # validated values (Decimal as str, dates ISO)
    display: dict[str, str] = field(default_factory=dict)  # how each value is shown back to the client
    failures: dict[str, int] = field(default_factory=dict)  # failed answers per slot (a person is offered)
    step: str | None = None  # the slot asked now, ``__confirm__``, or None when done
    return_to_confirm: bool = False  # a correction was named at the confirmation: go back there after it
    urgent: list[str] = field(default_factory=list)  # complaint urgency signs seen so far
    switched_to: str | None = None  # set on a cancelled flow the client left for another one

    @classmethod
    def from_json(cls, data: dict[str, Any] | None, flow: str = "") -> FlowProgress:
        data = dict(data or {})
        known = {f.name for f in fields(cls)}
        progress = cls(**{k: v for k, v in data.items() if k in known and k != "flow"}, flow=data.get("flow", flow))
        return progress

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def copy(self) -> FlowProgress:
        return FlowProgress.from_json(self.to_json())

    def closed(self, **extra: Any) -> FlowProgress:
        """What is kept of a flow that ends unsubmitted: its name and language only."""
        return FlowProgress(flow=self.flow, lang=self.lang, **extra)
