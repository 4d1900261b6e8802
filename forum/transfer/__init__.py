"""Moving data in and out: whole threads as JSON Lines (records: validate and prepare import
lines, in worker processes for large files; rows: the rows as each engine takes them;
jsonl: read, write in batches, export), and the full copy of a forum into another database
(copy, with checksums)."""
from .copy import CopyRefused, copy_database
from .jsonl import ImportReport, export_records, import_lines

__all__ = ["CopyRefused", "ImportReport", "copy_database", "export_records", "import_lines"]
