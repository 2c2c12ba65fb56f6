"""The plan of a patient import: each row to create, update or reject with its reason,
and the result of committing it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..texts import translate
from . import bulk
from .import_file import ImportCancelled
from .types import CustomerData

LOOKUP_CHUNK = 500

Progress = Callable[..., None] | None
Cancelled = Callable[[], bool] | None


def _tick(progress: Progress, cancelled: Cancelled, done: int, total: int | None) -> None:
    if cancelled is not None and cancelled():
        raise ImportCancelled()
    if progress is not None:
        progress(done, total)


@dataclass(slots=True)
class ImportRow:
    """One data row of the file and what the import would do with it."""

    line: int  # the physical line where the record starts (the header is line 1)
    raw: list[str]  # the cells as read (kept for rejected rows only, to save memory)
    values: dict[str, str] = field(default_factory=dict)  # canonical field -> cell text
    action: str = ""  # "create" | "update" | "reject"
    reason: str = ""  # Spanish, for rejected rows
    data: CustomerData | None = None  # what create/update will be given
    customer_id: int | None = None  # the customer an update changes
    missing: list[str] = field(default_factory=list)  # required values still missing (labels)
    changes: list[str] = field(default_factory=list)  # labels of the fields an update changes
    prepared: bulk.PreparedCustomer | None = field(default=None, repr=False)  # creates
    note: str = ""  # what the desk should know: a family member on a known phone
    merged_lines: list[int] = field(default_factory=list)  # later lines of the same person

    @property
    def incomplete(self) -> bool:
        return bool(self.missing)

    @property
    def name(self) -> str:
        return self.values.get("name", "")


@dataclass
class ImportPlan:
    path: str
    encoding: str = ""
    delimiter: str = ","
    header: list[str] = field(default_factory=list)
    columns: dict[str, int] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)
    created: list[ImportRow] = field(default_factory=list)
    updated: list[ImportRow] = field(default_factory=list)
    rejected: list[ImportRow] = field(default_factory=list)
    # rows of a person repeated in the file, merged into the person's first row
    merged: list[ImportRow] = field(default_factory=list)

    def row_lists(self) -> list[list[ImportRow]]:
        """The plan's own lists of rows (created, updated, rejected, merged), for letting go
        of a big plan gradually (``util.release``)."""
        return [self.created, self.updated, self.rejected, self.merged]

    @property
    def rows(self) -> list[ImportRow]:
        """Every analysed row in file order."""
        return sorted(
            self.created + self.updated + self.rejected + self.merged, key=lambda r: r.line
        )

    @property
    def total(self) -> int:
        return len(self.created) + len(self.updated) + len(self.rejected) + len(self.merged)

    @property
    def family_count(self) -> int:
        """New patients on a phone someone else already has (a family member)."""
        return sum(1 for r in self.created if r.note)

    @property
    def all_valid(self) -> bool:
        return not self.rejected

    @property
    def incomplete_count(self) -> int:
        return sum(1 for r in self.created + self.updated if r.incomplete)

    @property
    def unchanged_count(self) -> int:
        return sum(1 for r in self.updated if not r.changes)

    def summary(self) -> str:
        return translate(
            "services.patient_import",
            "{total} filas: {created} nuevas, {updated} actualizaciones, {rejected} rechazadas",
        ).format(
            total=self.total,
            created=len(self.created),
            updated=len(self.updated),
            rejected=len(self.rejected),
        ) + (
            translate("services.patient_import", ", {merged} unidas a otra línea").format(
                merged=len(self.merged)
            )
            if self.merged
            else ""
        )


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    incomplete: int = 0
    updated_ids: list[int] = field(default_factory=list)
