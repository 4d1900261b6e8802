"""`flask forum synonyms export [FILE]`: write the synonym table back to the reviewed file
(synonyms.tsv by default), so what admins changed in the browser is reviewed like code."""
from pathlib import Path

import click

from .synonyms import SYNONYMS_FILE, file_text, stored_pairs

synonyms_cli = click.Group("synonyms", help="The search's synonym pairs.")


@synonyms_cli.command("export")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
def export_command(file: Path | None):
    """Write the table's pairs, in the order they were added, to FILE (default: the seed file)."""
    target = file or SYNONYMS_FILE
    pairs = stored_pairs()
    target.write_text(file_text(pairs), encoding="utf-8")
    click.echo(f"wrote {len(pairs)} pairs to {target}")
