"""动态管理: reviews, change events, the monthly payroll and early warning (issue 9). Arithmetic lives in the
pure package doudi.monitor; rules in doudi.rules."""
