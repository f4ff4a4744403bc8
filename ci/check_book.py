#!/usr/bin/env python3
"""Check the mdBook sources in book/ against the chapter code in chapters-code/.

Usage:
    python3 ci/check_book.py [--root DIR] [--html DIR] [--require-html]

Every problem is printed as ``path:line: what is wrong and what to do`` and the
script exits 1 if there was at least one; otherwise it prints a one-line
summary and exits 0.  Standard library only (Python 3.11+, for tomllib).

Why this exists: mdBook 0.5.4 is lenient in exactly the places where a book
about code rots.  For ``{{#include file.rs:anchor}}`` with a missing anchor it
silently renders an empty code block; for a missing file it leaves the raw
``{{#include ...}}`` text in the page; in both cases ``mdbook build`` exits 0.
So this script parses the directives itself instead of trusting the build.

Rules
-----

1. Includes.  Every ``{{#include PATH}}``, ``{{#include PATH:ANCHOR}}``,
   ``{{#include PATH:N}}``, ``{{#include PATH:N:M}}`` and the same forms of
   ``{{#rustdoc_include ...}}`` in every .md under the book source directory
   (PATH is relative to the .md file's own directory, as in mdBook) must name
   an existing file.  A non-numeric ANCHOR must appear in that file as
   ``ANCHOR: name`` followed, on a later line, by ``ANCHOR_END: name`` (the
   names are matched exactly, the way mdBook matches them), and show at most
   MAX_LISTING_LINES lines (40).  A numeric start
   line past the end of the file is reported too, since it renders as an empty
   block.  As in mdBook, every occurrence counts, even inside code fences,
   unless it is escaped with a backslash: ``\\{{#include ...}}``.

2. No pasted Rust.  A fenced block whose info string starts with ``rust``
   (``rust``, ``rust,ignore``, ...) and has more than 3 non-blank lines must
   consist only of ``{{#include}}`` / ``{{#rustdoc_include}}`` lines, so the
   code shown is the code that compiles and is tested in chapters-code/.
   A block whose info string contains the word ``sketch``
   (``rust,ignore,sketch``) is a deliberate, uncompiled sketch; it is allowed
   and listed as a note so the sketches stay visible in review.

3. Mermaid.  If the rendered HTML directory exists (``--html``, default
   ROOT/target/book), each page's number of ```` ```mermaid ```` fences must
   equal the number of elements with class ``mermaid`` (mdbook-mermaid
   renders them as ``<pre class="mermaid">``) in the page's HTML
   (book/x/y.md -> DIR/x/y.html; README.md and index.md -> index.html).  A
   mismatch means the mermaid preprocessor did not run or the HTML is stale:
   without the preprocessor the diagram shows up as a plain code block.
   With ``--require-html`` a missing HTML directory is itself an error.

4. Run it.  A page whose file name starts with ``chNN-`` must mention
   ``chapters-code/NN-`` (the crate the chapter is about) and have a
   ``## Run it`` section.  In that section's fenced blocks, every
   ``cargo run|test|bench`` command must name an existing package with
   ``-p``/``--package`` (packages are read from every Cargo.toml under
   chapters-code/) and existing targets: ``--example NAME`` needs
   ``examples/NAME.rs``, ``examples/NAME/main.rs`` or an ``[[example]]``
   entry; ``--test NAME`` needs ``tests/NAME.rs``, ``tests/NAME/main.rs`` or
   a ``[[test]]`` entry; ``--bench NAME`` needs ``benches/NAME.rs``,
   ``benches/NAME/main.rs`` or a ``[[bench]]`` entry.  A command without
   ``-p`` is checked against all packages.  A reader copies these commands
   verbatim, so a renamed example must not leave a dead command behind.

5. SUMMARY.  Every link in SUMMARY.md must point to an existing file, and
   every .md under the book source directory (other than SUMMARY.md, and other
   than .md files that are only pulled into pages with ``{{#include}}``) must
   be linked from SUMMARY.md; mdBook does not render unlisted pages.
"""

from __future__ import annotations

import argparse
import html.parser
import re
import shlex
import sys
import tomllib
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

# --- Markdown helpers -------------------------------------------------------

# mdBook's own link regex: an escaped directive, or {{#type args}}.
DIRECTIVE_RE = re.compile(
    r"\\\{\{#.*\}\}"  # escaped: \{{#...}} renders literally
    r"|\{\{\s*#([a-zA-Z0-9_]+)\s+([^}]+)\}\}"
)
INCLUDE_TYPES = ("include", "rustdoc_include")
INCLUDE_LINE_RE = re.compile(
    r"^\s*\{\{\s*#(?:include|rustdoc_include)\s+[^}]+\}\}\s*$"
)
# The longest listing an anchor may show (marker lines not counted).
MAX_LISTING_LINES = 40

