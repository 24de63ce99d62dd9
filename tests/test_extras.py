"""The core install grades without the extras; a command that needs one says which, in a line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from autograder.cli import Exit, main
from autograder.extras import EXTRAS, MissingExtra, require

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("nbgrader", "nbclient", "ipykernel", "dask", "distributed", "psycopg", "jupyter_server", "nbconvert")


@pytest.fixture
def without(monkeypatch):
    """Make modules unimportable, as on a core install."""
    def hide(*modules: str) -> None:
        for module in modules:
            monkeypatch.setitem(sys.modules, module, None)
    return hide


def test_require_names_the_extra_and_how_to_install_it(without):
    without("distributed")
    with pytest.raises(MissingExtra) as caught:
        require("cluster", "--cluster")
    message = str(caught.value)
    assert "\n" not in message
    assert message == ("--cluster needs the cluster extra (distributed not installed): "
                       "pip install 'nlp-autograder[cluster]'")
    require("nbgrader", "--nbgrader")  # installed here: no complaint


@pytest.mark.parametrize("argv, extra", [
    (["grade", "a4_bleu", "examples/a4_bleu/alice", "--cluster", "tcp://127.0.0.1:1", "--no-gradebook"], "cluster"),
    (["grade", "a4_bleu", "--nbgrader", "somewhere", "--no-gradebook"], "nbgrader"),
    (["show", "--gradebook", "postgresql+psycopg://nobody@localhost/course"], "postgres"),
])
def test_a_command_without_its_extra_stops_with_one_line(argv, extra, without, capsys):
    without(*EXTRAS[extra])
    assert main(argv) == Exit.USAGE
    err = " ".join(capsys.readouterr().err.split())
    assert f"pip install 'nlp-autograder[{extra}]'" in err


def test_the_core_grades_and_checks_without_any_extra(tmp_path):
    """A fresh core install has none of the heavy packages: grading, checking and the
    reports never import them."""
    script = (
        "import sys\n"
        f"for name in {HEAVY!r}:\n"
        "    sys.modules[name] = None\n"
        "from autograder.cli import main\n"
        f"codes = [main(['grade', 'a4_bleu', 'examples/a4_bleu/alice', '--gradebook', 'sqlite:///{tmp_path}/g.db',"
        f" '--html', '{tmp_path}/html', '--junit', '{tmp_path}/j.xml']),"
        " main(['check', 'a4_bleu', 'solutions/a4_bleu/reference']),"
        " main(['show', 'a4_bleu', '--gradebook', 'sqlite:///" + str(tmp_path) + "/g.db'])]\n"
        "assert codes == [0, 0, 0], codes\n"
        "loaded = [name for name in sys.modules if name.split('.')[0] in " + repr(HEAVY) + " and sys.modules[name]]\n"
        "assert not loaded, loaded\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    assert (tmp_path / "html" / "a4_bleu" / "alice.html").is_file()
