"""Keeping the net tight over time (pure): review periods, payroll arithmetic and early-warning tests.

No Django here; the Django side is doudi.watch.
"""
