"""Attempts on which derive is wrong today: {id: what goes wrong}. The CI slice marks them
xfail(strict=True), so a fix shows up as an XPASS: then delete its line here."""

KNOWN_FAILURES = {
}
