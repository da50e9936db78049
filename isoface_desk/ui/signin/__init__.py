"""Sign-in panel and the session: idle lock, resume, switching user (issue 4, item 2)."""
