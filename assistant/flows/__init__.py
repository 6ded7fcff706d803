"""Scripted flows: declared in YAML (one file per flow), run by a small engine."""

from assistant.flows.engine import FlowEngine, TurnOutcome
from assistant.flows.spec import FlowSpec, StepSpec, load_flows

__all__ = ["FlowEngine", "FlowSpec", "StepSpec", "TurnOutcome", "load_flows"]
