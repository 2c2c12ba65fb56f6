"""Access: who is acting and what they may do — sign-in (auth), the acting user (session),
users and roles, the permission catalogue, and the audit trail of who did what."""
