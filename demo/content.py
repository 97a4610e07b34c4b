"""The demo as data: ``demo/data`` read into plain structures, and checked before any of
it is written. The files' format is described in ``demo/data/README.md``: TOML for
people, topics, policy and references; one Markdown file per article, with TOML front
matter between ``+++`` lines, and a file per later revision.
"""

import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

from django.core.exceptions import ValidationError

from articles.models import Reference
from articles.orcid import validate_orcid
from articles.rendering import cited_numbers
from editorial.roles import CHAIR_GROUP

DATA_DIR = Path(__file__).resolve().parent / "data"
FRONT_MATTER = "+++"
PLAIN_LANGUAGE = "<!-- plain-language version -->"
# The plain-language version's own summary and safety note, in the front matter.
PATIENT_FRONT_MATTER = ("patient_summary", "patient_safety_note")


class DemoError(Exception):
    """The demo cannot be loaded: its data is broken, or the database is not migrated."""


@dataclass(frozen=True)
class Content:
    """What one revision of an article says."""

    title: str
    summary: str
    body: str
    patient_body: str
    references: tuple[dict, ...]
    patient_summary: str = ""
    patient_safety_note: str = ""

    def fields(self):
        """The revision's content fields, as the article services take them."""
        return {
            "title": self.title,
            "summary": self.summary,
            "body": self.body,
            "patient_body": self.patient_body,
            "patient_summary": self.patient_summary,
            "patient_safety_note": self.patient_safety_note,
        }

    def numbered_references(self):
        """Reference dicts with their position: the data numbers them by list order."""
        return [{"position": n, **data} for n, data in enumerate(self.references, start=1)]


@dataclass(frozen=True)
class ArticleData:
    path: Path
    slug: str
    topic: str
    authors: list[str]
    content: Content  # the first revision; a step's ``content`` is a later one
    steps: list[dict]
    related: list[str]
    featured: bool

    def versions(self):
        """The content of each revision the steps create, the first one first."""
        return [self.content] + [step["content"] for step in self.steps if "content" in step]


@dataclass(frozen=True)
class Demo:
    password: str
    author: str  # the account that takes every author step (submit, revise, withdraw…)
    users: list[dict]
    board: list[dict]
    conflicts: list[dict]
    topics: list[dict]
    policy_text: str
    articles: list[ArticleData]

    @property
    def chair(self):
        """The username of the chair: the one account in the chair's group."""
        return next(user["username"] for user in self.users if user.get("group") == CHAIR_GROUP)

    @property
    def featured(self):
        return next((article.slug for article in self.articles if article.featured), None)


def load_demo(data_dir=None):
    """The demo in ``data_dir`` (by default ``demo/data``). Raises ``DemoError`` for a file
    that cannot be read or a reference key that ``references.toml`` does not define."""
    data_dir = Path(data_dir or DATA_DIR)
    people = _toml(data_dir / "people.toml")
    references = _toml(data_dir / "references.toml")
    articles_dir = data_dir / "articles"
    try:
        return Demo(
            password=people["password"],
            author=people["author"],
            users=people["users"],
            board=people["board"],
            conflicts=people.get("conflicts", []),
            topics=_toml(data_dir / "topics.toml")["topics"],
            policy_text=_toml(data_dir / "policy.toml")["text"],
            articles=[
                _article(path, articles_dir, references)
                for path in sorted(articles_dir.glob("*.md"))
            ],
        )
    except KeyError as error:
        raise DemoError(f"{data_dir}: a file lacks the key {error}") from error


def _read(path):
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise DemoError(f"{path}: {error}") from error


def _toml(path, text=None):
    try:
        return tomllib.loads(_read(path) if text is None else text)
    except tomllib.TOMLDecodeError as error:
        raise DemoError(f"{path}: {error}") from error


def _article(path, articles_dir, references):
    front, body, patient_body = _markdown(path)
    missing = [key for key in ("slug", "topic", "authors", "title", "summary") if key not in front]
    if missing:
        raise DemoError(f"{path}: the front matter lacks {', '.join(missing)}")
    first = Content(
        title=front["title"],
        summary=front["summary"],
        body=body,
        patient_body=patient_body or "",
        references=_references(path, front.get("references", []), references),
        **{field: front[field] for field in PATIENT_FRONT_MATTER if field in front},
    )
    steps, content = [], first
    for step in front.get("steps", []):
        if "content" in step:
            content = _revised(content, articles_dir / step["content"], references)
            step = {**step, "content": content}
        steps.append(step)
    return ArticleData(
        path=path,
        slug=front["slug"],
        topic=front["topic"],
        authors=front["authors"],
        content=first,
        steps=steps,
        related=front.get("related", []),
        featured=front.get("featured", False),
    )


