"""Rosters and reports as documents: Excel (xlsxwriter) and PDF (WeasyPrint + Noto CJK), and reading a signed
roster back out of such a file so that it can be verified. Pure: no Django."""
