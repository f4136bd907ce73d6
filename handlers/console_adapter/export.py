"""`paperboy export markdown`: a day in the Korean archive's format, to stdout or to OUT/YYYY/MM/DD.md.

The format and its rules live in bot/export.py; this module only reads the arguments, asks the
service for the day, and says on stderr what the file could not hold.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO

from bot.export import export_markdown, write_export
from bot.service import PaperService


def add_export_parser(commands: Any, day: Any, language: Any) -> None:
    """The `export` subcommand; `commands` is the CLI's subparsers, `day` and `language` the
    argument types of the other commands."""
    export = commands.add_parser("export", help="write a day in the Korean archive's markdown format")
    export.add_argument("target", choices=["markdown"], help="the format (markdown: the archive's)")
    export.add_argument("--date", type=day, required=True, help="the day (YYYY-MM-DD)")
    export.add_argument(
        "--lang", type=language, default="ko", help="the summaries' language (default ko, as the archive)"
    )
    export.add_argument(
        "--out", type=Path, help="write OUT/YYYY/MM/DD.md (folders created) instead of stdout"
    )


async def run_export(
    args: argparse.Namespace, service: PaperService, out: TextIO = sys.stdout, err: TextIO = sys.stderr
) -> int:
    """0 when the day was written; 1 (one line on stderr) when there is no list for it."""
    papers = await service.day_list(args.date)
    if not papers:
        reason = (await service.top(args.date, 1)).empty_reason
        err.write(f"paperboy: {reason or f'no list for {args.date}'}\n")
        return 1
    export = export_markdown(args.date, papers, args.lang)
    if args.out is None:
        out.write(export.text)
    else:
        path = write_export(args.out, export)
        err.write(f"paperboy: wrote {export.papers} paper(s) to {path}\n")
    if export.other_language:
        err.write(
            f"paperboy: {len(export.other_language)} paper(s) kept the archive's own summary, "
            f"not in {args.lang}: {', '.join(export.other_language)}\n"
        )
    if export.without_summary:
        err.write(
            f"paperboy: {len(export.without_summary)} paper(s) have no summary in {args.lang} "
            f"and were written without sections: {', '.join(export.without_summary)}\n"
        )
    return 0
