"""Departmental feeds in the database: batches and records, household authorisations, near-relative filings
and findings, with the check run that opens review cases through doudi.casework.actions (issue #10)."""
