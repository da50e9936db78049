"""First-run setup: clinic, rules, first account and certificate (issue 4, item 1)."""
