"""`flask forum synonyms export [FILE]`: write the synonym table back to the reviewed file
(synonyms.tsv by default), so what admins changed in the browser is reviewed like code;
`flask forum synonyms import [FILE]`: add the pairs a reviewed file gained since the table
was seeded (migration 0007 reads the file once)."""
from pathlib import Path

import click

from .synonyms import SYNONYMS_FILE, add_missing, file_text, read_pairs, stored_pairs

synonyms_cli = click.Group("synonyms", help="The search's synonym pairs.")


@synonyms_cli.command("export")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
def export_command(file: Path | None):
    """Write the table's pairs, in the order they were added, to FILE (default: the seed file)."""
    target = file or SYNONYMS_FILE
    pairs = stored_pairs()
    target.write_text(file_text(pairs), encoding="utf-8")
    click.echo(f"wrote {len(pairs)} pairs to {target}")


@synonyms_cli.command("import")
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(file: Path | None):
    """Add the pairs of FILE (default: the seed file) that the table lacks, in either order;
    pairs only in the table stay (an admin's additions are not lost)."""
    added = add_missing(read_pairs(file or SYNONYMS_FILE))
    click.echo(f"added {added} pairs")
