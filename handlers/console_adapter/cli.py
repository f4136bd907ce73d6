"""The `paperboy` command line: one-shot commands that print to the terminal or as JSON.

It is an adapter like the chat platforms: it parses arguments, calls bot.service, and renders.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot.cards import paper_card, paper_record
from bot.config import LLMSettings
from bot.delivery import DeliveryReport, EnqueueReport
from bot.errors import NotFoundError, UsageError
from bot.i18n import pick_language
from bot.ingest import IngestReport
from bot.models import MAX_VOTES, Paper, canonical_arxiv_id, language_code
from bot.platforms import NAMES
from bot.ports import StoreStats, SummaryStats
from bot.service import (
    DEFAULT_RELATED,
    MAX_DAY_PAPERS,
    MAX_LIST,
    PaperService,
    RelatedResult,
    related_view,
    search_view,
    top_view,
)
from bot.trending import DEFAULT_DAYS, MAX_DAYS, trending_view
from bot.views import days_view
from handlers.console_adapter.export import add_export_parser, run_export
from handlers.console_adapter.progress import ProgressBar
from handlers.console_adapter.render import render_card, render_days, render_digest
from handlers.console_adapter.text import PrintableWriter, Writer, printable, terminal_width

if TYPE_CHECKING:  # the writer (openai, pypdf) is imported only by `paperboy summarize`
    from bot.writer.summarizer import Summarizer

MAX_PROBLEMS_SHOWN = 50
MAX_DAY_COUNT = 500  # `top` and `render -n`: a whole day (the longest so far has 68); `all` has no cap
DB_HELP = (
    "SQLite database file (overrides PAPERBOY_DB_PATH); before or after the command. As a URL "
    "(PAPERBOY_DATABASE_URL), an absolute path takes four slashes: sqlite:////tmp/x.db"
)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (use YYYY-MM-DD, e.g. 2025-02-24)") from None


def _count(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= MAX_LIST:
        raise argparse.ArgumentTypeError(f"not a count from 1 to {MAX_LIST}: {text!r}")
    return int(text)


def _day_count(text: str) -> int:
    """How many papers of a day: 1 to MAX_DAY_COUNT, or `all` (the whole list)."""
    if text.lower() == "all":
        return MAX_DAY_PAPERS
    if not text.isdigit() or not 1 <= int(text) <= MAX_DAY_COUNT:
        raise argparse.ArgumentTypeError(f"not a count from 1 to {MAX_DAY_COUNT}, or all: {text!r}")
    return int(text)


def _trending_days(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= MAX_DAYS:
        raise argparse.ArgumentTypeError(f"not a number of days from 1 to {MAX_DAYS}: {text!r}")
    return int(text)


def _paper_ref(text: str) -> str:
    if canonical_arxiv_id(text) is None:
        raise argparse.ArgumentTypeError(
            f"not an arXiv id or link: {text!r} (e.g. 2502.15007 or https://arxiv.org/abs/2502.15007)"
        )
    return text


def _votes(text: str) -> int:
    """A vote floor; past MAX_VOTES no stored count could pass it (and PostgreSQL's int4 refuses it)."""
    if not text.isdigit() or int(text) > MAX_VOTES:
        raise argparse.ArgumentTypeError(f"not a vote count from 0 to {MAX_VOTES}: {text!r}")
    return int(text)


def _language(text: str) -> str:
    try:
        return language_code(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def _languages(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_language(code) for code in text.split(",") if code.strip()))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="paperboy", description="Hugging Face Daily Papers, with Korean summaries, in your chats."
    )
    parser.add_argument("--db", type=Path, help=DB_HELP)
    parser.add_argument("--version", action="version", version=f"paperboy {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ingest = commands.add_parser("ingest", help="read digest files, directories or URLs into the database")
    ingest.add_argument("targets", nargs="+", metavar="PATH_OR_URL")

    fetch = commands.add_parser("fetch-hf", help="fetch days from the Hugging Face daily_papers API")
    fetch.add_argument("--date", type=_day, required=True, help="the day (YYYY-MM-DD), or the first one")
    fetch.add_argument("--to", type=_day, help="the last day of a range (included)")

    top = commands.add_parser("top", help="the most-voted papers of a day")
    top.add_argument("--date", type=_day, help="the day (default: the latest)")
    top.add_argument(
        "-n", type=_day_count, default=10, help=f"how many (1-{MAX_DAY_COUNT} or all, default 10)"
    )
    top.add_argument("--min-votes", type=_votes, help="leave out papers with fewer votes")

    search = commands.add_parser("search", help="full-text search (English and Korean)")
    search.add_argument("query", nargs="+")
    search.add_argument("-n", type=_count, default=10, help="how many (1-50, default 10)")
    search.add_argument("--since", type=_day, help="only papers listed on or after this day")
    search.add_argument("--until", type=_day, help="only papers listed on or before this day")
    search.add_argument("--min-votes", type=_votes, help="leave out papers with fewer votes")

    paper = commands.add_parser("paper", help="one paper by arXiv id or arXiv/HF link")
    paper.add_argument("ref", metavar="ID", type=_paper_ref)

    trending = commands.add_parser("trending", help="the papers of the last days that gained the most votes")
    trending.add_argument("-n", type=_count, default=10, help="how many (1-50, default 10)")
    trending.add_argument(
        "--days", type=_trending_days, default=DEFAULT_DAYS,
        help=f"papers listed in the last D days of lists (1-{MAX_DAYS}, default {DEFAULT_DAYS})",
    )  # fmt: skip

    for sub in (top, search, paper, trending):
        sub.add_argument("--json", action="store_true", help="print a JSON array of papers")
        sub.add_argument(
            "--lang",
            type=_language,
            default="en",
            help="the summaries' language (en, ko, ja, ...; default en)",
        )

    # `paperboy related`: the nearest papers by content (bot/related.py)
    related = commands.add_parser("related", help="the papers nearest to one by content, and why")
    related.add_argument("ref", metavar="ID", type=_paper_ref)
    related.add_argument(
        "-n", type=_count, default=DEFAULT_RELATED, help=f"how many (1-{MAX_LIST}, default {DEFAULT_RELATED})"
    )
    related.add_argument(
        "--json", action="store_true", help="print a JSON array of papers with their scores and shared terms"
    )
    related.add_argument(
        "--lang", type=_language, default="en", help="the summaries' language (en, ko, ja, ...; default en)"
    )

    render = commands.add_parser("render", help="print the exact API calls a push of a day would make")
    render.add_argument("platform", choices=NAMES)
    render.add_argument("--date", type=_day, help="the day (default: the latest)")
    render.add_argument(
        "-n", type=_day_count, default=10, help=f"how many papers (1-{MAX_DAY_COUNT} or all, default 10)"
    )
    render.add_argument("--format", choices=["compact", "cards"], default="compact")
    render.add_argument("--lang", choices=["en", "ko"], default="en", help="the interface language")
    render.add_argument(
        "--summary-lang", type=_language, help="the summaries' language when another (ja, de, ...)"
    )
    render.add_argument(
        "--chat-id", default="CHAT_ID", help="the chat (Slack: channel) id to put in each call"
    )
    render.add_argument("--json", action="store_true", help="print a JSON array (the only output form)")

    push = commands.add_parser("push", help="send the pushes that are due now, then exit")
    push.add_argument("--now", action="store_true", help="treat every subscription as due now")
    push.add_argument(
        "--dry-run", action="store_true", help="show what would be sent; send and store nothing"
    )

    summarize = commands.add_parser(
        "summarize", help="write the missing summaries of a day (or days) with the LLM (PAPERBOY_LLM__*)"
    )
    when = summarize.add_mutually_exclusive_group()
    when.add_argument("--date", type=_day, help="the day (default: the latest)")
    when.add_argument("--since", type=_day, help="the first day of a range")
    summarize.add_argument("--until", type=_day, help="the last day of a range (default: today)")
    summarize.add_argument(
        "--lang", type=_languages, help="languages, comma-separated (default: PAPERBOY_SUMMARIES__LANGUAGES)"
    )
    summarize.add_argument("--force", action="store_true", help="rewrite the writer's summaries too")
    add_export_parser(commands, _day, _language)
    commands.add_parser("days", help="the days in the database")
    commands.add_parser("stats", help="what the database holds")
    commands.add_parser("migrate", help="bring the database schema up to date (every command does it too)")
    copy = commands.add_parser("copy", help="copy a SQLite database into an empty PostgreSQL database")
    copy.add_argument("--from", dest="source", required=True, help="sqlite:///path or a file path")
    copy.add_argument("--to", dest="target", required=True, help="postgresql://user:password@host/db")
    commands.add_parser("console", help="chat with the bot in this terminal")
    commands.add_parser("run", help="start the bot on every configured platform (console when none)")
    # `paperboy serve`: a feed-only deployment
    commands.add_parser(
        "serve", help="run the HTTP server alone: the Atom feeds, /healthz and /metrics (no chat, no push)"
    )
    for sub in commands.choices.values():  # `paperboy top --db x.db` as well as `paperboy --db x.db top`
        sub.add_argument("--db", type=Path, default=argparse.SUPPRESS, help=DB_HELP)
    return parser


def _version() -> str:
    try:
        return metadata.version("paperboy")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


def parse_arguments(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The parsed command line; arguments argparse cannot judge alone (an empty query, a range that
    ends before it starts, a day that has not come yet) exit 2 with the command's usage line."""
    parser = build_parser()
    args = parser.parse_args(argv)
    problem = _argument_problem(args)
    if problem is not None:
        subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        subparsers.choices[args.command].error(problem)  # exits 2
    return args


def _argument_problem(args: argparse.Namespace) -> str | None:
    if args.command == "search":
        if not " ".join(args.query).strip():
            return "QUERY is empty: give words to look for, e.g. paperboy search diffusion"
        if args.since and args.until and args.since > args.until:
            return f"--since {args.since} is after --until {args.until}"
    if args.command == "fetch-hf":
        last = args.to or args.date
        if args.date > last:
            return f"--date {args.date} is after --to {last}"
        today = datetime.now(UTC).date()
        if last > today:
            return f"{last} has not come yet (today is {today} in UTC): Hugging Face lists no future day"
    if args.command == "summarize" and args.since and args.until and args.since > args.until:
        return f"--since {args.since} is after --until {args.until}"
    return None


def _print_json(papers: list[Paper], out: TextIO) -> None:
    json.dump([paper_record(p) for p in papers], out, ensure_ascii=False, indent=2)
    out.write("\n")


def _print_report(report: IngestReport, out: Writer) -> None:
    attempted = report.sources + report.sources_failed
    read = f"{report.sources} of {attempted}" if report.sources_failed else str(report.sources)
    notes = [f"{report.days_empty} day(s) without papers"] if report.days_empty else []
    notes += [f"{report.failed_entries} paper(s) not stored"] if report.failed_entries else []
    out.write(
        f"Read {read} source(s): {report.days_added} day(s) added, {report.days_updated} updated; "
        f"{report.papers_added} paper(s) added, {report.papers_updated} updated"
        + "".join(f"; {note}" for note in notes)
        + ".\n"
    )
    if not report.changed and not report.failed:
        out.write("Nothing new: the database already had all of it.\n")
    for problem in report.problems[:MAX_PROBLEMS_SHOWN]:
        out.write(f"  problem: {problem}\n")
    if len(report.problems) > MAX_PROBLEMS_SHOWN:
        out.write(f"  ... and {len(report.problems) - MAX_PROBLEMS_SHOWN} more problem(s)\n")
    for error in report.errors:
        out.write(f"  not read: {error}\n")


async def run_command(args: argparse.Namespace, service: PaperService, out: TextIO = sys.stdout) -> int:
    """Carry out one parsed command (not console/run); returns the process exit code. Text goes out
    wrapped to the terminal's width and with control characters escaped; JSON as it is."""
    text = PrintableWriter(out)
    width = terminal_width(out)
    if args.command in ("ingest", "fetch-hf"):
        bar = ProgressBar()
        if args.command == "ingest":
            report = await service.ingest(args.targets, progress=bar)
        else:
            last = args.to or args.date
            bar(0, (last - args.date).days + 1, f"Hugging Face {args.date}")  # shown before the first day
            report = await service.fetch_hf(args.date, last, progress=bar)
        bar.finish()
        _print_report(report, text)
        return 1 if report.errors else 0
    if args.command == "top":
        result = await service.top(args.date, args.n, args.min_votes, most=MAX_DAY_PAPERS)
        if args.json:
            _print_json(result.papers, out)
        else:
            view = top_view(result, args.lang)
            text.write(render_digest(view, lang=pick_language(args.lang), width=width) + "\n")
        return 0 if result.papers else 1
    if args.command == "search":
        found = await service.search(
            " ".join(args.query), limit=args.n, since=args.since, until=args.until, min_votes=args.min_votes
        )
        if args.json:
            _print_json(found.page.papers, out)
        else:
            view = search_view(found, args.lang)
            text.write(render_digest(view, lang=pick_language(args.lang), width=width) + "\n")
        return 0
    if args.command == "paper":
        try:
            paper = await service.paper(args.ref)
        except NotFoundError:
            if args.json:  # still a JSON array on stdout; the error goes to stderr
                _print_json([], out)
            raise
        if args.json:
            _print_json([paper], out)
        else:
            card = paper_card(paper, args.lang)
            text.write(render_card(card, lang=pick_language(args.lang), width=width) + "\n")
        return 0
    if args.command == "trending":
        return await run_trending(args, service, out)
    if args.command == "related":
        return await _related(args, service, out, text, width)
    if args.command == "export":
        return await run_export(args, service, out)
    if args.command == "days":
        text.write(render_days(days_view(await service.days())) + "\n")
        return 0
    text.write(render_stats(await service.stats()) + "\n")
    text.write(render_summary_stats(await service.summary_stats()) + "\n")
    return 0


async def run_trending(args: argparse.Namespace, service: PaperService, out: TextIO) -> int:
    """`paperboy trending`: the list (or with --json each paper's record and the votes it gained);
    exit 1 when nothing gained votes, saying why (on stderr with --json)."""
    result = await service.trending(args.n, days=args.days)
    if args.json:
        records = [paper_record(trend.paper) | {"gained": trend.gained} for trend in result.page.trends]
        json.dump(records, out, ensure_ascii=False, indent=2)
        out.write("\n")
        if result.empty_reason is not None:
            print(f"paperboy: {printable(result.empty_reason.render())}", file=sys.stderr)
    else:
        view = trending_view(result, args.lang)
        PrintableWriter(out).write(
            render_digest(view, lang=pick_language(args.lang), width=terminal_width(out)) + "\n"
        )
    return 0 if result.page.trends else 1


async def _related(
    args: argparse.Namespace, service: PaperService, out: TextIO, text: Writer, width: int
) -> int:
    """`paperboy related ID`: the list with each paper's shared terms, or JSON records with the
    score and the shared terms; exit 1 for an unknown paper or when no paper is related."""
    try:
        result: RelatedResult = await service.related(args.ref, args.n)
    except NotFoundError:
        if args.json:  # still a JSON array on stdout; the error goes to stderr
            _print_json([], out)
        raise
    if args.json:
        records = [
            {**paper_record(near.paper), "score": near.score, "shared": list(near.shared)}
            for near in result.related
        ]
        json.dump(records, out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        view = related_view(result, args.lang)
        text.write(render_digest(view, lang=pick_language(args.lang), width=width) + "\n")
    return 0 if result.related else 1


def render_summary_stats(stats: SummaryStats) -> str:
    """Summaries by language and source, what the writer's cost, and why it failed."""
    languages = "; ".join(
        f"{language} " + ", ".join(f"{source} {count}" for source, count in sources.items())
        for language, sources in stats.by_language.items()
    )
    failures = ", ".join(f"{reason} ({count})" for reason, count in stats.failures.items()) or "none"
    return "\n".join(
        [
            f"summaries: {languages or 'none'}; {stats.unverified} unverified",
            f"writer tokens: {stats.tokens_in:,} in, {stats.tokens_out:,} out",
            f"writer failures: {failures}",
        ]
    )


def render_stats(stats: StoreStats) -> str:
    platforms = ", ".join(
        f"{name} {count}" for name, count in sorted(stats.subscriptions_by_platform.items())
    )
    errors = ", ".join(f"{reason} ({count})" for reason, count in stats.errors.items()) or "none"
    return "\n".join(
        [
            f"papers: {stats.papers}",
            f"days: {stats.days} ({stats.first_day or '-'} .. {stats.last_day or '-'})",
            f"subscriptions: {stats.subscriptions} ({platforms or 'none'}), {stats.paused} paused",
            f"last push: {stats.last_push or 'never'}",
            f"outbox: {stats.outbox_pending} pending, {stats.outbox_sent} sent, "
            f"{stats.outbox_failed} failed, {stats.outbox_dead} dead",
            f"errors: {errors}",
        ]
    )


def render_push(enqueued: EnqueueReport, report: DeliveryReport) -> str:
    """What `paperboy push` did, in one short paragraph."""
    return (
        f"Enqueued {enqueued.digests} push(es) and {enqueued.notes} note(s); delivered {report.pushes} "
        f"push(es) in {report.messages} message(s). Waited out {report.rate_limited} rate limit(s); "
        f"{report.retried} to retry later, {report.paused} paused, {report.dead} dead, "
        f"{report.rejected} message(s) rejected."
    )


def summarize_days(args: argparse.Namespace, latest: date | None, today: date) -> list[date]:
    """The days `paperboy summarize` works on: --date, the --since..--until range, or the latest."""
    if args.until is not None and args.since is None:
        raise UsageError(
            "--until goes with --since: paperboy summarize --since 2025-02-01 --until 2025-02-07"
        )
    if args.since is not None:
        until = args.until or today
        if until < args.since:
            raise UsageError(
                f"--since {args.since} is after --until {until}: "
                "paperboy summarize --since 2025-02-01 --until 2025-02-07"
            )
        return [args.since + timedelta(days=n) for n in range((until - args.since).days + 1)]
    day = args.date or latest
    return [day] if day else []


async def run_summarize(
    args: argparse.Namespace, summarizer: Summarizer, days: list[date], prices: LLMSettings, out: TextIO
) -> int:
    """`paperboy summarize`: a progress bar, then one line; exit 1 when any summary failed."""
    bar = ProgressBar()
    report = await summarizer.summarize_days(days, args.lang, force=args.force, progress=bar)
    bar.finish()
    for failure in report.failures[:MAX_PROBLEMS_SHOWN]:
        out.write(printable(f"  failed: {failure}\n"))
    if len(report.failures) > MAX_PROBLEMS_SHOWN:
        out.write(f"  ... and {len(report.failures) - MAX_PROBLEMS_SHOWN} more failure(s)\n")
    out.write(f"paperboy: {report.line(prices)}\n")
    return 1 if report.failed else 0
