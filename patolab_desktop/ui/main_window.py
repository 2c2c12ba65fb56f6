"""The main window: one tab per area, menus that areas fill in through ``install``."""

from __future__ import annotations

import logging

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMenu, QTabWidget, QWidget

from .. import APP_NAME, __version__
from ..i18n import translate
from ..services.access import session
from . import prompts
from .icons import app_icon, icon
from .widgets.screen_fit import fit_to_screen

MENUS = (
    ("file", QT_TRANSLATE_NOOP("main_window", "&Archivo")),
    ("customers", QT_TRANSLATE_NOOP("main_window", "&Pacientes/Clientes")),
    ("requests", QT_TRANSLATE_NOOP("main_window", "&Solicitudes")),
    ("referrers", QT_TRANSLATE_NOOP("main_window", "&Remitentes")),
    ("catalog", QT_TRANSLATE_NOOP("main_window", "&Catálogo")),
    ("billing", QT_TRANSLATE_NOOP("main_window", "&Facturación")),
    ("cash", QT_TRANSLATE_NOOP("main_window", "Ca&ja")),
    ("export", QT_TRANSLATE_NOOP("main_window", "&Exportar")),
    ("help", QT_TRANSLATE_NOOP("main_window", "A&yuda")),
)


class MainWindow(QMainWindow):
    def __init__(self, db_label: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"{APP_NAME} — {db_label}" if db_label else APP_NAME)
        self.setWindowIcon(app_icon())
        fit_to_screen(self, 1200, 760)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.setCentralWidget(self.tabs)
        self._menus: dict[str, QMenu] = {}
        self._tabs: dict[str, QWidget] = {}
        self._tab_icons: dict[str, str] = {}
        self._tab_permissions: dict[str, str] = {}
        self._pending_areas: list = []  # areas the first user's role could not open
        self._allowed = None  # the last ``apply_permissions`` test
        self.permission_listeners: list = []  # called with ``allowed`` after each apply
        for key, title in MENUS:
            self._menus[key] = self.menuBar().addMenu(translate("main_window", title))
            self._menus[key].setToolTipsVisible(True)  # why an entry is disabled (``needs``)
        self.statusBar().addPermanentWidget(QLabel(db_label))
        self._install_areas()
        self._install_file_and_help()
        self.tabs.currentChanged.connect(self._focus_current_tab)

    # --- API used by the areas --------------------------------------------------------
    def menu(self, key: str) -> QMenu:
        return self._menus[key]

    def add_action(
        self,
        menu_key: str,
        text: str,
        slot,
        icon_name: str | None = None,
        shortcut: str | QKeySequence | None = None,
        permission: str | None = None,
        needs: tuple[str, ...] = (),
    ) -> QAction:
        """Add a menu action; ``permission`` hides it from users whose role lacks it.

        ``needs``: other permissions what it opens cannot work without (the request entry
        finds the patient: ``patients.view``). A role holding ``permission`` but not one of
        these sees the entry disabled, its tooltip saying which permission is missing,
        instead of a refusal after the click.
        """
        action = QAction(text, self)
        action.setProperty("permission", permission or "")
        action.setProperty("needs", " ".join(needs))
        if icon_name:
            action.setIcon(icon(icon_name))
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: self._trigger(action, slot))
        self._menus[menu_key].addAction(action)
        return action

    def _trigger(self, action: QAction, slot) -> None:
        """Run ``slot``. An entry that needs a permission (a window, an export, a print)
        first reads the signed-in user again (``session.recheck``, one query): what an
        administrator withdrew on another desk a moment ago is refused at once, with the
        usual message, and the menus follow her new role (``login_flow.recheck_user``)."""
        needs = (action.property("needs") or "").split()
        needed = [key for key in (action.property("permission"), *needs) if key]
        if needed and session.recheck() and session.refusal(*needed):
            title = action.text().split("\t")[0].replace("&", "").rstrip("…")
            prompts.refuse(self, title, *needed)
            return
        slot()

    def apply_permissions(self, allowed) -> None:
        """Show only the actions whose permission ``allowed(permission)`` grants.

        Hiding is a courtesy; the service check is the one that counts.
        """
        self._allowed = allowed
        for menu in self._menus.values():
            for action in menu.actions():
                permission = action.property("permission")
                if permission:
                    action.setVisible(bool(allowed(permission)))
                needs = (action.property("needs") or "").split()
                if needs:
                    missing = [key for key in needs if not allowed(key)]
                    action.setEnabled(not missing)
                    action.setToolTip(session.refusal(*missing) if missing else "")
            has_visible = any(a.isVisible() and not a.isSeparator() for a in menu.actions())
            menu.menuAction().setVisible(has_visible)
        for key, widget in self._tabs.items():
            permission = self._tab_permissions.get(key, "")
            if permission:
                self.tabs.setTabVisible(self.tabs.indexOf(widget), bool(allowed(permission)))
        for listener in self.permission_listeners:
            listener(allowed)

    def add_tab(
        self,
        key: str,
        widget: QWidget,
        title: str,
        icon_name: str | None = None,
        permission: str | None = None,
    ) -> None:
        """Add an area's tab with the icon ``icon_name`` (by default the one named like the
        tab, ``key``); ``permission`` hides it from users whose role lacks it."""
        icon_name = icon_name or key
        self._tabs[key] = widget
        self._tab_icons[key] = icon_name
        self._tab_permissions[key] = permission or ""
        self.tabs.addTab(widget, icon(icon_name), title)

    def add_show_action(self, key: str, text: str, shortcut: str) -> QAction:
        """In the menu ``key``, the action that brings the tab ``key`` to the front (the
        tab's icon and permission)."""
        return self.add_action(
            key,
            text,
            lambda: self.show_tab(key),
            self._tab_icons[key],
            shortcut,
            permission=self._tab_permissions[key],
        )

    def add_new_action(self, key: str, text: str) -> QAction:
        """In the menu ``key``, the tab's «new»: shows the tab ``key`` and calls its
        ``new_item()``; the icon and permission are the tab's ``new_icon`` and
        ``create_permission``."""
        tab = self._tabs[key]
        return self.add_action(
            key,
            text,
            lambda: self.show_tab(key).new_item(),
            tab.new_icon,
            permission=tab.create_permission,
        )

    def tab(self, key: str) -> QWidget | None:
        return self._tabs.get(key)

    def show_tab(self, key: str) -> QWidget:
        widget = self._tabs[key]
        self.tabs.setCurrentWidget(widget)
        focus = getattr(widget, "focus_default", None)
        if focus is not None:
            focus()
        return widget

    def reload_from_database(self) -> None:
        """Every tab the user may see re-reads its data (after an unexpected error, see
        ``ui/errors``; after a user switch)."""
        for key, widget in self._tabs.items():
            permission = self._tab_permissions.get(key)
            if permission and self._allowed is not None and not self._allowed(permission):
                continue  # hidden for this role: it reads its data when someone may see it
            reload = getattr(widget, "reload_from_database", None)
            if reload is not None:
                reload()

    # --- set-up -------------------------------------------------------------------------
    def _install_areas(self) -> None:
        from .catalog import area as catalog_area
        from .customers import area as customers_area
        from .customers import import_area
        from .printing import area as printing_area
        from .referrers import area as referrers_area
        from .requests import area as requests_area

        for area in (
            requests_area,
            customers_area,
            import_area,
            referrers_area,
            catalog_area,
            printing_area,
        ):
            if not self._try_install(area):
                self._pending_areas.append(area)
        from .admin import (
            backup_actions,  # Archivo: copias de seguridad, conexión (issue 9)
            language_dialog,  # Archivo: idioma (issue 10)
        )

        backup_actions.install(self)
        language_dialog.install(self)
        from .admin import settings_dialog  # Archivo: configuración (issue 16 E)

        settings_dialog.install(self)
        from .notify import area as notify_area  # WhatsApp (issue 18)

        notify_area.install(self)
        from .billing import area as billing_area  # Facturación, Caja (issue 17)

        billing_area.install(self)
        for key, menu in self._menus.items():
            if key not in ("file", "help") and menu.isEmpty():
                menu.menuAction().setVisible(False)

    def _try_install(self, area) -> bool:
        """Install ``area``; when it reads data this role may not see (``PermissionDenied``),
        take back the tabs and menu entries it added and return False."""
        from ..services.errors import PermissionDenied

        tabs_before = set(self._tabs)
        actions_before = {key: set(menu.actions()) for key, menu in self._menus.items()}
        try:
            area.install(self)
            return True
        except PermissionDenied:
            for key in set(self._tabs) - tabs_before:
                widget = self._tabs.pop(key)
                self._tab_permissions.pop(key, None)
                self.tabs.removeTab(self.tabs.indexOf(widget))
                widget.deleteLater()
            for key, menu in self._menus.items():
                for action in menu.actions():
                    if action not in actions_before[key]:
                        menu.removeAction(action)
            logging.getLogger(__name__).info("Area %s left out for this role", area.__name__)
            return False

    def install_pending_areas(self) -> list[str]:
        """Install the areas the first user's role could not open, now that another user
        is logged in (``login_flow`` calls it before ``apply_permissions``)."""
        installed = []
        for area in list(self._pending_areas):
            if self._try_install(area):
                self._pending_areas.remove(area)
                installed.append(area.__name__)
        return installed

    def _install_file_and_help(self) -> None:
        self.menu("file").addSeparator()
        self.add_action(
            "file",
            translate("main_window", "&Salir"),
            self.close,
            "quit",
            QKeySequence.StandardKey.Quit,
        )
        self.add_action(
            "help",
            translate("main_window", "&Guía rápida"),
            self.show_quick_guide,
            "app",
            QKeySequence.StandardKey.HelpContents,
        )
        self.add_action(
            "help", translate("main_window", "A&tajos de teclado"), self.show_shortcuts, "app"
        )
        self.add_action(
            "help", translate("main_window", "&Acerca de PatoLab Desktop"), self._about, "app"
        )

    def show_quick_guide(self):
        from .help_dialogs import quick_guide

        dialog = quick_guide(self)
        dialog.exec()
        return dialog

    def show_shortcuts(self):
        from .help_dialogs import shortcuts

        dialog = shortcuts(self, self)
        dialog.exec()
        return dialog

    def _about(self) -> None:
        text = translate(
            "main_window", "{APP_NAME} {version}\nRecepción de laboratorio clínico y de patología."
        ).format(APP_NAME=APP_NAME, version=__version__)
        prompts.info(self, translate("main_window", "Acerca de"), text)

    def showEvent(self, event):  # noqa: N802
        super().showEvent(event)
        self._focus_current_tab()

    def _focus_current_tab(self, *_args) -> None:
        """The tab on screen puts the focus where work starts (its search box)."""
        current = self.tabs.currentWidget()
        focus = getattr(current, "focus_default", None)
        if focus is not None:
            focus()