# mdBook's anchor regexes (mdbook utils: take_anchored_lines).
ANCHOR_START_RE = re.compile(r"ANCHOR:\s*(?P<name>[\w-]+)")
ANCHOR_END_RE = re.compile(r"ANCHOR_END:\s*(?P<name>[\w-]+)")

FENCE_OPEN_RE = re.compile(r"^(\s*)(`{3,}|~{3,})(.*)$")
HEADING_RE = re.compile(r"^ {0,3}(#{1,6})(?:\s+(.*?))?\s*$")
RUN_IT_RE = re.compile(r"^ {0,3}##\s+Run it\s*#*\s*$")
CHAPTER_FILE_RE = re.compile(r"^ch(\d{2})-.*\.md$")
CHAPTER_DIR_RE = re.compile(r"chapters-code/(\d{2}-[A-Za-z0-9_-]+)")
SUMMARY_LINK_RE = re.compile(r"\[([^\]]*)\]\(([^)]*)\)")
HTML_COMMENT_RE = re.compile(r"<!--.*?-->", re.DOTALL)


@dataclass
class Fence:
    """A fenced code block: line numbers are 1-based."""

    start: int  # line of the opening fence
    end: int  # line of the closing fence (or last line if unclosed)
    info: str  # info string, stripped
    body: list[str]  # lines between the fences
    closed: bool

    @property
    def words(self) -> list[str]:
        """Info string split on commas and whitespace, like mdBook does."""
        return [w for w in re.split(r"[,\s]+", self.info) if w]

    @property
    def lang(self) -> str:
        return self.words[0] if self.words else ""


def parse_fences(lines: list[str]) -> list[Fence]:
    """Find fenced code blocks (``` or ~~~), CommonMark-style.

    Indentation is accepted at any depth so that fences inside list items are
    found too.  A fence closes on a line of the same character that is at
    least as long as the opening one and has nothing else on it.
    """
    fences = []
    i = 0
    while i < len(lines):
        m = FENCE_OPEN_RE.match(lines[i])
        if not m or (m.group(2)[0] == "`" and "`" in m.group(3)):
            i += 1
            continue
        marker = m.group(2)
        close_re = re.compile(
            r"^\s*" + re.escape(marker[0]) + "{" + str(len(marker)) + r",}\s*$"
        )
        j = i + 1
        while j < len(lines) and not close_re.match(lines[j]):
            j += 1
        closed = j < len(lines)
        fences.append(
            Fence(
                start=i + 1,
                end=j + 1 if closed else len(lines),
                info=m.group(3).strip(),
                body=lines[i + 1 : j],
                closed=closed,
            )
        )
        i = j + 1
    return fences


def fenced_line_numbers(fences: list[Fence]) -> set[int]:
    """1-based line numbers that belong to a fence (including the fences)."""
    inside = set()
    for f in fences:
        inside.update(range(f.start, f.end + 1))
    return inside


# --- Reporting --------------------------------------------------------------


@dataclass
class Report:
    root: Path
    problems: list[tuple[str, int, str]] = field(default_factory=list)
    notes: list[tuple[str, int, str]] = field(default_factory=list)

    def rel(self, path: Path) -> str:
        try:
            return str(path.resolve().relative_to(self.root))
        except ValueError:
            return str(path)

    def error(self, path: Path, line: int, message: str) -> None:
        self.problems.append((self.rel(path), line, message))

    def note(self, path: Path, line: int, message: str) -> None:
        self.notes.append((self.rel(path), line, message))

    @staticmethod
    def lines(entries: list[tuple[str, int, str]]) -> list[str]:
        """``path:line: message`` strings, sorted by path then line."""
        ordered = sorted(entries, key=lambda e: (e[0], e[1]))
        return [f"{path}:{line}: {message}" for path, line, message in ordered]


# --- Rule 1: includes -------------------------------------------------------


def parse_include_args(args: str) -> tuple[str, str | None, int | None]:
    """Split ``PATH[:ANCHOR | :N | :N:M]`` the way mdBook does.

    Returns (path, anchor, start_line); anchor is None for a line range,
    start_line is None when there is no numeric start.
    """
    target = args.split()[0]
    path, _, rest = target.partition(":")
    if not rest:
        return path, None, None
    first = rest.split(":")[0]
    if first == "":
        return path, None, None
    if first.isdigit():
        return path, None, int(first)
    return path, first, None


