"""The only ReportLab / pyHanko importer: document builders that return bytes."""
