"""Shared fixtures. Django tests run in rolled-back transactions on SQLite or PostgreSQL (DOUDI_DB)."""
