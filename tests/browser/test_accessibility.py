"""axe-core in real Chromium: the operators' insight page (server-rendered SVG charts, each with
its figures in a table) has no WCAG 2 A/AA or best-practice violations.

axe-core lives in .tools/axe (`npm install --prefix .tools/axe axe-core`; .ci/run installs it).
Its own folder: an `npm install --no-save` into .tools would prune vnu-jar, installed the same
way. The test installs it itself when npm is there, and skips only when npm is absent."""
import json
import shutil
import subprocess  # nosec B404 # runs npm, fixed arguments
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from forum.extensions import db
from forum.models import Report
from forum.models.base import utcnow
from tests.browser.test_core_loop import sign_in
from tests.factories import PASSWORD, make_answer, make_question, make_user, resolved_thread

ROOT = Path(__file__).resolve().parents[2]
AXE_DIR = ROOT / ".tools" / "axe"
AXE = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
RUN_AXE = """async () => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'best-practice']}});
  return {violations: result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary)})),
          passes: result.passes.length};
}"""


@pytest.fixture(scope="session")
def axe() -> Path:
    if not AXE.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip(f"{AXE} is missing and npm is not installed (.ci/run installs npm and axe-core)")
        subprocess.run([npm, "install", "--no-save", "--no-audit", "--no-fund", "--prefix", str(AXE_DIR), "axe-core"],
                       check=True, timeout=600)  # nosec B603 # fixed arguments
    return AXE


@pytest.fixture
def axe_page(browser):
    """A page whose context lets axe's script in: the site's CSP (script-src 'self') refuses the
    inline script that add_script_tag adds; nothing else about the page changes."""
    context = browser.new_context(locale="ja-JP", viewport={"width": 1000, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_insights_page_has_no_axe_violations(axe, axe_page, live_server, base_url):
    with live_server.app.app_context():
        make_user("mod", role="moderator")
        asker, vet, member = make_user("asker"), make_user("vet", veteran=True), make_user("member")
        now = utcnow()
        # Threads across several weeks of the default period, so every chart has a line to draw.
        for weeks_ago, category in [(0, "want_to_know"), (1, "in_trouble"), (3, "want_to_know"), (6, "urgent")]:
            q = resolved_thread(asker, vet, f"{weeks_ago}週前の解決した質問です", "本文です。", "回答です。",
                                category=category)
            q.created_at = now - timedelta(weeks=weeks_ago, hours=5)
        answered = make_question(asker, title="回答のついた未解決の質問です", category="in_trouble")
        make_answer(answered, member)
        make_question(asker, title="回答を待っている急募の質問です", category="urgent")
        db.session.add(Report(reporter=member, target_type="question", target_id=answered.id, reason="spam"))
        db.session.commit()
        db.session.remove()

    page = axe_page
    sign_in(page, base_url, "mod", PASSWORD)
    page.goto(f"{base_url}/moderation/insights")
    expect(page.locator("h1")).to_have_text("運営の数字")
    # What is checked is really there: both charts (SVG with their tables) and the figures.
    expect(page.locator("figure.chart svg[role=img]")).to_have_count(2)
    expect(page.locator("figure.chart table.chart-table")).to_have_count(2)
    expect(page.locator("td[data-figure=total-asked]")).to_have_text("6")
    expect(page.locator("ol.urgent-waiting li")).to_have_count(1)

    page.add_script_tag(path=str(axe))
    result = page.evaluate(RUN_AXE)
    assert result["passes"] > 0, "axe ran no rule"
    assert result["violations"] == [], json.dumps(result["violations"], ensure_ascii=False, indent=2)
