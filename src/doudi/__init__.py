"""Doudi (兜底): keeps the rural social-assistance safety net tight."""

__version__ = "0.1.0"
