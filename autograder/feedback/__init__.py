"""One grading result, many renderings: Gradescope JSON and terminal tables."""
