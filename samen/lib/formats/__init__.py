"""Project format overrides (``FORMAT_MODULE_PATH``): English dates in Belgian order."""
