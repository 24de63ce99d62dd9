"""The hostile suite on the weaker namespace layer this machine offers.

The main run (``test_hostile.py``) uses the strongest layer with warm workers, and
``test_as_user.py`` runs it as an ordinary user with a fresh interpreter per student
process; here it runs on ``unshare`` (namespaces without a filesystem view: the cases only
a filesystem view contains are left out there).
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from autograder.sandbox import isolation

from conftest import ROOT

CONFIGURATIONS = {
    "unshare, warm workers": {"AUTOGRADER_SANDBOX": "unshare", "AUTOGRADER_HOSTILE_WARM": "1"},
}


@pytest.mark.parametrize("name", list(CONFIGURATIONS))
def test_the_hostile_suite_holds(name):
    settings = CONFIGURATIONS[name]
    if not isolation.works(settings["AUTOGRADER_SANDBOX"]):
        pytest.skip(f"{settings['AUTOGRADER_SANDBOX']} does not work here")
    ran = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_hostile.py"],
                         cwd=ROOT, env={**os.environ, **settings}, capture_output=True, text=True, timeout=900)
    report = ran.stdout[-4000:] + ran.stderr[-2000:]
    assert ran.returncode == 0, report
    assert " passed" in ran.stdout and " failed" not in ran.stdout, report