def check_anchor(report: Report, md: Path, line: int, target: Path, anchor: str,
                 directive: str) -> None:
    text = target.read_text(encoding="utf-8", errors="replace").splitlines()
    start = end_before = None
    for n, src_line in enumerate(text, start=1):
        m = ANCHOR_START_RE.search(src_line)
        if m and m.group("name") == anchor and start is None:
            start = n
            continue
        m = ANCHOR_END_RE.search(src_line)
        if m and m.group("name") == anchor:
            if start is not None:
                shown = [t for t in text[start:n - 1]
                         if not ANCHOR_START_RE.search(t) and not ANCHOR_END_RE.search(t)]
                if len(shown) > MAX_LISTING_LINES:
                    report.error(md, line,
                                 f"{directive}: the listing is {len(shown)} lines long "
                                 f"({report.rel(target)}:{start}); a listing shows one idea "
                                 f"in at most {MAX_LISTING_LINES} lines: split it into "
                                 f"anchors of its own, or move plumbing out of the anchor")
                return  # found a start followed by an end
            end_before = end_before or n
    where = report.rel(target)
    if start is None and end_before is None:
        report.error(md, line,
                     f"{directive}: anchor '{anchor}' not found in {where}; "
                     f"add '// ANCHOR: {anchor}' and '// ANCHOR_END: {anchor}' "
                     f"around the code, or fix the anchor name "
                     f"(mdBook would silently render an empty block)")
    elif start is None:
        report.error(md, line,
                     f"{directive}: {where}:{end_before} has "
                     f"'ANCHOR_END: {anchor}' but no 'ANCHOR: {anchor}' "
                     f"before it; add the start marker above the code")
    else:
        report.error(md, line,
                     f"{directive}: {where}:{start} has 'ANCHOR: {anchor}' "
                     f"but no 'ANCHOR_END: {anchor}' after it; add the end "
                     f"marker below the code")


def check_includes(report: Report, md: Path, text: str) -> tuple[int, set[Path]]:
    """Rule 1.  Returns the number of includes and the files they name."""
    count = 0
    targets = set()
    for m in DIRECTIVE_RE.finditer(text):
        kind = m.group(1)
        if kind not in INCLUDE_TYPES:
            continue  # escaped directive, or {{#title}}, {{#playground}}...
        count += 1
        line = text.count("\n", 0, m.start()) + 1
        directive = m.group(0).replace("\n", " ")
        path, anchor, start_line = parse_include_args(m.group(2))
        target = (md.parent / path).resolve()
        if not target.is_file():
            report.error(md, line,
                         f"{directive}: file {report.rel(target)} does not "
                         f"exist (path is relative to {report.rel(md.parent)}/); "
                         f"fix the path (mdBook would leave the raw directive "
                         f"in the page)")
            continue
        targets.add(target)
        if anchor is not None:
            check_anchor(report, md, line, target, anchor, directive)
        elif start_line is not None:
            n_lines = len(target.read_text(encoding="utf-8",
                                           errors="replace").splitlines())
            if start_line > n_lines:
                report.error(md, line,
                             f"{directive}: line {start_line} is past the end "
                             f"of {report.rel(target)} ({n_lines} lines); "
                             f"prefer an ANCHOR over line numbers")
    return count, targets


# --- Rule 2: no pasted Rust -------------------------------------------------


def check_rust_blocks(report: Report, md: Path, fences: list[Fence]) -> None:
    for f in fences:
        if f.lang != "rust":
            continue
        if "sketch" in f.words:
            report.note(md, f.start, f"sketch block allowed (```{f.info})")
            continue
        non_blank = [ln for ln in f.body if ln.strip()]
        if len(non_blank) <= 3:
            continue
        if all(INCLUDE_LINE_RE.match(ln) for ln in non_blank):
            continue
        sketch_info = f.info if "ignore" in f.words else f.info + ",ignore"
        pasted = next(n for n, ln in enumerate(f.body, start=f.start + 1)
                      if ln.strip() and not INCLUDE_LINE_RE.match(ln))
        report.error(md, f.start,
                     f"```{f.info} block has {len(non_blank)} lines of pasted "
                     f"Rust (first at line {pasted}); move the code into "
                     f"chapters-code/ and show it with {{{{#include "
                     f"FILE:ANCHOR}}}}, or mark a deliberate uncompiled "
                     f"sketch with ```{sketch_info},sketch")


