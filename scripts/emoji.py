#!/usr/bin/python3
"""A colour image-folder dataset from Debian's packages: every emoji of
fonts-noto-color-emoji (its embedded 136x128 PNG bitmaps), one class folder
per Unicode emoji group (unicode-data's emoji-test.txt), skin-tone variants
left out. Nothing is resized here: the app's "resize" preprocessing makes
them the model's side.

  sudo apt-get install fonts-noto-color-emoji python3-fonttools unicode-data
  /usr/bin/python3 scripts/emoji.py OUT_DIR
  vae-explorer train --data OUT_DIR --arch conv --size 32 --channels 3 ...

The images are the Noto Emoji project's (SIL Open Font License 1.1); do
not commit them.
"""
import os
import re
import shutil
import sys

from fontTools.ttLib import TTFont

FONT = "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf"
TEST = "/usr/share/unicode/emoji/emoji-test.txt"
SKIN = set(range(0x1F3FB, 0x1F400))


def ligatures(font):
    """Maps tuples of glyph names to the ligature glyph GSUB makes of them."""
    out = {}
    for lookup in font["GSUB"].table.LookupList.Lookup:
        for sub in lookup.SubTable:
            if lookup.LookupType == 7:  # extension
                sub = sub.ExtSubTable
            if getattr(sub, "LookupType", lookup.LookupType) != 4:
                continue
            for first, ligs in sub.ligatures.items():
                for lig in ligs:
                    out[(first, *lig.Component)] = lig.LigGlyph
    return out


def emoji(test_path):
    """Yields (group, code points) of every fully-qualified emoji."""
    group = None
    for line in open(test_path, encoding="utf-8"):
        m = re.match(r"# group: (.*)", line)
        if m:
            group = m.group(1)
            continue
        if line.startswith("#") or ";" not in line:
            continue
        codes, status = line.split(";")[0], line.split(";")[1].split("#")[0].strip()
        if status == "fully-qualified":
            yield group, [int(c, 16) for c in codes.split()]


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: emoji.py OUT_DIR")
    final = sys.argv[1]
    if os.path.exists(final):
        sys.exit(f"emoji: {final} exists; remove it or choose another folder")
    out = final + ".partial"  # renamed into place when complete
    shutil.rmtree(out, ignore_errors=True)
    for path in (FONT, TEST):
        if not os.path.exists(path):
            sys.exit(f"emoji: {path} is missing; install fonts-noto-color-emoji, python3-fonttools and unicode-data")
    font = TTFont(FONT)
    cmap, strike = font.getBestCmap(), font["CBDT"].strikeData[0]
    ligs = ligatures(font)
    n, missing, seen = 0, 0, set()
    for group, cps in emoji(TEST):
        if group == "Component" or SKIN & set(cps):
            continue
        glyphs = [cmap.get(c) for c in cps if c != 0xFE0F]
        if None in glyphs:
            missing += 1
            continue
        g = glyphs[0] if len(glyphs) == 1 else ligs.get(tuple(glyphs))
        if g is None or g not in strike or g in seen:
            missing += 1
            continue
        seen.add(g)
        data = strike[g]
        if hasattr(data, "decompile") and not hasattr(data, "imageData"):
            data.decompile()
        cls = re.sub(r"[^a-z0-9]+", "-", group.lower()).strip("-")
        os.makedirs(os.path.join(out, cls), exist_ok=True)
        name = "-".join(f"{c:04x}" for c in cps)
        with open(os.path.join(out, cls, f"{name}.png"), "wb") as f:
            f.write(data.imageData)
        n += 1
    classes = len(os.listdir(out))
    os.makedirs(os.path.dirname(os.path.abspath(final)), exist_ok=True)
    os.rename(out, final)
    print(f"emoji: {n} images in {classes} classes under {final} ({missing} without a bitmap of their own)")


if __name__ == "__main__":
    main()
