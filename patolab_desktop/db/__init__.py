"""Persistence only: connection, models, migrations, seed data, search index."""

# The billing tables join ALL_MODELS on import; importing them here makes every user of
# ``db.models`` see the whole schema.
from . import models_billing as _billing  # noqa: F401