def _revised(previous, path, references):
    """``previous`` with the changes the revision file at ``path`` makes."""
    front, body, patient_body = _markdown(path)
    changes = {
        field: front[field]
        for field in ("title", "summary", *PATIENT_FRONT_MATTER)
        if field in front
    }
    if body:
        changes["body"] = body
    if patient_body is not None:
        changes["patient_body"] = patient_body
    if "references" in front:
        changes["references"] = _references(path, front["references"], references)
    return replace(previous, **changes)


def _markdown(path):
    """The front matter, the answer and the plain-language version (``None`` if the file
    has no such section) of the Markdown file at ``path``."""
    opening, _, rest = _read(path).partition(FRONT_MATTER + "\n")
    front, found, text = rest.partition("\n" + FRONT_MATTER + "\n")
    if opening or not found:
        raise DemoError(f"{path}: no front matter between {FRONT_MATTER} lines at the top")
    front = _toml(path, front)
    body, found, patient_body = text.partition(PLAIN_LANGUAGE)
    return front, _section(body), _section(patient_body) if found else None


def _section(text):
    text = text.strip("\n")
    return text + "\n" if text else ""


def _references(path, keys, references):
    unknown = [key for key in keys if key not in references]
    if unknown:
        raise DemoError(f"{path}: references.toml has no {', '.join(unknown)}")
    return tuple(references[key] for key in keys)


# Checks --------------------------------------------------------------------------------


def check(demo, *, actions):
    """Raise ``DemoError`` listing every problem in ``demo``, before anything is written: a
    dangling [n] or a bad DOI would otherwise be frozen into a locked revision, and a step
    no handler in ``actions`` knows would fail halfway."""
    problems = _people_problems(demo)
    for article in demo.articles:
        problems += _article_problems(demo, article, actions)
    if problems:
        raise DemoError("Demo content is inconsistent:\n  " + "\n  ".join(problems))


def _people_problems(demo):
    chairs = [user["username"] for user in demo.users if user.get("group") == CHAIR_GROUP]
    problems = [] if len(chairs) == 1 else [f'one user in "{CHAIR_GROUP}" wanted, got {chairs}']
    usernames = {user["username"] for user in demo.users}
    if demo.author not in usernames:
        problems.append(f"author {demo.author!r} is not a user")
    problems += [
        f"board member {member['username']!r} is not a user"
        for member in demo.board
        if member["username"] not in usernames
    ]
    for person in [*demo.users, *demo.board]:
        try:
            if person.get("orcid"):
                validate_orcid(person["orcid"])
        except ValidationError as error:
            problems.append(
                f"{person['username']}: ORCID iD {person['orcid']!r}: {error.messages[0]}"
            )
    return problems


def _article_problems(demo, article, actions):
    where = article.path.name
    problems = []
    if article.topic not in {topic["slug"] for topic in demo.topics}:
        problems.append(f"{where}: unknown topic {article.topic!r}")
    usernames = {user["username"] for user in demo.users}
    problems += [
        f"{where}: unknown author {name!r}" for name in article.authors if name not in usernames
    ]
    problems += [
        f"{where}: unknown step action {step.get('action')!r} (known: {', '.join(actions)})"
        for step in article.steps
        if step.get("action") not in actions
    ]
    for number, content in enumerate(article.versions(), start=1):
        problems += _citation_problems(f"{where} revision {number}", content)
    return problems


def _citation_problems(where, content):
    problems = []
    cited = set(cited_numbers(content.body))
    listed = set(range(1, len(content.references) + 1))
    if cited - listed:
        problems.append(f"{where}: cites missing references {sorted(cited - listed)}")
    if listed - cited:
        problems.append(f"{where}: never cites references {sorted(listed - cited)}")
    for data in content.numbered_references():
        try:
            Reference(**data).full_clean(
                exclude=["revision"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            problems.append(f"{where} reference {data['position']}: {error.messages}")
    return problems
