"""The rule groups of safety-rules.md, one module per table; each has `check(ctx, out)`."""
