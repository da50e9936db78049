"""The Administration area: users and roles, clinic settings, backups (issue 7)."""
