"""Whole threads in and out as JSON Lines: records (validate and prepare import lines, in worker
processes for large files) and jsonl (read, write in batches, export)."""
from .jsonl import ImportReport, export_records, import_lines

__all__ = ["ImportReport", "export_records", "import_lines"]