# --- Rule 3: mermaid --------------------------------------------------------


class MermaidCounter(html.parser.HTMLParser):
    """Counts elements that have class ``mermaid``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.count = 0

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "class" and value and "mermaid" in value.split():
                self.count += 1
                return


def html_path_for(page: Path, book_dir: Path, html_dir: Path) -> Path:
    rel = page.relative_to(book_dir)
    if rel.name.lower() in ("readme.md", "index.md"):
        return html_dir / rel.parent / "index.html"
    return html_dir / rel.with_suffix(".html")


def check_mermaid(report: Report, page: Path, book_dir: Path, html_dir: Path,
                  fences: list[Fence]) -> None:
    blocks = [f for f in fences if f.lang == "mermaid"]
    source_count = len(blocks)
    line = blocks[0].start if blocks else 1
    html_file = html_path_for(page, book_dir, html_dir)
    if not html_file.is_file():
        if source_count:
            report.error(page, line,
                         f"page has {source_count} mermaid block(s) but "
                         f"{report.rel(html_file)} does not exist; run "
                         f"`mdbook build` and check the page is in SUMMARY.md")
        return
    counter = MermaidCounter()
    counter.feed(html_file.read_text(encoding="utf-8", errors="replace"))
    counter.close()
    if counter.count != source_count:
        report.error(page, line,
                     f"{source_count} ```mermaid block(s) in the source but "
                     f"{counter.count} rendered diagram(s) (class=\"mermaid\") "
                     f"in {report.rel(html_file)}; check that the "
                     f"[preprocessor.mermaid] is configured in book.toml and "
                     f"rebuild with `mdbook build`")


# --- Rule 4: Run it ---------------------------------------------------------


@dataclass
class Package:
    name: str
    dir: Path
    manifest: dict

    def has_target(self, kind: str, name: str) -> bool:
        """kind is 'example', 'test' or 'bench'."""
        folder = {"example": "examples", "test": "tests", "bench": "benches"}[kind]
        if (self.dir / folder / f"{name}.rs").is_file():
            return True
        if (self.dir / folder / name / "main.rs").is_file():
            return True
        return any(t.get("name") == name for t in self.manifest.get(kind, []))


def load_packages(report: Report, code_dir: Path) -> dict[str, Package]:
    packages = {}
    for manifest_path in sorted(code_dir.rglob("Cargo.toml")):
        if "target" in manifest_path.relative_to(code_dir).parts:
            continue
        try:
            manifest = tomllib.loads(manifest_path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as e:
            m = re.search(r"at line (\d+)", str(e))
            report.error(manifest_path, int(m.group(1)) if m else 1,
                         f"cannot parse TOML: {e}; fix the manifest")
            continue
        name = manifest.get("package", {}).get("name")
        if name:
            packages[name] = Package(name, manifest_path.parent, manifest)
    return packages


SHELL_SEPARATORS = {"&&", "||", ";", "|", "&", ";;"}
PROMPTS = {"$", "%", ">"}
TARGET_FLAGS = {"--example": "example", "--test": "test", "--bench": "bench"}


def shell_commands(block_lines: list[tuple[int, str]]):
    """Yield (line, tokens) for each shell command in a fenced block.

    Joins backslash continuations, strips comments, a leading prompt
    (``$ ``) and ``VAR=value`` prefixes, and splits on ``&&``, ``;``, ``|``.
    """
    joined: list[tuple[int, str]] = []
    pending, pending_line = "", 0
    for n, text in block_lines:
        if not pending:
            pending_line = n
        if text.rstrip().endswith("\\"):
            pending += text.rstrip()[:-1] + " "
            continue
        joined.append((pending_line, pending + text))
        pending = ""
    if pending:
        joined.append((pending_line, pending))

    for n, text in joined:
        lexer = shlex.shlex(text, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        try:
            tokens = list(lexer)
        except ValueError:  # unbalanced quotes: likely program output
            continue
        command: list[str] = []
        for tok in tokens + [";"]:
            if tok in SHELL_SEPARATORS:
                while command and (command[0] in PROMPTS
                                   or re.match(r"^[A-Za-z_]\w*=", command[0])):
                    command.pop(0)
                if command:
                    yield n, command
                command = []
            else:
                command.append(tok)


def parse_cargo(tokens: list[str]):
    """For ``cargo [+toolchain] run|test|bench ...`` return
    (subcommand, packages, [(kind, name)]); otherwise None."""
    if not tokens or tokens[0] != "cargo":
        return None
    rest = [t for t in tokens[1:] if not t.startswith("+")]
    if not rest or rest[0] not in ("run", "test", "bench"):
        return None
    sub, args = rest[0], rest[1:]
    if "--" in args:
        args = args[: args.index("--")]
    packages, targets = [], []
    i = 0
    while i < len(args):
        arg = args[i]
        value = args[i + 1] if i + 1 < len(args) else None
        flag, eq, inline = arg.partition("=")
        if arg in ("-p", "--package"):
            if value:
                packages.append(value)
            i += 2
            continue
        if flag == "--package" and eq:
            packages.append(inline)
        elif arg.startswith("-p") and len(arg) > 2:
            packages.append(arg[2:])
        elif flag in TARGET_FLAGS and eq:
            targets.append((TARGET_FLAGS[flag], inline))
        elif arg in TARGET_FLAGS:
            if value and not value.startswith("-"):
                targets.append((TARGET_FLAGS[arg], value))
                i += 2
                continue
        i += 1
    return sub, packages, targets


def run_it_sections(lines: list[str], fenced: set[int]) -> list[tuple[int, int]]:
    """(first, last) 1-based line ranges of each ``## Run it`` section."""
    sections = []
    start = None
    for n, text in enumerate(lines, start=1):
        if n in fenced:
            continue
        m = HEADING_RE.match(text)
        if not m:
            continue
        if start is not None and len(m.group(1)) <= 2:
            sections.append((start, n - 1))
            start = None
        if RUN_IT_RE.match(text):
            start = n
    if start is not None:
        sections.append((start, len(lines)))
    return sections


