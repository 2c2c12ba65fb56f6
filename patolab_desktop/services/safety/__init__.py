"""Safety of the lab's data: backups and restore, the integrity check, and the transfer
of a whole database to PostgreSQL (migrate-to)."""
