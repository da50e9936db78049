"""One user action = one unit of work: permission check, session, repositories, audit event."""
