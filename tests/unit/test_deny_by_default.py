"""Deny by default, proven (issue 15, point 8).

Every public function of every module under ``patolab_desktop/services`` is called with
nobody acting and placeholder arguments. It must raise ``PermissionDenied`` before it
runs a single SQL statement, or stand on ``ALLOWED`` below with the reason it needs no
permission (a pure helper, formatting, sign-in itself, ...).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import patolab_desktop.services as services_pkg
from patolab_desktop.db.database import db
from patolab_desktop.services.access import session
from patolab_desktop.services.errors import PermissionDenied

PURE = "pure helper: no database, no acting user"
FORMAT = "formatting or parsing of a value it is given"
VALIDATE = "validation of data it is given; the saving function checks the permission"
SESSION = "the session machinery itself"
SIGN_IN = "sign-in: runs before anyone is acting"
INTERNAL = "called only by a service after that service's own require"
CONNECT = "opens or closes the database (start-up), no data read"

ALLOWED: dict[str, str] = {
    # charging at the desk (issue 17)
    "billing.amounts.cents": PURE,
    "billing.amounts.compute": PURE,
    "billing.amounts.line_amount": PURE,
    "billing.amounts.read_cents": PURE,
    "billing.amounts.stored_sum": PURE,
    "billing.authorisations.counter_key": FORMAT,
    "billing.authorisations.format_number": FORMAT,
    "billing.authorisations.range_text": FORMAT,
    "billing.authorisations.today": PURE,
    "billing.authorisations.validate": VALIDATE,
    "billing.authorisations.issuing_point": "this workstation's point (a setting, no records)",
    "billing.authorisations.take_number": INTERNAL,
    "billing.backend.current": PURE,
    "billing.backend.use": "chooses the issuing back end (configuration, no data)",
    "billing.buyers.customer_document": FORMAT,
    "billing.buyers.resolve": VALIDATE,
    "billing.buyers.sealed": INTERNAL,
    "billing.records.check_issuer": "reads the lab's fiscal settings before an issue (no record)",
    "billing.cash.count_cash": PURE,
    "billing.cash.expected": INTERNAL,
    "billing.cash.open_id": INTERNAL,
    "billing.cash.session_for_payment": INTERNAL,
    "billing.balances.credited_amount": INTERNAL,
    "billing.balances.move_balance": INTERNAL,
    "billing.charged.invoice_of": INTERNAL,
    "billing.charged.invoice_number_of": INTERNAL,
    "billing.issuing.write_document": INTERNAL,
    "billing.invoices.lines_of": INTERNAL,
    "billing.invoices.to_pay": INTERNAL,
    "billing.invoices.to_pay_of_draft": INTERNAL,
    "billing.invoices.share_of": INTERNAL,
    "billing.request_charges.charges_of": INTERNAL,
    "billing.request_charges.on_factura": INTERNAL,
    "billing.balances.paid_amount": INTERNAL,
    "billing.payments.balance_of": INTERNAL,
    "billing.payments.check_balance": INTERNAL,
    "billing.payments.clean_payments": VALIDATE,
    "billing.payments.method_text": FORMAT,
    "billing.payments.write": INTERNAL,
    "billing.records.issuer": INTERNAL,
    "billing.refund_drawer.refusal": INTERNAL,
    "billing.refund_drawer.target": INTERNAL,
    "billing.balances.summaries": INTERNAL,
    "billing.balances.summed": INTERNAL,
    "billing.reports.month_range": FORMAT,
    "billing.statements.balance_due": INTERNAL,
    "billing.statements.owed": INTERNAL,
    "billing.types.label": FORMAT,
    # results progress and WhatsApp notifications (issue 18)
    "notify.errors.ambiguous": PURE,
    "notify.errors.classify": PURE,
    "notify.errors.reason_key": PURE,
    "notify.errors.reason_text": FORMAT,
    "notify.events.consented": PURE,
    "notify.events.render": FORMAT,
    "notify.sender.backoff_delay": PURE,
    "notify.sender.retry_delay": PURE,
    "notify.outbox.first_name": FORMAT,
    "notify.outbox.wa_link": FORMAT,
    "notify.phones.whatsapp_number": FORMAT,
    "requests.results.counts": PURE,
    "requests.results.derive": INTERNAL,
    "requests.results.progress_text": FORMAT,
    "requests.results.result_count": PURE,
    # labels in the active language (pure text, no data)
    "access.permissions.role_label": "a role's name in the active language (pure text)",
    "phrases.shown": "a stored Spanish phrase in the active language (pure text)",
    "phrases.spanish": "the Spanish source of a phrase (pure text)",
    "reference.gender_label": "a gender's name in the active language (pure text)",
    # data safety plumbing (issue 15): file and counter mechanics with no patient data of their
    # own; the services that call them (backups, restore, exports) check the permission
    "safety.counters.floor": "reads a counter floor inside a restore or a numbering transaction",
    "safety.counters.raise_all": "raises counters inside restore (restore checks backups.run)",
    "safety.counters.register": "registers a counter table at import time",
    "safety.counters.request_key": "formats a counter key (pure)",
    "safety.counters.snapshot_all": "reads counters inside restore (restore checks backups.run)",
    "safety.outputs.atomic_output": "writes a file the calling service already permitted",
    "safety.outputs.atomic_path": "a temp path beside a target (pure file mechanics)",
    "safety.outputs.check_backup_folder": "refuses an unsafe backup folder (a check, no data)",
    "safety.outputs.check_new_file": "refuses overwriting a database (a check, no data)",
    "safety.outputs.check_output": "refuses overwriting a database (a check, no data)",
    "safety.outputs.open_database_file": "the guard's own list of the open database's files",
    "safety.outputs.remember_folder": "remembers the last folder of a save dialog",
    "safety.outputs.sweep_folders": "removes our dead temp files at start",
    "safety.outputs.sweep_leftovers": "removes our dead temp files at start",
    "safety.restoring.check_restorable": "checks a backup file it is given (restore: backups.run)",
    "safety.restoring.replace_live": "called only by backups.restore, which checks backups.run",
    "safety.restoring.check_nothing_lost": "a check of what a restore would undo, it is given",
    "safety.later.compare": "called by backups.preview_restore and a restore (backups.run)",
    "safety.later_keep.carry": "writes the staging copy inside a restore (backups.run)",
    "safety.later_keep.lost_rows": "reads inside a restore (restore checks backups.run)",
    "safety.later_keep.record": "writes the staging copy inside a restore (backups.run)",
    "safety.later_text.describe": FORMAT,
    "safety.later_text.after_restore": FORMAT,
    "safety.forward.write_forward": "called only by the restores, which check backups.run",
    "safety.moved.check_not_moved": "the write transactions' check that the file was not moved",
    "safety.moved.switch_this_desk": "this computer's database setting, after a migrate-to",
    # access
    "access.audit.quiet_sql_logging": "logging configuration",
    "access.audit.diff": PURE,
    "access.audit.format_id_number": FORMAT,
    "access.audit.mask_id_number": FORMAT,
    "access.audit.display_id_number": "masks unless the acting user holds view_sensitive",
    "access.audit.changes_text": FORMAT,
    "access.audit_words.record_text": FORMAT,
    "access.audit_words.value_text": FORMAT,
    "access.auth.clock": PURE,
    "access.auth.hash_password": PURE,
    "access.auth.validate_password": VALIDATE,
    "access.auth.validate_username": VALIDATE,
    "access.auth.common_password": PURE,
    "access.auth.role_permission_set": "sign-in: builds the actor of the user who logs in",
    "access.auth.actor_for": "sign-in: builds the actor of the user who logs in",
    "access.auth.refresh_current": "reloads the acting user's own permissions",
    "access.auth.needs_first_admin": "start-up: is this a brand-new database without users?",
    "access.auth.create_first_admin": "only on a database without users (refuses otherwise)",
    "access.auth.login": SIGN_IN,
    "access.auth.logout": SIGN_IN,
    "access.auth.verify_password": "screen unlock of the actor given",
    "access.auth.change_password": "own password: require_login",
    "access.auth.lock_remaining_minutes": "login screen: minutes until the lock opens",
    "access.auth.on_changed_elsewhere": "registers a listener (the GUI's recheck), no data read",
    "access.auth.recheck": "reads the acting user's own state again (nobody acting: nothing)",
    "access.permissions.get": PURE,
    "access.permissions.label": PURE,
    "access.permissions.action": PURE,
    "access.permissions.groups": PURE,
    "access.permissions.ordered": PURE,
    "access.session.current": SESSION,
    "access.session.set_current": SESSION,
    "access.session.has": SESSION,
    "access.session.require": SESSION,
    "access.session.refusal": SESSION,
    "access.session.require_login": SESSION,
    "access.session.recheck": SESSION,
    "access.session.recheck_with": "registers how the user is read again (auth), no data read",
    "access.session.require_now": SESSION,
    "access.session.system_actor": SESSION,
    "access.session.acting_as": SESSION,
    "access.session.with_permissions": SESSION,
    "access.session.username_for_audit": SESSION,
    # start-up and shared helpers
    "bootstrap.open_db": CONNECT,
    "bootstrap.close_db": CONNECT,
    "bootstrap.close_worker_connection": CONNECT,
    "bootstrap.database_is_remote": "says whether the open database is a server; no data",
    "bootstrap.reconnect": CONNECT,
    "csvio.format_cell": FORMAT,
    "csvio.neutralise": FORMAT,
    "csvio.unneutralise": FORMAT,
    "csvio.write_csv": "writes rows it is given; the export service checks exports.run",
    "csvio.export_csv": "writes rows it is given; the export service checks exports.run",
    "csvio.read_csv": "reads a file it is given; the import service checks imports.run",
    "csvio.write_rows": "writes rows it is given; the export service checks exports.run",
    "csvio.append_part": "copies a part file into the export being written",
    "parallel_csv.export_csv": "writes rows it is given; the export service checks "
    "exports.run, and each worker acts as the same user (the rows check patients.view)",
    "identity.take_over": "a worker process installs the keys it was handed; every read "
    "of a number still checks",
    "paging.keyset_page": INTERNAL,
    "paging.cursor_by": PURE,
    "paging.every_page": "pages through the page function it is given, which checks",
    "texts.label": FORMAT,
    "errors.stale": "builds the conflict error of a service",
    "errors.valid": "raises the validation error of already cleaned data",
    "texts.labels_of": FORMAT,
    "texts.service_label": FORMAT,
    "texts.translated_labels": FORMAT,
    "settings.get": "lab-wide display settings (lab name on the login screen, lock minutes)",
    "settings.get_many": "lab-wide display settings (lab name on the login screen, lock minutes)",
    "settings.versions": "version numbers of settings for the optimistic lock",
    "settings.validate_admin": VALIDATE,
    "reference.departments": "public reference data (Honduran departments)",
    "reference.municipalities": "public reference data (Honduran municipalities)",
    "reference.genders": "public reference data",
    "reference.branches": "names of the lab's branches (login screen, filters)",
    "reference.clear_caches": PURE,
    "reference.known_ids": "public reference data (the ids of genders and places)",
    "reference.dni_places": "public reference data (the place codes a DNI starts with)",
    # catalog
    "catalog.activation.set_active": INTERNAL,
    "catalog.branches.validate": VALIDATE,
    "catalog.branches.list_active": "names and codes of the active branches (pickers)",
    "catalog.branches.list_for_filters": "names and codes of every branch (a list's filter)",
    "catalog.branches.id_by_code": "the id of a branch code (a report's --branch), no records",
    "catalog.branches.place": "department and municipality ids of a branch (form defaults)",
    "catalog.branches.default_branch": "the default branch id and code (a setting), no records",
    "catalog.branches.default_branch_id": "the default branch id (a setting), no records",
    "catalog.investigations.validate": VALIDATE,
    "catalog.panels.check_members": VALIDATE,
    "catalog.referrers.normalize_phone": FORMAT,
    "catalog.referrers.format_phone": FORMAT,
    "catalog.referrers.validate": VALIDATE,
    "catalog.referrers.edit_notice": FORMAT,
    "catalog.values.normalize_code": FORMAT,
    "catalog.values.parse_price": FORMAT,
    # customers
    "customers.importing.refusal": PURE,  # a rule on the plan it is given
    "customers.export.refusal": "says why the acting user may not export; reads no data",
    "customers.formats.format_id_number": FORMAT,
    "customers.formats.format_phone": FORMAT,
    "customers.formats.national_digits": FORMAT,
    "customers.formats.spreadsheet_phone": FORMAT,
    "customers.formats.normalise_phone": FORMAT,
    "customers.formats.normalise_email": FORMAT,
    "customers.formats.normalise_id_number": FORMAT,
    "customers.formats.search_text_for": FORMAT,
    "customers.formats.years_between": PURE,
    "customers.formats.age_from": PURE,
    "customers.formats.age_on": PURE,
    "customers.formats.age_label": FORMAT,
    "customers.formats.age_years": PURE,
    "customers.formats.declared_age_text": FORMAT,
    "customers.formats.age_text": FORMAT,
    "customers.formats.age_texts": FORMAT,
    "customers.formats.normalise_document": FORMAT,
    "customers.formats.document_cell": FORMAT,
    "customers.formats.read_document_cell": FORMAT,
    "customers.formats.parse_age": FORMAT,
    "customers.import_match.names_agree": PURE,
    "customers.validation.dni_place_error": "checks a number against public geography",
    "customers.validation.consent_how_missing": FORMAT,
    "customers.validation.document_label": FORMAT,
    "customers.import_file.header_key": FORMAT,
    "customers.import_file.map_header": FORMAT,
    "customers.import_file.missing_columns_message": FORMAT,
    "customers.import_file.read_text": "reads a file it is given; analyse() checks imports.run",
    "customers.import_file.decode": FORMAT,
    "csvio.sniff_delimiter": FORMAT,
    "customers.records.data_fields": PURE,
    "customers.records.count_label": FORMAT,
    "customers.resolve.resolve_type": FORMAT,
    "customers.resolve.resolve_department": "public reference data lookup",
    "customers.resolve.resolve_municipality": "public reference data lookup",
    "customers.resolve.resolve_gender": "public reference data lookup",
    "customers.search_plan.parse_terms": FORMAT,
    "customers.search_plan.plan": "builds a query plan from a search text, runs no query",
    "customers.types.conflict_message": FORMAT,
    "customers.validation.validate": VALIDATE,
    "customers.validation.validate_incomplete": VALIDATE,
    "identity.find_store_in_background": "finds the credential store; reads no key, no data",
    "identity.status": "tells whether this workstation holds the key; no data",
    "identity.loss_warning": FORMAT,
    "identity.seal": "encrypts a number a guarded service is saving",
    "identity.hash_of": "keyed hash of a number a guarded service looks up",
    "identity.search_tokens": "keyed search tokens of a number a guarded service is saving",
    "identity.prefix_token": "keyed token of a typed search term (guarded page/count run it)",
    "identity.reveal_for_form": "decrypts a value a guarded read already returned",
    "identity.search_hash": "keyed hash of a typed search term (guarded page/count run it)",
    "identity.hasher": "keyed hash of numbers a guarded service looks up",
    "identity.reveal": "decrypts a value a guarded read already returned",
    "identity.revealer": "decrypts values a guarded read already returned",
    "identity.format_number": FORMAT,
    "identity.masked": FORMAT,
    "identity.shown": "shows a value a guarded read returned as the acting user may see it",
    "identity.shower": "shows values a guarded read returned as the acting user may see it",
    "identity_keys.unlock": "possession of the recovery key is the authority (checked against "
    "the database's check value)",
    # requests
    "requests.numbers.format_number": FORMAT,
    "requests.numbers.parse_number": FORMAT,
    "requests.numbers.candidates_for_sequence": FORMAT,
    "requests.counting.investigation_count": PURE,
    "requests.counting.investigation_count_sql": "builds an SQL expression; runs nothing",
    "requests.counting.investigation_counts": "counts lines for ids a guarded list already read",
    "requests.pricing.full_years": PURE,
    "requests.pricing.age_on": PURE,
    "requests.pricing.customer_age_on": "age of the customer row it is given",
    "requests.pricing.age_discount": "age and age discount of the customer row it is given",
    "requests.pricing.choose_discount": PURE,
    "requests.pricing.line_discount": PURE,
    "requests.pricing.apply_percent": PURE,
    "requests.pricing.totals": PURE,
    "requests.pricing.expand": PURE,
    "requests.pricing.holder": PURE,
    "requests.pricing.holding_panel": PURE,
    "requests.pricing.inner_panels": PURE,
    "requests.reports.format_datetime": FORMAT,
    "requests.reports.format_date": FORMAT,
    "requests.print_setup.validate_lab_header": VALIDATE,
    "requests.print_setup.validate_print_settings": VALIDATE,
    "requests.print_setup.paper_size": "print setting (paper size)",
    "requests.print_setup.label_settings": "print setting (label size and copies)",
    "requests.print_setup.lab_header": "the lab's own name and address printed on every paper",
    "requests.types.can_cancel": PURE,
    "requests.types.is_read_only": PURE,
    "requests.types.status_label": FORMAT,
    "requests.types.status_text": FORMAT,
    # safety
    "safety.backups.backup_folder": "this computer's backup folder setting",
    "safety.backups.keep_days": "this computer's backup retention setting",
    "safety.backups.pg_dump_available": "is pg_dump installed? no data",
    "safety.backups.prune": "deletes only surplus old backup files by the retention rule; "
    "the automatic backup calls it before anyone signs in",
    "safety.backups.list_backups": "file names and dates in the backup folder, no data",
    "safety.backups.auto_backup_if_due": "start-up backup before anyone signs in",
    "safety.backups.validate_backup": (
        "checks a backup file it is given (restore checks backups.run)"
    ),
    "safety.check.check": "integrity check of the database (no patient data shown)",
    "safety.transfer.check_connection": "tests a PostgreSQL URL it is given",
    # this computer's branch and punto de emisión (a local setting, no records)
    "workstation.here": "this workstation's branch id and point (settings), no records",
    "workstation.issuing": "this workstation's branch id and point, checked (settings)",
    "workstation.local_branch_id": "the branch id this computer keeps (a local setting)",
    "workstation.validate": VALIDATE,
}


def _public_functions():
    found = []
    prefix = services_pkg.__name__ + "."
    for info in pkgutil.walk_packages(services_pkg.__path__, prefix):
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if name.startswith("_"):
                continue
            inner = inspect.unwrap(obj) if callable(obj) else obj  # lru_cache, wraps
            if not inspect.isfunction(inner):
                continue
            if inner.__module__ != module.__name__ or inner.__name__ != name:
                continue  # re-exported, imported or an alias: checked where defined
            found.append((info.name[len(prefix) :] + "." + name, obj))
    return sorted(found, key=lambda pair: pair[0])


FUNCTIONS = _public_functions()


def _placeholder_args(func):
    args, kwargs = [], {}
    for param in inspect.signature(func).parameters.values():
        if param.default is not inspect.Parameter.empty:
            continue
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        if param.kind == param.KEYWORD_ONLY:
            kwargs[param.name] = None
        else:
            args.append(None)
    return args, kwargs


class _CountingQueries:
    def __init__(self):
        self.sql: list[str] = []

    def __enter__(self):
        database = db.obj
        self._original = database.execute_sql
        counter = self

        def counting(sql, params=None, *a, **k):
            counter.sql.append(sql)
            return counter._original(sql, params, *a, **k)

        database.execute_sql = counting
        return self

    def __exit__(self, *exc):
        del db.obj.execute_sql  # back to the class's method


def test_the_walk_finds_the_services():
    names = {name for name, _ in FUNCTIONS}
    assert len(names) > 150
    assert "customers.records.get" in names
    assert "settings.put" in names


def test_allow_list_names_only_existing_functions():
    names = {name for name, _ in FUNCTIONS}
    assert not (set(ALLOWED) - names)


@pytest.mark.parametrize(
    "name,func", [pair for pair in FUNCTIONS if pair[0] not in ALLOWED], ids=lambda v: str(v)
)
def test_requires_a_permission_before_touching_data(database, name, func):
    args, kwargs = _placeholder_args(func)
    with (
        session.acting_as(None),
        _CountingQueries() as queries,
        pytest.raises(PermissionDenied),
    ):
        result = func(*args, **kwargs)
        if inspect.isgenerator(result):
            next(result)
    assert queries.sql == [], f"{name} ran SQL before checking the permission"
