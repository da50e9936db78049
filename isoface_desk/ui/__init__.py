"""The only PySide6 importer: windows, views, controllers, item models, dialogs."""
