"""The only PySide6 importer: windows, views, controllers, item models, dialogs."""

from isoface_desk.ui.runtime import immortalize_singletons

immortalize_singletons()
