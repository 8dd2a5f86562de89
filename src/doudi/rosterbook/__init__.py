"""Issued roster versions (签章负责): numbered per kind and region, SM3-digested and SM2-signed, with their files.

`issue.issue_version` is the one write path; `verify.verify_file` checks a file; `kinds` holds what each roster
kind contains and how its rows are built from the registry (through doudi.registry.access).
"""
