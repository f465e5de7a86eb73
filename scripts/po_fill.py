#!/usr/bin/env python3
"""Fill empty msgstr entries of a .po file from a JSON {msgid: msgstr} file (plural: a list).

Usage: scripts/po_fill.py APP/locale/zh_Hans/LC_MESSAGES/django.po translations.json
An entry with a message context is looked up as "context\x04msgid".
Prints the msgids still untranslated afterwards. Only the standard library; keeps the header.
A fuzzy entry (msgmerge's guess from a similar msgid) is emptied unless the JSON translates it.
"""

import json
import re
import sys


def unquote(lines):
    return "".join(json.loads(line) for line in lines)


def quote(text):
    return json.dumps(text, ensure_ascii=False)


def _unfuzzy(line):
    """Drop the fuzzy flag from a flags line ("#, fuzzy, python-format" → "#, python-format")."""
    if not line.startswith("#,"):
        return line
    flags = [f.strip() for f in line[2:].split(",") if f.strip() and f.strip() != "fuzzy"]
    return "#, " + ", ".join(flags) if flags else "#,"


def main(po_path, json_path):
    with open(json_path, encoding="utf-8") as fh:
        mapping = json.load(fh)
    with open(po_path, encoding="utf-8") as fh:
        text = fh.read()
    blocks = text.split("\n\n")
    missing = []
    out = []
    for block in blocks:
        lines = block.split("\n")
        m = re.search(r'^msgid (".*")$', block, re.M)
        if not m or "Project-Id-Version" in block:
            out.append(block)
            continue
        # collect msgid (possibly multi-line)
        idx = next(i for i, ln in enumerate(lines) if ln.startswith("msgid "))
        j = idx + 1
        id_lines = [lines[idx][6:]]
        while j < len(lines) and lines[j].startswith('"'):
            id_lines.append(lines[j])
            j += 1
        msgid = unquote(id_lines)
        context = re.search(r'^msgctxt (".*")$', block, re.M)
        if context:  # keyed "context\x04msgid" in the JSON, as gettext does
            msgid = json.loads(context.group(1)) + "\x04" + msgid
        rest = lines[j:]
        # A fuzzy entry is msgmerge's guess from a *similar* msgid ("No such certificate" got
        # "出具鉴证书" from "Issue certificate"): never keep it; translate it or report it.
        fuzzy = any(ln.startswith("#,") and "fuzzy" in ln for ln in lines[:idx])
        if fuzzy and msgid not in mapping:
            rest = [ln for ln in rest if not ln.startswith('"')]
            rest = [
                'msgstr[0] ""'
                if ln.startswith("msgstr[0]")
                else ('msgstr ""' if ln.startswith("msgstr ") else ln)
                for ln in rest
                if not ln.startswith("msgstr[") or ln.startswith("msgstr[0]")
            ]
        lines = [_unfuzzy(ln) for ln in lines[:idx] if not ln.startswith("#| ")] + lines[idx:j]
        lines = [ln for ln in lines if ln != "#,"]
        if rest and rest[0].startswith("msgid_plural"):
            plural_lines = [rest[0]]
            k = 1
            while k < len(rest) and rest[k].startswith('"'):
                plural_lines.append(rest[k])
                k += 1
            existing = rest[k:]
            filled = unquote(
                [ln.split(" ", 1)[1] for ln in existing if ln.startswith("msgstr[0]")] or ['""']
            )
            value = mapping.get(msgid)
            if not filled and value is None:
                missing.append(msgid)
                out.append("\n".join(lines + rest))
                continue
            if value is not None:
                value = value[0] if isinstance(value, list) else value
                existing = [f"msgstr[0] {quote(value)}"]
            out.append("\n".join(lines + plural_lines + existing))
            continue
        existing = (
            unquote([rest[0][7:]] + [ln for ln in rest[1:] if ln.startswith('"')]) if rest else ""
        )
        value = mapping.get(msgid)
        if value is None and not existing:
            missing.append(msgid)
            out.append("\n".join(lines + rest))
            continue
        out.append("\n".join(lines + [f"msgstr {quote(value if value is not None else existing)}"]))
    with open(po_path, "w", encoding="utf-8") as fh:
        fh.write("\n\n".join(out).rstrip("\n") + "\n")
    for msgid in missing:
        print("untranslated:", msgid)


if __name__ == "__main__":
    main(*sys.argv[1:3])
