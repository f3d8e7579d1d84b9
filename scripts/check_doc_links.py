#!/usr/bin/env python3
"""Fails when a relative link in README.md or docs/**/*.md points at a file that does not exist
(ctest docs.links). External links (http, mailto) and anchors within a page are not checked.

  scripts/check_doc_links.py [files...]
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def main(argv):
    files = [pathlib.Path(f) for f in argv] or [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    bad = []
    for f in files:
        text = re.sub(r"```.*?```", "", f.read_text(), flags=re.S)  # links inside code blocks are not links
        for m in LINK.finditer(text):
            target = m.group(1).split("#", 1)[0]
            if not target or re.match(r"^[a-z]+:", target):
                continue
            if not (f.parent / target).exists():
                line = text[:m.start()].count("\n") + 1
                bad.append(f"{f.relative_to(ROOT)}:{line}: broken link {m.group(1)}")
    for b in bad:
        print(b, file=sys.stderr)
    print(f"check_doc_links: {len(files)} files, {len(bad)} broken links")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
