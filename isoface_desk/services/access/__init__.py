"""Who may do what: sign-in, passwords, users, roles, personal signing keys."""
