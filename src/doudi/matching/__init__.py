"""The Django side of cross-matching: match runs, links, the clerical-review queue, household coverage.

The algorithms live in the pure package doudi.linkage; this app stores their results against the registry.
"""
