"""Seeded synthetic rosters (poverty registry, dibao and tekun rolls) with ground truth. See docs/synth.md."""

from doudi.synth.config import CoverageRates, ErrorRates, Parameters, SynthConfig
from doudi.synth.generate import Summary, generate

__all__ = ["CoverageRates", "ErrorRates", "Parameters", "Summary", "SynthConfig", "generate"]
