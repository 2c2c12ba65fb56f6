"""Persistence only: connection, models, migrations, seed data, search index."""