def check_run_it(report: Report, page: Path, root: Path, lines: list[str],
                 fences: list[Fence], packages: dict[str, Package]) -> None:
    m = CHAPTER_FILE_RE.match(page.name)
    if not m:
        return
    nn = m.group(1)
    text = "\n".join(lines)
    if f"chapters-code/{nn}-" not in text:
        report.error(page, 1,
                     f"chapter page does not name its crate: mention "
                     f"chapters-code/{nn}-<topic>/ (e.g. in the Run it section)")
    for dm in CHAPTER_DIR_RE.finditer(text):
        if not (root / "chapters-code" / dm.group(1)).is_dir():
            line = text.count("\n", 0, dm.start()) + 1
            report.error(page, line,
                         f"chapters-code/{dm.group(1)} does not exist; fix "
                         f"the directory name")

    sections = run_it_sections(lines, fenced_line_numbers(fences))
    if not sections:
        report.error(page, 1,
                     "chapter page has no '## Run it' section; add one with "
                     "the cargo commands that run this chapter's code")
        return

    for first, last in sections:
        n_commands = 0
        for f in fences:
            if not (first < f.start <= last):
                continue
            body = list(enumerate(f.body, start=f.start + 1))
            for n, tokens in shell_commands(body):
                parsed = parse_cargo(tokens)
                if parsed is None:
                    continue
                n_commands += 1
                check_cargo_command(report, page, n, " ".join(tokens),
                                    parsed, packages)
        if n_commands == 0:
            report.error(page, first,
                         "'## Run it' section has no `cargo run`/`cargo "
                         "test`/`cargo bench` command in a fenced block; add "
                         "the command a reader should run")


def check_cargo_command(report: Report, page: Path, line: int, command: str,
                        parsed, packages: dict[str, Package]) -> None:
    sub, names, targets = parsed
    known = []
    for name in names:
        if name in packages:
            known.append(packages[name])
        else:
            choices = ", ".join(sorted(packages)) or "none found"
            report.error(page, line,
                         f"`{command}`: no package '{name}' under "
                         f"chapters-code/ (packages: {choices}); fix -p")
    if names and not known:
        return
    search = known or list(packages.values())
    for kind, target in targets:
        if any(p.has_target(kind, target) for p in search):
            continue
        folder = {"example": "examples", "test": "tests", "bench": "benches"}[kind]
        if known:
            where = ", ".join(report.rel(p.dir) for p in known)
        else:
            where = "any package under chapters-code/ (and no -p given)"
        report.error(page, line,
                     f"`{command}`: no {kind} '{target}' in {where}; expected "
                     f"{folder}/{target}.rs, {folder}/{target}/main.rs or a "
                     f"[[{kind}]] entry named '{target}'")


# --- Rule 5: SUMMARY --------------------------------------------------------


