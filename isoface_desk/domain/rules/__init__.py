"""The rule groups of docs/rules.md, one module per table; each has `check(ctx, out)`."""
