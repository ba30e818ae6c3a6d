"""What the Python interop drivers (scripts/*_interop.py) share: a check that
can fail, and a run of checks that prints one line per check and the tally."""

import sys
import traceback


class CheckFailed(Exception):
    """An expectation of a check did not hold; its text says which."""


def expect(cond, what):
    if not cond:
        raise CheckFailed(what)


class Checks:
    """checks(name, fn) runs fn and prints `ok   NAME: DETAIL` (fn's result)
    or `FAIL NAME: WHY`; summary() prints `N passed, M failed` and returns the
    exit status. describe(exception) may put a client's own error in words
    (None: it is unexpected, and its traceback is printed)."""

    def __init__(self, describe=None):
        self.results = []
        self.describe = describe or (lambda e: None)

    def __call__(self, name, fn):
        try:
            detail = fn()
        except CheckFailed as e:
            self._fail(name, str(e))
        except Exception as e:  # a client's error or a bug here: report it and go on
            said = self.describe(e)
            self._fail(name, said if said is not None else "unexpected %s: %s" % (type(e).__name__, e))
            if said is None:
                traceback.print_exc(file=sys.stdout)
        else:
            self.results.append(True)
            print("ok   %s%s" % (name, ": " + detail if detail else ""), flush=True)

    def _fail(self, name, why):
        self.results.append(False)
        print("FAIL %s: %s" % (name, why), flush=True)

    def summary(self):
        passed = sum(self.results)
        failed = len(self.results) - passed
        print("%d passed, %d failed" % (passed, failed), flush=True)
        return 1 if failed else 0
