"""Write the template (.pot) of one text domain, for `pybabel update` (CONTRIBUTING.md, Texts).

The template holds every msgid of the domain's English catalogue (the list of texts: keys, or
English texts such as command docstrings that extraction cannot see) and, for `cli`, the msgids
`pybabel extract` finds with babel.cfg (`tr`, `say`). `pybabel update` with it adds new msgids to
every language and marks nothing obsolete that the code still uses.

    .venv/bin/python scripts/texts-template.py cli > /tmp/cli.pot
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "src" / "aidrules" / "locale"
#: Domains whose msgids are extracted from the code, with the folder and keywords.
EXTRACTED = {"cli": (ROOT / "src" / "aidrules" / "cli", {"tr": None, "say": None})}


def template(domain: str) -> Catalog:
    with (LOCALE / "en" / "LC_MESSAGES" / f"{domain}.po").open("rb") as stream:
        english = read_po(stream)
    pot = Catalog(domain=domain, project="aidrules", version="1", fuzzy=False)
    for message in english:
        if message.id:
            pot.add(message.id, context=message.context, auto_comments=message.auto_comments)
    if domain in EXTRACTED:
        folder, keywords = EXTRACTED[domain]
        with (ROOT / "babel.cfg").open(encoding="utf-8") as stream:
            method_map, options_map = parse_mapping_cfg(stream)
        for _file, _line, msgid, comments, context in extract_from_dir(folder, method_map, options_map, keywords):
            if msgid not in pot:
                pot.add(msgid, context=context, auto_comments=comments)
    return pot


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not (LOCALE / "en" / "LC_MESSAGES" / f"{argv[0]}.po").is_file():
        domains = sorted(p.stem for p in (LOCALE / "en" / "LC_MESSAGES").glob("*.po"))
        print(f"usage: texts-template.py DOMAIN  (one of {', '.join(domains)})", file=sys.stderr)
        return 2
    write_po(sys.stdout.buffer, template(argv[0]), sort_output=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
