"""The main pages are valid HTML: the Nu checker (vnu-jar, Java) finds no error in any of them.

The checker lives in .tools/ (`npm install --prefix .tools vnu-jar`; .ci/run installs Java and
it). The test installs it itself when npm is there, and skips only when Java is absent."""
import json
import shutil
import subprocess  # nosec B404 # runs java and npm, fixed arguments
from pathlib import Path

import pytest

from tests.factories import make_answer, make_question, make_user, resolved_thread

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ROOT / ".tools"
VNU = TOOLS / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@pytest.fixture(scope="session")
def vnu() -> Path:
    java = shutil.which("java")
    if java is None:
        pytest.skip("Java is not installed (.ci/run installs default-jre-headless)")
    if not VNU.exists():
        npm = shutil.which("npm")
        assert npm, f"{VNU} is missing and npm is not installed: npm install --prefix .tools vnu-jar"
        subprocess.run([npm, "install", "--no-save", "--no-audit", "--no-fund", "--prefix", str(TOOLS), "vnu-jar"],
                       check=True, timeout=600)  # nosec B603 # fixed arguments
    return VNU


def _errors(vnu: Path, pages: dict[str, str], folder: Path) -> list[str]:
    files = []
    for n, (path, html) in enumerate(pages.items()):
        file = folder / f"page{n}.html"
        file.write_text(html, encoding="utf-8")
        files.append((str(file), path))
    result = subprocess.run(  # nosec B603 # fixed arguments
        [str(shutil.which("java")), "-jar", str(vnu), "--errors-only", "--format", "json", *[f for f, _ in files]],
        capture_output=True, text=True, timeout=300)
    names = {f"file:{f}": path for f, path in files}
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    return [f"{names.get(m.get('url'), m.get('url'))}:{m.get('lastLine')}: {m.get('message')} "
            f"[{m.get('extract', '').strip()}]" for m in messages if m.get("type") == "error"]


def test_main_pages_have_no_html_errors(app, client, auth, vnu, tmp_path):
    asker, answerer = make_user("asker"), make_user("answerer", veteran=True)
    make_user("admin", role="admin")
    question = make_question(asker, body="本文です。\n\n- 箇条書き\n- **太字**\n\n[リンク](https://example.com)")
    answer = make_answer(question, answerer)
    make_question(asker, title="もう一つの質問を書いています", category="urgent")
    resolved_thread(asker, answerer, "仮払いの仕組みがわかりません", "本文です。", "回答です。")  # 関連する質問
    pages: dict[str, str] = {}
    guest_paths = ["/", "/questions", "/questions?status=resolved", f"/questions/{question.id}", "/search?q=仮払い",
                   "/search?q=存在しない言葉", "/faq", "/auth/login", "/auth/register", "/users/asker", "/contact",
                   "/no-such-page"]
    for path in guest_paths:
        pages[f"guest {path}"] = client.get(path).get_data(as_text=True)
    auth.login("asker")
    for path in ["/", f"/questions/{question.id}", "/questions/new", f"/questions/{question.id}/edit"]:
        pages[f"asker {path}"] = client.get(path).get_data(as_text=True)
    refused = client.post("/questions/new", data={"title": "x", "body": "", "category": ""})
    pages["asker refused ask form"] = refused.get_data(as_text=True)
    auth.logout()
    auth.login("admin")
    for path in [f"/questions/{question.id}", "/moderation", "/users/asker", f"/answers/{answer.id}/edit"]:
        pages[f"admin {path}"] = client.get(path).get_data(as_text=True)
    assert 'class="related"' in pages[f"guest /questions/{question.id}"]
    errors = _errors(vnu, pages, tmp_path)
    assert not errors, "\n".join(errors)
