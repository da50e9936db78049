"""Lab orders and results: the due list, printing, collection, entry, import and export."""
