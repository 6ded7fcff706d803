"""Scripted flows: declared in YAML (one file per flow), run by a small engine."""

from assistant.flows.engine import FlowEngine, TurnOutcome
from assistant.flows.spec import FlowSpec, StepSpec, load_flows
from assistant.flows.state import FlowProgress

__all__ = ["FlowEngine", "FlowProgress", "FlowSpec", "StepSpec", "TurnOutcome", "load_flows"]
