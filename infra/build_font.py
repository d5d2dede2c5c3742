"""Build the poster font: a subset of Noto Sans CJK SC (Debian `fonts-noto-cjk`) made with fontTools.

The full collection is ~20 MB; the subset keeps what a poster can show - ASCII, Latin-1 signs, CJK
punctuation, full-width forms and the 6,763 hanzi of GB 2312 - so the Lambda bundle stays small. It also
writes the list of characters the font covers, which the API uses to refuse text it could not draw.
Nothing is fetched at run time.

    python infra/build_font.py [--source /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
OUT_DIR = ROOT / "chalicelib" / "assets"
FONT, CHARS = "poster-font.otf", "poster-font.chars"


def charset() -> list[int]:
    points = set(range(0x20, 0x7F)) | set(range(0xA0, 0x100)) | set(range(0x3000, 0x3040))
    points |= set(range(0xFF01, 0xFF5F)) | {0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2026, 0x00B7, 0x2022, 0xFFE5}
    for cp in range(0x4E00, 0xA000):  # the GB 2312 hanzi: what simplified-Chinese text overwhelmingly uses
        try:
            chr(cp).encode("gb2312")
        except UnicodeEncodeError:
            continue
        points.add(cp)
    return sorted(points)


def sc_face(source: Path):
    from fontTools.ttLib import TTCollection

    for number, font in enumerate(TTCollection(str(source)).fonts):
        name = font["name"].getDebugName(1) or ""
        if name.endswith(" SC") and "Mono" not in name:
            return number
    raise SystemExit(f"no Simplified Chinese face in {source}")


def build(source: Path, out_dir: Path) -> Path:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(str(source), fontNumber=sc_face(source), lazy=False)
    options = subset.Options()
    options.layout_features = ["kern", "liga", "palt"]
    options.hinting = False
    options.name_IDs = ["*"]  # keep the copyright and licence (SIL OFL 1.1) records
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    wanted = charset()
    subsetter.populate(unicodes=wanted)
    subsetter.subset(font)
    covered = sorted(set(font.getBestCmap()) & set(wanted))
    out_dir.mkdir(parents=True, exist_ok=True)
    font.save(str(out_dir / FONT))
    (out_dir / CHARS).write_text("".join(chr(cp) for cp in covered), encoding="utf-8")
    return out_dir / FONT


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=SOURCE)
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    args = parser.parse_args()
    if not args.source.exists():
        print(f"{args.source} is missing: install the Debian package fonts-noto-cjk", file=sys.stderr)
        return 1
    path = build(args.source, args.out)
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path} "
          f"({path.stat().st_size / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
