"""Hypothesis profiles for the parsers that face the outside.

``ci`` (default): bounded examples, no deadline (shared CI cores are noisy), no example database,
so the suite stays well under a minute. ``long``: what ``sme-assistant eval fuzz --minutes N`` runs
over and over; failing examples are kept in eval/results/fuzz-examples (git-ignored) to replay.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis.database import DirectoryBasedExampleDatabase

_SUPPRESS = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large]
settings.register_profile("ci", max_examples=120, deadline=None, database=None, suppress_health_check=_SUPPRESS)
settings.register_profile(
    "long", max_examples=20_000, deadline=None, suppress_health_check=_SUPPRESS,
    database=DirectoryBasedExampleDatabase(Path(__file__).resolve().parents[2] / "eval/results/fuzz-examples"))
settings.load_profile("ci")