def summary_links(summary: Path) -> list[tuple[int, str]]:
    """(line, target) for each link in SUMMARY.md, ignoring HTML comments
    and draft chapters ``[Title]()``."""
    text = summary.read_text(encoding="utf-8")
    # Blank out comments but keep their newlines so line numbers stay right.
    text = HTML_COMMENT_RE.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    links = []
    for m in SUMMARY_LINK_RE.finditer(text):
        target = m.group(2).strip()
        if target.startswith("<") and ">" in target:
            target = target[1 : target.index(">")]
        else:
            target = target.split()[0] if target else ""
        target = urllib.parse.unquote(target.split("#")[0])
        if not target or "://" in target:
            continue
        links.append((text.count("\n", 0, m.start()) + 1, target))
    return links


def check_summary(report: Report, book_dir: Path, pages: list[Path],
                  included: set[Path]) -> None:
    summary = book_dir / "SUMMARY.md"
    linked = set()
    for line, target in summary_links(summary):
        path = (book_dir / target).resolve()
        if not path.is_file():
            report.error(summary, line,
                         f"link to {target} but {report.rel(path)} does not "
                         f"exist; fix the link or add the page")
        linked.add(path)
    for page in pages:
        if page.resolve() in linked or page.resolve() in included:
            continue
        report.error(page, 1,
                     f"page is not linked from {report.rel(summary)} so mdBook "
                     f"will not render it; add it to SUMMARY.md or delete it")


# --- Main -------------------------------------------------------------------


def book_source_dir(root: Path) -> Path:
    """book.toml's [book] src, or book/ when there is no book.toml yet."""
    book_toml = root / "book.toml"
    if book_toml.is_file():
        config = tomllib.loads(book_toml.read_text(encoding="utf-8"))
        return root / config.get("book", {}).get("src", "src")
    return root / "book"


def main(argv: list[str] | None = None) -> int:
    default_root = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=default_root,
                        help="workspace root (default: %(default)s)")
    parser.add_argument("--html", type=Path, default=None,
                        help="rendered book directory (default: ROOT/target/book)")
    parser.add_argument("--require-html", action="store_true",
                        help="fail if the rendered book directory is missing")
    args = parser.parse_args(argv)

    root = args.root.resolve()
    html_dir = (args.html or root / "target" / "book").resolve()
    report = Report(root)

    try:
        book_dir = book_source_dir(root)
    except tomllib.TOMLDecodeError as e:
        print(f"book.toml:1: cannot parse TOML: {e}")
        return 1
    summary = book_dir / "SUMMARY.md"
    if not summary.is_file():
        print(f"{report.rel(summary)}:1: missing; create the book's SUMMARY.md")
        return 1

    all_md = sorted(p for p in book_dir.rglob("*.md") if p.is_file())
    pages = [p for p in all_md if p.resolve() != summary.resolve()]
    packages = load_packages(report, root / "chapters-code")
    html_exists = html_dir.is_dir()
    if not html_exists and args.require_html:
        report.error(html_dir, 1,
                     "rendered book not found (--require-html); run "
                     "`mdbook build` first or pass --html DIR")

    # Includes first: .md files that are only included elsewhere are
    # fragments, not pages, and need no SUMMARY entry or HTML of their own.
    n_includes = n_mermaid = 0
    included: set[Path] = set()
    for md in all_md:
        count, targets = check_includes(report, md, md.read_text(encoding="utf-8"))
        n_includes += count
        included |= targets

    for md in all_md:
        lines = md.read_text(encoding="utf-8").splitlines()
        fences = parse_fences(lines)
        for f in fences:
            if not f.closed:
                report.error(md, f.start,
                             f"code fence ```{f.info} is never closed; add "
                             f"the closing fence")
        if md not in pages:
            continue
        check_rust_blocks(report, md, fences)
        mermaid = sum(1 for f in fences if f.lang == "mermaid")
        n_mermaid += mermaid
        if html_exists and md.resolve() not in included:
            check_mermaid(report, md, book_dir, html_dir, fences)
        check_run_it(report, md, root, lines, fences, packages)

    check_summary(report, book_dir, pages, included)

    for note in report.lines(report.notes):
        print(f"note: {note}")
    for problem in report.lines(report.problems):
        print(problem)
    if report.problems:
        print(f"check_book: {len(report.problems)} problem(s) found")
        return 1
    html_note = "" if html_exists else " (no rendered HTML, mermaid not compared)"
    print(f"check_book: {len(pages)} pages, {n_includes} includes, "
          f"{n_mermaid} mermaid blocks: ok{html_note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
