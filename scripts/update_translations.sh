#!/bin/sh
# Re-extract every translatable string, merge new ids into each locale's .po, compile the .mo files.
# Usage: scripts/update_translations.sh   (from anywhere; new ids appear untranslated in the .po)
set -eu
cd "$(dirname "$0")/.."
PYBABEL="${PYBABEL:-.venv/bin/pybabel}"

# --ignore-dirs: Babel skips directories starting with "_" by default, which would silently
# drop templates/_macros and templates/_partials; skip only dot-directories and caches.
"$PYBABEL" -q extract -F babel.cfg -k _l --sort-by-file --no-wrap \
    --ignore-dirs=".* __pycache__ node_modules instance" \
    --project=Sodan --copyright-holder="Sodan contributors" \
    -o translations/messages.pot .
# --ignore-obsolete: ids removed from the code leave the .po instead of lingering as #~ entries.
"$PYBABEL" -q update -i translations/messages.pot -d translations --no-wrap --ignore-obsolete \
    --no-fuzzy-matching
"$PYBABEL" compile -d translations --statistics

# Report what still needs an English translation (empty msgstr, or fuzzy after a merge).
for po in translations/*/LC_MESSAGES/messages.po; do
    "$(dirname "$PYBABEL")/python" - "$po" <<'PY'
import sys
from babel.messages.pofile import read_po

with open(sys.argv[1], "rb") as fh:
    catalog = read_po(fh)
todo = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
print(f"{sys.argv[1]}: {len(todo)} to translate")
for msgid in todo:
    print("  ", msgid if isinstance(msgid, str) else msgid[0])
PY
done
