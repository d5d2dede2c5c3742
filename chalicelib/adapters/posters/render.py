"""Draw a share poster with Pillow and qrcode: photo, title, price, the user's line, invite code, QR.

The font is the packaged Noto Sans CJK SC subset (`infra/build_font.py`), loaded once per process.
Rendering is deterministic for a spec, so a poster id (the spec's hash) always names the same picture.
"""
from __future__ import annotations

import io
import re
import threading
from pathlib import Path
from typing import Callable

import qrcode
from PIL import Image, ImageDraw, ImageFont

from ...domain.posters import MAX_TEXT_LINES, PosterSpec, yuan

ASSETS = Path(__file__).resolve().parents[2] / "assets"
FONT_PATH = ASSETS / "poster-font.otf"
CHARS_PATH = ASSETS / "poster-font.chars"

INK, MUTED, RED, PAPER, PANEL = (34, 34, 34), (128, 128, 128), (226, 48, 43), (255, 255, 255), (247, 244, 238)
_TOKENS = re.compile(r"[A-Za-z0-9¥.,:%+\-]+|\s|.", re.S)


class FontMissingError(RuntimeError):
    pass


def drawable_characters(path: Path = CHARS_PATH) -> frozenset[str]:
    if not path.exists():
        raise FontMissingError(f"{path} is missing: run `python infra/build_font.py` (make does it)")
    return frozenset(path.read_text(encoding="utf-8"))


def wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int, max_lines: int) -> list[str]:
    """Greedy wrap: CJK breaks between any two characters, Latin words and numbers stay whole."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for token in _TOKENS.findall(paragraph):
            if draw.textlength(line + token, font=font) <= width or not line:
                line += token
            else:
                lines.append(line.rstrip())
                line = token.lstrip()
        lines.append(line.rstrip())
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and draw.textlength(last + "…", font=font) > width:
            last = last[:-1]
        lines = lines[:max_lines - 1] + [last + "…"]
    return lines


def qr_image(data: str, size: int) -> Image.Image:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2, box_size=1)
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()  # includes the quiet-zone border
    modules = len(matrix)
    scale = max(1, size // modules)
    image = Image.new("1", (modules, modules), 1)
    image.putdata([0 if dark else 1 for row in matrix for dark in row])
    return image.resize((modules * scale, modules * scale), Image.NEAREST).convert("RGB")


def cover(image: Image.Image, box: tuple[int, int]) -> Image.Image:
    """Scale to fill the box and crop the middle (no distortion)."""
    w, h = box
    scale = max(w / image.width, h / image.height)
    resized = image.convert("RGB").resize((max(w, round(image.width * scale)), max(h, round(image.height * scale))),
                                          Image.BILINEAR)
    left, top = (resized.width - w) // 2, (resized.height - h) // 2
    return resized.crop((left, top, left + w, top + h))


class PosterRenderer:
    def __init__(self, load_image: Callable[[str], Image.Image | None], font_path: Path = FONT_PATH) -> None:
        if not Path(font_path).exists():
            raise FontMissingError(f"{font_path} is missing: run `python infra/build_font.py` (make does it)")
        self._font_path, self._load_image = str(font_path), load_image
        self._fonts: dict[int, ImageFont.FreeTypeFont] = {}
        self._lock = threading.Lock()
        self.renders = 0

    def font(self, size: int) -> ImageFont.FreeTypeFont:
        with self._lock:
            if size not in self._fonts:
                self._fonts[size] = ImageFont.truetype(self._font_path, size)
            return self._fonts[size]

    def photo(self, spec: PosterSpec, box: tuple[int, int]) -> Image.Image:
        image = self._load_image(spec.image) if spec.image else None
        if image is not None:
            return cover(image, box)
        placeholder = Image.new("RGB", box, PANEL)  # the photo could not be had: a calm stand-in
        draw = ImageDraw.Draw(placeholder)
        glyph = self.font(min(box) // 3)
        draw.text((box[0] // 2, box[1] // 2), spec.title[:1] or "?", font=glyph, fill=(200, 190, 175), anchor="mm")
        return placeholder

    def render(self, spec: PosterSpec) -> bytes:
        width, height = spec.size
        unit = min(width, height) / 750
        canvas = Image.new("RGB", (width, height), PAPER)
        draw = ImageDraw.Draw(canvas)
        pad = round(40 * unit)
        if width > height:  # landscape: photo left, words right
            photo_box = (width // 2, height)
            canvas.paste(self.photo(spec, photo_box), (0, 0))
            x0, y, column = width // 2 + pad, pad, width // 2 - 2 * pad
        else:
            photo_box = (width, round(height * (0.5 if height > width * 1.3 else 0.42)))
            canvas.paste(self.photo(spec, photo_box), (0, 0))
            x0, y, column = pad, photo_box[1] + pad, width - 2 * pad
        title_font, price_font = self.font(round(40 * unit)), self.font(round(56 * unit))
        small, text_font = self.font(round(24 * unit)), self.font(round(30 * unit))
        qr = qr_image(spec.path, round(min(width, height) * 0.3))
        qx, qy = width - pad - qr.width, height - pad - qr.height
        for line in wrap(draw, spec.title, title_font, column, 2):
            draw.text((x0, y), line, font=title_font, fill=INK, stroke_width=max(1, round(unit)), stroke_fill=INK)
            y += round(54 * unit)
        y += round(10 * unit)
        label = "直播价 " if spec.live else ""
        draw.text((x0, y + round(22 * unit)), label, font=text_font, fill=RED)
        px = x0 + draw.textlength(label, font=text_font)
        draw.text((px, y), yuan(spec.price), font=price_font, fill=RED)
        if spec.live and spec.list_price > spec.price:
            lx = px + draw.textlength(yuan(spec.price), font=price_font) + round(16 * unit)
            ly = y + round(26 * unit)
            draw.text((lx, ly), yuan(spec.list_price), font=small, fill=MUTED)
            mid = ly + round(16 * unit)
            draw.line((lx, mid, lx + draw.textlength(yuan(spec.list_price), font=small), mid), fill=MUTED,
                      width=max(1, round(2 * unit)))
        y += round(84 * unit)
        if spec.text:
            line_h, inset = round(42 * unit), round(16 * unit)
            lines = wrap(draw, spec.text, text_font, column - 2 * inset, MAX_TEXT_LINES)
            box_bottom = y + len(lines) * line_h + round(28 * unit)
            right = x0 + column if box_bottom <= qy - pad // 2 else qx - pad // 2  # never under the QR code
            if right < x0 + column:
                lines = wrap(draw, spec.text, text_font, right - x0 - 2 * inset, MAX_TEXT_LINES)
                box_bottom = y + len(lines) * line_h + round(28 * unit)
            draw.rounded_rectangle((x0, y, right, box_bottom), radius=round(12 * unit), fill=PANEL)
            for n, line in enumerate(lines):
                draw.text((x0 + inset, y + round(14 * unit) + n * line_h), line, font=text_font, fill=INK)
        canvas.paste(qr, (qx, qy))
        beside = qx - x0 - pad // 2  # the invite code and the hint sit left of the QR code, at its foot
        hint = wrap(draw, "长按识别小程序码参团", small, beside, 2)
        code = wrap(draw, f"邀请码 {spec.invite_code}", text_font, beside, 2)
        ty = qy + qr.height - len(hint) * round(34 * unit) - len(code) * round(44 * unit)
        for line in code:
            draw.text((x0, ty), line, font=text_font, fill=INK)
            ty += round(44 * unit)
        for line in hint:
            draw.text((x0, ty), line, font=small, fill=MUTED)
            ty += round(34 * unit)
        out = io.BytesIO()
        canvas.save(out, format="PNG", compress_level=6)
        with self._lock:
            self.renders += 1
        return out.getvalue()
