"""A donor report as PDF (reportlab): a title page, then each table with its legend and its chart.

Laid out for print: A4 landscape, DejaVu Sans (shipped with matplotlib; it has the Turkish letters the
PDF standard fonts lack), header rows repeated on every page a table runs over, wide tables split into
column blocks that repeat the label columns, page numbers and the threshold in the footer. Only the
report's released cells are drawn; charts come from ``reports.charts``. The document is written with
reportlab's invariant mode (no creation time, fixed identifiers).
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from matplotlib import get_data_path
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Flowable,
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from reports.charts import chart_png
from reports.disclosure import SUPPRESSED
from reports.document import Cell, Column, Kind, Report, ReportTable

PAGE = landscape(A4)
MARGIN = 1.4 * cm
WIDTH = PAGE[0] - 2 * MARGIN
FONT, BOLD = "DejaVuSans", "DejaVuSans-Bold"
_MAX_NUMBER_COLUMNS = 14


@lru_cache(maxsize=1)
def _fonts() -> tuple[str, str]:
    folder = Path(get_data_path()) / "fonts" / "ttf"
    pdfmetrics.registerFont(TTFont(FONT, str(folder / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(folder / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)
    return FONT, BOLD


@lru_cache(maxsize=1)
def _styles() -> dict[str, ParagraphStyle]:
    font, bold = _fonts()
    return {
        "title": ParagraphStyle("title", fontName=bold, fontSize=20, leading=25, spaceAfter=10),
        "subtitle": ParagraphStyle("subtitle", fontName=font, fontSize=11, leading=15, spaceAfter=12),
        "heading": ParagraphStyle(
            "heading", fontName=bold, fontSize=13, leading=17, spaceBefore=4, spaceAfter=6
        ),
        "body": ParagraphStyle("body", fontName=font, fontSize=9, leading=12, spaceAfter=4),
        "note": ParagraphStyle("note", fontName=font, fontSize=7.5, leading=9.5, spaceAfter=2),
        "cell": ParagraphStyle("cell", fontName=font, fontSize=7, leading=8.5),
        "header": ParagraphStyle("header", fontName=bold, fontSize=7, leading=8.5),
        "number_header": ParagraphStyle(
            "number_header", fontName=bold, fontSize=7, leading=8.5, alignment=TA_RIGHT
        ),
    }


def write_pdf(report: Report, path: Path) -> Path:
    path.write_bytes(pdf_bytes(report))
    return path


def pdf_bytes(report: Report) -> bytes:
    _fonts()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=report.title,
        author="Task Force data warehouse",
        subject=report.subtitle,
        creator="taskforce report",
        invariant=1,
    )
    footer = f"{report.title}. Threshold {report.threshold}; {SUPPRESSED} = confidential."

    def decorate(canvas, doc) -> None:  # type: ignore[no-untyped-def]
        canvas.saveState()
        canvas.setFont(FONT, 7)
        canvas.drawString(MARGIN, MARGIN / 2, footer)
        canvas.drawRightString(PAGE[0] - MARGIN, MARGIN / 2, f"page {doc.page}")
        canvas.restoreState()

    document.build(_story(report), onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()


def _story(report: Report) -> list[Flowable]:
    styles = _styles()
    story: list[Flowable] = [
        Paragraph(escape(report.title), styles["title"]),
        Paragraph(escape(report.subtitle), styles["subtitle"]),
    ]
    for key, value in report.summary.items():
        story.append(Paragraph(f"<b>{escape(key)}:</b> {escape(value)}", styles["body"]))
    story += [
        Spacer(1, 8),
        Paragraph(f"<b>Legend.</b> {escape(report.legend_en)}", styles["body"]),
        Paragraph(f"<b>Açıklama.</b> {escape(report.legend_tr)}", styles["body"]),
        Spacer(1, 8),
        Paragraph("<b>Contents</b>", styles["body"]),
    ]
    story += [
        Paragraph(f"{i}. {escape(t.title)}", styles["body"]) for i, t in enumerate(report.tables, start=1)
    ]
    for i, table in enumerate(report.tables, start=1):
        story.append(PageBreak())
        story.append(Paragraph(f"{i}. {escape(table.title)}", styles["heading"]))
        blocks = _blocks(table)
        for n, block in enumerate(blocks):
            story.append(block)
            story.append(Spacer(1, 6 if n < len(blocks) - 1 else 4))
        story += [Paragraph(escape(note), styles["note"]) for note in table.notes]
        png = chart_png(table, width_in=WIDTH / 72)
        if png is not None:
            image = Image(io.BytesIO(png))
            scale = min(WIDTH / image.imageWidth, (PAGE[1] - 2 * MARGIN - 40) / image.imageHeight)
            image.drawWidth, image.drawHeight = image.imageWidth * scale, image.imageHeight * scale
            story.append(Spacer(1, 8))
            story.append(KeepTogether([image]))
    return story


def _blocks(table: ReportTable) -> list[Table]:
    """The table as one or more reportlab tables: wide tables split into column blocks."""
    if not table.rows:
        return [_table(table, list(range(len(table.columns))), empty=True)]
    numeric = [i for i, c in enumerate(table.columns) if c.kind is not Kind.TEXT]
    labels = [
        i for i, c in enumerate(table.columns) if c.kind is Kind.TEXT and (not numeric or i < numeric[0])
    ]
    if len(numeric) <= _MAX_NUMBER_COLUMNS or not labels:
        return [_table(table, list(range(len(table.columns))))]
    return [
        _table(table, labels + numeric[start : start + _MAX_NUMBER_COLUMNS])
        for start in range(0, len(numeric), _MAX_NUMBER_COLUMNS)
    ]


def _table(table: ReportTable, positions: list[int], *, empty: bool = False) -> Table:
    columns = [table.columns[i] for i in positions]
    size = _font_size(columns)
    styles = {
        name: ParagraphStyle(f"{name}{size}", parent=_styles()[name], fontSize=size, leading=size + 1.5)
        for name in ("cell", "header", "number_header")
    }
    header = [
        Paragraph(escape(c.header), styles["header" if c.kind is Kind.TEXT else "number_header"])
        for c in columns
    ]
    body: list[list[object]] = []
    for r, row in enumerate(table.rows):
        cells: list[object] = []
        for i in positions:
            kind = table.kind(r, i)
            if table.columns[i].kind is Kind.TEXT:
                cells.append(Paragraph(escape(_text(row[i], kind)), styles["cell"]))
            else:
                cells.append(_text(row[i], kind))
        body.append(cells)
    if empty:
        body.append(["(no rows)"] + [""] * (len(columns) - 1))
    widths = _widths(table, positions, size)
    result = Table([header, *body], colWidths=widths, repeatRows=1, hAlign="LEFT")
    commands: list[tuple[object, ...]] = [
        ("FONT", (0, 0), (-1, -1), FONT, size),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
        ("LINEBELOW", (0, -1), (-1, -1), 0.5, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef4")),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    for n, column in enumerate(columns):
        if column.kind is not Kind.TEXT:
            commands.append(("ALIGN", (n, 1), (n, -1), "RIGHT"))
    for r in range(1, len(body) + 1):
        if r % 2 == 0:
            commands.append(("BACKGROUND", (0, r), (-1, r), colors.HexColor("#f6f8fa")))
    result.setStyle(TableStyle(commands))
    return result


def _font_size(columns: list[Column]) -> float:
    """7 points; 6 for tables with many text columns (the methodology), so that words need not break."""
    return 6.0 if sum(c.kind is Kind.TEXT for c in columns) > 8 else 7.0


def _widths(table: ReportTable, positions: list[int], size: float = 7.0) -> list[float]:
    """Each column at least as wide as its longest word (numbers: longest value); text columns share the
    rest in proportion to their typical length, so long texts wrap and short ones do not break."""
    pad = 7.0
    minimum: dict[int, float] = {}
    weight: dict[int, float] = {}
    for i in positions:
        column = table.columns[i]
        values = [_text(row[i], table.kind(r, i)) for r, row in enumerate(table.rows)]
        header_words = max((_width(word, BOLD, size) for word in column.header.split()), default=0.0)
        if column.kind is Kind.TEXT:
            words = max((_width(word, FONT, size) for value in values for word in value.split()), default=0.0)
            minimum[i] = min(max(words, header_words, 12.0), 120.0) + pad
            lengths = sorted(_width(value, FONT, size) for value in values) or [0.0]
            weight[i] = max(lengths[len(lengths) * 3 // 4] - minimum[i], 0.0)
        else:
            longest = max((_width(value, FONT, size) for value in values), default=0.0)
            minimum[i] = max(longest, header_words, 22.0) + pad
    spare = WIDTH - sum(minimum.values())
    total_weight = sum(weight.values())
    widths = dict(minimum)
    if spare > 0 and total_weight > 0:
        for i, w in weight.items():
            widths[i] += spare * min(w / total_weight, 1.0)
    scale = min(1.0, WIDTH / sum(widths.values()))
    return [widths[i] * scale for i in positions]


def _width(text: str, font: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, font, size)


def _text(value: Cell, kind: Kind) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value
    if kind is Kind.COUNT:
        return f"{value:,.0f}"
    if kind is Kind.INTEGER:
        return f"{value:.0f}"
    if kind is Kind.PERCENT:
        return f"{value:.1f}"
    if kind is Kind.RATE:
        return f"{value:.2f}"
    return f"{value:g}" if isinstance(value, float) else str(value)
