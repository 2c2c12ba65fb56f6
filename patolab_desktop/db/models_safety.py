"""Tables of the data-safety work (issue 15)."""

from __future__ import annotations

from peewee import CharField, IntegerField, Model

from .database import db


class CounterFloor(Model):
    """The lowest next value of a number counter whose own row a restore could not put back
    (e.g. the branch of a request counter did not exist yet in the restored copy).

    ``name`` is the counter kind (``request``; billing adds its own), ``key`` its natural
    key (``SPS-2026``) and ``last_number`` the highest number issued before the restore:
    a counter created later for that key starts after it, so no printed number repeats.
    """

    name = CharField(max_length=40)
    key = CharField(max_length=80)
    last_number = IntegerField(default=0)

    class Meta:
        database = db
        table_name = "counter_floor"
        indexes = ((("name", "key"), True),)
