"""The demo loader: a handler for every step action the data uses, and broken data refused
with a clear message before anything is written."""

import shutil

import pytest
from django.core.management import CommandError, call_command

from demo import content
from demo.content import DemoError, load_demo
from demo.loader import STEP_HANDLERS, seed

pytestmark = pytest.mark.django_db

CELIAC = "04-celiac-disease-iron-b12-testing.md"


@pytest.fixture
def data_dir(tmp_path):
    """A copy of the demo data, to break."""
    return shutil.copytree(content.DATA_DIR, tmp_path / "data")


def edit(path, old, new):
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_the_step_handlers_are_exactly_the_step_actions_the_data_uses():
    used = {step["action"] for article in load_demo().articles for step in article.steps}
    assert used == set(STEP_HANDLERS)


def test_an_unknown_step_action_is_refused_by_name_before_any_query(
    data_dir, django_assert_num_queries
):
    edit(data_dir / "articles" / CELIAC, 'action = "submit"', 'action = "publish"')
    demo = load_demo(data_dir)
    with django_assert_num_queries(0), pytest.raises(DemoError) as error:
        seed(demo)
    assert f"{CELIAC}: unknown step action 'publish' (known: submit, assign," in str(error.value)


def test_a_broken_citation_is_refused_before_any_query(data_dir, django_assert_num_queries):
    edit(data_dir / "articles" / CELIAC, "malabsorption [3]", "malabsorption [4]")
    demo = load_demo(data_dir)
    with django_assert_num_queries(0), pytest.raises(DemoError) as error:
        seed(demo)
    assert str(error.value).splitlines()[1:] == [
        f"  {CELIAC} revision 1: cites missing references [4]",
        f"  {CELIAC} revision 1: never cites references [3]",
    ]


def test_a_broken_revision_file_is_named_with_its_revision(data_dir):
    revision = data_dir / "articles" / "revisions" / "iron-testing-restless-legs-syndrome-2.md"
    edit(revision, "[1, 2, 4]", "[1, 2, 5]")
    with pytest.raises(DemoError, match="revision 2: cites missing references \\[5\\]"):
        seed(load_demo(data_dir))


def test_seed_demo_reports_broken_data_as_a_command_error(data_dir, monkeypatch):
    edit(data_dir / "references.toml", 'doi = "10.1056/NEJMcp1113996"', 'doi = "not a doi"')
    monkeypatch.setattr(content, "DATA_DIR", data_dir)
    with pytest.raises(CommandError, match="Demo content is inconsistent") as error:
        call_command("seed_demo", force=True, verbosity=0)
    assert "01-vitamin-b12-deficiency-restless-legs.md revision 1 reference 4" in str(error.value)


def test_an_undefined_reference_key_is_refused_when_the_files_are_read(data_dir):
    edit(data_dir / "articles" / CELIAC, '"nice-ng239-2024"', '"nice-ng999"')
    with pytest.raises(DemoError, match=f"{CELIAC}: references.toml has no nice-ng999"):
        load_demo(data_dir)
