"""`flask forum ...` commands: accounts, demo content, import / export, full copy, reindex, render."""
import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask, current_app

from . import badges, pagecache, stale
from .extensions import db
from .mail import worker as mail_worker
from .models import ROLES, Answer, Question, User, utcnow
from .rendering import render_all
from .search import index, related
from .search.synonyms_cli import synonyms_cli
from .transfer import CopyRefused, copy_database, export_records, import_lines

DEMO_FILE = Path(__file__).parent / "demo" / "threads.jsonl"
APP_FACTORY = "forum.app_factory"  # app.extensions key
DEMO_MODERATOR = ("demo_mod", "demo_mod@example.com", "sodan-demo-mod")
DEMO_MEMBER = ("demo_user", "demo_user@example.com", "sodan-demo-user")


forum_cli = click.Group("forum", help="Sodan management commands.")
forum_cli.add_command(synonyms_cli)  # flask forum synonyms export


@forum_cli.command("create-user")
@click.argument("name")
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--role", type=click.Choice(ROLES), default="member", show_default=True)
@click.option("--veteran", is_flag=True, help="Give the 先輩 badge.")
def create_user_command(name, email, password, role, veteran):
    """Make an account (the first admin, a moderator...)."""
    existing = db.session.scalar(sa.select(User).where(User.username == name))
    if existing is not None:
        raise click.ClickException(f"user {name!r} already exists")
    if db.session.scalar(sa.select(User.id).where(sa.func.lower(User.email) == email.lower())) is not None:
        raise click.ClickException(f"e-mail {email!r} is already registered")
    User.create(name, email, password, role=role, is_veteran=veteran)
    db.session.commit()
    click.echo(f"created {role} {name}")


def _import_file(path: Path) -> None:
    with path.open(encoding="utf-8") as fh:
        lines = fh.readlines()
    with click.progressbar(length=len(lines), label="importing", file=sys.stderr) as bar:
        report = import_lines(lines, progress=bar.update)
    for number, message in report.errors:
        click.echo(f"line {number}: {message}", err=True)
    click.echo(f"imported {report.imported}, already present {report.skipped}, bad lines {len(report.errors)}")


@forum_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(file):
    """Import threads from a JSON Lines file (idempotent on external_id)."""
    _import_file(file)


@forum_cli.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def export_command(file):
    """Export every thread to a JSON Lines file."""
    count = 0
    with file.open("w", encoding="utf-8") as fh:
        for record in export_records():
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    click.echo(f"exported {count}")


@forum_cli.command("copy")
@click.option("--to", "target_url", required=True, metavar="URL",
              help="SQLAlchemy URL of the database to copy into (migrated first).")
@click.option("--force", is_flag=True, help="Replace what the target already holds.")
def copy_command(target_url, force):
    """Copy everything (accounts, threads, reports, audit log, mail, settings) to another database."""
    try:
        report = copy_database(current_app.extensions[APP_FACTORY], target_url, force=force, log=click.echo)
    except CopyRefused as error:
        raise click.ClickException(str(error)) from error
    for check in report.tables:
        click.echo(f"  {check.name:<24} {check.target.rows:>9} rows  sha256 {check.target.sha256[:16]}  equal")
    click.echo(f"copied {len(report.tables)} tables, {report.rows} rows; counts and checksums equal; "
               f"{report.indexed} threads indexed")


@forum_cli.command("demo")
def demo_command():
    """Load the demo threads and the demo accounts (safe to run again)."""
    for (name, email, password), role in ((DEMO_MODERATOR, "moderator"), (DEMO_MEMBER, "member")):
        if db.session.scalar(sa.select(User).where(User.username == name)) is None:
            User.create(name, email, password, role=role)
    db.session.commit()
    _import_file(DEMO_FILE)


@forum_cli.command("badges")
def badges_command():
    """Apply the 先輩 badge rule to every member (import, demo and copy apply it themselves;
    this is for data written by other means, such as a database restore)."""
    granted = badges.award_all_earned()
    db.session.commit()
    click.echo(f"granted {granted}")


@forum_cli.command("reindex")
def reindex_command():
    """Rebuild the search index from the database."""
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Question)
                              .where(Question.status == "resolved", Question.is_hidden.is_(False)))
    with click.progressbar(length=total or 0, label="reindexing", file=sys.stderr) as bar:
        count = index.reindex(progress=bar.update)
    with db.engine.begin() as conn:  # search pages cached before the rebuild are not served again
        pagecache.bump(conn)
    click.echo(f"indexed {count} threads")


@forum_cli.command("render")
def render_command():
    """Render every post's Markdown to its stored HTML again."""
    total = (db.session.scalar(sa.select(sa.func.count()).select_from(Question)) or 0) + \
        (db.session.scalar(sa.select(sa.func.count()).select_from(Answer)) or 0)
    with click.progressbar(length=total, label="rendering", file=sys.stderr) as bar:
        count = render_all(progress=bar.update)
    click.echo(f"rendered {count} posts")


@forum_cli.command("relate")
@click.option("--all", "everything", is_flag=True, help="Rank every thread's list again, however recent.")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many threads (newest first).")
def relate_command(everything, limit):
    """Rank and store the related threads of threads without a list, or with one older than
    RELATED_REFRESH_HOURS (the thread page shows stored lists; without one it ranks on each view)."""
    hours = 0 if everything else current_app.config["RELATED_REFRESH_HOURS"]
    count = related.relate(utcnow(), refresh_after=timedelta(hours=hours), limit=limit)
    click.echo(f"related lists ranked for {count} threads")


@forum_cli.command("sweep")
@click.option("--as-of", "as_of", metavar="ISO-8601", help="Run as of this time (default: now).")
def sweep_command(as_of):
    """Stale-thread care: reminders, expiry, 急募 alerts and daily digests (idempotent); then
    the related lists due again (at most RELATED_SWEEP_LIMIT a run)."""
    try:
        now = parse_as_of(as_of)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--as-of") from error
    report = stale.sweep(now)
    ranked = related.relate(now, refresh_after=timedelta(hours=current_app.config["RELATED_REFRESH_HOURS"]),
                            limit=current_app.config["RELATED_SWEEP_LIMIT"])
    click.echo(f"as of {now.isoformat()}: reminded {report.reminded}, expired {report.expired}, "
               f"urgent alerts {report.alerted}, digests {report.digests}, related lists {ranked}")


@forum_cli.command("worker")
@click.option("--once", is_flag=True, help="Deliver what is due now, then exit.")
def worker_command(once):
    """Deliver queued mail (retries with backoff; several workers may run at once)."""
    if not once:
        click.echo("worker started: delivering until SIGTERM or Ctrl-C")
    totals = mail_worker.run(once=once)
    click.echo(f"sent {totals['sent']}, retried {totals['retried']}, failed {totals['failed']}")


def parse_as_of(text: str | None) -> datetime:
    """ISO-8601 to an aware UTC time; a time without a zone is read as UTC."""
    if not text:
        return utcnow()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise ValueError(f"not an ISO-8601 time: {text!r}") from error
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def register_commands(app: Flask, factory: Callable[[dict], Flask]) -> None:
    """`factory` (create_app) lets a command open another database with this app's settings."""
    app.cli.add_command(forum_cli)
    app.extensions[APP_FACTORY] = factory
